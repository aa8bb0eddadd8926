"""Dataset tests: the SDK fixtures of ``tests/conftest.py``, plus a folder of data files."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def Dataset(track_home: Path) -> Any:
    from jupyter_ext import Dataset as DatasetClass

    return DatasetClass


@pytest.fixture
def write_files(tmp_path: Path) -> Callable[..., Path]:
    """``write_files({"a.txt": b"..", "sub/b.jpg": b".."}, folder="data")`` writes them; the folder."""

    def write(files: dict[str, bytes], folder: str = "data") -> Path:
        root = tmp_path / folder
        for rel, data in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        root.mkdir(parents=True, exist_ok=True)
        return root

    return write


def blob_files(home: Path) -> set[str]:
    """The sha256 names of the blob files in the default blob folder."""
    return {p.name for p in (home / "blobs").rglob("*") if p.is_file() and len(p.name) == 64}
