"""The notebook face: ``%track`` to ready, notebook snapshots, live-plot payload and overhead.

Every figure is taken in a real kernel (jupyter_client, as a frontend talks to it), a fresh one
per run with a fresh JUPYTER_TRACK_HOME, except the snapshot figure, which runs the snapshot
machinery in a fresh child process on a synthetic 5 MB notebook.
"""
from __future__ import annotations

import json
import os
import queue
import time
from typing import Any

from _common import EMIT, Row, child_env, fresh_home, main, repeat, run_child


class _Kernel:
    def __init__(self, home: str) -> None:
        from jupyter_client.manager import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(env=child_env(home), cwd=home)
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.iopub: list[dict[str, Any]] = []

    def run(self, code: str, timeout: float = 300) -> str:
        msg_id = self.kc.execute(code)
        out = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise TimeoutError(code[:60]) from None
            self.iopub.append(msg)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            if msg["msg_type"] == "error":
                raise RuntimeError("\n".join(msg["content"]["traceback"]))
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(out)

    def value(self, code: str) -> Any:
        """Run ``code`` and return what it printed last as JSON."""
        printed = self.run(code)
        for line in reversed(printed.strip().splitlines()):
            if line.startswith(("[", "{")) or line[:1].isdigit():
                return json.loads(line)
        raise RuntimeError(f"no result printed: {printed[-500:]}")

    def stop(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


# -- %track to ready ------------------------------------------------------------------------------
def _track_ready() -> dict[str, float]:
    with fresh_home() as home:
        k = _Kernel(home)
        try:
            k.run("%load_ext jupyter_ext")
            t0 = time.perf_counter()
            k.run("%track \"bench/ready\"")
            roundtrip = time.perf_counter() - t0
            inner = k.value("import json, time\nfrom jupyter_ext.notebook import run\n"
                            "t0 = time.perf_counter()\nget_ipython().run_line_magic('track', '\"bench/again\"')\n"
                            "print(json.dumps(time.perf_counter() - t0))")
        finally:
            k.stop()
    return {"roundtrip": roundtrip, "again": inner}


# -- snapshot of a 5 MB notebook -----------------------------------------------------------------
SNAPSHOT = EMIT + """
import base64, json, os, time
from jupyter_ext import Task
from jupyter_ext.notebook.snapshot.snapshot import Snapshotter
png = base64.b64encode(os.urandom(75_000)).decode()  # incompressible, like a real plot's PNG
cells = []
for i in range(60):
    cells.append({"cell_type": "markdown", "metadata": {}, "source": f"## Step {i}\\nSome *prose* about step {i}."})
    outputs = [{"output_type": "stream", "name": "stdout", "text": f"epoch {i} loss=0.{i:03d} token: abc{i}\\n" * 20}]
    if i % 6 != 5:  # 50 plots of ~100 KB: a 5 MB notebook
        outputs.append({"output_type": "display_data", "metadata": {},
                        "data": {"image/png": png, "text/plain": "<Figure>"}})
    cells.append({"cell_type": "code", "metadata": {}, "execution_count": i, "outputs": outputs,
                  "source": f"%env API_KEY=sk-{i:040d}\\nimport numpy as np\\nx = np.arange({i})\\nprint(x.sum())"})
nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
      "language_info": {"name": "python"}}, "nbformat": 4, "nbformat_minor": 5}
path = os.path.abspath("big.ipynb")
with open(path, "w") as fh:
    json.dump(nb, fh)
size = os.path.getsize(path)
task = Task.init(project_name="bench", task_name="snapshot")
snaps = Snapshotter(task, lambda: path)
t0 = time.perf_counter()
assert snaps.now(always=True, wait=True, timeout=300)
first = time.perf_counter() - t0
times, busy_times, callers, phases = [], [], [], []
for n in range(6):
    nb["cells"][0]["source"] = f"## changed {n}"
    with open(path, "w") as fh:
        json.dump(nb, fh)
    busy = n % 2 == 1
    t0 = time.perf_counter()
    snaps.now(always=True)
    callers.append(time.perf_counter() - t0)
    while snaps.stored < n + 2:
        if busy:  # the main thread keeps computing meanwhile, as a long cell would
            busy_until = time.perf_counter() + 0.05
            while time.perf_counter() < busy_until:
                sum(range(2000))
        time.sleep(0.001 if busy else 0.01)
    (busy_times if busy else times).append(snaps.last_seconds)
    phases.append(snaps.last_phases)
task.close()
emit(size=size, first=first, steady=times, busy=busy_times, caller=max(callers), phases=phases)
"""


def _snapshot() -> dict[str, Any]:
    return run_child(SNAPSHOT, timeout=900)


# -- live plot: payload per update and overhead -------------------------------------------------
PAYLOAD = """
from jupyter_ext import Task
task = Task.current_task(); log = task.get_logger()
task.show()
import time
i = 0
for burst in (100, 100, 1000, 1000, 100, 100):
    for _ in range(burst):
        log.report_scalar("loss", "train", 1.0 / (i + 1), i); i += 1
    time.sleep(0.6)
"""

LOOP = """
import json, statistics, time
from jupyter_ext import Task
from jupyter_ext.notebook.live_plot import widget as live
from jupyter_ext.notebook.display import show_task
task = Task.current_task(); log = task.get_logger()
task.flush(wait_for_uploads=True)
# CPU time spent in the plot's own code, on whichever thread runs it (reporter tap, pump, cell end).
machinery = {"cpu": 0.0}
def _timed(fn):
    def wrapper(*a, **k):
        t = time.thread_time()
        try:
            return fn(*a, **k)
        finally:
            machinery["cpu"] += time.thread_time() - t
    return wrapper
for _name in ("offer", "drain", "send", "peek_tails"):
    setattr(live.LivePlotState, _name, _timed(getattr(live.LivePlotState, _name)))
def loop(n, work):
    t0 = time.perf_counter()
    for i in range(n):
        if work:
            sum(range(work))
        log.report_scalar("loss", "train", 0.5, i)
    return time.perf_counter() - t0
def measured(work):
    # CPU time of the whole kernel process (every thread) to report, store and (when shown) send
    # the points: other processes on the machine do not count, unlike in wall-clock time.
    c0 = time.process_time()
    wall = loop(100_000, work)
    task.flush(wait_for_uploads=True)
    live.flush_all()
    return wall, time.process_time() - c0
loop(2000, 0)
time.sleep(1.5)  # the environment capture thread of %track is done by now
results = {}
for rnd in range(6):
    for shown in ((False, True) if rnd % 2 == 0 else (True, False)):  # alternate the order: no warm-up bias
        plot = show_task(task) if shown else None
        key = "shown" if shown else "plain"
        for work, suffix in ((0, ""), (60, "_work")):
            machinery["cpu"] = 0.0
            wall, cpu = measured(work)
            results.setdefault(key + suffix, []).append(wall)
            results.setdefault(key + suffix + "_cpu", []).append(cpu)
            if shown:
                results.setdefault("machinery" + suffix, []).append(machinery["cpu"])
        if plot is not None:
            plot.close()
        time.sleep(0.3)
print(json.dumps({k: statistics.median(v) for k, v in results.items()}))
"""


def _payload() -> list[tuple[int, int]]:
    """(new points, bytes) of each update message."""
    with fresh_home() as home:
        k = _Kernel(home)
        try:
            k.run('%load_ext jupyter_ext\n%track "bench/payload"')
            k.run(PAYLOAD)
            k.run("time.sleep(0.5)")
        finally:
            k.stop()
    out = []
    for m in k.iopub:
        if m["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "custom":
            content = m["content"]["data"]["content"]
            if content.get("t") == "append" and content["d"]:
                points = sum(n for _, n in content["d"])
                out.append((points, len(json.dumps(content)) + sum(len(b) for b in m.get("buffers") or [])))
    return out


def _overhead() -> dict[str, float]:
    with fresh_home() as home:
        k = _Kernel(home)
        try:
            k.run('%load_ext jupyter_ext\n%track "bench/overhead"')
            r = k.value(LOOP)
        finally:
            k.stop()
    return {"own": r["machinery"] / r["plain"], "own_work": r["machinery_work"] / r["plain_work"],
            "cpu": r["shown_cpu"] / r["plain_cpu"] - 1.0, "cpu_work": r["shown_work_cpu"] / r["plain_work_cpu"] - 1.0,
            "wall": r["shown"] / r["plain"] - 1.0, "wall_work": r["shown_work"] / r["plain_work"] - 1.0,
            "loop_s": r["plain"], "loop_work_s": r["plain_work"]}


def collect() -> list[Row]:
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    ready = repeat(_track_ready, desc="%track to ready")
    snaps = repeat(_snapshot, runs=3, desc="5 MB snapshot", warmup=0)
    payloads = repeat(_payload, runs=3, desc="live plot payload", warmup=0)
    overhead = repeat(_overhead, desc="live plot overhead")
    steady = [t for s in snaps for t in s["steady"]]
    per_point = [b / p for run in payloads for p, b in run]
    small = [b for run in payloads for p, b in run if p <= 150]
    large = [b for run in payloads for p, b in run if p >= 900]
    return [
        Row("%track to ready (client round trip, first in kernel)", [r["roundtrip"] for r in ready], 0.300,
            notes=["execute_request of `%track` until the kernel is idle again; extension loaded before"]),
        Row("%track again (in kernel: closes the old task, starts one)", [r["again"] for r in ready], 0.300),
        Row(f"snapshot of a {snaps[0]['size'] / 1e6:.1f} MB notebook (redact + HTML + 2 artifacts)", steady, 1.5,
            unit="s", notes=["kernel idle meanwhile; redaction + HTML (nbconvert) in the worker process, the "
                             "two artifacts stored from the snapshot thread; warm worker (first snapshot: below)"]),
        Row("same, while the kernel's main thread computes", [t for s in snaps for t in s["busy"]], None, unit="s"),
        Row("first snapshot of a kernel (starts the render worker)", [s["first"] for s in snaps], None, unit="s"),
        Row("time the main thread spends asking for a snapshot", [s["caller"] for s in snaps], None, unit="ms"),
        Row("live plot: bytes per new point in an update", per_point, None, unit="",
            notes=["appends only: bytes / points of each custom message (JSON header + two float64 buffers)"]),
        Row("live plot: update bytes, ~100 new points", small, None, unit=""),
        Row("live plot: update bytes, ~1000 new points", large, None, unit="",
            notes=["O(new points): 10x the points, ~10x the bytes, whatever the series length"]),
        Row("overhead: 100k report_scalar loop, plot's own CPU / loop time", [o["own"] for o in overhead], 0.02,
            unit="", notes=["thread CPU time inside the plot's code (reporter tap, pump, sending, end of cell) "
                            "while 100k points are reported and shown, / wall time of the same loop without "
                            "a plot; medians of 6 rounds per kernel. report_scalar itself is unchanged"]),
        Row("overhead: same, ~2 us of work per step (plot's own CPU)", [o["own_work"] for o in overhead], 0.02,
            unit=""),
        Row("overhead: 100k report_scalar loop, plot shown (process CPU)", [o["cpu"] for o in overhead], None,
            unit="",
            notes=["kernel process CPU time (all threads) to report, store and send 100k points, plot shown / "
                   "not shown - 1; same kernel and task, 6 rounds each in alternating order, medians. CPU time, "
                   "because the wall clock of this shared machine varies by +-30 % between identical runs"]),
        Row("overhead: same, ~2 us of work per step (process CPU)", [o["cpu_work"] for o in overhead], None,
            unit=""),
        Row("overhead: 100k loop, plot shown (wall clock)", [o["wall"] for o in overhead], None, unit="",
            notes=[f"loop alone {sum(o['loop_s'] for o in overhead) / len(overhead) * 1e3:.0f} ms; with ~2 us of "
                   f"work per step {sum(o['loop_work_s'] for o in overhead) / len(overhead) * 1e3:.0f} ms"]),
        Row("overhead: same, ~2 us of work per step (wall clock)", [o["wall_work"] for o in overhead], None, unit=""),
    ]


if __name__ == "__main__":
    main(collect)
