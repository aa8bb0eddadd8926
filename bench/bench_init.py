"""Figure 2: ``Task.init(...)`` time in the caller, after ``from jupyter_ext import Task``.

Also checks what a short script relies on: a run that calls ``Task.init`` and exits at once
must still leave its task in the store (counted as "lost" otherwise).
"""
from __future__ import annotations

import time

from _common import EMIT, SETTLE, Row, fresh_home, main, repeat, run_child

INIT = EMIT + SETTLE + """
import time
from jupyter_ext import Task
t0 = time.perf_counter()
task = Task.init(project_name="bench", task_name="init")
t1 = time.perf_counter()
settle(task)  # untimed: row stored, store open, environment captured
t2 = time.perf_counter()
emit(init=t1 - t0, until_stored=t2 - t0, id=task.id)
"""

QUICK_EXIT = EMIT + """
from jupyter_ext import Task
emit(id=Task.init(project_name="bench", task_name="quick-exit").id)
"""

FIND = EMIT + """
from jupyter_ext import Task
emit(found=[t.id for t in Task.get_tasks(project_name="bench")])
"""


def _quick_exit() -> tuple[float, float]:
    """(1.0 if the task was lost else 0.0, wall seconds of the quick-exit script)."""
    with fresh_home() as home:
        t0 = time.perf_counter()
        task_id = run_child(QUICK_EXIT, home)["id"]
        wall = time.perf_counter() - t0
        return (0.0 if task_id in run_child(FIND, home)["found"] else 1.0), wall


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(INIT), desc="Task.init")
    lost, wall = zip(*repeat(_quick_exit, desc="init + exit", warmup=0), strict=True)
    return [
        Row("Task.init() in caller", [r["init"] for r in runs], 0.020,
            notes=["perf_counter around Task.init only; fresh process + fresh JUPYTER_TRACK_HOME each run"]),
        Row("Task.init() until row stored + env captured", [r["until_stored"] for r in runs], None),
        Row("tasks lost when script exits right after init", list(lost), 0.0, unit="",
            notes=["1 = the task never reached the store (script: Task.init(...) then end of file)"]),
        Row("wall time of that quick-exit script", list(wall), None, unit="s"),
    ]


if __name__ == "__main__":
    main(collect)
