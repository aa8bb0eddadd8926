"""Reliability probes: a real standalone server on 127.0.0.1 over a real SQLite store."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX


@pytest.fixture
def server(tmp_path: Path) -> Iterator[BackgroundServer]:
    """The standalone app in a thread over a fresh SQLite store and blob folder in ``tmp_path``."""
    home = tmp_path / "home"
    home.mkdir()
    with BackgroundServer(f"sqlite:///{home / 'track.db'}", str(home / "blobs")) as running:
        yield running


@pytest.fixture
def api(server: BackgroundServer) -> Iterator[Any]:
    """``api(method, path, **requests_kwargs)`` with an API key of its own."""
    import requests

    session = requests.Session()
    session.auth = server.create_key("probe")

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return session.request(method, f"{server.url}/{API_PREFIX}{path}", timeout=60, **kwargs)

    yield call
    session.close()
