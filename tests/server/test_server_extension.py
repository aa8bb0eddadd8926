"""The API inside a real Jupyter server: Jupyter's token, cookie and XSRF rules, API keys, base_url."""
from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import tornado.httpclient

API = ("track", "api", "v1")


def _basic(access: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{access}:{secret}".encode()).decode()}


async def _raw(http_server_client: Any, url: str, **kwargs: Any) -> tornado.httpclient.HTTPResponse:
    """A request without pytest-jupyter's token header (a browser, or a stranger)."""
    return await http_server_client.fetch(url, raise_error=False, **kwargs)


async def test_jupyter_token_reads_and_writes(jp_fetch: Any) -> None:
    created = await jp_fetch(*API, "tasks", method="POST", body=json.dumps({"name": "from lab", "project": "Lab"}))
    assert created.code == 201
    task = json.loads(created.body)
    listed = json.loads((await jp_fetch(*API, "tasks")).body)
    assert listed["total"] == 1 and listed["items"][0]["id"] == task["id"]
    assert listed["items"][0]["created"].endswith("+00:00")  # ISO-8601 in UTC
    projects = json.loads((await jp_fetch(*API, "projects")).body)["items"]
    assert [(p["path"], p["tasks"]) for p in projects] == [("Lab", 1)]


async def test_extension_serves_the_store_kernels_write(jp_fetch: Any, services: Any, track_store: Any) -> None:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.config import load

    services.backend.store  # noqa: B018 - opened (and migrated) by the server first, as when JupyterLab starts
    cfg = load()
    kernel_side = LocalBackend(cfg.store_url, cfg.blob_url)  # what a notebook's Task.init writes through
    try:
        row = kernel_side.create_task({"name": "in a kernel", "project": "K"})
    finally:
        kernel_side.close()
    got = json.loads((await jp_fetch(*API, "tasks", row.id)).body)
    assert got["name"] == "in a kernel"


async def test_no_credentials_is_401_in_the_error_shape(http_server_client: Any, jp_base_url: str) -> None:
    response = await _raw(http_server_client, jp_base_url + "track/api/v1/tasks")
    assert response.code == 401
    error = json.loads(response.body)["error"]
    assert error["type"] == "Unauthenticated" and "API key" in error["message"]


async def test_api_key_on_the_jupyter_server(http_server_client: Any, jp_base_url: str, api_key: Any) -> None:
    headers = _basic(*api_key)
    created = await _raw(http_server_client, jp_base_url + "track/api/v1/tasks", method="POST", headers=headers,
                         body=json.dumps({"name": "remote", "project": "R"}))
    assert created.code == 201  # no XSRF for key-authenticated calls: no cookie was involved
    wrong = _basic(api_key[0], "not-the-secret")
    refused = await _raw(http_server_client, jp_base_url + "track/api/v1/tasks", headers=wrong)
    assert refused.code == 401 and json.loads(refused.body)["error"]["type"] == "Unauthenticated"


async def test_revoked_key_is_refused(http_server_client: Any, jp_base_url: str, api_key: Any,
                                      services: Any) -> None:
    from jupyter_ext.core import keys

    url = jp_base_url + "track/api/v1/tasks"
    assert (await _raw(http_server_client, url, headers=_basic(*api_key))).code == 200
    token = json.loads((await _raw(http_server_client, jp_base_url + "track/api/v1/auth/token", method="POST",
                                   body="{}", headers=_basic(*api_key))).body)["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert (await _raw(http_server_client, url, headers=bearer)).code == 200
    keys.revoke(services.backend.store, api_key[0])
    for headers in (_basic(*api_key), bearer):
        response = await _raw(http_server_client, url, headers=headers)
        assert response.code == 401
        assert "revoked" in json.loads(response.body)["error"]["message"]


async def test_cookie_writes_need_xsrf(http_server_client: Any, jp_base_url: str, jp_serverapp: Any) -> None:
    """A browser holds Jupyter's login cookie; a write must also carry the _xsrf token."""
    token = jp_serverapp.identity_provider.token
    login = await _raw(http_server_client, jp_base_url + f"track/api/v1/tasks?token={token}")
    assert login.code == 200
    cookies = [c.split(";", 1)[0] for c in login.headers.get_list("Set-Cookie")]
    login_cookie = next(c for c in cookies if c.startswith("username-"))
    url = jp_base_url + "track/api/v1/tasks"
    body = json.dumps({"name": "from a browser", "project": "B"})

    read = await _raw(http_server_client, url, headers={"Cookie": login_cookie})
    assert read.code == 200  # reads need the cookie only
    forged = await _raw(http_server_client, url, method="POST", body=body, headers={"Cookie": login_cookie})
    assert forged.code == 403
    assert json.loads(forged.body)["error"]["type"] == "Forbidden"
    assert "_xsrf" in json.loads(forged.body)["error"]["message"]
    xsrf = "2|0123abcd|0123456789abcdef0123456789abcdef|1700000000"
    allowed = await _raw(http_server_client, url, method="POST", body=body,
                         headers={"Cookie": f"{login_cookie}; _xsrf={xsrf}", "X-XSRFToken": xsrf})
    assert allowed.code == 201, allowed.body


@pytest.fixture
def jp_base_url() -> str:
    return "/user/alice/"  # as under JupyterHub


async def test_works_under_a_base_url_prefix(jp_fetch: Any, http_server_client: Any) -> None:
    response = await jp_fetch(*API, "openapi.json")
    doc = json.loads(response.body)
    assert doc["servers"][0]["url"] == "/user/alice/track/api/v1"
    outside = await _raw(http_server_client, "/track/api/v1/tasks")
    assert outside.code == 404  # only under the prefix


async def test_changes_socket_in_jupyter(jp_ws_fetch: Any, jp_fetch: Any) -> None:
    socket = await jp_ws_fetch(*API, "changes")
    try:
        created = json.loads((await jp_fetch(*API, "tasks", method="POST",
                                             body=json.dumps({"name": "seen", "project": "W"}))).body)
        message = json.loads(await socket.read_message())
        assert message["kind"] == "task" and message["id"] == created["id"]
    finally:
        socket.close()
