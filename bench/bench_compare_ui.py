"""Figures of the compare view, measured in Chromium inside a real JupyterLab:

- compare of 10 tasks x 20 metrics x 10,000 points: from the compare command to the first chart's
  lines on screen, to the first plotly chart, and to all 20 charts drawn while the view scrolls
  to each next chart (charts are lazy: each reads its points, one request for all the tasks,
  when it comes near the viewport). Targets: first chart <= 1 s, all <= 3 s.
- the same opened at once in a freshly loaded page (plotly.js may still be loading: the first
  chart is a canvas sketch until it is there).
- parallel coordinates over 1,000 tasks (6 parameters and a metric) drawn by the plotly.js build
  the extension bundles. Target <= 500 ms.

    .venv/bin/python bench/bench_compare_ui.py   (BENCH_RUNS=5; needs node, chromium, ui-tests/node_modules
                                                  and the built extension; BENCH_UI_HOME=DIR keeps the store)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from _common import EMIT, RUNS, Row, child_env, main, run_child
from bench_ui import UI, _free_port, _home, _wait

TASKS, METRICS, POINTS = 10, 20, 10_000

SEED = EMIT + f"""
import numpy as np
from jupyter_ext import config
from jupyter_ext.client.local import LocalBackend
from jupyter_ext.core import params, scalars, tasks
from jupyter_ext.store.rows import ParamRow
cfg = config.load()
store = LocalBackend(cfg.store_url, cfg.blob_url).store
rng = np.random.default_rng(0)
it = np.arange({POINTS}, dtype="<i8")
ti = 1.7e9 + it * 0.5
ids = []
for n in range({TASKS}):
    t = tasks.create(store, {{"project": "bench/compare", "name": f"run {{n}}"}})
    params.set_parameters(store, t.id, [ParamRow(section="General", name="lr", value=0.01 * (n + 1), type="float",
                                                 description=""),
                                        ParamRow(section="General", name="depth", value=2 + n % 4, type="int",
                                                 description="")], force=True)
    with store.write() as conn:
        scalars.append(conn, t.id, [(f"metric {{m:02d}}", "value", it,
                                     np.cumsum(rng.normal(0, 1e-2, {POINTS})) + m, ti) for m in range({METRICS})])
    ids.append(t.id)
emit(tasks=ids)
"""


def collect() -> list[Row]:
    with _home() as home:
        marker = os.path.join(home, "bench-compare-seed.json")
        if os.path.exists(marker):
            with open(marker) as fh:
                seeded = json.load(fh)
        else:
            seeded = run_child(SEED, home=home, timeout=1800)
            with open(marker, "w") as fh:
                json.dump(seeded, fh)
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
            t0 = time.perf_counter()
            proc = subprocess.run(
                ["node", os.path.join(UI, "bench", "compare_timing.js")], cwd=UI, capture_output=True, text=True,
                timeout=1800, env=dict(env, JE_URL=f"http://127.0.0.1:{port}", JE_TASKS=",".join(seeded["tasks"]),
                                       JE_RUNS=str(RUNS),
                                       JE_SHOT=os.path.join(UI, "artifacts", "bench-compare.png")))
            wall = time.perf_counter() - t0
        finally:
            lab.terminate()
            lab.wait(30)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@UI@@")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"compare_timing.js failed (rc={proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    got = json.loads(lines[-1][len("@@UI@@"):])
    ms = 1e-3
    warm, fresh = got["warm"], got["fresh"]
    note = f"{TASKS} tasks x {METRICS} metrics x {POINTS:,} points; each chart is one GET scalars?tasks=…&metrics=…"
    return [
        Row("compare: first chart (plotly)", [r["firstChart"] * ms for r in warm], 1.0, "ms", notes=[note]),
        Row("compare: all charts drawn, scrolling", [r["allCharts"] * ms for r in warm], 3.0, "ms",
            notes=[f"{warm[0]['charts']} charts, each read when scrolled near"]),
        Row("compare in a freshly loaded page: first lines on screen", [r["firstLines"] * ms for r in fresh], 1.0,
            "ms", notes=["the canvas sketch while plotly.js loads, or plotly if it is first"]),
        Row("compare in a freshly loaded page: first plotly chart", [r["firstChart"] * ms for r in fresh], None,
            "ms"),
        Row("parallel coordinates, 1,000 tasks x 7 axes: draw", [v * ms for v in got["parcoords"]], 0.5, "ms",
            notes=[f"whole run {wall:.0f} s"]),
    ]


if __name__ == "__main__":
    main(collect)
