"""A team server: identities from the credentials, users disabled at once, sharing, the audit log."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX


def _api(server: BackgroundServer, key: tuple[str, str]) -> Any:
    session = requests.Session()
    session.auth = key
    return lambda method, path, **kw: session.request(method, f"{server.url}/{API_PREFIX}{path}", timeout=30, **kw)


@pytest.fixture
def people(standalone: BackgroundServer) -> dict[str, Any]:
    from jupyter_ext.core import keys, users

    meta = standalone.services.backend.store
    users.add(meta, "root", email="root@example.com")
    users.add(meta, "ann", display_name="Ann Lee")
    users.add(meta, "ben", groups=["ml"])
    return {name: _api(standalone, keys.create(meta, name, user=name)) for name in ("root", "ann", "ben")}


def test_the_server_stamps_the_keys_owner_whatever_the_client_claims(people: dict[str, Any]) -> None:
    made = people["ann"]("POST", "tasks", json={"name": "t", "project": "Ann's", "user": "mallory"})
    assert made.status_code == 201 and made.json()["user"] == "ann"
    model = people["ann"]("POST", "models", json={"name": "m", "project": "Ann's", "user": "mallory"}).json()
    assert model["user"] == "ann"
    assert people["ann"]("GET", "auth/whoami").json()["user"] == "ann"


def test_a_new_top_project_is_its_creators_and_others_see_nothing_until_shared(people: dict[str, Any]) -> None:
    task = people["ann"]("POST", "tasks", json={"name": "t", "project": "Vision/exp"}).json()
    assert people["ben"]("GET", f"tasks/{task['id']}").status_code == 403
    assert people["ben"]("GET", "tasks").json()["total"] == 0
    top = next(p for p in people["ann"]("GET", "projects").json()["items"] if p["path"] == "Vision")
    shared = people["ann"]("PUT", f"projects/{top['id']}/access", json={"principal": "group:ml", "role": "viewer"})
    assert shared.status_code == 200, shared.text
    assert {(g["principal"], g["role"]) for g in shared.json()["items"]} == {("user:ann", "admin"),
                                                                          ("group:ml", "viewer")}
    assert people["ben"]("GET", f"tasks/{task['id']}").status_code == 200  # inherited by Vision/exp
    refused = people["ben"]("PATCH", f"tasks/{task['id']}", json={"comment": "mine now"})
    assert refused.status_code == 403 and "editor role" in refused.json()["error"]["message"]
    sub = next(p for p in people["ben"]("GET", "projects").json()["items"] if p["path"] == "Vision/exp")
    inherited = people["ben"]("GET", f"projects/{sub['id']}/access").json()["items"]
    assert all(g["inherited"] for g in inherited)


def test_bad_sharing_is_refused_with_what_to_do(people: dict[str, Any]) -> None:
    people["ann"]("POST", "tasks", json={"name": "t", "project": "Solo"})
    top = next(p for p in people["ann"]("GET", "projects").json()["items"] if p["path"] == "Solo")
    url = f"projects/{top['id']}/access"
    for body, words in (({"principal": "user:nobody", "role": "viewer"}, "unknown user"),
                        ({"principal": "group:nogroup", "role": "viewer"}, "unknown group"),
                        ({"principal": "user:ben", "role": "owner"}, "role")):
        got = people["ann"]("PUT", url, json=body)
        assert got.status_code == 400 and words in got.json()["error"]["message"], got.text
    last = people["ann"]("PUT", url, json={"principal": "user:ann", "role": None})
    assert last.status_code == 409 and "last admin" in last.json()["error"]["message"]
    people["ann"]("PUT", url, json={"principal": "user:ben", "role": "admin"})
    assert people["ann"]("PUT", url, json={"principal": "user:ann", "role": None}).status_code == 200


def test_disabling_a_user_refuses_their_keys_and_tokens_at_once(people: dict[str, Any],
                                                                  standalone: BackgroundServer) -> None:
    token = people["ben"]("POST", "auth/token", json={}).json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{standalone.url}/{API_PREFIX}tasks", headers=bearer, timeout=30).status_code == 200
    off = people["root"]("PATCH", "users/ben", json={"disabled": True})
    assert off.status_code == 200 and off.json()["disabled"] is not None
    assert people["ben"]("GET", "tasks").status_code == 401
    assert requests.get(f"{standalone.url}/{API_PREFIX}tasks", headers=bearer, timeout=30).status_code == 401
    assert people["ann"]("PATCH", "users/ben", json={"disabled": False}).status_code == 403  # not an admin
    people["root"]("PATCH", "users/ben", json={"disabled": False})
    assert people["ben"]("GET", "tasks").status_code == 200
    last = people["root"]("PATCH", "users/root", json={"disabled": True})
    assert last.status_code == 409 and "last enabled administrator" in last.json()["error"]["message"]


def test_limited_keys(people: dict[str, Any], standalone: BackgroundServer) -> None:
    from jupyter_ext.core import keys

    meta = standalone.services.backend.store
    people["ann"]("POST", "tasks", json={"name": "t", "project": "Keys"})
    read = _api(standalone, keys.create(meta, "ro", user="ann", scope="read"))
    assert read("GET", "tasks").json()["total"] == 1
    refused = read("POST", "tasks", json={"name": "t2", "project": "Keys"})
    assert refused.status_code == 403 and "limited to 'read'" in refused.json()["error"]["message"]
    from jupyter_ext.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match="no user 'nobody'"):
        keys.create(meta, "x", user="nobody")


def test_the_audit_log_says_who_did_what(people: dict[str, Any]) -> None:
    task = people["ann"]("POST", "tasks", json={"name": "t", "project": "Audited"}).json()
    assert people["ann"]("DELETE", f"tasks/{task['id']}").status_code == 200
    log = people["root"]("GET", "audit", params={"actor": "ann"}).json()["items"]
    actions = [(e["action"], e["target"]) for e in log]
    assert ("task.delete", task["id"]) in actions and ("access.share", "Audited") in actions
    assert any(e["action"] == "key.create" for e in people["root"]("GET", "audit").json()["items"])
    assert people["ann"]("GET", "audit").status_code == 403


@pytest.mark.sqlite_only
def test_the_command_line_manages_users_keys_and_reads_the_audit(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'team.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
               CLEARML_CONFIG_FILE=str(tmp_path / "none.conf"))
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([exe, *args, "--store", store], env=env, capture_output=True, text=True, timeout=60)

    assert "administrator" in run("users", "add", "ann", "--email", "ann@example.com").stdout
    missing = run("keys", "create", "--user", "zed")
    assert missing.returncode == 2 and "no user 'zed'" in missing.stderr
    made = run("keys", "create", "--user", "ann", "--name", "laptop", "--scope", "read")
    assert made.returncode == 0 and "access_key=JT" in made.stdout
    listed = run("users", "list").stdout
    assert "ann" in listed and "ann@example.com" in listed and "active" in listed
    assert run("users", "add", "bob").returncode == 0
    assert "disabled" in run("users", "disable", "bob").stdout
    audit = run("audit").stdout
    assert "user.disable" in audit and "key.create" in audit and "user.add" in audit


def test_mine_lists_the_callers_own_tasks(people: dict[str, Any]) -> None:
    top = people["ann"]("POST", "tasks", json={"name": "hers", "project": "Shared"}).json()
    project = top["project_id"]
    people["ann"]("PUT", f"projects/{project}/access", json={"principal": "user:ben", "role": "editor"})
    people["ben"]("POST", "tasks", json={"name": "his", "project": "Shared"})
    mine = people["ben"]("GET", "tasks", params={"user": "me"}).json()
    assert [t["name"] for t in mine["items"]] == ["his"] and mine["total"] == 1
    both = people["ben"]("GET", "tasks", params={"user": "ann,ben"}).json()
    assert {t["user"] for t in both["items"]} == {"ann", "ben"}


def test_a_queue_shows_only_the_waiting_tasks_the_caller_may_see(people: dict[str, Any]) -> None:
    task = people["ann"]("POST", "tasks", json={"name": "queued work", "project": "Private"}).json()
    people["root"]("POST", "queues", json={"name": "gpu"})
    assert people["ann"]("POST", f"tasks/{task['id']}/enqueue", json={"queue": "gpu"}).status_code == 200
    mine = people["ann"]("GET", "queues/gpu").json()
    assert [e["task_id"] for e in mine["entries"]] == [task["id"]]
    theirs = people["ben"]("GET", "queues").json()["items"]
    gpu = next(q for q in theirs if q["name"] == "gpu")
    assert gpu["entries"] == [] and gpu["num_entries"] == 0


def test_what_a_body_names_must_be_readable_too(people: dict[str, Any]) -> None:
    theirs = people["ben"]("POST", "datasets", json={"name": "bens data", "project": "Ben's"}).json()
    squash = people["ann"]("POST", "datasets/squash", json={"name": "taken", "dataset_ids": [theirs["id"]],
                                                            "project": "Ann's data"})
    assert squash.status_code == 403 and "viewer role" in squash.json()["error"]["message"]
    task = people["ann"]("POST", "tasks", json={"name": "t", "project": "Ann's"}).json()
    model = people["ben"]("POST", "models", json={"name": "bens model", "project": "Ben's"}).json()
    link = people["ann"]("POST", f"tasks/{task['id']}/models", json={"model_id": model["id"], "mode": "input"})
    assert link.status_code == 403
    clone = people["ben"]("POST", f"tasks/{task['id']}/clone", json={"project": "Ben's"})
    assert clone.status_code == 403  # reading Ann's task is not Ben's to do


def test_the_changes_socket_tells_each_user_only_of_what_they_may_read(people: dict[str, Any],
                                                                        standalone: BackgroundServer) -> None:
    import base64
    import json

    import websocket

    from jupyter_ext.core import keys

    secret_task = people["ann"]("POST", "tasks", json={"name": "ann only", "project": "Ann private"}).json()
    own = people["ben"]("POST", "tasks", json={"name": "ben's", "project": "Ben public"}).json()
    access_key, secret = keys.create(standalone.services.backend.store, "ben socket", user="ben")
    token = base64.b64encode(f"{access_key}:{secret}".encode()).decode()
    sock = websocket.create_connection(f"ws://127.0.0.1:{standalone.port}/{API_PREFIX}changes",
                                       header=[f"Authorization: Basic {token}"], timeout=20)
    try:
        heard: list[str] = []
        for round_ in range(3):  # writes through the server are announced in the order they land
            assert people["ann"]("PATCH", f"tasks/{secret_task['id']}", json={"comment": f"private {round_}"}).ok
            assert people["ben"]("PATCH", f"tasks/{own['id']}", json={"comment": f"open {round_}"}).ok
            while (message := json.loads(sock.recv())).get("id") != own["id"]:
                heard.append(message.get("id"))
            heard.append(own["id"])
        assert heard.count(own["id"]) == 3 and secret_task["id"] not in heard
    finally:
        sock.close()
