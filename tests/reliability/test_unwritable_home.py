"""A run whose results cannot be stored says so: at Task.init, and in flush()'s answer."""
from __future__ import annotations

from pathlib import Path
from typing import Any


def test_task_init_refuses_a_home_that_cannot_be_written(run_py: Any, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")  # a home below a file cannot be made, even by root
    done = run_py.run("""
        from jupyter_ext import Task
        Task.init(project_name="p", task_name="t")
        print("initialised")
    """, env={"JUPYTER_TRACK_HOME": str(blocker / "home")})
    assert done.returncode != 0
    assert "initialised" not in done.stdout
    assert "cannot be written" in done.stderr and "JUPYTER_TRACK_HOME" in done.stderr


def test_flush_answers_false_when_something_was_not_stored(tmp_path: Path) -> None:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.client.reporter import Reporter

    backend = LocalBackend(f"sqlite:///{tmp_path / 'track.db'}", str(tmp_path / "blobs"))
    reporter = Reporter(backend, flush_period=0.05, spool_dir=str(tmp_path / "spool"))
    try:
        task = backend.create_task({"name": "t", "project": "p"})
        reporter.submit(backend.update_task, task.id, {"comment": "kept"})
        assert reporter.flush(30) is True
        reporter.submit(backend.update_task, "no-such-task", {"comment": "lost"})
        assert reporter.flush(30) is False
        assert any("no-such-task" in e for e in reporter.errors), reporter.errors
        reporter.submit(backend.update_task, task.id, {"comment": "kept again"})
        assert reporter.flush(30) is True  # an earlier failure does not taint later flushes
    finally:
        reporter.close(5)
        backend.close()


def test_a_writable_home_passes_the_check(tmp_path: Path) -> None:
    from jupyter_ext.client.home_check import check_home

    check_home(str(tmp_path / "home"), f"sqlite:///{tmp_path / 'db' / 'track.db'}", remote=False)
    assert (tmp_path / "home").is_dir() and (tmp_path / "db").is_dir()
