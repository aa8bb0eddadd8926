"""The extension's version is the package's, and the build ships where JupyterLab looks."""
from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_one_version_at_both_ends() -> None:
    from jupyter_ext import _version

    package = json.loads((ROOT / "labextension" / "package.json").read_text())
    assert package["version"] == _version.__version__, "bump labextension/package.json with jupyter_ext/_version.py"


def test_wheel_ships_the_prebuilt_extension() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'"jupyter_ext/labextension" = "share/jupyter/labextensions/jupyter-ext"', text)
    package = json.loads((ROOT / "labextension" / "package.json").read_text())
    assert package["jupyterlab"]["outputDir"] == "../jupyter_ext/labextension"
    assert package["name"] == "jupyter-ext"
