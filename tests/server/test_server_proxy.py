"""A lab whose settings name a team server: its API paths are the team server's, through Jupyter's auth."""
from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tornado.httpclient

from jupyter_ext.server.background import BackgroundServer

API = ("track", "api", "v1")


@pytest.fixture
def team(tmp_path: Path, db_url: str) -> Iterator[BackgroundServer]:
    server = BackgroundServer(db_url, str(tmp_path / "team-blobs"))
    yield server
    server.stop()


@pytest.fixture
def team_key(team: BackgroundServer) -> tuple[str, str]:
    return team.create_key("ann's lab")


@pytest.fixture
def jp_server_config(track_store: Path, team: BackgroundServer, team_key: tuple[str, str],
                     monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("JUPYTER_TRACK_API_HOST", team.url)
    monkeypatch.setenv("JUPYTER_TRACK_ACCESS_KEY", team_key[0])
    monkeypatch.setenv("JUPYTER_TRACK_SECRET_KEY", team_key[1])
    return {"ServerApp": {"jpserver_extensions": {"jupyter_ext.server": True}}}


def _direct(team: BackgroundServer, key: tuple[str, str]) -> Any:
    import requests

    session = requests.Session()
    session.auth = key
    base = f"{team.url}/track/api/v1/"
    return lambda method, path, **kw: session.request(method, base + path, timeout=30, **kw)


async def test_the_lab_lists_the_team_servers_tasks(jp_fetch: Any, team: BackgroundServer,
                                                    team_key: tuple[str, str], track_store: Path) -> None:
    direct = _direct(team, team_key)
    made = direct("POST", "tasks", json={"name": "on the team server", "project": "Team"}).json()
    listed = json.loads((await jp_fetch(*API, "tasks")).body)
    assert [t["id"] for t in listed["items"]] == [made["id"]] and listed["total"] == 1
    assert not (track_store / "track.db").exists()  # no local store was opened, let alone shown
    created = await jp_fetch(*API, "tasks", method="POST", body=json.dumps({"name": "from the lab", "project": "Team"}))
    assert created.code == 201
    assert direct("GET", f"tasks/{json.loads(created.body)['id']}").json()["name"] == "from the lab"
    filtered = json.loads((await jp_fetch(*API, "tasks", params={"search": "lab", "columns": "name"})).body)
    assert [t["name"] for t in filtered["items"]] == ["from the lab"]


async def test_where_names_the_team_server_and_the_key(jp_fetch: Any, team: BackgroundServer,
                                                       team_key: tuple[str, str]) -> None:
    where = json.loads((await jp_fetch(*API, "where")).body)
    assert where["mode"] == "server" and where["location"] == team.url
    assert where["via"] == "key"
    whoami = json.loads((await jp_fetch(*API, "auth", "whoami")).body)
    assert whoami["access_key"] == team_key[0]  # the team server saw the key, not the lab's token


async def test_errors_come_back_in_the_same_shape(jp_fetch: Any, team: BackgroundServer,
                                                  team_key: tuple[str, str]) -> None:
    direct = _direct(team, team_key)("GET", "tasks/no-such-task")
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(*API, "tasks", "no-such-task")
    assert caught.value.code == direct.status_code == 404
    assert caught.value.response is not None
    assert json.loads(caught.value.response.body) == direct.json()
    with pytest.raises(tornado.httpclient.HTTPClientError) as bad:
        await jp_fetch(*API, "tasks", method="POST", body="{not json")
    assert bad.value.code == 400 and json.loads(bad.value.response.body)["error"]["type"] == "InvalidArgument"


async def test_blobs_stream_both_ways_with_range(jp_fetch: Any, team: BackgroundServer) -> None:
    data = bytes(range(256)) * 8192  # 2 MiB: more than one chunk each way
    sha = hashlib.sha256(data).hexdigest()
    put = await jp_fetch(*API, "blobs", sha, method="PUT", body=data,
                         headers={"Content-Type": "application/octet-stream"})
    assert put.code == 201
    assert team.services.backend.blobs.exists(sha)
    whole = await jp_fetch(*API, "blobs", sha)
    assert whole.body == data
    part = await jp_fetch(*API, "blobs", sha, headers={"Range": "bytes=1000-1999"})
    assert part.code == 206 and part.body == data[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    head = await jp_fetch(*API, "blobs", sha, method="HEAD")
    assert head.code == 200 and head.headers["Accept-Ranges"] == "bytes"
    wrong = bytes(10)
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(*API, "blobs", sha, method="PUT", body=wrong)
    assert caught.value.code == 400


async def test_the_changes_socket_is_relayed(jp_ws_fetch: Any, team: BackgroundServer,
                                             team_key: tuple[str, str]) -> None:
    socket = await jp_ws_fetch(*API, "changes")
    direct = _direct(team, team_key)
    try:
        made = direct("POST", "tasks", json={"name": "announced", "project": "Team"}).json()
        seen: list[str] = []
        while made["id"] not in seen:
            message = json.loads(await socket.read_message())
            seen.append(message.get("id"))
    finally:
        socket.close()


def test_the_browsers_credentials_stay_in_the_lab() -> None:
    # A blob URL carries the Jupyter token in its query (an <img src> sends no header): Jupyter's
    # business, never the team server's.
    from jupyter_ext.server.proxy import _forwarded_query

    assert _forwarded_query("token=abc&max_points=5&_xsrf=x") == "?max_points=5"
    assert _forwarded_query("token=abc") == ""
    assert _forwarded_query("tag=a&tag=b") == "?tag=a&tag=b"


async def test_a_blob_url_with_the_lab_token_downloads(jp_fetch: Any, jp_serverapp: Any,
                                                        team: BackgroundServer) -> None:
    data = b"artifact bytes"
    sha = hashlib.sha256(data).hexdigest()
    await jp_fetch(*API, "blobs", sha, method="PUT", body=data)
    got = await jp_fetch(*API, "blobs", sha, params={"token": jp_serverapp.identity_provider.token})
    assert got.body == data


def test_upstream_never_shows_the_secret(team: BackgroundServer, team_key: tuple[str, str]) -> None:
    from jupyter_ext.config import Config
    from jupyter_ext.server.proxy import Upstream

    cfg = Config(home="/tmp", store_url="sqlite://", blob_url="/tmp", api_host=team.url, access_key=team_key[0],
                 secret_key=team_key[1])
    upstream = Upstream.from_config(cfg)
    assert team_key[1] not in repr(upstream)
    assert base64.b64decode(upstream.authorization.split()[1]).decode() == f"{team_key[0]}:{team_key[1]}"


async def test_a_team_server_that_is_down_is_503_in_the_error_shape(jp_fetch: Any, team: BackgroundServer) -> None:
    team.stop()
    with pytest.raises(tornado.httpclient.HTTPClientError) as caught:
        await jp_fetch(*API, "tasks")
    assert caught.value.code == 503 and caught.value.response is not None
    error = json.loads(caught.value.response.body)["error"]
    assert error["type"] == "Unavailable" and team.url in error["message"] and "api_host" in error["message"]
