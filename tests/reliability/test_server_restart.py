"""A server killed with SIGKILL mid-run and started again: the run keeps logging (its reports wait
in the spool), and once the server is back every point, the console and the final status arrive."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

_SERVER = """
import sys
from jupyter_ext.server.standalone import serve
serve(sys.argv[1], sys.argv[2], "127.0.0.1", int(sys.argv[3]))
"""

_RUN = """
import sys, time
from jupyter_ext import Task
task = Task.init(project_name="restart", task_name="server killed")
logger = task.get_logger()
print("TASK", task.id, flush=True)
for i in range(300):
    logger.report_scalar("loss", "train", 1.0 / (i + 1), i)
    if i % 50 == 0:
        print(f"step {i}", flush=True)
    if i == 100:
        print("KILL", flush=True)
        sys.stdin.readline()  # the server is killed now; logging goes on
    if i == 200:
        print("RESTART", flush=True)
        sys.stdin.readline()  # the server is back
    time.sleep(0.005)
print("DONE", task.flush(wait_for_uploads=True), flush=True)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(home: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _SERVER, f"sqlite:///{home / 'track.db'}", str(home / "blobs"),
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert "jupyter-track API at" in line, line
    return proc


def _wait_for(proc: Any, word: str) -> None:
    while True:
        line = proc.stdout.readline()
        assert line, f"the run ended before {word}: {proc.stderr.read()}"
        if line.startswith(word):
            return


@pytest.mark.slow
def test_a_server_killed_and_restarted_mid_run_loses_nothing(tmp_path: Path, run_py: Any) -> None:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core import keys

    home = tmp_path / "server-home"
    home.mkdir()
    store = LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))
    access, secret = keys.create(store.store, "restart-probe")
    store.close()
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    server = _start_server(home, port, env)
    run = subprocess.Popen([sys.executable, "-c", _RUN], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                           env=run_py.env({"JUPYTER_TRACK_API_HOST": f"http://127.0.0.1:{port}",
                                           "JUPYTER_TRACK_ACCESS_KEY": access, "JUPYTER_TRACK_SECRET_KEY": secret,
                                           "JUPYTER_TRACK_FLUSH_PERIOD": "0.1",
                                           "JUPYTER_TRACK_CONNECT_TIMEOUT": "1"}))
    try:
        assert run.stdout is not None and run.stdin is not None
        _wait_for(run, "TASK")
        _wait_for(run, "KILL")
        server.send_signal(signal.SIGKILL)
        server.wait(30)
        run.stdin.write("\n")
        run.stdin.flush()
        _wait_for(run, "RESTART")
        server = _start_server(home, port, env)
        run.stdin.write("\n")
        run.stdin.flush()
        out, err = run.communicate(timeout=180)
        assert run.returncode == 0, err
        assert "DONE True" in out, out + err
    finally:
        for proc in (run, server):
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
    backend = LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))
    try:
        task = backend.query_tasks(project_name="restart")[0]
        assert task.status == "completed", (task.status, task.status_message)
        points = backend.get_scalars(task.id, max_samples=None)["loss"]["train"]
        assert list(points["x"]) == list(range(300))  # every point, each once, in order
        console = " ".join(c["text"] for c in backend.get_console(task.id))
        for i in range(0, 300, 50):
            assert f"step {i}" in console
    finally:
        backend.close()
