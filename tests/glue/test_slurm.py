"""Launchers against a real one-node Slurm: tasks become jobs exactly once, a job's end the
scheduler decided (scancel, time limit) ends its task with Slurm's reason, an abort cancels the
job, and a restarted launcher follows its jobs again."""
from __future__ import annotations

import collections
import re

import pytest

from .conftest import Glue

pytestmark = pytest.mark.slow

HELLO = """
    import os, sys
    print(f"hello from slurm job {os.environ.get('SLURM_JOB_ID')}")
"""
SLEEPER = """
    import time
    print("started", flush=True)
    time.sleep(300)
"""


def test_ten_tasks_run_as_slurm_jobs_exactly_once_with_two_launchers(glue: Glue) -> None:
    tasks = [glue.task(HELLO, name=f"hello {i}") for i in range(10)]
    first = glue.launcher("--max-jobs", "3", "--once", name="glue-a")
    second = glue.launcher("--max-jobs", "3", "--once", name="glue-b")
    out = first.communicate(timeout=240)[0] + second.communicate(timeout=240)[0]
    assert first.returncode == 0 and second.returncode == 0, out
    submitted = re.findall(r"task ([0-9a-f]{32}) \(.*\) -> slurm job (\d+)", out)
    assert sorted(t for t, _ in submitted) == sorted(t.id for t in tasks), out  # each task submitted once
    assert len({j for _, j in submitted}) == 10
    jobs_by_name = collections.Counter(glue.slurm("squeue", "-h", "--states=all", "-o", "%j").split())
    for row in tasks:
        done = glue.backend.get_task(row.id)
        assert done.status == "completed", (done.status, done.status_reason, glue.console(row.id))
        record = done.runtime["glue"]
        assert record["scheduler"] == "slurm" and record["phase"] == "succeeded"
        assert record["job_name"] == f"track-{row.id}" and jobs_by_name[f"track-{row.id}"] == 1
        assert done.worker in {record["launcher"]} and record["launcher"].endswith(("glue-a", "glue-b"))
        console = glue.console(row.id)
        assert console.count(f"hello from slurm job {record['job_id']}\n") == 1, console
        assert f"submitted as slurm job {record['job_id']}" in console
