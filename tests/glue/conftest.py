"""A real one-node Slurm on 127.0.0.1 (tests/slurm_cluster.py) and launchers run as real processes
(``jupyter track glue slurm``) against the test's tracker home; the jobs run ``agent execute``."""
from __future__ import annotations

import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import slurm_cluster  # noqa: E402 - the cluster script sits in tests/, beside postgres_cluster.py

AGENT = f"{shlex.quote(sys.executable)} -m jupyter_ext.cli.main agent execute"


@pytest.fixture(scope="session")
def slurm_conf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """SLURM_CONF of a cluster started for this test session (skipped, saying why, where it cannot be)."""
    why = slurm_cluster.unavailable()
    if why:
        pytest.skip(why)
    folder = tmp_path_factory.mktemp("slurm")
    try:
        conf = slurm_cluster.start(str(folder))
    except (SystemExit, subprocess.CalledProcessError) as exc:
        slurm_cluster.stop(str(folder))
        pytest.skip(f"a one-node Slurm could not be started here: {exc}")
    yield conf
    slurm_cluster.stop(str(folder))


class Glue:
    """Tasks, launchers and Slurm commands against one test's home."""

    def __init__(self, run_py: Any, conf: str, backend: Any) -> None:
        self.runner = run_py
        self.conf = conf
        self.backend = backend
        self.procs: list[subprocess.Popen[str]] = []
        self.out_dir = run_py.workdir / "slurm-out"

    def env(self) -> dict[str, str]:
        return self.runner.env({"SLURM_CONF": self.conf})

    def task(self, code: str, *, name: str, queue: str = "gpu", tags: tuple[str, ...] = (),
             params: dict[str, str] | None = None) -> Any:
        from jupyter_ext.agent.create import create_script_task
        from jupyter_ext.store.rows import ParamRow

        path = self.runner.write(code, f"{name}.py")
        row = create_script_task(project="Glue tests", name=name, script=str(path), tags=tags)
        if params:
            self.backend.set_parameters(row.id, [ParamRow("glue", k, v, "str") for k, v in params.items()])
        self.backend.enqueue_task(row.id, queue, create_queue=True)
        return row

    def launcher(self, *args: str, name: str = "glue-test", queues: tuple[str, ...] = ("gpu",),
                 extra_env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        argv = [sys.executable, "-m", "jupyter_ext.cli.main", "glue", "slurm", "--queues", *queues, "--name", name,
                "--create-queue", "--polling-interval", "0.5", "--agent-command", AGENT,
                "--output-dir", str(self.out_dir), *args]
        proc = subprocess.Popen(argv, env={**self.env(), **(extra_env or {})}, cwd=self.runner.workdir,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        self.procs.append(proc)
        return proc

    def slurm(self, *argv: str) -> str:
        return subprocess.run(list(argv), env=self.env(), capture_output=True, text=True, check=True).stdout

    def wait(self, task_id: str, ready: Callable[[Any], bool], timeout: float = 120.0, what: str = "") -> Any:
        deadline = time.monotonic() + timeout
        while True:
            row = self.backend.get_task(task_id)
            if ready(row):
                return row
            if time.monotonic() > deadline:
                raise AssertionError(f"task {task_id} is {row.status!r} ({row.status_message!r}, "
                                     f"{row.status_reason!r}): not {what or 'ready'} after {timeout} s")
            time.sleep(0.2)

    def wait_status(self, task_id: str, wanted: set[str], timeout: float = 120.0) -> Any:
        return self.wait(task_id, lambda r: r.status in wanted, timeout, f"one of {wanted}")

    def job_of(self, task_id: str, running: bool = True, timeout: float = 60.0) -> str:
        row = self.wait(task_id, lambda r: bool((r.runtime.get("glue") or {}).get("job_id"))
                        and (not running or "running" in r.status_message), timeout, "with a running job")
        return str(row.runtime["glue"]["job_id"])

    def console(self, task_id: str) -> str:
        return "".join(c["text"] for c in self.backend.get_console(task_id))

    def stop(self, proc: subprocess.Popen[str], timeout: float = 60.0) -> str:
        if proc.poll() is None:
            proc.terminate()
        out, _ = proc.communicate(timeout=timeout)
        return out

    def close(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.communicate(timeout=10)
        names = self.slurm("squeue", "-h", "-o", "%i %j").split("\n")
        mine = [line.split()[0] for line in names if line.strip() and " track-" in line]
        if mine:  # jobs of a test that failed half-way must not hold the node for the next one
            subprocess.run(["scancel", *mine], env=self.env(), check=False)


@pytest.fixture
def glue(run_py: Any, slurm_conf: str) -> Iterator[Glue]:
    from jupyter_ext.sdk import _session as session

    made = Glue(run_py, slurm_conf, session.backend())
    yield made
    made.close()
