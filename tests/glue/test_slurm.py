"""Launchers against a real one-node Slurm: tasks become jobs exactly once, a job's end the
scheduler decided (scancel, time limit) ends its task with Slurm's reason, an abort cancels the
job, and a restarted launcher follows its jobs again."""
from __future__ import annotations

import collections
import re
import time
from typing import Any

import pytest

from .conftest import Glue

pytestmark = pytest.mark.slow

HELLO = """
    import os, sys
    print(f"hello from slurm job {os.environ.get('SLURM_JOB_ID')}")
"""
HELLO_TRACKED = """
    import os
    from jupyter_ext import Task
    task = Task.init(project_name="ignored under an agent", task_name="ignored")
    print(f"hello from slurm job {os.environ.get('SLURM_JOB_ID')}")
    # its environment is recorded before it leaves, even on a machine too busy for the exit's time limit
    import time
    capture, deadline = getattr(task, "_capture_thread", None), time.monotonic() + 120
    while capture is not None and capture.ident is None and time.monotonic() < deadline:
        time.sleep(0.01)  # started by a background thread
    if capture is not None and capture.ident is not None:
        capture.join(120)
    task.flush(wait_for_uploads=True)
"""
SLEEPER = """
    import time
    print("started", flush=True)
    time.sleep(300)
"""


def test_ten_tasks_run_as_slurm_jobs_exactly_once_with_two_launchers(glue: Glue) -> None:
    # half of them record their environment (Task.init), which must keep the launcher's runtime.glue
    tasks = [glue.task(HELLO_TRACKED if i % 2 else HELLO, name=f"hello {i}") for i in range(10)]
    first = glue.launcher("--max-jobs", "3", "--once", name="glue-a")
    second = glue.launcher("--max-jobs", "3", "--once", name="glue-b")
    most: collections.Counter[str] = collections.Counter()
    while first.poll() is None or second.poll() is None:  # how many live jobs each launcher holds
        live = collections.Counter(glue.slurm("squeue", "-h", "-o", "%k").split("\n"))
        for launcher, count in live.items():
            most[launcher] = max(most[launcher], count)
        time.sleep(0.2)
    out = first.communicate(timeout=240)[0] + second.communicate(timeout=240)[0]
    assert most and all(count <= 3 for count in most.values()), most  # --max-jobs 3 each
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
        if tasks.index(row) % 2:
            assert "packages" in done.runtime  # the run's own environment, beside the launcher's record
        console = glue.console(row.id)
        assert console.count(f"hello from slurm job {record['job_id']}\n") == 1, console
        assert f"submitted as slurm job {record['job_id']}" in console


def test_scancel_marks_the_task_stopped_with_slurms_words(glue: Glue) -> None:
    row = glue.task(SLEEPER, name="cancelled")
    launcher = glue.launcher()
    job = glue.job_of(row.id)
    glue.slurm("scancel", job)
    # the scheduler's SIGTERM may reach the run first ("signal 15"); the launcher then says why
    done = glue.wait(row.id, lambda r: r.status_reason.startswith("slurm job"), 60, "ended by the launcher")
    assert done.status == "stopped", (done.status, done.status_reason)
    assert done.status_reason.startswith(f"slurm job {job} was cancelled"), done.status_reason
    assert "CANCELLED" in done.status_reason
    assert done.runtime["glue"]["phase"] == "cancelled"
    out = glue.stop(launcher)
    assert f"slurm job {job} cancelled" in out


def test_a_job_over_its_time_limit_fails_the_task_with_slurms_reason(glue: Glue) -> None:
    # the task asks for a 1-minute limit itself (glue/time), over the launcher's default
    row = glue.task(SLEEPER, name="too long", params={"time": "1"})
    launcher = glue.launcher("--time", "30")
    job = glue.job_of(row.id)
    assert "TimeLimit=00:01:00" in glue.slurm("scontrol", "show", "job", job)
    # the scheduler's SIGTERM reaches the run first (stopped, "signal 15"); the launcher then
    # reads why Slurm ended the job and says so
    done = glue.wait(row.id, lambda r: r.status_reason.startswith("slurm job"), 200, "ended by the launcher")
    assert done.status == "failed", (done.status, done.status_reason)
    assert done.status_reason.startswith(f"slurm job {job} ran over its time limit (TIMEOUT"), done.status_reason
    assert "started" in glue.console(row.id)
    glue.stop(launcher)


def test_aborting_in_the_sdk_cancels_the_job(glue: Glue) -> None:
    from jupyter_ext import Task

    row = glue.task(SLEEPER, name="aborted")
    launcher = glue.launcher()
    job = glue.job_of(row.id)
    Task.get_task(task_id=row.id).mark_stopped(status_message="enough")
    glue.wait(row.id, lambda r: "cancelled slurm job" in glue.console(r.id), 60, "with its job cancelled")
    deadline = time.monotonic() + 60
    while glue.slurm("squeue", "-h", "-j", job, "-o", "%T").strip() not in ("", "CANCELLED"):
        assert time.monotonic() < deadline, "the job still runs a minute after the abort"
        time.sleep(0.3)
    assert glue.slurm("squeue", "-h", "--states=all", "-j", job, "-o", "%T").strip() == "CANCELLED"
    done = glue.backend.get_task(row.id)
    assert done.status == "stopped" and done.status_message == "enough"  # the user's words are kept
    glue.stop(launcher)


