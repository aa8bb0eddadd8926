"""Model-registry tests: the SDK fixtures of ``tests/conftest.py``, plus a few helpers."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


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
