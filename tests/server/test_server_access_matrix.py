"""Every route of the table, called by a viewer, an editor, an admin of project "Team A", an
agent key of the editor and an admin of another team's project only: refused (403 naming the
role) exactly when the route's declared need says so. Built from the route table, so a new
route is covered, and refused until it declares what it needs."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_ext.server.access import NEEDS, Need
from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX, ROUTES, Route

CALLERS = ("viewer", "editor", "admin", "agent", "stranger", "root")
# What each caller may do on Team A: the roles and capabilities its key carries there.
_ALLOWED = {
    "viewer": {"any", "viewer"},
    "editor": {"any", "viewer", "editor", "agent"},
    "admin": {"any", "viewer", "editor", "agent", "admin"},
    "agent": {"any", "viewer", "agent"},  # the editor's key limited to agent work
    "stranger": {"any"},  # an admin of Team B only
    "root": {"any", "viewer", "editor", "agent", "admin", "server-admin"},
}


def allowed(need: Need, caller: str) -> bool:
    if need.role == "agent" and need.on == "none":  # an agent's own routes: whoever edits some project
        return caller != "viewer"
    return need.role in _ALLOWED[caller]


@pytest.fixture(scope="module")
def matrix_db(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Iterator[str]:
    """One store for the whole matrix: a SQLite file, or a PostgreSQL database in that pass."""
    from tests import conftest

    if conftest.POSTGRES_URL:
        import uuid

        name = "t_" + uuid.uuid4().hex[:16]
        with conftest._pg_admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {conftest._PG_TEMPLATE}")
        yield conftest._pg_database(name)
        with conftest._pg_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        return
    yield f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'team.db'}"


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, matrix_db: str) -> Iterator[dict[str, Any]]:
    from jupyter_ext.core import access, keys, users

    tmp = tmp_path_factory.mktemp("matrix-blobs")
    server = BackgroundServer(matrix_db, str(tmp / "blobs"))
    meta = server.services.backend.store
    users.add(meta, "root")  # the first user: server admin
    for name in ("vic", "ed", "ada", "bob"):
        users.add(meta, name)
    backend = server.services.backend
    a = backend.create_task({"name": "seed", "project": "Team A"}).project_id
    b = backend.create_task({"name": "seed", "project": "Team B"}).project_id
    access.share(meta, a, "user:ada", "admin", actor="root")
    access.share(meta, a, "user:ed", "editor", actor="root")
    access.share(meta, a, "user:vic", "viewer", actor="root")
    access.share(meta, b, "user:bob", "admin", actor="root")
    creds = {"viewer": keys.create(meta, "v", user="vic"), "editor": keys.create(meta, "e", user="ed"),
             "admin": keys.create(meta, "a", user="ada"), "agent": keys.create(meta, "g", user="ed", scope="agent"),
             "stranger": keys.create(meta, "s", user="bob"), "root": keys.create(meta, "r", user="root")}
    backend.create_queue("default")
    yield {"server": server, "creds": creds, "project": a}
    server.stop()


def _fresh(team: dict[str, Any]) -> dict[str, str]:
    """New resources in Team A for one call, so no call sees what an earlier one deleted."""
    backend = team["server"].services.backend
    task = backend.create_task({"name": "t", "project": "Team A"})
    model = backend.create_model({"name": "m", "project": "Team A", "task": task.id})
    dataset = backend.create_dataset({"name": "d", "project": "Team A"})
    data = b"blob of " + task.id.encode()
    backend.blobs.put_bytes(data)
    return {"task_id": task.id, "model_id": model.id, "dataset_id": dataset.id, "other_id": dataset.id,
            "project_id": team["project"], "queue": "default", "worker_id": "w1", "name": "cfg",
            "sha256": hashlib.sha256(data).hexdigest(), "version": "1"}


def _body(route: Route, ids: dict[str, str]) -> bytes | None:
    bodies: dict[str, Any] = {
        "create_user": {"name": "newcomer"}, "set_project_access": {"principal": "user:vic", "role": "viewer"},
        "create_project": {"name": "Team A/sub"}, "create_task": {"name": "n", "project": "Team A"},
        "set_task_status": {"status": "in_progress"}, "move_task": {"project": "Team A/moved"},
        "set_parameters": {"parameters": []}, "set_configuration": {"text": "a: 1"},
        "create_queue": {"name": "q-new"}, "pop_next_task": {"worker": "w1", "queues": ["default"]},
        "register_worker": {"id": "w1", "queues": ["default"]}, "write_events": {"console": [
            {"task_id": ids["task_id"], "level": "info", "text": "hi", "time": 1.0}]},
        "write_task_events": {"console": [{"level": "info", "text": "hi", "time": 1.0}]},
        "put_artifact": {"name": "art", "blob_sha256": ids["sha256"]},
        "link_task_model": {"model_id": ids["model_id"], "mode": "input"},
        "create_model": {"name": "m2", "project": "Team A"}, "set_model_metadata": {"items": []},
        "create_dataset": {"name": "d2", "project": "Team A"},
        "squash_datasets": {"name": "sq", "dataset_ids": [ids["dataset_id"]], "project": "Team A"},
        "add_dataset_files": {"entries": []}, "remove_dataset_files": {"pattern": "*.none"},
        "mark_dataset_files_stored": {"stored": []}, "move_dataset": {"project": "Team A/moved"},
        "sync_import": {}, "update_user": {"display_name": "Vic"},
    }
    if route.body == "binary":
        return b"other bytes"
    if route.body == "json":
        return json.dumps(bodies.get(route.name, {})).encode()
    return None


def _query(route: Route, ids: dict[str, str]) -> dict[str, str]:
    return {"compare_scalars": {"tasks": ids["task_id"]}, "find_model": {"name": "m"},
            "find_dataset": {"name": "d"},
            "diff_notebooks": {"a": ids["task_id"], "b": ids["task_id"]}}.get(route.name, {})


MATRIX = [(r, c) for r in ROUTES if not r.websocket for c in CALLERS]


@pytest.mark.slow
@pytest.mark.parametrize(("route", "caller"), MATRIX, ids=[f"{r.method} {r.path} as {c}" for r, c in MATRIX])
def test_route_as_caller(team: dict[str, Any], route: Route, caller: str) -> None:
    ids = _fresh(team)
    if route.name == "update_user":
        ids["name"] = "vic"
    url = f"{team['server'].url}/{API_PREFIX}{route.url(**{p: ids[p] for p in route.path_params})}"
    response = requests.request(route.method, url, data=_body(route, ids), params=_query(route, ids),
                                auth=team["creds"][caller], timeout=30)
    need = NEEDS[route.name]
    assert response.status_code < 500 and response.status_code != 401, (response.status_code, response.text)
    if allowed(need, caller):
        assert response.status_code != 403, response.text
    else:
        assert response.status_code == 403, (response.status_code, response.text)
        message = response.json()["error"]["message"]
        assert ("administrator" in message or "limited to" in message or "role" in message), message


def test_every_route_declares_what_it_needs() -> None:
    declared = set(NEEDS)
    routes = {r.name for r in ROUTES}
    assert routes - declared == set(), "routes with no declared permission (server/access.py NEEDS)"
    assert declared - routes == set(), "permissions declared for routes that do not exist"


def test_an_undeclared_route_is_refused(team: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(NEEDS, "list_queues")
    response = requests.get(f"{team['server'].url}/{API_PREFIX}queues", auth=team["creds"]["root"], timeout=30)
    assert response.status_code == 403 and "declares no permission" in response.json()["error"]["message"]


def test_lists_show_only_what_the_caller_may_see(team: dict[str, Any]) -> None:
    _fresh(team)
    base = f"{team['server'].url}/{API_PREFIX}"
    for who, expected in (("stranger", {"Team B"}), ("viewer", {"Team A"}), ("root", {"Team A", "Team B"})):
        tasks = requests.get(base + "tasks", params={"limit": 10000}, auth=team["creds"][who], timeout=30).json()
        assert {t["project_name"].split("/")[0] for t in tasks["items"]} == expected, who
        assert tasks["total"] == len(tasks["items"])
        projects = requests.get(base + "projects", auth=team["creds"][who], timeout=30).json()["items"]
        assert {p["path"].split("/")[0] for p in projects} == expected, who
        models = requests.get(base + "models", auth=team["creds"][who], timeout=30).json()["items"]
        assert bool(models) == ("Team A" in expected), who  # the models are all in Team A's tree
