"""Backends every test in tests/client runs on: LocalBackend, and HttpBackend against a real
standalone server on 127.0.0.1 over the same kind of store (a key created for the test).

``any_backend`` and ``backend`` are both parametrised, so the contract tests, the reporter
tests and the local-backend tests that only need "a backend" run on both.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def _local(tmp_path: Path, db_url: str) -> Any:
    from jupyter_ext.client.local import LocalBackend

    return LocalBackend(db_url, str(tmp_path / "blobs"))


def _http(tmp_path: Path, db_url: str) -> Any:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "blobs"))
    access, secret = server.create_key("tests")
    made = HttpBackend(server.url, access, secret)
    made.test_server = server  # type: ignore[attr-defined]
    return made


BACKENDS: list[Callable[[Path, str], Any]] = [_local, _http]


def _close(made: Any) -> None:
    made.close()
    server = getattr(made, "test_server", None)
    if server is not None:
        server.stop()


@pytest.fixture(params=BACKENDS, ids=lambda make: make.__name__.lstrip("_"))
def any_backend(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[Any]:
    from jupyter_ext.client.backend import Backend

    made = request.param(tmp_path, db_url)
    assert isinstance(made, Backend)
    yield made
    _close(made)


@pytest.fixture(params=BACKENDS, ids=lambda make: make.__name__.lstrip("_"))
def backend(request: pytest.FixtureRequest, tmp_path: Path, db_url: str) -> Iterator[Any]:
    """The root conftest's LocalBackend, and the same store behind an HTTP server."""
    made = request.param(tmp_path, db_url)
    yield made
    _close(made)
