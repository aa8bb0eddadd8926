"""Automatic capture: ``Task.init`` with every integration on, and the resource monitor's cost.

Figures:
- ``Task.init`` time in the caller with all integrations and monitoring on (the Foundation
  figure, <= 100 ms), with no framework imported yet and with ten frameworks already imported
  (then every hook is installed inside ``Task.init``), beside ``Task.init`` with both off.
- Monitoring overhead: CPU time of the whole process while it sleeps, with the monitor on
  minus with it off, over wall time (percent of one core; target <= 1 %), and the monitor
  thread's own CPU time. Each run sleeps ``BENCH_MONITOR_SECONDS`` (default 12 s) with the
  default settings (a sample every second, a report every 5 s).
"""
from __future__ import annotations

import os

from _common import EMIT, Row, main, repeat, run_child

FRAMEWORKS = ("import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot, joblib, sklearn.linear_model, "
              "catboost, xgboost, lightgbm, torch, tensorboardX, click, seaborn")

INIT = EMIT + """
import time
{imports}
from jupyter_ext import Task
t0 = time.perf_counter()
task = Task.init(project_name="bench", task_name="automagic"{options})
t1 = time.perf_counter()
task.close()
emit(init=t1 - t0)
"""

SECONDS = float(os.environ.get("BENCH_MONITOR_SECONDS", "12"))

IDLE = EMIT + """
import time
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="monitor", auto_resource_monitoring={monitor})
# Untimed: start-up is over (store open, environment captured) and the scalar write path has
# run once (its first batch imports and prepares what every later one reuses); with the
# monitor on, its first report is stored too. What follows is the steady state.
task.get_logger().report_scalar("warm", "up", 1.0, 0)
time.sleep(1.5)
while task._monitor is not None and task._monitor.reports < 1:
    time.sleep(0.1)
task.flush(wait_for_uploads=True)
thread0 = task._monitor.cpu_seconds if task._monitor is not None else 0.0
reports0 = task._monitor.reports if task._monitor is not None else 0
c0, w0 = time.process_time(), time.perf_counter()
time.sleep({seconds})
c1, w1 = time.process_time(), time.perf_counter()
thread = task._monitor.cpu_seconds - thread0 if task._monitor is not None else 0.0
reports = task._monitor.reports - reports0 if task._monitor is not None else 0
task.close()
emit(cpu=c1 - c0, wall=w1 - w0, thread=thread, reports=reports)
"""


def _init(imports: str, options: str) -> list[float]:
    runs = repeat(lambda: run_child(INIT.format(imports=imports, options=options)),
                  desc=f"Task.init {'with' if imports else 'without'} frameworks{options and ' (off)'}")
    return [r["init"] for r in runs]


def collect() -> list[Row]:
    off = ", auto_connect_frameworks=False, auto_resource_monitoring=False"
    rows = [
        Row("Task.init, all integrations + monitor on, no framework imported", _init("", ""), 0.100),
        Row("Task.init, all on, 10 frameworks imported before (all hooked in init)", _init(FRAMEWORKS, ""), 0.100,
            notes=["imports happen before the timed region: " + FRAMEWORKS]),
        Row("Task.init, integrations and monitor off (for comparison)", _init("", off), None),
    ]
    on = repeat(lambda: run_child(IDLE.format(monitor=True, seconds=SECONDS)), desc="idle, monitor on", warmup=0)
    base = repeat(lambda: run_child(IDLE.format(monitor=False, seconds=SECONDS)), desc="idle, monitor off",
                  warmup=0)
    base_share = sorted(r["cpu"] / r["wall"] for r in base)[len(base) // 2]
    rows += [
        Row("monitoring overhead: process CPU on - off, % of one core",
            [100 * (r["cpu"] / r["wall"] - base_share) for r in on], 1.0, unit="",
            notes=[f"process CPU over {SECONDS:.0f} s of sleep after start-up and the first report, minus the "
                   f"median share with monitoring off ({100 * base_share:.3f} %); reports per run: "
                   f"{[r['reports'] for r in on]}"]),
        Row("monitor thread's own CPU, % of one core", [100 * r["thread"] / r["wall"] for r in on], 1.0, unit=""),
    ]
    return rows


if __name__ == "__main__":
    main(collect)
