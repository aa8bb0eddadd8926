"""Console capture in a real process (pytest swaps sys.stdout itself, so not in-process)."""
from __future__ import annotations

from typing import Any


def console_of(task_id: str) -> str:
    from jupyter_ext.sdk.tasks.task import Task

    return "".join(Task.get_task(task_id=task_id).get_reported_console_output(100))


def test_prints_and_report_text_are_recorded(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run("""
import sys
from jupyter_ext import Task
task = Task.init(project_name="Console", task_name="capture")
print("TASK_ID=" + task.id)
print("epoch 1: loss 0.5")
print("a warning", file=sys.stderr)
sys.stdout.write("partial ")
sys.stdout.write("line\\n")
logger = task.get_logger()
logger.report_text("loud message")
logger.report_text("quiet message", print_console=False)
print("epoch 2: loss 0.4")
""")
    assert out.returncode == 0, out.stderr
    assert "epoch 1: loss 0.5" in out.stdout and "a warning" in out.stderr  # the user still sees it
    assert "loud message" in out.stdout and "quiet message" not in out.stdout
    console = console_of(task_id_of(out.stdout))
    for line in ("epoch 1: loss 0.5\n", "a warning\n", "partial line\n", "quiet message\n", "epoch 2: loss 0.4\n"):
        assert line in console
    assert console.count("loud message") == 1


def test_no_capture_when_switched_off(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run("""
from jupyter_ext import Task
task = Task.init(project_name="Console", task_name="quiet", auto_connect_streams=False)
print("TASK_ID=" + task.id)
print("not recorded")
task.get_logger().report_text("recorded anyway")
""")
    assert out.returncode == 0, out.stderr
    console = console_of(task_id_of(out.stdout))
    assert "not recorded" not in console
    assert console.count("recorded anyway") == 1
