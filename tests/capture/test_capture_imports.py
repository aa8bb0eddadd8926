"""The capture layer stays free of Jupyter and heavy libraries, and cheap to import."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["jupyter_server", "tornado", "IPython", "ipywidgets", "traitlets", "pandas", "numpy"]


def _run(code: str, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return proc.stdout


def test_capture_imports_nothing_heavy() -> None:
    code = (
        "import sys, json\n"
        "import jupyter_ext.capture.console, jupyter_ext.capture.environment, jupyter_ext.capture.git\n"
        "import jupyter_ext.core.rules.redact\n"
        f"print(json.dumps([m for m in {FORBIDDEN!r} if m in sys.modules]))\n"
    )
    assert json.loads(_run(code)) == []


def test_console_imports_only_builtins() -> None:
    code = (
        "import sys, json, jupyter_ext.capture\n"
        "before = set(sys.modules)\n"
        "import jupyter_ext.capture.console\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    assert json.loads(_run(code)) == ["jupyter_ext.capture.console"]


def test_console_import_is_cheap(tmp_path: Path) -> None:
    # Bytecode goes to tmp_path, as an installed package would have it cached; the parent
    # packages are imported first, as they would already be when the SDK installs capture.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path)
    code = (
        "import time, jupyter_ext.capture\n"
        "t = time.perf_counter()\n"
        "import jupyter_ext.capture.console\n"
        "print(time.perf_counter() - t)\n"
    )
    _run(code, env)  # writes the bytecode
    best = min(float(_run(code, env)) for _ in range(3))
    assert best < 0.005
