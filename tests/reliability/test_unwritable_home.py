"""A run whose results cannot be stored says so: at Task.init, in flush()'s and close()'s answer,
in a waited-for upload (it raises), and at exit (a summary on stderr, and exit code 3).

Root ignores file permissions, so the probes make a home truly unwritable in two ways: a
read-only tmpfs mounted in a private mount namespace (as root, with ``unshare``), and a home
taken away mid-run from a script running as ``nobody`` (``setpriv``)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


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


_MID_RUN = """
import os, subprocess
from jupyter_ext import Task
from jupyter_ext.errors import NotStored
task = Task.init(project_name="p", task_name="home taken away")
task.get_logger().report_scalar("loss", "train", 0.5, 1)
print("first flush", task.flush(wait_for_uploads=True), flush=True)
subprocess.run(["chmod", "-R", "a-w", os.environ["JUPYTER_TRACK_HOME"]], check=True)
try:
    task.upload_artifact("waited", {"a": 1}, wait_on_upload=True)
    print("waited upload returned", flush=True)
except NotStored as exc:
    print("waited upload raised", exc, flush=True)
task.upload_artifact("background", {"b": 2})
print("second flush", task.flush(wait_for_uploads=True), flush=True)
print("close", task.close(), flush=True)
"""


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user can enter (pytest's own tmp folders are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="track-unwritable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(folder)], check=False)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="runs the script as another user: needs root and setpriv")
def test_a_home_taken_away_mid_run_is_reported_everywhere(shared_folder: Path, run_py: Any) -> None:
    home = shared_folder / "home"
    home.mkdir()
    os.chown(home, 65534, 65534)
    script = shared_folder / "run.py"
    script.write_text(textwrap.dedent(_MID_RUN))
    env = run_py.env({"JUPYTER_TRACK_HOME": str(home), "HOME": str(shared_folder),
                      "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)})
    done = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable,
                           str(script)], cwd=shared_folder, env=env, capture_output=True, text=True, timeout=120)
    out, err = done.stdout, done.stderr
    assert "first flush True" in out, out + err
    assert "waited upload raised artifact 'waited'" in out and "was not stored" in out, out + err
    assert "second flush False" in out, out + err
    assert "close False" in out, out + err
    assert "artifact 'background'" in err  # said when it happened
    assert "THIS RUN'S RESULTS ARE INCOMPLETE" in err and "exit code 3" in err, err
    assert done.returncode == 3, (done.returncode, err)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("unshare"),
                    reason="mounts a read-only tmpfs: needs root and unshare")
def test_a_read_only_filesystem_home_stops_task_init_even_for_root(run_py: Any, tmp_path: Path) -> None:
    home = tmp_path / "ro-home"
    home.mkdir()
    script = run_py.write("""
        from jupyter_ext import Task
        Task.init(project_name="p", task_name="t")
        print("initialised")
    """)
    mount = f"mount -t tmpfs -o size=8m,ro tmpfs {home} && exec {sys.executable} {script}"
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", mount],
                          env=run_py.env({"JUPYTER_TRACK_HOME": str(home)}), capture_output=True, text=True,
                          timeout=120)
    if "Operation not permitted" in done.stderr and "mount" in done.stderr:
        pytest.skip("this machine refuses mount namespaces")
    assert done.returncode != 0
    assert "initialised" not in done.stdout
    assert "Read-only file system" in done.stderr and "cannot be written" in done.stderr, done.stderr
    assert "JUPYTER_TRACK_HOME" in done.stderr
