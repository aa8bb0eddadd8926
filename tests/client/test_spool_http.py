"""Over HTTP: a run whose server is down finishes promptly and keeps its reports on disk; the
next process, with the server up again, sends them. A real API server on 127.0.0.1, stopped
and started; real scripts in fresh interpreters."""
from __future__ import annotations

import socket
from pathlib import Path

import pytest

RUN = """
import time
from jupyter_ext import Task
start = time.monotonic()
task = Task.init(project_name="Offline", task_name="while the server was down")
print("INIT_SECONDS=%.2f" % (time.monotonic() - start))
task.connect({"lr": 0.25})
for i in range(500):
    task.get_logger().report_scalar("loss", "train", 1.0 / (i + 1), i)
print("hello from the offline run")
task.close()
print("TASK_ID=" + task.id)
"""

LATER = """
from jupyter_ext.sdk import _session as session
rep = session.reporter()
rep.add_event("console", ("nobody", 20, "wake up\\n", 0.0))  # any work starts the thread
print("FLUSHED=%s" % rep.flush(timeout=60))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_a_run_against_a_dead_server_spools_and_a_later_process_replays(run_py, tmp_path: Path,
                                                                       db_url: str) -> None:
    background = pytest.importorskip("jupyter_ext.server.background")
    port = _free_port()
    up = background.BackgroundServer(db_url, str(tmp_path / "server-blobs"), port=port)
    access, secret = up.create_key("offline test")
    up.stop()  # the server is down from here on
    env = {"JUPYTER_TRACK_API_HOST": f"http://127.0.0.1:{port}", "JUPYTER_TRACK_ACCESS_KEY": access,
           "JUPYTER_TRACK_SECRET_KEY": secret, "JUPYTER_TRACK_CONNECT_TIMEOUT": "1"}
    out = run_py.run(RUN, env=env, timeout=60)  # bounded: no minutes of retries
    assert out.returncode == 0, out.stderr
    print(out.stdout)  # INIT_SECONDS: how long Task.init took against the dead server
    assert "unreachable" in out.stderr
    task_id = [line.split("=", 1)[1] for line in out.stdout.splitlines() if line.startswith("TASK_ID=")][0]
    spooled = list((run_py.home / "spool").rglob("*.jts"))
    assert spooled, "nothing was kept on disk"

    up = background.BackgroundServer(db_url, str(tmp_path / "server-blobs"), port=port)
    try:
        later = run_py.run(LATER, env=env, timeout=60)
        assert later.returncode == 0 and "FLUSHED=True" in later.stdout, later.stderr
        backend = up.services.backend
        row = backend.get_task(task_id)
        assert row.name == "while the server was down" and row.status == "completed"
        assert backend.get_last_metrics(task_id)["loss"]["train"]["count"] == 500
        params = {f"{p.section}/{p.name}": p.value for p in backend.get_parameters(task_id)}
        assert params["General/lr"] == 0.25
        assert "hello from the offline run" in "".join(c["text"] for c in backend.get_console(task_id))
        assert not list((run_py.home / "spool").rglob("*.jts"))
    finally:
        up.stop()
