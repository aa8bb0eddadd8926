"""Figure 2: ``Task.init(...)`` time in the caller, after ``from jupyter_ext import Task``.

Also checks what a short script relies on: a run that calls ``Task.init`` and exits at once
must still leave its task in the store (counted as "lost" otherwise).
"""
from __future__ import annotations

from _common import EMIT, Row, fresh_home, main, repeat, run_child

INIT = EMIT + """
import time
from jupyter_ext import Task
t0 = time.perf_counter()
task = Task.init(project_name="bench", task_name="init")
t1 = time.perf_counter()
task.flush(wait_for_uploads=True)  # untimed: row created, store open
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


def _lost_after_quick_exit() -> float:
    with fresh_home() as home:
        task_id = run_child(QUICK_EXIT, home)["id"]
        return 0.0 if task_id in run_child(FIND, home)["found"] else 1.0


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(INIT), desc="Task.init")
    lost = repeat(_lost_after_quick_exit, desc="init + exit", warmup=0)
    return [
        Row("Task.init() in caller", [r["init"] for r in runs], 0.020,
            notes=["perf_counter around Task.init only; fresh process + fresh JUPYTER_TRACK_HOME each run"]),
        Row("Task.init() until row stored (flush wait)", [r["until_stored"] for r in runs], None),
        Row("tasks lost when script exits right after init", lost, 0.0, unit="",
            notes=["1 = the task never reached the store (script: Task.init(...) then end of file)"]),
    ]


if __name__ == "__main__":
    main(collect)
