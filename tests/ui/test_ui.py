"""The JupyterLab extension in a real JupyterLab, driven by Galata in the system Chromium.

Seeds a private tracker home through the SDK (and queues, a worker and a pipeline run through
the Backend), then runs the Galata suite in ui-tests/ (which
starts `jupyter lab` under a JupyterHub-like base URL with the server extension on). Screenshots
land in ui-tests/artifacts/. Skipped, saying why, where node, the browser, the installed
Galata packages or the built extension are missing (`python3 dev.py test` provides them).
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui-tests"
CHROMIUM = os.environ.get("JE_UI_CHROMIUM", "/usr/bin/chromium")
SHOTS = ["01-experiments-panel", "02-task-scalars", "03-task-artifacts", "04-compare", "05-clone-edit",
         "06-datasets", "07-notebook-focus", "08-dark-theme", "09-hub-base-url", "10-notebook7",
         "11-columns", "12-live-plot", "13-queues-panel", "14-queue-reorder", "15-enqueue-clone", "16-abort",
         "17-pipelines-panel", "18-pipeline-dag", "19-pipeline-dark", "20-queues-dark", "21-model-details",
         "22-model-details-dark", "glue-01-launcher-in-workers", "glue-02-task-job", "glue-03-launcher-dark",
         "23-workbench-table", "24-workbench-table-dark", "25-workbench-row-menu",
         "26-workbench-dashboard", "27-workbench-dashboard-dark", "28-workbench-home", "29-workbench-search",
         "30-workbench-search-dark", "compare-01-sweep", "compare-02-sweep-dark", "compare-03-plots",
         "compare-04-sample-viewer", "compare-05-debug-samples", "compare-06-execution", "compare-07-execution-dark",
         "pages-01-scalars-relative", "pages-02-sample-viewer", "pages-03-sample-viewer-dark", "pages-04-tags",
         "pages-05-params-draft", "pages-06-execution-draft", "pages-07-execution-draft-dark", "pages-08-model-edit",
         "pages-09-model-published-dark"]

pytestmark = pytest.mark.slow


def _missing() -> str | None:
    if shutil.which("node") is None or shutil.which("npx") is None:
        return "node/npx not installed"
    if not os.path.exists(CHROMIUM):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not (UI / "node_modules" / "@jupyterlab" / "galata").is_dir():
        return "ui-tests/node_modules missing (npm install in ui-tests/, done by `python3 dev.py test`)"
    labext = Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "jupyter-ext" / "package.json"
    if not labext.exists():
        return f"the labextension is not installed in this environment ({labext})"
    try:
        import notebook  # noqa: F401
    except ImportError:
        return "the notebook package (Notebook 7) is not installed: pip install -e .[test]"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_galata_suite(tmp_path: Path) -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(
        JUPYTER_TRACK_HOME=str(tmp_path / "track"),
        JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "no-track.toml"),
        JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"),
        PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", ""),
    )
    seeded = subprocess.run([sys.executable, str(UI / "seed.py")], env=env, capture_output=True, text=True,
                            timeout=300)
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    seed = json.loads(seeded.stdout.strip().splitlines()[-1])
    root = tmp_path / "notebooks"
    root.mkdir()
    shots = UI / "artifacts"
    shutil.rmtree(shots, ignore_errors=True)
    env.update(JE_SEED=json.dumps(seed), JE_UI_PORT=str(_free_port()), JE_UI_HUB_PORT=str(_free_port()),
               JE_UI_NB_PORT=str(_free_port()),
               JE_UI_ROOT=str(root),
               JE_UI_BASE_URL="/user/tester/", JE_UI_JUPYTER=os.path.join(os.path.dirname(sys.executable), "jupyter"),
               JE_UI_CHROMIUM=CHROMIUM)
    run = subprocess.run(["npx", "playwright", "test"], cwd=UI, env=env, capture_output=True, text=True,
                         timeout=900)
    print(run.stdout[-20000:])
    assert run.returncode == 0, (run.stdout[-8000:] + run.stderr[-4000:])
    for name in SHOTS:
        png = shots / f"{name}.png"
        assert png.exists() and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"screenshot {png} missing"
