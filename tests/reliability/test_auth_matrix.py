"""Every route of the route table refuses a request with no, wrong or revoked credentials (401)."""
from __future__ import annotations

import base64
from typing import Any

import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX, ROUTES, Route

_FILLED = {"sha256": "0" * 64}


def _url(server: BackgroundServer, route: Route) -> str:
    return f"{server.url}/{API_PREFIX}{route.url(**{p: _FILLED.get(p, 'x') for p in route.path_params})}"


def test_every_route_refuses_missing_bad_and_revoked_credentials(server: BackgroundServer) -> None:
    from jupyter_ext.core import keys

    revoked_access, revoked_secret = server.create_key("revoked")
    token = requests.post(f"{server.url}/{API_PREFIX}auth/token", auth=(revoked_access, revoked_secret), json={},
                          timeout=30).json()["token"]
    keys.revoke(server.services.backend.store, revoked_access)
    basic = base64.b64encode(f"{revoked_access}:{revoked_secret}".encode()).decode()
    credentials = {
        "none": {},
        "bad basic": {"Authorization": "Basic " + base64.b64encode(b"JTNOSUCHKEY:wrong").decode()},
        "malformed": {"Authorization": "Basic !!!"},
        "forged token": {"Authorization": "Bearer jt1.e30.AAAA"},
        "revoked key": {"Authorization": f"Basic {basic}"},
        "token of a revoked key": {"Authorization": f"Bearer {token}"},
    }
    checked = 0
    for route in ROUTES:
        if route.websocket:
            continue
        for label, headers in credentials.items():
            answer = requests.request(route.method, _url(server, route), headers=headers, timeout=30,
                                      data=b"{}" if route.body == "json" else None)
            assert answer.status_code == 401, (route.method, route.path, label, answer.status_code, answer.text[:200])
            if route.method != "HEAD":
                assert answer.json()["error"]["code"] == "unauthenticated"
            checked += 1
    assert checked >= 6 * 80


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_an_unknown_method_is_405_only_after_authentication(server: BackgroundServer, method: str,
                                                            api: Any) -> None:
    assert requests.request(method, f"{server.url}/{API_PREFIX}projects", timeout=30).status_code == 401
    assert api(method, "projects").status_code == 405
