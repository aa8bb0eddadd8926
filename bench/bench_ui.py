"""Figures of the JupyterLab face, measured in Chromium inside a real JupyterLab:

- "task table first paint": click the project holding 10,000 tasks in the Experiments panel
  until its first rows and its total are painted (target <= 1 s).
- "Scalars tab, 100 series x 1M points": open a task whose 100 series (10 metric titles x 10
  series) hold 1,000,000 points each, on its Scalars tab, until the first chart is drawn
  (target <= 1 s). Charts read their points only when scrolled to, one title per request.
- the same right after the task reported a new point to each series of that chart, so no cached
  answer fits and the server reads and downsamples the 10 M points again (target <= 1 s).
- information: scrolling the table to a row thousands down until real rows fill the view.

One store is seeded once (core calls in a child process, untimed), one `jupyter lab` serves it,
and ui-tests/bench/timing.js drives /usr/bin/chromium, timing inside the page. The first run of
each figure warms the browser's caches and is dropped; the rest give the medians.

    .venv/bin/python bench/bench_ui.py        (BENCH_RUNS=5 by default; needs node, chromium,
                                               ui-tests/node_modules and the built extension;
                                               BENCH_UI_HOME=DIR keeps the seeded store for reruns)
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator

from _common import EMIT, RUNS, Row, child_env, fresh_home, main, run_child

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UI = os.path.join(ROOT, "ui-tests")
TASKS = 10_000
TITLES, SERIES, POINTS = 10, 10, 1_000_000

SEED = EMIT + f"""
import time
import numpy as np
from tqdm.auto import tqdm
from jupyter_ext import config
from jupyter_ext.client.local import LocalBackend
from jupyter_ext.core import scalars, tasks
cfg = config.load()
backend = LocalBackend(cfg.store_url, cfg.blob_url)
store = backend.store
for i in tqdm(range({TASKS}), desc="seed tasks", leave=False):
    tasks.create(store, {{"project": "bench/table", "name": f"run {{i:05d}}", "tags": ["t%d" % (i % 7)],
                         "status": "in_progress" if i % 3 else "created", "user": "bench"}})
tasks.create(store, {{"project": "bench/other", "name": "alone"}})
big = tasks.create(store, {{"project": "bench/scalars", "name": "100 series x 1M points", "status": "in_progress"}})
rng = np.random.default_rng(0)
it = np.arange({POINTS}, dtype="<i8")
ti = 1.7e9 + it * 0.01
for t in tqdm(range({TITLES}), desc="seed scalars", leave=False):
    for s in range({SERIES}):
        va = np.cumsum(rng.normal(0, 1e-3, {POINTS})) + t + s / 10
        with store.write() as conn:
            scalars.append(conn, big.id, [(f"metric {{t:02d}}", f"series {{s:02d}}", it, va, ti)])
emit(task=big.id)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


@contextlib.contextmanager
def _home() -> Iterator[str]:
    kept = os.environ.get("BENCH_UI_HOME")
    if kept:
        os.makedirs(kept, exist_ok=True)
        yield kept
    else:
        with fresh_home() as home:
            yield home


def collect() -> list[Row]:
    for need, why in ((shutil.which("node"), "node"), (os.path.exists("/usr/bin/chromium"), "/usr/bin/chromium"),
                      (os.path.isdir(os.path.join(UI, "node_modules", "@playwright")), "ui-tests/node_modules")):
        if not need:
            sys.exit(f"bench_ui needs {why} (python3 dev.py test installs the UI test tools)")
    with _home() as home:
        marker = os.path.join(home, "bench-ui-seed.json")
        t0 = time.perf_counter()
        reused = os.path.exists(marker)
        if reused:  # BENCH_UI_HOME kept from an earlier run: seeding takes minutes
            with open(marker) as fh:
                seeded = json.load(fh)
        else:
            seeded = run_child(SEED, home=home, timeout=3600)
            with open(marker, "w") as fh:
                json.dump(seeded, fh)
        seed_s = time.perf_counter() - t0
        port = _free_port()
        env = child_env(home)
        env["JUPYTER_CONFIG_DIR"] = tempfile.mkdtemp(prefix="jxbench-cfg-", dir=home)
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
        lab = subprocess.Popen(
            [jupyter, "lab", "--config", os.path.join(UI, "jupyter_server_test_config.py"), f"--port={port}",
             f"--ServerApp.root_dir={home}"],
            cwd=UI, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait(f"http://127.0.0.1:{port}/api/status")
            proc = subprocess.run(
                ["node", os.path.join(UI, "bench", "timing.js")], cwd=UI, capture_output=True, text=True, timeout=1800,
                env=dict(env, JE_URL=f"http://127.0.0.1:{port}", JE_TASK=seeded["task"], JE_RUNS=str(RUNS),
                         JE_SHOT=os.path.join(UI, "artifacts", "bench-scalars.png")))
        finally:
            lab.terminate()
            lab.wait(30)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@UI@@")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"timing.js failed (rc={proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    got = json.loads(lines[-1][len("@@UI@@"):])
    ms = 1e-3
    return [
        Row("task table first paint (10,000 tasks)", [v * ms for v in got["table"]], 1.0, "ms",
            notes=["click on the project -> first rows and the total painted; pages of 200 rows load as you scroll"]),
        Row("Scalars tab to first chart (100 series x 1M points)", [v * ms for v in got["scalars"]], 1.0, "ms",
            notes=[f"{TITLES} titles x {SERIES} series; the first chart reads its {SERIES} series "
                   f"({SERIES * POINTS:,} points, min/max-downsampled by the server); {got['charts']} charts laid out",
                   "store reused from BENCH_UI_HOME" if reused else f"store seeded once in {seed_s:.0f} s (untimed)"]),
        Row("Scalars tab to first chart, right after the task reported a new point",
            [v * ms for v in got["scalarsFresh"]],
            1.0, "ms", notes=["before each open one point is posted to each series of the first chart: no cached "
                              f"answer fits, the server reads and downsamples the {SERIES * POINTS:,} points again"]),
        Row("table scroll to a far row until real rows show", [v * ms for v in got["scroll"]], None, "ms"),
        Row("Scalars tab, first open after the server started", [got["scalarsCold"] * ms], None, "ms",
            notes=["the dropped warm-up run: the browser loads plotly, the new server process its first "
                   "imports and the chart's points"]),
    ]


if __name__ == "__main__":
    main(collect)
