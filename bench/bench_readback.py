"""Figure 6: reading back one series of 1 M points (written once through the SDK) and of
10 M points (written once with ``core.scalars.append`` in one transaction).

Each timed read runs in a fresh process against the store written once (in its own temp
JUPYTER_TRACK_HOME): ``Task.get_task`` opens the store untimed, then only the call is timed.
"cold" is the first such call in the process (the figure); "warm" repeats it (information).
"""
from __future__ import annotations

import time

from _common import EMIT, Row, fresh_home, main, repeat, run_child

WRITE_SDK = EMIT + """
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="readback-{n}")
report = task.get_logger().report_scalar
for i in range({n}):
    report("loss", "train", 1.0 / (1 + i) + (i % 97) * 1e-4, i)
task.close()
emit(id=task.id)
"""

WRITE_CORE = EMIT + """
import numpy as np
from jupyter_ext import Task
from jupyter_ext.core import scalars
from jupyter_ext.sdk import _session as session
task = Task.create(project_name="bench", task_name="readback-{n}")
rng = np.random.default_rng(0)
it = np.arange({n}, dtype="<i8")
va = np.cumsum(rng.normal(0, 1e-3, {n})) + 1.0
ti = 1.7e9 + it * 0.01
with session.backend().store.write() as conn:
    scalars.append(conn, task.id, [("loss", "train", it, va, ti)])
emit(id=task.id)
"""

READ = EMIT + """
import time
from jupyter_ext import Task
task = Task.get_task("{task_id}")   # opens the store; untimed
call = lambda: task.{call}
t0 = time.perf_counter(); r = call(); t1 = time.perf_counter()
n = len(r["loss"]["train"]["y"]); del r
t2 = time.perf_counter(); call(); t3 = time.perf_counter()
emit(cold=t1 - t0, warm=t3 - t2, n=n)
"""

# The list form builds two million Python numbers for 1 M points, which alone costs more than
# 50 ms on this machine; as_numpy=True returns the arrays as read. Both are printed.
CALLS = (("get_all_reported_scalars(as_numpy=True)", "get_all_reported_scalars(as_numpy=True)", 0.050),
         ("get_all_reported_scalars() (lists)", "get_all_reported_scalars()", None),
         ("get_reported_scalars(max_samples=2000)", "get_reported_scalars(max_samples=2000)", 0.050))


def _series_rows(label: str, home: str, task_id: str, n: int, targets: bool) -> list[Row]:
    rows = []
    for name, call, target in CALLS:
        code = READ.format(task_id=task_id, call=call)
        runs = repeat(lambda c=code: run_child(c, home), desc=f"{label} {name}")
        got = sorted({r["n"] for r in runs})
        rows += [
            Row(f"{label}: {name} (cold)", [r["cold"] for r in runs], target if targets and target else None, unit="s",
                notes=[f"points returned: {got}"]),
            Row(f"  {label}: {name} (warm, same process)", [r["warm"] for r in runs], None, unit="s"),
        ]
    return rows


def collect() -> list[Row]:
    rows = []
    for n, label, writer, targets in ((1_000_000, "1M", WRITE_SDK, True), (10_000_000, "10M", WRITE_CORE, False)):
        with fresh_home() as home:
            t0 = time.perf_counter()
            task_id = run_child(writer.format(n=n), home)["id"]
            build = time.perf_counter() - t0
            rows += _series_rows(label, home, task_id, n, targets)
            how = "SDK report_scalar + close" if writer is WRITE_SDK else "core.scalars.append, one transaction"
            rows[-2 * len(CALLS)].notes.append(f"written once in {build:.1f} s ({how})")
    return rows


if __name__ == "__main__":
    main(collect)
