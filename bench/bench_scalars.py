"""Figures 3 and 4: ``report_scalar`` per call, and report-then-``close()`` until durable.

3. 10 series x 100 k iterations (1 M calls), timed in blocks of 1000 calls with
   perf_counter_ns; a run's figure is its median block / 1000.
4. N points into one series, then ``task.close()``: time from the first report until
   ``close()`` returns; then a NEW process checks all N points are readable.
"""
from __future__ import annotations

from _common import EMIT, SETTLE, Row, fresh_home, main, repeat, run_child

# Untimed setup shared by the children: the task row exists and the store is open; the
# environment-capture thread has finished and what it submitted is stored, so the timed
# part measures the reporting path only.
SETUP = EMIT + SETTLE + """
import time
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="scalars")
settle(task)
report = task.get_logger().report_scalar
"""

PER_CALL = SETUP + """
pc = time.perf_counter_ns
names = [f"series-{k}" for k in range(10)]
def per_call_ns(call, iterations=100_000, block=100):   # 100 iterations x 10 series = 1000 calls
    out = []
    for start in range(0, iterations, block):
        t0 = pc()
        for it in range(start, start + block):
            v = it * 1e-3
            for s in names:
                call("loss", s, v, it)
        out.append((pc() - t0) / (block * len(names)))
    mean = sum(out) / len(out)
    out.sort()
    return out[len(out) // 2], mean
class Nothing:
    def report_scalar(self, title, series, value, iteration):
        pass
floor = per_call_ns(Nothing().report_scalar, iterations=10_000)[0]
median, mean = per_call_ns(report)
t0 = time.perf_counter()
task.close()
emit(per_call=median * 1e-9, mean=mean * 1e-9, floor=floor * 1e-9, close=time.perf_counter() - t0)
"""

TO_CLOSE = SETUP + """
N = {n}
t0 = time.perf_counter()
for i in range(N):
    report("loss", "train", i * 1e-6, i)
t1 = time.perf_counter()
task.close()
t2 = time.perf_counter()
emit(total=t2 - t0, reporting=t1 - t0, closing=t2 - t1, id=task.id)
"""

VERIFY = EMIT + """
from jupyter_ext import Task
task = Task.get_task("{task_id}")
s = task.get_all_reported_scalars()["loss"]["train"]
emit(ok=s["x"] == list(range({n})) and len(s["y"]) == {n}, status=task.status)
"""


def _to_close(n: int) -> dict:
    with fresh_home() as home:
        r = run_child(TO_CLOSE.format(n=n), home)
        v = run_child(VERIFY.format(task_id=r["id"], n=n), home)
        r["durable"] = bool(v["ok"]) and v["status"] == "completed"
        return r


def collect() -> list[Row]:
    calls = repeat(lambda: run_child(PER_CALL), desc="report_scalar x 1M")
    rows = [
        Row("report_scalar per call (10 series x 100k)", [r["per_call"] for r in calls], 1e-6, unit="us",
            notes=["median of 1000-call blocks (perf_counter_ns), loop overhead included"]),
        Row("  report_scalar mean per call (GC pauses etc.)", [r["mean"] for r in calls], None, unit="us"),
        Row("  same loop, empty Python method (floor)", [r["floor"] for r in calls], None, unit="us"),
        Row("  close() with 1M points pending", [r["close"] for r in calls], None, unit="s"),
    ]
    for n, target, label in ((100_000, 0.15, "100k"), (1_000_000, 1.5, "1M")):
        runs = repeat(lambda n=n: _to_close(n), desc=f"{label} then close")
        bad = sum(not r["durable"] for r in runs)
        rows += [
            Row(f"{label} scalars: first report -> close() returns", [r["total"] for r in runs], target, unit="s",
                notes=[("store opened before timing (after init: flush(wait_for_uploads=True) + Task.get_task "
                        "until the row is there; capture thread joined); one series; durability checked in a "
                        "new process with "
                        f"get_all_reported_scalars: {len(runs) - bad}/{len(runs)} runs had every point")]),
            Row(f"  {label}: reporting loop only", [r["reporting"] for r in runs], None, unit="s"),
            Row(f"  {label}: close() only", [r["closing"] for r in runs], None, unit="s"),
        ]
        if bad:
            rows[-3].target = 0.0  # a run that lost points fails the figure, whatever its time
    return rows


if __name__ == "__main__":
    main(collect)
