"""Server tests: the extension inside a real Jupyter server (pytest-jupyter's ``jp_fetch``) and
the standalone app on 127.0.0.1, both over a private store in ``tmp_path``."""
from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest-jupyter's fixtures and its async test runner, for this folder only (a plugin listed in a
# non-root conftest is refused by pytest, so they are imported here).
from pytest_jupyter.jupyter_core import *  # noqa: F403
from pytest_jupyter.jupyter_server import *  # noqa: F403
from pytest_jupyter.pytest_tornasync import *  # noqa: F403

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX

_LEAKY = ("JUPYTER_TRACK_", "CLEARML_")


@pytest.fixture
def track_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private tracker home; the extension opens the store the settings name, i.e. this one."""
    for name in list(os.environ):
        if name.startswith(_LEAKY):
            monkeypatch.delenv(name)
    home = tmp_path / "track-home"
    monkeypatch.setenv("JUPYTER_TRACK_HOME", str(home))
    monkeypatch.setenv("JUPYTER_TRACK_CONFIG_FILE", str(tmp_path / "no-such-track.toml"))
    monkeypatch.setenv("CLEARML_CONFIG_FILE", str(tmp_path / "no-such-clearml.conf"))
    return home


@pytest.fixture
def jp_server_config(track_store: Path) -> dict[str, Any]:
    return {"ServerApp": {"jpserver_extensions": {"jupyter_ext.server": True}}}


@pytest.fixture
def services(jp_serverapp: Any) -> Any:
    """The extension's shared state inside the running Jupyter server."""
    return jp_serverapp.web_app.settings["jupyter_track_services"]


@pytest.fixture(autouse=True)
def _close_extension_services(request: pytest.FixtureRequest) -> Iterator[None]:
    """Jupyter has no unload hook for a module extension: close its store after each test, so an
    opening still in progress (migrations are process-wide) never overlaps the next test's."""
    yield
    app = request.node.funcargs.get("jp_serverapp")
    if app is not None:
        found = app.web_app.settings.pop("jupyter_track_services", None)
        if found is not None:
            found.close()


@pytest.fixture
def api_key(services: Any) -> tuple[str, str]:
    from jupyter_ext.core import keys

    return keys.create(services.backend.store, "tests")


@pytest.fixture
def standalone(tmp_path: Path, db_url: str) -> Iterator[BackgroundServer]:
    """The standalone app (API keys only) in a thread, on a free port."""
    server = BackgroundServer(db_url, str(tmp_path / "blobs"))
    yield server
    server.stop()


@pytest.fixture
def api(standalone: BackgroundServer) -> Iterator[Any]:
    """``api(method, path, **requests_kwargs)``: the standalone app's REST API with a key of its own."""
    import requests

    session = requests.Session()
    session.auth = standalone.create_key("tests")

    def call(method: str, path: str, **kwargs: Any) -> requests.Response:
        return session.request(method, f"{standalone.url}/{API_PREFIX}{path}", timeout=30, **kwargs)

    yield call
    session.close()


@pytest.fixture
def changes_socket(standalone: BackgroundServer, db_url: str, tmp_path: Path) -> Iterator[Any]:
    """The standalone app's ``changes`` WebSocket, handed over once the server's poller has made its
    first poll (that one only learns where "now" is): from then on a row written straight to the
    store is reported. Probe tasks, written until one is reported, tell when that happened."""
    import base64

    import websocket

    from jupyter_ext.client.local import LocalBackend

    access, secret = standalone.create_key("ui")
    token = base64.b64encode(f"{access}:{secret}".encode()).decode()
    sock = websocket.create_connection(f"ws://127.0.0.1:{standalone.port}/{API_PREFIX}changes",
                                       header=[f"Authorization: Basic {token}"], timeout=10)
    direct = LocalBackend(db_url, str(tmp_path / "blobs"))
    try:
        deadline = time.monotonic() + 30
        reported = False
        while not reported:
            assert time.monotonic() < deadline, "the change poller never reported a write to the store"
            probe = direct.create_task({"name": "probe", "project": "changes probe"}).id
            sock.settimeout(3.0)  # a few poll periods
            try:
                while json.loads(sock.recv()).get("id") != probe:
                    pass
                reported = True
            except websocket.WebSocketTimeoutException:
                pass  # written before the first poll: that poll took it as "now"; write another
        sock.settimeout(10)
    finally:
        direct.close()
    yield sock
    sock.close()
