"""A run against a server that is down, the replay once it is back, and API key checks.

- How long ``import jupyter_ext``, ``Task.init`` and ``task.close()`` take in a script whose
  ``api_host`` points at a closed port (ClearML: minutes of retries). The run reports 10,000
  scalars; everything lands in the spool on disk.
- How long the next process takes to send that spool once the server is up again.
- ``core.keys.authenticate`` with and without the in-memory cache, and ``verify_token``:
  every API request pays one of them.
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import time

from _common import EMIT, Row, fresh_home, main, repeat, run_child

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEAD = EMIT + """
import os, time
os.environ.update(JUPYTER_TRACK_API_HOST="{host}", JUPYTER_TRACK_ACCESS_KEY="{access}",
                  JUPYTER_TRACK_SECRET_KEY="{secret}", JUPYTER_TRACK_CONNECT_TIMEOUT="1")
t0 = time.perf_counter()
import jupyter_ext
from jupyter_ext import Task
t1 = time.perf_counter()
task = Task.init(project_name="bench", task_name="offline", auto_connect_streams=False)
t2 = time.perf_counter()
log = task.get_logger()
for i in range(10000):
    log.report_scalar("loss", "train", 1.0 / (i + 1), i)
t3 = time.perf_counter()
task.close()
t4 = time.perf_counter()
spooled = sum(len(files) for _, _, files in os.walk(os.path.join(os.getcwd(), "spool")))
emit(import_s=t1 - t0, init=t2 - t1, close=t4 - t3, spool_files=spooled, id=task.id)
"""

REPLAY = EMIT + """
import os, time
os.environ.update(JUPYTER_TRACK_API_HOST="{host}", JUPYTER_TRACK_ACCESS_KEY="{access}",
                  JUPYTER_TRACK_SECRET_KEY="{secret}")
from jupyter_ext.sdk import _session as session
rep = session.reporter()
t0 = time.perf_counter()
rep.add_event("console", ("nobody", 20, "x\\n", 0.0))  # any work starts the thread, which replays first
ok = rep.flush(timeout=120)
emit(replay=time.perf_counter() - t0, ok=ok, replayed=rep.replayed)
"""

KEYS = EMIT + """
import statistics, tempfile, time
from jupyter_ext.core import keys
from jupyter_ext.store.meta import MetaStore
store = MetaStore.open("sqlite:///" + tempfile.mkdtemp() + "/k.db")
access, secret = keys.create(store, "bench")
def per_call(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n
def uncached():
    keys._verified.clear()
    keys.authenticate(store, access, secret)
cold = per_call(uncached, 300)
warm = per_call(lambda: keys.authenticate(store, access, secret), 20000)
token = keys.issue_token(store, keys.authenticate(store, access, secret))
tok = per_call(lambda: keys.verify_token(store, token), 20000)
emit(cold=cold, warm=warm, token=tok)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _offline_then_replay() -> dict[str, float]:
    from jupyter_ext.server.background import BackgroundServer

    store_dir = tempfile.mkdtemp(prefix="jxbench-server-")
    store_url, blobs = f"sqlite:///{store_dir}/track.db", f"{store_dir}/blobs"
    port = _free_port()
    server = BackgroundServer(store_url, blobs, port=port)
    access, secret = server.create_key("bench")
    server.stop()
    fill = {"host": f"http://127.0.0.1:{port}", "access": access, "secret": secret}
    with fresh_home() as home:
        dead = run_child(DEAD.format(**fill), home)
        server = BackgroundServer(store_url, blobs, port=port)
        try:
            t0 = time.perf_counter()
            replay = run_child(REPLAY.format(**fill), home)
            wall = time.perf_counter() - t0
            count = server.services.backend.get_last_metrics(dead["id"])["loss"]["train"]["count"]
        finally:
            server.stop()
    if not replay["ok"] or count != 10000:
        raise RuntimeError(f"replay incomplete: {count} of 10000 points, flush ok={replay['ok']}")
    return {**dead, "replay": replay["replay"], "replay_wall": wall}


def collect() -> list[Row]:
    runs = repeat(_offline_then_replay, desc="offline run + replay")
    key_runs = repeat(lambda: run_child(KEYS), desc="keys")
    return [
        Row("import jupyter_ext (api_host down)", [r["import_s"] for r in runs], None),
        Row("Task.init() (api_host down)", [r["init"] for r in runs], None),
        Row("task.close() after 10k scalars (api_host down)", [r["close"] for r in runs], None, unit="s",
            notes=["includes detecting the server is down (connect refused, HttpBackend's own retries) "
                   "and writing the spool"]),
        Row("next process: replay the spool to the server", [r["replay"] for r in runs], None, unit="s"),
        Row("authenticate, uncached (SQLite read + HMAC)", [r["cold"] for r in key_runs], None, unit="us"),
        Row("authenticate, cached", [r["warm"] for r in key_runs], None, unit="us"),
        Row("verify_token", [r["token"] for r in key_runs], None, unit="us"),
    ]


if __name__ == "__main__":
    main(collect)
