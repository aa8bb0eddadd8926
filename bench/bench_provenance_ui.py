"""Notebook provenance figures in Chromium, inside a real JupyterLab (the Galata spec
ui-tests/tests/provenance.spec.ts, its "5 MB notebooks" test, repeated BENCH_RUNS times):

- compare's Notebook view of two 5 MB / 200-cell notebooks: from the click on the tab until the
  first diff row is painted (target <= 1 s);
- "Open notebook" of a 5 MB snapshot: from the click until the notebook is open in the lab with
  its injected parameters cell on screen (target <= 1 s).

    .venv/bin/python bench/bench_provenance_ui.py   (needs node, chromium, ui-tests/node_modules and
                                                    the built extension)
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile

from _common import RUNS, Row, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
UI = os.path.join(ROOT, "ui-tests")
MARK = "@@BENCH@@"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run() -> list[dict[str, float]]:
    tmp = tempfile.mkdtemp(prefix="jxbench-provui-")
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
        bin_dir = os.path.dirname(sys.executable)
        root = os.path.join(tmp, "notebooks")
        os.makedirs(root)
        env.update(JUPYTER_TRACK_HOME=os.path.join(tmp, "track"),
                   JUPYTER_TRACK_CONFIG_FILE=os.path.join(tmp, "no-track.toml"),
                   JUPYTER_CONFIG_DIR=os.path.join(tmp, "jupyter-config"),
                   JUPYTER_RUNTIME_DIR=os.path.join(tmp, "jupyter-runtime"), PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
                   PATH=bin_dir + os.pathsep + env.get("PATH", ""), JE_SEED='{"tasks": []}',
                   JE_UI_PORT=str(_port()), JE_UI_HUB_PORT=str(_port()), JE_UI_NB_PORT=str(_port()),
                   JE_UI_ROOT=root, JE_UI_BASE_URL="/user/tester/", JE_UI_JUPYTER=os.path.join(bin_dir, "jupyter"),
                   JE_UI_CHROMIUM=os.environ.get("JE_UI_CHROMIUM", "/usr/bin/chromium"),
                   JE_PROV_RUNS=str(RUNS + 1))
        done = subprocess.run(["npx", "playwright", "test", "tests/provenance.spec.ts", "--project", "lab",
                               "-g", "5 MB"], cwd=UI, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(done.stdout[-4000:] + done.stderr[-2000:])
        return [json.loads(line.split(MARK, 1)[1]) for line in done.stdout.splitlines() if MARK in line]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def collect() -> list[Row]:
    found = _run()
    diff = [r["diff_first_paint"] for r in found if "diff_first_paint" in r][1:]  # the first warms the browser
    opened = [r["open_notebook"] for r in found if "open_notebook" in r][1:]
    return [
        Row("compare Notebook view, 2 x 5 MB / 200 cells: click to first row", diff, 1.0, unit="s",
            notes=["Chromium in a real JupyterLab; server diff (nbdime), JSON, React paint of 200 rows (folded)"]),
        Row("Open notebook, 5 MB snapshot: click to the notebook on screen", opened, 1.0, unit="s",
            notes=["the server writes the notebook into the workspace (~0.2 s, bench_provenance.py); the rest is "
                   "JupyterLab opening a 5 MB notebook of 200 image outputs"]),
    ]


if __name__ == "__main__":
    main(collect)
