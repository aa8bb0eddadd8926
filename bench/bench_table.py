"""The experiments table's server side on 100,000 tasks with 10 metric columns (the target of
each figure: <= 300 ms at the 99th percentile, over HTTP, on the standalone server over SQLite):

- open a project: its first page of 200 rows, newest updates first, with the 10 metric
  columns and the total;
- sort by a metric column (ascending and descending, a different metric each run);
- scroll to the end: the last page (offset 99,800) in metric order;
- information: a range filter on a metric, counts by status, the column picker's choices,
  a search.

The store is seeded once with plain INSERTs (untimed): 100,000 tasks in one project, each with
10 series' summaries (1,000,000 ``metrics`` rows).

    .venv/bin/python bench/bench_table.py     (BENCH_RUNS=30 samples a figure by default)
"""
from __future__ import annotations

import os

from _common import EMIT, Row, main, run_child

TASKS, METRICS = 100_000, 10
RUNS = int(os.environ.get("BENCH_RUNS", "30"))

SEED_TABLE = f"""
import random, time, uuid
import requests
from jupyter_ext import config
from jupyter_ext.core import projects
from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.schema import metrics, tasks
from jupyter_ext.wire.routes import API_PREFIX

cfg = config.load()
store = MetaStore.open(cfg.store_url)
rng = random.Random(0)
with store.write() as conn:
    project = projects.ensure(conn, "bench/big")
t0 = time.time()
ids = [uuid.uuid4().hex for _ in range({TASKS})]
statuses = ["completed", "failed", "in_progress", "created", "stopped"]
for start in range(0, {TASKS}, 10_000):
    with store.write() as conn:
        chunk = ids[start:start + 10_000]
        conn.execute(tasks.insert(), [dict(
            id=t, project_id=project.id, name=f"run {{start + i:06d}}", type="training",
            status=statuses[(start + i) % 5], status_message="", status_reason="", comment="", parent_id=None,
            user="u%d" % ((start + i) % 7), created=t0 + start + i, started=t0 + start + i, completed=None,
            last_update=t0 + start + i, last_iteration=100, archived=False, system_tags="[]", script="{{}}",
            runtime="{{}}", output_uri=None, queue=None, worker=None) for i, t in enumerate(chunk)])
        rows = []
        for t in chunk:
            for m in range({METRICS}):
                v = rng.random()
                rows.append(dict(task_id=t, title=f"m{{m}}", series="val", count=100, first_value=1.0,
                                 last_value=v, last_iter=99, min_value=v / 2, min_iter=50, max_value=1.0,
                                 max_iter=0, last_time=t0))
        conn.execute(metrics.insert(), rows)
seeded = time.time() - t0
"""

CHILD = EMIT + SEED_TABLE + f"""server = BackgroundServer(cfg.store_url, cfg.blob_url)
session = requests.Session()
session.auth = server.create_key("bench")
base = f"{{server.url}}/{{API_PREFIX}}"
cols = [f"metric:m{{m}}/val" for m in range({METRICS})]

def get(path, **params):
    t = time.perf_counter()
    r = session.get(base + path, params=params, timeout=60)
    r.raise_for_status()
    return time.perf_counter() - t, r.json()

page = dict(project="bench/big", limit=200, columns=cols, parts="false", archived="false")
get("tasks", **page, order_by="-last_update")  # warm-up: the first read opens the store's caches
out = dict(open=[], sort=[], end=[], range=[], counts=[], columns=[], search=[], seeded=seeded)
for run in range({RUNS}):
    m = run % {METRICS}
    dt, body = get("tasks", **page, order_by="-last_update", offset=0)
    assert body["total"] == {TASKS} and len(body["items"]) == 200
    out["open"].append(dt)
    dt, body = get("tasks", **page, order_by=("-" if run % 2 else "") + f"metric:m{{m}}/val")
    out["sort"].append(dt)
    values = [i["columns"][f"metric:m{{m}}/val"] for i in body["items"]]
    assert values == sorted(values, reverse=bool(run % 2))
    dt, body = get("tasks", **page, order_by=f"metric:m{{m}}/val", offset={TASKS} - 200)
    assert len(body["items"]) == 200
    out["end"].append(dt)
    out["range"].append(get("tasks", **page, order_by="-last_update", range=f"metric:m{{m}}/val=0.25..0.5")[0])
    out["counts"].append(get("tasks/counts", project="bench/big", parts="false")[0])
    out["columns"].append(get("tasks/columns", project="bench/big", parts="false")[0])
    out["search"].append(get("search", q=f"run 0{{run:02d}}")[0])
session.close()
server.stop()
store.close()
emit(**out)
"""


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def collect() -> list[Row]:
    found = run_child(CHILD, timeout=1800)
    cpu = os.cpu_count()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    rows = []
    for key, label, target in (("open", "open project: first 200 rows + 10 metric columns + total", 0.3),
                               ("sort", "sort by a metric column (first page)", 0.3),
                               ("end", "scroll to the end (last page, metric order)", 0.3),
                               ("range", "metric range filter (first page)", None),
                               ("counts", "counts by status", None),
                               ("columns", "column picker's choices", None),
                               ("search", "global search", None)):
        samples = found[key]
        rows.append(Row(label, samples, target,
                        notes=[f"p99 {_p99(samples) * 1e3:.0f} ms over {len(samples)} requests"]))
    rows[0].notes.append(f"{TASKS:,} tasks x {METRICS} metrics seeded in {found['seeded']:.0f} s (untimed); "
                         f"{cpu} cores, load {load}")
    return rows


if __name__ == "__main__":
    main(collect)
