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
        from jupyter_ext import Task
        task = Task.init(project_name="orphans", task_name="killed", continue_last_task="{task_id}")
        print(task.id, task.get_status())
    """)
    assert again.returncode == 0, again.stderr
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
