"""Queues: how fast tasks are enqueued, and how long a worker waits for ``pop_next_task`` while
four workers (separate processes, as agents are) empty one queue together, on the embedded
SQLite store and through a standalone API server on 127.0.0.1."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from typing import Any

from _common import MARK, Row, child_env, main, repeat

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ENQUEUE_TASKS = 500
POP_TASKS = 400
WORKERS = 4

# One worker: waits for the start file, pops until the queue is empty, reports each pop's time.
_POPPER = """
import json, sys, time
from pathlib import Path
kind, target, worker, go = sys.argv[1:5]
if kind == "local":
    from jupyter_ext.client.local import LocalBackend
    backend = LocalBackend(target, str(Path(go).parent / "blobs"))
else:
    from jupyter_ext.client.http import HttpBackend
    backend = HttpBackend(target, sys.argv[5], sys.argv[6])
backend.register_worker(worker, ["default"], {})
backend.pop_next_task(worker, ["none-such"])  # untimed: store opened, connection made
Path(go + "." + worker.replace(":", "-")).touch()
while not Path(go).exists():
    time.sleep(0.001)
times = []
while True:
    t0 = time.perf_counter()
    row = backend.pop_next_task(worker, ["default"])
    times.append(time.perf_counter() - t0)
    if row is None:
        break
print("@@BENCH@@" + json.dumps({"times": times[:-1]}), flush=True)
"""


def _fill(backend: Any, n: int, enqueue: bool) -> list[str]:
    ids = [backend.create_task({"project": "bench/queues", "name": f"t{i}"}).id for i in range(n)]
    if enqueue:
        for task_id in ids:
            backend.enqueue_task(task_id)
    return ids


def _enqueue_rate(backend: Any) -> float:
    ids = _fill(backend, ENQUEUE_TASKS, enqueue=False)
    t0 = time.perf_counter()
    for task_id in ids:
        backend.enqueue_task(task_id)
    return ENQUEUE_TASKS / (time.perf_counter() - t0)


def _pops(kind: str, target: str, home: str, extra: tuple[str, ...] = ()) -> list[float]:
    go = os.path.join(home, "go")
    procs = [subprocess.Popen([sys.executable, "-c", textwrap.dedent(_POPPER), kind, target, f"bench:{i}", go,
                               *extra], env=child_env(home), cwd=home, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for i in range(WORKERS)]
    deadline = time.monotonic() + 120
    while not all(os.path.exists(f"{go}.bench-{i}") for i in range(WORKERS)):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker did not start: " + "".join(p.communicate()[1] for p in procs))
        time.sleep(0.005)
    open(go, "w").close()
    times: list[float] = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        lines = [ln for ln in out.splitlines() if ln.startswith(MARK)]
        if p.returncode != 0 or not lines:
            raise RuntimeError(f"worker failed: {err[-2000:]}")
        import json

        times += json.loads(lines[-1][len(MARK):])["times"]
    if len(times) != POP_TASKS:
        raise RuntimeError(f"{len(times)} pops for {POP_TASKS} tasks: a task was lost or handed out twice")
    return times


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def _once() -> dict[str, float]:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.server.background import BackgroundServer

    home = tempfile.mkdtemp(prefix="jxbench-queues-")
    url = f"sqlite:///{home}/track.db"
    local = LocalBackend(url, f"{home}/blobs")
    out: dict[str, float] = {"enqueue_local": _enqueue_rate(local)}
    local.delete_queue("default", force=True)
    _fill(local, POP_TASKS, enqueue=True)
    pops = _pops("local", url, home)
    out.update(pop_local_median=statistics.median(pops), pop_local_p99=_p99(pops))

    server_home = tempfile.mkdtemp(prefix="jxbench-queues-srv-")
    server = BackgroundServer(f"sqlite:///{server_home}/track.db", f"{server_home}/blobs")
    access, secret = server.create_key("bench")
    remote = HttpBackend(server.url, access, secret)
    try:
        out["enqueue_http"] = _enqueue_rate(remote)
        remote.delete_queue("default", force=True)
        _fill(remote, POP_TASKS, enqueue=True)
        pops = _pops("http", server.url, server_home, (access, secret))
        out.update(pop_http_median=statistics.median(pops), pop_http_p99=_p99(pops))
    finally:
        remote.close()
        server.stop()
        local.close()
    return out


def collect() -> list[Row]:
    runs = repeat(_once, desc="queues")
    note = f"{WORKERS} worker processes empty one queue of {POP_TASKS} tasks together; every task handed out once"
    return [
        Row(f"enqueue rate, LocalBackend ({ENQUEUE_TASKS} drafts, one by one)", [r["enqueue_local"] for r in runs],
            None, unit="", notes=["tasks/s; each enqueue is its own transaction"]),
        Row("enqueue rate, HttpBackend to a server on 127.0.0.1", [r["enqueue_http"] for r in runs], None, unit=""),
        Row(f"pop_next_task latency, median, {WORKERS} workers, one SQLite file",
            [r["pop_local_median"] for r in runs], None, notes=[note]),
        Row(f"pop_next_task latency, p99, {WORKERS} workers, one SQLite file", [r["pop_local_p99"] for r in runs],
            None),
        Row(f"pop_next_task latency, median, {WORKERS} workers over HTTP", [r["pop_http_median"] for r in runs], None),
        Row(f"pop_next_task latency, p99, {WORKERS} workers over HTTP", [r["pop_http_p99"] for r in runs], None),
    ]


if __name__ == "__main__":
    main(collect)
