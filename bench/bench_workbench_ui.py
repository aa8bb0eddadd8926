"""Figures of the experiments table in the main area, in Chromium inside a real JupyterLab, on
100,000 tasks with 10 metric columns (targets: each <= 300 ms; the cold load is reported):

- cold JupyterLab load -> first table row: a new browser context (empty cache, new workspace)
  opens ``lab?track=project/bench/big``; from navigation start to the first row painted;
- open the project: select it in the tree (another project shown in between) until its first
  rows and total are painted in the table;
- sort by a metric column: click its header until the first row has changed and is painted;
- scroll to the end: until the last rows (not placeholders) are painted.

The store is seeded once with plain INSERTs (bench_table.py's seed, untimed).

    .venv/bin/python bench/bench_workbench_ui.py    (BENCH_RUNS=5; needs node, chromium, ui-tests/node_modules
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
from bench_table import METRICS, SEED_TABLE, TASKS
from bench_ui import UI, _free_port, _home, _wait

SEED = EMIT + SEED_TABLE + """
from jupyter_ext.core import tasks as core_tasks
core_tasks.create(store, {"project": "bench/other", "name": "alone"})
store.close()
emit(seeded=seeded)
"""


def collect() -> list[Row]:
    with _home() as home:
        marker = os.path.join(home, "bench-workbench-seed.json")
        if not os.path.exists(marker):
            with open(marker, "w") as fh:
                json.dump(run_child(SEED, home=home, timeout=3600), fh)
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
            proc = subprocess.run(["node", os.path.join(UI, "bench", "workbench_timing.js")], cwd=UI,
                                  capture_output=True, text=True, timeout=1800,
                                  env=dict(env, JE_URL=f"http://127.0.0.1:{port}", JE_RUNS=str(RUNS)))
        finally:
            lab.terminate()
            lab.wait(30)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@UI@@")]
    if proc.returncode != 0 or not lines:
        sys.exit(f"workbench_timing.js failed (rc={proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    got = json.loads(lines[-1][len("@@UI@@"):])
    ms = 1e-3
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        Row("cold JupyterLab load -> first table row", [v * ms for v in got["cold"]], None, "ms",
            notes=[f"{TASKS:,} tasks x {METRICS} metrics; {os.cpu_count()} cores, load {load}; "
                   f"{time.strftime('%Y-%m-%d %H:%M')}"]),
        Row("open project (100,000 tasks) in the table", [v * ms for v in got["open"]], 0.3, "ms"),
        Row("sort by a metric column", [v * ms for v in got["sort"]], 0.3, "ms"),
        Row("scroll to the end", [v * ms for v in got["end"]], 0.3, "ms"),
    ]


if __name__ == "__main__":
    main(collect)
