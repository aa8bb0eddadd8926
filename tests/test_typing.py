"""The static gates hold: mypy --strict on all of jupyter_ext/ and ruff's rule set (both set in pyproject.toml)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.slow
def test_mypy_strict_is_clean(tmp_path) -> None:
    out = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Success" in out.stdout


def test_ruff_is_clean() -> None:
    out = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "jupyter_ext", "tests", "bench",
                          "examples", "dev.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_package_says_it_is_typed() -> None:
    """Type checkers use the package's annotations only when it ships py.typed: the wheel takes
    every file of jupyter_ext/ that git does not ignore ([tool.hatch.build.targets.wheel])."""
    marker = os.path.join("jupyter_ext", "py.typed")
    assert os.path.isfile(os.path.join(ROOT, marker))
    ignored = subprocess.run(["git", "check-ignore", "-q", marker], cwd=ROOT, capture_output=True)
    assert ignored.returncode != 0, f"{marker} is git-ignored, so the wheel would leave it out"
