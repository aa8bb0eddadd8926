"""Model-registry tests: the SDK fixtures of ``tests/sdk/conftest.py`` (``Task``, ``task``,
``fresh_session``), loaded from that file rather than copied, plus a few helpers."""
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
def weights(tmp_path: Path) -> Callable[..., str]:
    """``weights(b"bytes", name="best_model.pth")`` writes a weights file and returns its path."""

    def write(data: bytes = b"weights", name: str = "best_model.pth") -> str:
        path = tmp_path / "files" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return str(path)

    return write


@pytest.fixture
def blob_path(track_home: Path) -> Callable[[str], Path]:
    """Where the default store keeps the bytes of a sha256."""

    def where(sha: str) -> Path:
        return track_home / "blobs" / "sha256" / sha[:2] / sha

    return where


def sha_of(model: Any) -> str:
    """The sha256 of a model's current version (its URL ends with it)."""
    return str(model.url).rsplit("/", 1)[-1]
