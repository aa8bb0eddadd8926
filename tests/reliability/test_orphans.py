"""Runs whose process is gone end as ``stopped`` with a message saying why; live runs are left alone."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import pytest


def test_a_run_killed_with_sigkill_is_stopped_and_can_be_continued(run_py: Any, track_home: Path) -> None:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core import orphans

    proc = run_py.popen("""
        import sys, time
        from jupyter_ext import Task
        task = Task.init(project_name="orphans", task_name="killed")
        task.get_logger().report_scalar("loss", "train", 0.5, 1)
        task.flush(wait_for_uploads=True)
        print("TASK", task.id, flush=True)
        time.sleep(600)
    """)
    try:
        assert proc.stdout is not None
        line = ""
        while not line.startswith("TASK "):
            line = proc.stdout.readline()
            assert line, proc.stderr.read() if proc.stderr else "the script ended early"
        task_id = line.split()[1]
        backend = LocalBackend(f"sqlite:///{track_home / 'track.db'}", str(track_home / "blobs"))
        try:
            assert orphans.stop_orphans(backend.store) == []  # alive: left alone
            row = backend.get_task(task_id)
            assert row.runtime["process"]["pid"] == proc.pid
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
            assert orphans.stop_orphans(backend.store) == [task_id]
            row = backend.get_task(task_id)
            assert row.status == "stopped" and f"process {proc.pid}" in row.status_message, row.status_message
        finally:
            backend.close()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(30)
    again = run_py.run(f"""
        import os
        from jupyter_ext import Task
        from jupyter_ext.client.local import LocalBackend
        from jupyter_ext.core import orphans
        task = Task.init(project_name="orphans", task_name="killed", continue_last_task="{task_id}")
        watcher = LocalBackend(f"sqlite:///{{os.environ['JUPYTER_TRACK_HOME']}}/track.db", "unused")
        print("STOPPED", orphans.stop_orphans(watcher.store))  # a server's watch: the continued run is alive
        print(task.id, task.get_status())
    """)
    assert again.returncode == 0, again.stderr
    assert "STOPPED []" in again.stdout
    assert again.stdout.split()[-2:] == [task_id, "in_progress"]


def test_a_silent_run_of_another_host_is_stopped_after_task_timeout(backend: Any) -> None:
    from jupyter_ext.core import orphans

    far = backend.create_task({"name": "far", "project": "orphans", "status": "in_progress",
                               "runtime": {"process": {"host": "elsewhere", "pid": 1}}})
    unknown = backend.create_task({"name": "no process", "project": "orphans", "status": "in_progress"})
    here_alive = backend.create_task({"name": "here", "project": "orphans", "status": "in_progress",
                                      "runtime": {"process": {"host": "this-host", "pid": os.getpid()}}})
    now = time.time()
    assert orphans.stop_orphans(backend.store, host="this-host", now=now + 60) == []
    stopped = orphans.stop_orphans(backend.store, host="this-host", task_timeout=600, now=now + 700,
                                   alive=lambda pid: pid == os.getpid())
    assert sorted(stopped) == sorted([far.id, here_alive.id])  # silent too long, even if alive
    assert backend.get_task(unknown.id).status == "in_progress"  # no process record: no promise to beat
    row = backend.get_task(far.id)
    assert row.status == "stopped" and "elsewhere" in row.status_message and "task_timeout" in row.status_message
    assert row.status_reason == orphans.ORPHAN_REASON


def test_a_dead_pid_on_this_host_is_stopped_at_once(backend: Any) -> None:
    from jupyter_ext.core import orphans

    dead = backend.create_task({"name": "dead", "project": "orphans", "status": "in_progress",
                                "runtime": {"process": {"host": "this-host", "pid": 424242}}})
    stopped = orphans.stop_orphans(backend.store, host="this-host", alive=lambda pid: False)
    assert stopped == [dead.id]
    assert "424242" in backend.get_task(dead.id).status_message


def test_the_reporter_beats_for_a_live_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext.client import reporter as reporter_module
    from jupyter_ext.client.local import LocalBackend

    monkeypatch.setattr(reporter_module, "HEARTBEAT_EVERY", 0.05)
    backend = LocalBackend(f"sqlite:///{tmp_path / 'track.db'}", str(tmp_path / "blobs"))
    rep = reporter_module.Reporter(backend, flush_period=0.02)
    try:
        task = backend.create_task({"name": "beating", "project": "orphans", "status": "in_progress"})
        rep.beating.add(task.id)
        rep.start()
        rep.add_event("single_value", (task.id, "v", 1.0, time.time()))  # starts the thread
        deadline = time.monotonic() + 30
        while backend.get_task(task.id).last_update <= task.last_update:
            assert time.monotonic() < deadline, "no heartbeat reached the store"
            time.sleep(0.05)
    finally:
        rep.close(5)
        backend.close()


def _dead_pid() -> int:
    import subprocess
    import sys

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait(30)
    return ended.pid


def _orphan_in(home: Path) -> tuple[str, int]:
    """A task left in_progress by a process of this host that is gone, in the store at ``home``."""
    import platform

    from jupyter_ext.client.local import LocalBackend

    pid = _dead_pid()
    backend = LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))
    try:
        row = backend.create_task({"name": "left behind", "project": "orphans", "status": "in_progress",
                                   "runtime": {"process": {"host": platform.node(), "pid": pid}}})
    finally:
        backend.close()
    return row.id, pid


def test_the_embedded_store_stops_a_dead_run_when_a_new_run_opens_it(run_py: Any, track_home: Path) -> None:
    track_home.mkdir(parents=True, exist_ok=True)
    orphan, pid = _orphan_in(track_home)
    done = run_py.run("""
        from jupyter_ext import Task
        task = Task.init(project_name="orphans", task_name="next run")
        task.flush(wait_for_uploads=True)
        print(Task.get_task(task_id=ORPHAN).get_status())
    """.replace("ORPHAN", repr(orphan)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "stopped"
    assert f"task {orphan} was left in_progress" in done.stderr
    from jupyter_ext.client.local import LocalBackend

    backend = LocalBackend(f"sqlite:///{track_home / 'track.db'}", str(track_home / "blobs"))
    try:
        row = backend.get_task(orphan)
        assert f"process {pid}" in row.status_message and "is gone" in row.status_message
    finally:
        backend.close()


def test_a_server_opening_the_store_stops_a_dead_run_at_once(tmp_path: Path) -> None:
    from jupyter_ext.server.background import BackgroundServer

    orphan, _ = _orphan_in(tmp_path)
    with BackgroundServer(f"sqlite:///{tmp_path / 'track.db'}", str(tmp_path / "blobs")) as server:
        backend = server.services.backend
        deadline = time.monotonic() + 60  # the first check runs once the store is open, not a minute later
        while backend.get_task(orphan).status != "stopped":
            assert time.monotonic() < deadline, "the server never stopped the orphaned run"
            time.sleep(0.05)
        assert "is gone" in backend.get_task(orphan).status_message


def test_task_timeout_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:

    from jupyter_ext import config
    from jupyter_ext.cli import server as server_cli
    from jupyter_ext.errors import InvalidArgument

    settings = tmp_path / "track.toml"
    settings.write_text("task_timeout = 120\n")
    env = {"JUPYTER_TRACK_CONFIG_FILE": str(settings), "JUPYTER_TRACK_HOME": str(tmp_path)}
    assert config.load(env).task_timeout == 120
    assert config.load({**env, "JUPYTER_TRACK_TASK_TIMEOUT": "7200"}).task_timeout == 7200
    assert config.load({"JUPYTER_TRACK_HOME": str(tmp_path),
                        "JUPYTER_TRACK_CONFIG_FILE": str(tmp_path / "none.toml")}).task_timeout == 600
    with pytest.raises(InvalidArgument, match="task_timeout"):
        config.load({**env, "JUPYTER_TRACK_TASK_TIMEOUT": "0"})
    from jupyter_ext.cli.main import build_parser

    parser = build_parser()  # the command's own parser: its options are never taken as a run's hyperparameters
    assert parser.parse_args(["server", "--task-timeout", "90"]).task_timeout == 90
    seen: dict[str, Any] = {}
    monkeypatch.setattr("jupyter_ext.server.standalone.serve", lambda *a, **k: seen.update(k))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(settings))
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(tmp_path))
    server_cli.cmd_server(parser.parse_args(["server", "--task-timeout", "90"]))
    assert seen["task_timeout"] == 90
    server_cli.cmd_server(parser.parse_args(["server"]))
    assert seen["task_timeout"] == 120
