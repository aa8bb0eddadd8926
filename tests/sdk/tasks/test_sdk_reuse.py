"""reuse_last_task_id and continue_last_task across runs of a script (each a new process)."""
from __future__ import annotations

from typing import Any

RUN = """
from jupyter_ext import Task
task = Task.init(project_name="Reuse", task_name="run"{extra})
print("TASK_ID=" + task.id, flush=True)
logger = task.get_logger()
{body}
"""


def run(run_py: Any, task_id_of: Any, body: str = "", extra: str = "") -> tuple[str, str]:
    out = run_py.run(RUN.format(body=body, extra=extra))
    assert out.returncode == 0, out.stderr
    return task_id_of(out.stdout), out.stdout


def test_an_empty_run_is_reused_a_run_with_metrics_never(run_py: Any, task_id_of: Any) -> None:
    first, _ = run(run_py, task_id_of)
    second, stdout = run(run_py, task_id_of, body="logger.report_scalar('loss', 'train', 0.5, 0)")
    assert second == first
    assert "reusing" in stdout
    third, stdout = run(run_py, task_id_of)
    assert third != second  # the second run reported metrics: they are never overwritten
    assert "created new" in stdout

    from jupyter_ext.sdk.tasks.task import Task

    kept = Task.get_task(task_id=second)
    assert kept.get_last_scalar_metrics()["loss"]["train"]["last"] == 0.5
    assert kept.get_status() == "completed"


def test_reuse_false_always_creates(run_py: Any, task_id_of: Any) -> None:
    first, _ = run(run_py, task_id_of, extra=", reuse_last_task_id=False")
    second, _ = run(run_py, task_id_of, extra=", reuse_last_task_id=False")
    assert first != second


def test_no_reuse_setting(run_py: Any, task_id_of: Any) -> None:
    first, _ = run(run_py, task_id_of)
    out = run_py.run(RUN.format(body="", extra=""), env={"JUPYTER_TRACK_TASK_NO_REUSE": "1"})
    assert task_id_of(out.stdout) != first


def test_continue_last_task_offsets_iterations(run_py: Any, task_id_of: Any) -> None:
    body = "for i in range({n}): logger.report_scalar('loss', 'train', float(i), i)"
    first, _ = run(run_py, task_id_of, body=body.format(n=10))
    second, stdout = run(run_py, task_id_of, body=body.format(n=5) + "\nprint('OFFSET', task.get_initial_iteration())",
                         extra=", continue_last_task=True")
    assert second == first
    assert "continuing" in stdout and "OFFSET 10" in stdout

    from jupyter_ext.sdk.tasks.task import Task

    t = Task.get_task(task_id=first)
    points = t.get_all_reported_scalars()["loss"]["train"]
    assert points["x"] == list(range(15))
    assert points["y"] == [float(i) for i in range(10)] + [float(i) for i in range(5)]
    assert t.get_status() == "completed"
    assert t.get_last_iteration() == 14


def test_continue_a_task_by_id(run_py: Any, task_id_of: Any) -> None:
    first, _ = run(run_py, task_id_of, body="logger.report_scalar('a', 'b', 1.0, 4)")
    run(run_py, task_id_of, body="")  # another task in between
    again, _ = run(run_py, task_id_of, body="logger.report_scalar('a', 'b', 2.0, 0)",
                   extra=f", continue_last_task={first!r}")
    assert again == first

    from jupyter_ext.sdk.tasks.task import Task

    assert Task.get_task(task_id=first).get_all_reported_scalars()["a"]["b"] == {"x": [4, 5], "y": [1.0, 2.0]}


def test_continue_with_an_int_sets_the_offset(run_py: Any, task_id_of: Any) -> None:
    task_id, _ = run(run_py, task_id_of, body="logger.report_scalar('a', 'b', 1.0, 0)",
                     extra=", continue_last_task=100, reuse_last_task_id=False")

    from jupyter_ext.sdk.tasks.task import Task

    assert Task.get_task(task_id=task_id).get_all_reported_scalars()["a"]["b"]["x"] == [100]
