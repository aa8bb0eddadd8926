"""Artifact tests: the SDK fixtures of ``tests/sdk/conftest.py`` (``Task``, ``task``,
``fresh_session``), loaded from that file rather than copied, plus a few helpers."""
from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location("_sdk_fixtures_for_artifacts",
                                               Path(__file__).parent.parent / "sdk" / "conftest.py")
assert _spec is not None and _spec.loader is not None
_sdk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_sdk)
Task = _sdk.Task
task = _sdk.task
fresh_session = _sdk.fresh_session


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
    from jupyter_ext.sdk import session

    return session.backend


def blob_files(folder: Path) -> set[str]:
    """The sha256 names of the blobs stored under a blob folder."""
    root = folder / "sha256"
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()
