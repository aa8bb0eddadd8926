"""Importing the figures package must not pull in the heavy libraries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
HEAVY = ("numpy", "pandas", "plotly", "PIL", "matplotlib")


def test_import_leaves_heavy_modules_unloaded() -> None:
    code = f"import sys, jupyter_ext.sdk.logging.figures\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
