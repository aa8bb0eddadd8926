"""How a run ends, each in its own interpreter: close, exceptions, exit codes, signals."""
from __future__ import annotations

import json
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

HEAD = """
import sys
from jupyter_ext import Task
task = Task.init(project_name="Life", task_name="run")
print("TASK_ID=" + task.id, flush=True)
"""


def get_task(task_id: str) -> Any:
    from jupyter_ext.sdk.tasks.task import Task

    return Task.get_task(task_id=task_id)


def test_init_connect_report_close_is_readable_from_a_new_process(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run(HEAD + """
cfg = task.connect({"lr": 0.001, "batch_size": 32, "augmentations": True})
logger = task.get_logger()
for epoch in range(5):
    logger.report_scalar(title="Accuracy", series="Train", value=0.5 + epoch / 10, iteration=epoch)
logger.report_single_value("Best ROC AUC", 91.5)
print("training done")
task.close()
print("STATUS=" + task.get_status())
""")
    assert out.returncode == 0, out.stderr
    task_id = task_id_of(out.stdout)
    assert "STATUS=completed" in out.stdout
    reader = run_py.run(f"""
import json
from jupyter_ext import Task
t = Task.get_task(task_id={task_id!r})
print(json.dumps({{
    "status": t.get_status(), "name": t.name, "project": t.get_project_name(),
    "params": t.get_parameters(), "scalars": t.get_reported_scalars(),
    "last": t.get_last_scalar_metrics(), "single": t.get_reported_single_value("Best ROC AUC"),
    "console": t.get_reported_console_output(10), "last_iteration": t.get_last_iteration(),
}}))
""")
    assert reader.returncode == 0, reader.stderr
    got = json.loads(reader.stdout.strip().splitlines()[-1])
    assert got["status"] == "completed"
    assert (got["name"], got["project"]) == ("run", "Life")
    assert {k: v for k, v in got["params"].items() if k.startswith("General/")} == {
        "General/lr": 0.001, "General/batch_size": 32, "General/augmentations": True}
    assert got["scalars"]["Accuracy"]["Train"] == {"x": [0, 1, 2, 3, 4], "y": [0.5, 0.6, 0.7, 0.8, 0.9]}
    assert got["last"]["Accuracy"]["Train"]["last"] == 0.9
    assert got["single"] == 91.5
    assert "training done\n" in "".join(got["console"])
    assert got["last_iteration"] == 4


def test_uncaught_exception_marks_failed(run_py: Any, task_id_of: Any, track_home: Path) -> None:
    out = run_py.run(HEAD + """
task.get_logger().report_scalar("a", "b", 1.0, 0)
raise ValueError("the data loader broke")
""")
    assert out.returncode == 1
    assert "ValueError: the data loader broke" in out.stderr  # the user's traceback is untouched
    t = get_task(task_id_of(out.stdout))
    assert t.get_status() == "failed"
    assert "ValueError" in t.data["status_reason"] and "the data loader broke" in t.data["status_reason"]
    assert t.get_last_scalar_metrics()["a"]["b"]["last"] == 1.0


@pytest.mark.parametrize("call", ["sys.exit(3)", "exit(3)", "quit(3)"])
def test_exit_nonzero_marks_failed(run_py: Any, task_id_of: Any, call: str) -> None:
    out = run_py.run(HEAD + call + "\n")
    assert out.returncode == 3
    t = get_task(task_id_of(out.stdout))
    assert t.get_status() == "failed"
    assert "3" in t.data["status_reason"]


def test_sys_exit_zero_completes(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run(HEAD + "sys.exit(0)\n")
    assert out.returncode == 0
    assert get_task(task_id_of(out.stdout)).get_status() == "completed"


def test_exit_without_close_completes_and_keeps_every_last_scalar(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run(HEAD + """
logger = task.get_logger()
for i in range(50_000):
    logger.report_scalar("loss", "train", i * 0.5, i)
""")
    assert out.returncode == 0, out.stderr
    t = get_task(task_id_of(out.stdout))
    assert t.get_status() == "completed"
    points = t.get_all_reported_scalars()["loss"]["train"]
    assert len(points["x"]) == 50_000
    assert points["x"][-1] == 49_999 and points["y"][-1] == 49_999 * 0.5
    assert t.get_last_scalar_metrics()["loss"]["train"]["count"] == 50_000


def test_sigterm_marks_stopped(run_py: Any, task_id_of: Any) -> None:
    proc = run_py.popen(HEAD + """
import time
task.get_logger().report_scalar("a", "b", 1.0, 0)
print("READY", flush=True)
while True:
    time.sleep(0.05)
""")
    try:
        lines = []
        while True:
            line = proc.stdout.readline()
            assert line, f"the script ended early: {proc.stderr.read()}"
            lines.append(line)
            if line.startswith("READY"):
                break
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode != 0
    t = get_task(task_id_of("".join(lines)))
    assert t.get_status() == "stopped"
    assert str(int(signal.SIGTERM)) in t.data["status_reason"]
    assert t.get_last_scalar_metrics()["a"]["b"]["last"] == 1.0


def test_exit_is_bounded_when_the_store_is_locked(run_py: Any, track_home: Path) -> None:
    """Another process holds the write lock: the run must still end, soon after exit_timeout."""
    proc = run_py.popen(HEAD + """
task.flush(wait_for_uploads=True)
print("READY", flush=True)
sys.stdin.readline()
for i in range(1000):
    task.get_logger().report_scalar("a", "b", 1.0, i)
""", env={"JUPYTER_TRACK_EXIT_TIMEOUT": "1"})
    holder = None
    try:
        while True:
            line = proc.stdout.readline()
            assert line, f"the script ended early: {proc.stderr.read()}"
            if line.startswith("READY"):
                break
        holder = sqlite3.connect(track_home / "track.db", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        start = time.monotonic()
        proc.stdin.write("\n")
        proc.stdin.flush()
        try:
            _, err = proc.communicate(timeout=30)
        except Exception:
            proc.kill()
            raise
        elapsed = time.monotonic() - start
    finally:
        if holder is not None:
            holder.rollback()
            holder.close()
        if proc.poll() is None:
            proc.kill()
    assert elapsed < 6.0, f"exit took {elapsed:.1f} s with exit_timeout=1"
    assert "not everything reported could be stored" in err
    assert "THIS RUN'S RESULTS ARE INCOMPLETE" in err and proc.returncode == 3  # a lossy run never looks successful


def test_exit_right_after_init_keeps_the_task_and_is_quick(run_py: Any, task_id_of: Any) -> None:
    # The store opens in the background; a script that ends at once must not outrun it.
    start = time.monotonic()
    out = run_py.run(HEAD)
    elapsed = time.monotonic() - start
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert get_task(task_id_of(out.stdout)).get_status() == "completed"
    assert elapsed < 4.0, f"an idle run took {elapsed:.1f} s to exit"


@pytest.mark.parametrize("code", ["raise SystemExit(0)", "pass"])
def test_clean_endings_complete(run_py: Any, task_id_of: Any, code: str) -> None:
    out = run_py.run(HEAD + code + "\n")
    assert out.returncode == 0
    assert get_task(task_id_of(out.stdout)).get_status() == "completed"


def test_an_image_reported_right_before_exit_is_stored(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run(HEAD + """
import numpy as np
task.get_logger().report_image("last", "frame", iteration=0, image=np.full((4, 4), 200, dtype=np.uint8))
""")
    assert out.returncode == 0, out.stderr
    assert "could not store" not in out.stderr
    t = get_task(task_id_of(out.stdout))
    (sample,) = t.get_debug_samples("last", "frame")
    assert t.get_debug_sample_bytes(sample).startswith(b"\x89PNG")
