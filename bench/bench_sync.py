"""``jupyter track sync`` over HTTP: 20 tasks of 10,000 scalars and one 1 MB artifact each, from
a local store to a real API server on 127.0.0.1; then the same sync again (nothing to copy)."""
from __future__ import annotations

import os
import sys
import tempfile
import time

from _common import Row, main, repeat

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TASKS = 20
POINTS = 10_000


def _fill(home: str) -> None:
    import numpy as np

    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core.reporting import EventBatch

    backend = LocalBackend(f"sqlite:///{home}/track.db", f"{home}/blobs")
    try:
        for n in range(TASKS):
            row = backend.create_task({"project": "bench/sync", "name": f"run {n}", "status": "in_progress"})
            batch = EventBatch()
            iters = np.arange(POINTS, dtype="<i8")
            batch.scalars.append((row.id, "loss", "train", iters, np.random.rand(POINTS), np.full(POINTS, 1.7e9)))
            batch.console.append((row.id, 20, "hello\n", 1.7e9))
            backend.write_events(batch)
            sha, size = backend.put_blob(os.urandom(1 << 20))
            backend.put_artifact(row.id, {"name": "weights", "blob_sha256": sha, "size": size})
            backend.set_task_status(row.id, "completed")
    finally:
        backend.close()


def _once() -> dict[str, float]:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.client.sync import sync
    from jupyter_ext.server.background import BackgroundServer

    src_home, server_home = tempfile.mkdtemp(prefix="jxbench-src-"), tempfile.mkdtemp(prefix="jxbench-dst-")
    _fill(src_home)
    server = BackgroundServer(f"sqlite:///{server_home}/track.db", f"{server_home}/blobs")
    source = LocalBackend(f"sqlite:///{src_home}/track.db", f"{src_home}/blobs")
    dest = HttpBackend(server.url, *server.create_key("bench"))
    try:
        t0 = time.perf_counter()
        first = sync(source, dest, show_progress=False)
        t1 = time.perf_counter()
        second = sync(source, dest, show_progress=False)
        t2 = time.perf_counter()
    finally:
        dest.close()
        source.close()
        server.stop()
    if first.created["tasks"] != TASKS or second.created["tasks"] != 0 or first.errors:
        raise RuntimeError(f"unexpected sync result: {first}, {second}")
    return {"first": t1 - t0, "second": t2 - t1}


def collect() -> list[Row]:
    runs = repeat(_once, runs=3, desc="sync")
    return [
        Row(f"sync {TASKS} tasks x {POINTS:,} points + 1 MB file each, over HTTP", [r["first"] for r in runs], None,
            unit="s", notes=["LocalBackend -> HttpBackend -> standalone server (SQLite) on 127.0.0.1"]),
        Row("the same sync again (nothing to copy)", [r["second"] for r in runs], None, unit="s"),
    ]


if __name__ == "__main__":
    main(collect)
