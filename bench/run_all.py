"""Run every benchmark and print one summary table.

    .venv/bin/python bench/run_all.py            # all figures, 5 runs each (~25 min on 2 cores)
    BENCH_RUNS=7 .venv/bin/python bench/run_all.py

Each script also runs alone (``python bench/bench_init.py``) and prints its own table.
"""
from __future__ import annotations

import os
import platform
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import bench_agent
import bench_artifacts
import bench_automagic
import bench_automation
import bench_coldstart
import bench_datasets
import bench_http
import bench_import
import bench_init
import bench_model_metrics
import bench_model_remove
import bench_notebook
import bench_offline
import bench_params_close
import bench_queues
import bench_readback
import bench_scalars
import bench_storage
import bench_sync
import bench_ui
from _common import RUNS, Row, table

# Foundation first, then the server, the notebook and lab faces, and the queue/agent stack. bench_coldstart
# runs the agent's per-task overhead and bench_pipelines (the cold-start figures), so they are not run twice.
SCRIPTS = (bench_import, bench_init, bench_coldstart, bench_scalars, bench_params_close, bench_readback,
           bench_artifacts, bench_datasets, bench_automagic, bench_http, bench_offline, bench_sync, bench_notebook,
           bench_ui, bench_queues, bench_agent, bench_model_metrics, bench_model_remove,
           bench_storage, bench_automation)


def main() -> None:
    start = time.perf_counter()
    print(f"python {platform.python_version()} ({sys.executable}), {os.cpu_count()} CPUs, "
          f"{RUNS} runs per figure (median of fresh processes), load avg {os.getloadavg()[0]:.2f}", flush=True)
    rows: list[Row] = []
    for script in SCRIPTS:
        t0 = time.perf_counter()
        got = script.collect()
        rows += got
        print(f"\n== {script.__name__} ({time.perf_counter() - t0:.0f} s)\n{table(got)}", flush=True)
    failed = [r.figure for r in rows if r.verdict == "FAIL"]
    print(f"\n== SUMMARY ({time.perf_counter() - start:.0f} s total, load avg {os.getloadavg()[0]:.2f})")
    print(table([Row(r.figure, r.samples, r.target, r.unit) for r in rows]))  # notes are printed above
    print(f"\n{sum(r.verdict == 'PASS' for r in rows)} PASS, {len(failed)} FAIL, "
          f"{sum(r.verdict == 'info' for r in rows)} info")


if __name__ == "__main__":
    main()
