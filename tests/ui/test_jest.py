"""The TypeScript unit tests of the extension's model (jest), run when node is installed."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LABEXT = Path(__file__).resolve().parents[2] / "labextension"


def test_jest_model_tests() -> None:
    if shutil.which("npx") is None:
        pytest.skip("node/npx not installed")
    if not (LABEXT / "node_modules" / "jest").is_dir():
        pytest.skip("labextension/node_modules missing (npm install in labextension/, done by `python3 dev.py test`)")
    run = subprocess.run(["npx", "jest", "--ci"], cwd=LABEXT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-6000:]
    assert "failed" not in run.stderr.split("Tests:")[-1].split("\n")[0]
