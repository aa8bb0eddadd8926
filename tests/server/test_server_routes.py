"""The route table is the API: no route answers without credentials, and the OpenAPI document,
the handlers and the operations all match it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_ext.server.operations import OPERATIONS, OWN_HANDLERS
from jupyter_ext.wire.routes import API_PREFIX, ROUTES, Route

SAMPLE = {"project_id": "p1", "task_id": "t1", "model_id": "m1", "dataset_id": "d1", "other_id": "d2", "name": "cfg",
          "sha256": "0" * 64, "queue": "q1", "worker_id": "w1", "version": "1"}


def _url(base: str, route: Route) -> str:
    return base + "/" + API_PREFIX + route.url(**{p: SAMPLE[p] for p in route.path_params})


def _call(base: str, route: Route, **kwargs: Any) -> requests.Response:
    body = b"x" if route.body == "binary" else b"{}" if route.body == "json" else None
    return requests.request(route.method, _url(base, route), data=body, timeout=10, **kwargs)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_no_route_answers_without_credentials(standalone: Any, route: Route) -> None:
    for auth in (None, ("JTNOSUCHKEY", "wrong-secret")):
        response = _call(standalone.url, route, auth=auth)
        assert response.status_code == 401, (route, auth, response.text)
        if route.method != "HEAD":
            assert response.json()["error"]["type"] == "Unauthenticated"
    bearer = _call(standalone.url, route, headers={"Authorization": "Bearer jt1.forged.token"})
    assert bearer.status_code == 401


async def test_no_route_of_the_extension_answers_without_credentials(http_server_client: Any,
                                                                    jp_base_url: str) -> None:
    for route in ROUTES:
        body = b"x" if route.body == "binary" else b"{}" if route.body == "json" else None
        url = jp_base_url + API_PREFIX + route.url(**{p: SAMPLE[p] for p in route.path_params})
        response = await http_server_client.fetch(url, method=route.method, body=body, raise_error=False,
                                                  allow_nonstandard_methods=True)
        assert response.code in (401, 403), (route, response.code, response.body)
        if route.method != "HEAD" and not route.websocket:
            assert json.loads(response.body)["error"]["type"] in ("Unauthenticated", "Forbidden")


def test_an_unknown_path_needs_credentials_too(standalone: Any) -> None:
    assert requests.get(standalone.url + "/" + API_PREFIX + "no/such/thing", timeout=10).status_code == 401
    assert requests.get(standalone.url + "/elsewhere", timeout=10).status_code == 401


def test_every_route_has_one_operation_and_every_operation_a_route() -> None:
    names = [r.name for r in ROUTES]
    assert len(names) == len(set(names))
    assert set(OPERATIONS) | OWN_HANDLERS == set(names)
    assert not set(OPERATIONS) & OWN_HANDLERS
    pairs = [(r.method, r.path) for r in ROUTES]
    assert len(pairs) == len(set(pairs))


def test_openapi_is_the_route_table(standalone: Any) -> None:
    access, secret = standalone.create_key("openapi")
    doc = requests.get(standalone.url + "/" + API_PREFIX + "openapi.json", auth=(access, secret), timeout=10).json()
    assert doc["openapi"].startswith("3.")
    served = {(method.upper(), path.lstrip("/"), op["operationId"])
              for path, ops in doc["paths"].items() for method, op in ops.items()}
    assert served == {(r.method, r.path, r.name) for r in ROUTES}
    for path, ops in doc["paths"].items():
        for op in ops.values():
            declared = {p["name"] for p in op["parameters"] if p["in"] == "path"}
            assert declared == set(path.strip("/").replace("}", "{").split("{")[1::2])
    json.dumps(doc)  # plain JSON


def test_handlers_are_the_route_table(standalone: Any) -> None:
    from jupyter_ext.server.app import handlers
    from jupyter_ext.wire.routes import path_regex

    patterns = {pattern for pattern, _, _ in handlers(standalone.services, "/", jupyter=False)}
    assert patterns == {"/" + API_PREFIX + path_regex(r.path) + "$" for r in ROUTES}
    for pattern, cls, _ in handlers(standalone.services, "/", jupyter=False):
        methods = {r.method for r in ROUTES if "/" + API_PREFIX + path_regex(r.path) + "$" == pattern}
        for method in methods:
            assert method.lower() in vars(cls) or any(method.lower() in vars(base) for base in cls.__mro__[1:3])


def _client_calls() -> set[tuple[str, str]]:
    """(method, path) of every ``this.request(...)`` in the extension's API client, a ``${...}``
    segment written ``{}``: the REST calls the JupyterLab extension is built against."""
    import re

    text = (Path(__file__).resolve().parents[2] / "labextension" / "src" / "api" / "client.ts").read_text()
    calls = set()
    for found in re.finditer(r"this\.request(?:<[^(]*?>)?\((['`])(.*?)\1", text):
        path = re.sub(r"\$\{[^}]*\}", "{}", found.group(2)).split("?")[0]
        rest = text[found.end():found.end() + 200].split(")", 1)[0]
        method = re.search(r"method: '(\w+)'", rest)
        calls.add((method.group(1) if method else "GET", path))
    return calls


def _served(method: str, path: str) -> bool:
    want = path.split("/")
    for r in ROUTES:
        have = r.path.split("/")
        same_shape = len(have) == len(want) and all(w in ("{}", h) for w, h in zip(want, have, strict=True))
        if r.method == method and same_shape:
            return True
    return False


def test_every_call_of_the_ui_client_is_served() -> None:
    """The paths client.ts requests, read from its source, are routes of the table."""
    calls = _client_calls()
    assert len(calls) >= 40, sorted(calls)  # the parse found the client's calls, not a few stray matches
    assert ("GET", "tasks/{}/plots") in calls and ("POST", "queues") in calls
    missing = sorted(c for c in calls if not _served(*c))
    assert not missing, missing


def test_every_route_is_reached_by_its_own_urls() -> None:
    """Where two paths could match one URL, the tornado patterns (in match order) send every route's
    URLs to that route, even when a parameter's value is another route's literal segment."""
    import re

    from jupyter_ext.wire.routes import path_regex, paths_in_match_order

    ordered = [(p, re.compile(path_regex(p) + "$")) for p in paths_in_match_order()]
    literals = {seg for r in ROUTES for seg in r.path.split("/") if not seg.startswith("{")}
    for route in ROUTES:
        for value in sorted(literals) + ["abc"]:
            url = route.url(**{p: value for p in route.path_params})
            first = next((p for p, rx in ordered if rx.match(url)), None)
            own = re.compile(path_regex(route.path) + "$").match(url)
            if first != route.path:
                # another path wins only where it is more literal, i.e. this URL is really that route's
                assert first is not None and own is not None
                assert route.path.count("{") > first.count("{"), (route.path, url, first)


def test_a_method_not_in_the_table_is_405_in_the_error_shape(standalone: Any) -> None:
    key = standalone.create_key("methods")
    response = requests.put(standalone.url + "/" + API_PREFIX + "tasks", data=b"{}", auth=key, timeout=10)
    assert response.status_code == 405
    assert "openapi.json" in response.json()["error"]["message"]
