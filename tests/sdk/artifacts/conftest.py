"""Artifact tests: the SDK fixtures of ``tests/conftest.py``, plus a few helpers."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    """A folder for the test's input files (outside the tracker home)."""
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The process's temporary folder, pointed at an empty folder of this test's."""
    import tempfile

    folder = tmp_path / "systmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


@pytest.fixture
def sdk_backend() -> Callable[[], Any]:
    """The SDK session's backend (call it after the tracker home is set up)."""
    from jupyter_ext.sdk import _session as session

    return session.backend


def blob_files(folder: Path) -> set[str]:
    """The sha256 names of the blobs stored under a blob folder."""
    root = folder / "sha256"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()
