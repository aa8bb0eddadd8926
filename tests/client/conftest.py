"""Backends the contract tests run on. When HttpBackend lands, add one line to BACKENDS."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _local(tmp_path: Path, db_url: str) -> Any:
    from jupyter_ext.client.local import LocalBackend

    return LocalBackend(db_url, str(tmp_path / "blobs"))


BACKENDS: list[Callable[[Path, str], Any]] = [
    _local,
    # _http,  # HttpBackend against a jupyter server on the same store (the server issue)
]


@pytest.fixture(params=BACKENDS, ids=lambda make: make.__name__.lstrip("_"))
def any_backend(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[Any]:
    from jupyter_ext.client.backend import Backend

    made = request.param(tmp_path, db_url)
    assert isinstance(made, Backend)
    yield made
    made.close()
