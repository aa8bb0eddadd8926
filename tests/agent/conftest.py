"""The agent against a real store: the embedded SQLite file of the test's home (``local``), and
a real standalone server on 127.0.0.1 over its own store (``http``). Daemons, ``execute`` and
scripts run as real child processes with the same settings a user would give them."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


class Stack:
    """One place tasks live, and how to run commands against it."""

    def __init__(self, kind: str, backend: Any, env: dict[str, str], runner: Any) -> None:
        self.kind = kind
        self.backend = backend
        self.extra_env = env
        self.runner = runner
        self.procs: list[subprocess.Popen[str]] = []

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = self.runner.env(self.extra_env)
        env.update(extra or {})
        return env

    def cli(self, *args: str, timeout: float = 120.0, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "jupyter_ext.cli.main", *args], env=self.env(),
                              cwd=cwd or self.runner.workdir, capture_output=True, text=True, timeout=timeout,
                              check=False)

    def start_cli(self, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", *args], env=self.env(),
                                cwd=self.runner.workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.procs.append(proc)
        return proc

    def script(self, code: str, *, name: str, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
        return self.runner.run(code, env=self.extra_env, name=name, args=args, timeout=120)

    def wait_status(self, task_id: str, wanted: set[str], timeout: float = 60.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            row = self.backend.get_task(task_id)
            if row.status in wanted:
                return row
            if time.monotonic() > deadline:
                raise AssertionError(f"task {task_id} is {row.status!r} ({row.status_message!r}), "
                                     f"not one of {wanted} after {timeout} s")
            time.sleep(0.1)

    def console(self, task_id: str) -> str:
        return "".join(c["text"] for c in self.backend.get_console(task_id))


def _local(runner: Any, tmp_path: Path, db_url: str) -> tuple[Any, dict[str, str], Callable[[], None]]:
    from jupyter_ext.sdk import _session as session

    backend = session.backend()  # the home's own store, as the CLI and the scripts open it
    return backend, {}, lambda: None


def _http(runner: Any, tmp_path: Path, db_url: str) -> tuple[Any, dict[str, str], Callable[[], None]]:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "blobs"))
    access, secret = server.create_key("agent tests")
    env = {"CLEARML_API_HOST": server.url, "CLEARML_API_ACCESS_KEY": access, "CLEARML_API_SECRET_KEY": secret}
    backend = HttpBackend(server.url, access, secret)

    def close() -> None:
        backend.close()
        server.stop()

    return backend, env, close


@pytest.fixture(params=[_local, _http], ids=["local", "http"])
def stack(request: pytest.FixtureRequest, run_py: Any, tmp_path: Path, db_url: str) -> Iterator[Stack]:
    backend, env, close = request.param(run_py, tmp_path, db_url)
    made = Stack(request.param.__name__.lstrip("_"), backend, env, run_py)
    yield made
    for proc in made.procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    close()


@pytest.fixture
def local_stack(run_py: Any, tmp_path: Path, db_url: str) -> Iterator[Stack]:
    backend, env, close = _local(run_py, tmp_path, db_url)
    made = Stack("local", backend, env, run_py)
    yield made
    for proc in made.procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    close()


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return False