def test_abort_of_a_task_while_its_job_is_pending_cancels_it_before_it_runs(glue: Glue) -> None:
    # the task asks Slurm to hold its job (glue/sbatch_args), so it stays pending until cancelled
    waiting = glue.task(SLEEPER, name="waits", params={"sbatch_args": "--hold"})
    launcher = glue.launcher()
    job = glue.job_of(waiting.id, running=False)
    row = glue.wait(waiting.id, lambda r: "pending" in r.status_message, 60, "pending")
    assert row.status_message == f"slurm job {job} pending (JobHeldUser)"  # Slurm's reason
    glue.backend.abort_task(waiting.id)
    glue.wait(waiting.id, lambda r: "cancelled slurm job" in glue.console(r.id), 60, "with its job cancelled")
    assert glue.backend.get_task(waiting.id).status == "stopped"
    assert "started" not in glue.console(waiting.id)  # it never ran
    assert glue.slurm("squeue", "-h", "--states=all", "-j", job, "-o", "%T").strip() == "CANCELLED"
    glue.stop(launcher)


def test_a_restarted_launcher_reattaches_to_its_jobs(glue: Glue) -> None:
    finishing = glue.task("""
        import time
        time.sleep(15)
        print("finished after the restart")
    """, name="finishes")
    cancelled = glue.task(SLEEPER, name="cancelled while away")
    first = glue.launcher()
    job_a, job_b = glue.job_of(finishing.id), glue.job_of(cancelled.id)
    out = glue.stop(first)
    assert first.returncode == 0 and "2 job(s) run on" in out, out
    assert glue.slurm("squeue", "-h", "-j", job_a, "-o", "%T").strip() == "RUNNING"  # the jobs ran on
    glue.slurm("scancel", job_b)  # ended while no launcher looked
    second = glue.launcher()
    assert glue.wait_status(finishing.id, {"completed"}).status == "completed"
    stopped = glue.wait_status(cancelled.id, {"stopped"})
    assert stopped.status_reason.startswith(f"slurm job {job_b} was cancelled")
    out = glue.stop(second)
    assert "re-attached to 2 job(s)" in out, out
    assert out.count("-> slurm job") == 0  # nothing submitted twice
    assert glue.console(finishing.id).count("finished after the restart") == 1
    assert "launcher restarted: following slurm job" in glue.console(finishing.id)
    for row in (finishing, cancelled):
        assert glue.backend.get_task(row.id).runtime["glue"]["job_id"] in (job_a, job_b)


def test_a_second_launcher_of_the_same_name_refuses_to_start(glue: Glue) -> None:
    first = glue.launcher()
    deadline = time.monotonic() + 30
    while not glue.backend.list_workers():
        assert time.monotonic() < deadline
        time.sleep(0.2)
    second = glue.launcher()
    out = second.communicate(timeout=60)[0]
    assert second.returncode == 2 and "already runs here" in out, out
    assert [w.id for w in glue.backend.list_workers()] == [w.id for w in glue.backend.list_workers()[:1]]
    glue.stop(first)


def test_a_job_slurm_refuses_fails_its_task_with_sbatchs_words(glue: Glue) -> None:
    refused = glue.task(HELLO, name="refused", tags=("glue/partition=no-such-partition",))
    unknown = glue.task(HELLO, name="unknown key", params={"partion": "debug"})
    fine = glue.task(HELLO, name="fine")
    launcher = glue.launcher("--once")
    out = launcher.communicate(timeout=120)[0]
    assert launcher.returncode == 0, out
    row = glue.backend.get_task(refused.id)
    assert row.status == "failed" and "invalid partition" in row.status_reason.lower(), row.status_reason
    assert row.status_reason.startswith("launcher: slurm refused the job: sbatch:")
    row = glue.backend.get_task(unknown.id)
    assert row.status == "failed" and "glue/partion is not a setting" in row.status_reason
    assert "glue/partition" in glue.console(unknown.id)
    assert glue.backend.get_task(fine.id).status == "completed"  # the queue goes on


def test_launcher_and_jobs_through_a_server(glue: Glue, db_url: str, tmp_path: Any) -> None:
    """A team's set-up: the store behind `jupyter track server`, reached with an API key by the
    launcher and by the agents in the jobs (the same REST routes as everything remote)."""
    from jupyter_ext.agent.create import script_spec
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    access, secret = server.create_key("glue tests")
    remote = HttpBackend(server.url, access, secret)
    try:
        rows = []
        for i in range(2):
            spec = script_spec(str(glue.runner.write(HELLO_TRACKED, f"remote_{i}.py")), {}, "", None)
            row = remote.create_task({"project": "Glue over HTTP", "name": f"remote {i}", "script": spec})
            remote.enqueue_task(row.id, "gpu", create_queue=True)
            rows.append(row)
        env = {"CLEARML_API_HOST": server.url, "CLEARML_API_ACCESS_KEY": access, "CLEARML_API_SECRET_KEY": secret}
        launcher = glue.launcher("--once", extra_env=env)
        out = launcher.communicate(timeout=180)[0]
        assert launcher.returncode == 0, out
        for row in rows:
            done = remote.get_task(row.id)
            assert done.status == "completed", (done.status, done.status_reason)
            assert done.runtime["glue"]["phase"] == "succeeded" and "packages" in done.runtime
            text = "".join(c["text"] for c in remote.get_console(row.id))
            assert text.count(f"hello from slurm job {done.runtime['glue']['job_id']}") == 1
        assert glue.backend.query_tasks(project_name="Glue over HTTP") == []  # nothing went to the local home
    finally:
        remote.close()
        server.stop()
