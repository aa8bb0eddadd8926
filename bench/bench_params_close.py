"""Figure 5: ``task.connect(d)`` of a 1,000-key dict (caller time), and ``close()`` with an
idle reporter (store open, nothing pending)."""
from __future__ import annotations

from _common import EMIT, Row, main, repeat, run_child
from bench_scalars import SETUP

CONNECT_CLOSE = SETUP + """
d = {}
for i in range(1000):   # a mix of the types people connect
    d[f"param_{i:04d}"] = (i * 0.5, i, f"value-{i}", i % 2 == 0, None, [i, i + 1])[i % 6]
t0 = time.perf_counter()
connected = task.connect(d)
t1 = time.perf_counter()
task.flush(wait_for_uploads=True)   # untimed: the parameters are stored, the reporter is idle
t2 = time.perf_counter()
task.close()
t3 = time.perf_counter()
stored = sum(k.startswith("General/") for k in Task.get_task(task.id).get_parameters())
emit(connect=t1 - t0, close=t3 - t2, stored=stored)
"""

# The common notebook path: init, then close soon after (capture thread may still be running).
CLOSE_SOON = EMIT + """
import time
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="close-soon")
task.flush(wait_for_uploads=True)
time.sleep(0.1)
t0 = time.perf_counter()
task.close()
emit(close=time.perf_counter() - t0)
"""


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(CONNECT_CLOSE), desc="connect + idle close")
    soon = repeat(lambda: run_child(CLOSE_SOON),
                  desc="close soon after init")
    stored = sorted({r["stored"] for r in runs})
    return [
        Row("task.connect(1000-key dict) in caller", [r["connect"] for r in runs], 0.003,
            notes=[f"parameters stored per run (checked after close): {stored} (expect [1000])"]),
        Row("close() with idle reporter", [r["close"] for r in runs], 0.050,
            notes=["after settle() (row stored, capture thread joined) and flush(wait_for_uploads=True)"]),
        Row("  close() 0.1 s after init (capture may still run)", [r["close"] for r in soon], None),
    ]


if __name__ == "__main__":
    main(collect)
