"""Dataset tests: the SDK fixtures of ``tests/sdk/conftest.py`` (``Task``, ``task``,
``fresh_session``), loaded from that file rather than copied, plus a folder of data files."""
from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location("_sdk_fixtures", Path(__file__).parent.parent / "sdk" / "conftest.py")
assert _spec is not None and _spec.loader is not None
_sdk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sdk)
Task = _sdk.Task
task = _sdk.task
fresh_session = _sdk.fresh_session


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
