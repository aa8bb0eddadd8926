"""``jupyter track glue k8s`` end to end with the official client over real HTTP, against the
stand-in API of k8s_standin.py (no real API server can run here: see its docstring): tasks run
as Jobs exactly once with the pod log streamed into their consoles, Abort deletes the Job, a
deleted Job stops its task, an OOMKilled pod fails it, a restarted launcher re-attaches."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .k8s_standin import StandIn

pytest.importorskip("kubernetes", reason="the glue extra (pip install 'jupyter-ext[glue]')")
pytestmark = pytest.mark.slow

AGENT = f"{sys.executable} -m jupyter_ext.cli.main agent execute"
TEMPLATE = {"apiVersion": "v1", "kind": "Pod", "metadata": {"labels": {"team": "tests"}},
            "spec": {"containers": [{"name": "task", "image": "registry.example/ml/train:3.1",
                                     "command": ["/bin/sh", "-c"],
                                     "args": ["echo preparing the environment && {{ command }}"],
                                     "env": [{"name": "FROM_TEMPLATE", "value": "yes"}]}]}}
HELLO = """
    import os
    print(f"hello, template env {os.environ.get('FROM_TEMPLATE')}")
"""
SLEEPER = """
    import time
    print("started", flush=True)
    time.sleep(300)
"""


class Cluster:
    def __init__(self, run_py: Any, api: StandIn, backend: Any, template: Path) -> None:
        self.runner, self.api, self.backend, self.template = run_py, api, backend, template
        self.procs: list[subprocess.Popen[str]] = []

    def task(self, code: str, name: str) -> Any:
        from jupyter_ext.agent.create import create_script_task

        row = create_script_task(project="Glue k8s", name=name, script=str(self.runner.write(code, f"{name}.py")))
        self.backend.enqueue_task(row.id, "default")
        return row

    def launcher(self, *args: str) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "jupyter_ext.cli.main", "glue", "k8s", "--queues", "default", "--namespace",
                "ml", "--template", str(self.template), "--kubeconfig", self.api.kubeconfig, "--polling-interval",
                "0.5", "--agent-command", AGENT, *args]
        proc = subprocess.Popen(argv, env=self.runner.env(), cwd=self.runner.workdir, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        self.procs.append(proc)
        return proc

    def wait(self, task_id: str, ready: Any, what: str, timeout: float = 90.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            row = self.backend.get_task(task_id)
            if ready(row):
                return row
            if time.monotonic() > deadline:
                raise AssertionError(f"task {row.id} is {row.status} ({row.status_message!r}, "
                                     f"{row.status_reason!r}), not {what}; console:\n{self.console(task_id)}")
            time.sleep(0.2)

    def running(self, task_id: str) -> Any:
        return self.wait(task_id, lambda r: "started" in self.console(r.id), "running its script")

    def console(self, task_id: str) -> str:
        return "".join(c["text"] for c in self.backend.get_console(task_id))

    def stop(self, proc: subprocess.Popen[str]) -> str:
        if proc.poll() is None:
            proc.terminate()
        return proc.communicate(timeout=60)[0]


@pytest.fixture
def cluster(run_py: Any, tmp_path: Path) -> Iterator[Cluster]:
    from jupyter_ext.sdk import _session as session

    template = tmp_path / "pod.yaml"
    template.write_text(json.dumps(TEMPLATE))  # JSON is YAML
    with StandIn(run_py.env(), str(tmp_path)) as api:
        made = Cluster(run_py, api, session.backend(), template)
        yield made
        for proc in made.procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)


def test_tasks_run_as_jobs_once_with_the_pod_log_in_the_console(cluster: Cluster) -> None:
    rows = [cluster.task(HELLO, f"hello {i}") for i in range(3)]
    launcher = cluster.launcher("--max-pods", "2", "--once")
    out = launcher.communicate(timeout=240)[0]
    assert launcher.returncode == 0, out
    assert sorted(cluster.api.created) == sorted(f"track-{r.id}" for r in rows)  # one Job each
    for row in rows:
        done = cluster.backend.get_task(row.id)
        assert done.status == "completed", (done.status, done.status_reason, cluster.console(row.id))
        assert done.runtime["glue"]["job_id"] == f"track-{row.id}" and done.runtime["glue"]["phase"] == "succeeded"
        console = cluster.console(row.id)
        assert console.count("preparing the environment") == 1, console  # from the pod's log
        assert console.count("hello, template env yes") == 1  # from the agent: once, not echoed into the log
        job = cluster.api.jobs[f"track-{row.id}"]
        assert job["metadata"]["labels"]["jupyter-track/task-id"] == row.id
        assert job["spec"]["backoffLimit"] == 0 and job["spec"]["template"]["spec"]["restartPolicy"] == "Never"


def test_abort_deletes_the_job(cluster: Cluster) -> None:
    row = cluster.task(SLEEPER, "aborted")
    launcher = cluster.launcher()
    cluster.running(row.id)
    assert "k8s job track-" in cluster.backend.get_task(row.id).status_message
    cluster.backend.abort_task(row.id)
    cluster.wait(row.id, lambda r: f"track-{row.id}" in cluster.api.deleted, "with its Job deleted")
    assert cluster.wait(row.id, lambda r: r.status == "stopped", "stopped").status_reason.startswith("aborted")
    cluster.stop(launcher)


def test_a_deleted_job_stops_and_an_oom_killed_pod_fails_its_task(cluster: Cluster) -> None:
    deleted, oom = cluster.task(SLEEPER, "deleted"), cluster.task(SLEEPER, "oom")
    launcher = cluster.launcher()
    cluster.running(deleted.id)
    cluster.running(oom.id)
    cluster.api.jobs.pop(f"track-{deleted.id}")  # kubectl delete job, with the pod killed as Kubernetes does
    cluster.api.pods.pop(f"track-{deleted.id}").kill()
    cluster.api.oom(f"track-{oom.id}")
    stopped = cluster.wait(deleted.id, lambda r: r.status_reason.startswith("k8s job"), "ended by the launcher")
    assert (stopped.status, stopped.status_reason) == ("stopped", f"k8s job track-{deleted.id} was cancelled "
                                                                  "(the Job was deleted)")
    failed = cluster.wait(oom.id, lambda r: r.status_reason.startswith("k8s job"), "ended by the launcher")
    assert (failed.status, failed.status_reason) == ("failed", f"k8s job track-{oom.id} ran out of memory "
                                                               "(OOMKilled)")
    cluster.stop(launcher)


def test_a_restarted_launcher_reattaches_to_its_jobs(cluster: Cluster) -> None:
    row = cluster.task("""
        import time
        print("started", flush=True)
        time.sleep(12)
        print("finished after the restart", flush=True)
    """, "finishes")
    first = cluster.launcher()
    cluster.running(row.id)
    assert "1 job(s) run on" in cluster.stop(first)
    second = cluster.launcher()
    cluster.wait(row.id, lambda r: "launcher restarted" in cluster.console(r.id), "followed again")
    assert cluster.backend.get_task(row.id).status == "in_progress"  # re-attached mid-run
    done = cluster.wait(row.id, lambda r: r.runtime["glue"].get("phase") == "succeeded", "with its Job's end seen")
    assert done.status == "completed"
    out = cluster.stop(second)
    assert "re-attached to 1 job(s)" in out and cluster.api.created == [f"track-{row.id}"], out
    assert cluster.console(row.id).count("finished after the restart") == 1
