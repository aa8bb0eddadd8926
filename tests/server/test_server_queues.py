"""Queues and workers over REST: the shapes the UI and agents read, and the change feed."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from jupyter_ext.server.background import BackgroundServer


def _task(api: Any, name: str = "t", **spec: Any) -> str:
    return str(api("POST", "tasks", json={"name": name, "project": "R", **spec}).json()["id"])


def test_rest_shapes_of_queues_entries_and_workers(api: Any) -> None:
    assert api("POST", "queues", json={"name": "gpu", "tags": ["a100"]}).status_code == 201
    task_id = _task(api)
    row = api("POST", f"tasks/{task_id}/enqueue", json={"queue": "gpu"}).json()
    assert (row["status"], row["queue"]) == ("queued", "gpu")
    queue = api("GET", "queues/gpu").json()
    assert queue["entries"][0]["task_id"] == task_id
    assert queue["created"].endswith("+00:00") and queue["entries"][0]["added"].endswith("+00:00")  # ISO times
    listed = api("GET", "queues").json()
    assert listed["total"] == 1 and listed["items"][0]["name"] == "gpu"
    assert api("POST", "workers", json={"id": "box:0", "queues": ["gpu"], "info": {"host": "box"}}).ok
    taken = api("POST", "queues/next", json={"worker": "box:0", "queues": ["gpu"]}).json()["task"]
    assert taken["id"] == task_id and taken["worker"] == "box:0"
    assert api("POST", "queues/next", json={"worker": "box:0", "queues": ["gpu"]}).json() == {"task": None}
    beat = api("POST", "workers/box%3A0/status", json={"task": task_id, "stats": {"cpu_percent": 1.5}})
    assert beat.json() == {"abort": False}
    (worker,) = api("GET", "workers").json()["items"]
    assert worker["state"] == "running" and worker["last_seen"].endswith("+00:00")
    assert api("POST", f"tasks/{task_id}/abort", json={}).json()["status_message"] == "stopping"
    assert api("POST", "workers/box%3A0/status", json={"task": task_id}).json() == {"abort": True}
    assert api("DELETE", "workers/box%3A0").ok
    assert api("GET", "workers").json()["total"] == 0


def test_rest_errors_carry_the_core_message(api: Any) -> None:
    assert api("DELETE", "queues/default").status_code == 404  # not made just to be deleted
    assert api("GET", "queues").json()["total"] == 0
    task_id = _task(api, status="in_progress")
    refused = api("POST", f"tasks/{task_id}/enqueue", json={})
    assert refused.status_code == 409 and "abort it" in refused.json()["error"]["message"]
    missing = api("POST", f"tasks/{_task(api)}/enqueue", json={"queue": "nope"})
    assert missing.status_code == 404 and "queues create nope" in missing.json()["error"]["message"]
    assert api("POST", "queues", json={}).status_code == 400
    assert api("POST", "queues/next", json={"queues": ["default"]}).status_code == 400
    draft = _task(api)
    api("POST", f"tasks/{draft}/enqueue", json={})
    api("POST", "queues", json={"name": "other"})
    wrong = api("POST", f"queues/other/entries/{draft}/move", json={"position": "top"})
    assert wrong.status_code == 404 and "not waiting in queue 'other'" in wrong.json()["error"]["message"]
    assert api("DELETE", "queues/default").status_code == 409
    assert api("DELETE", "queues/default", params={"force": "true"}).json()["deleted"]


def test_queue_and_worker_changes_are_pushed(standalone: BackgroundServer, changes_socket: Any, db_url: str,
                                             tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.client.local import LocalBackend

    sock = changes_socket
    remote = HttpBackend(standalone.url, *standalone.create_key("sdk"))
    remote.create_queue("via-api")
    assert _next(sock, "queue", "via-api")["name"] == "via-api"
    remote.register_worker("api:1", ["via-api"], {})
    assert _next(sock, "worker", "api:1")
    remote.close()
    # an agent on the embedded store writes it directly: the poller sees it
    kernel = LocalBackend(db_url, str(tmp_path / "blobs"))
    task = kernel.create_task({"project": "R", "name": "direct"})
    kernel.enqueue_task(task.id, "direct-queue", create_queue=True)
    kernel.register_worker("local:1", ["direct-queue"], {})
    assert _next(sock, "queue", "direct-queue")["name"] == "direct-queue"
    assert _next(sock, "worker", "local:1")
    kernel.close()


def _next(sock: Any, kind: str, ident: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(sock.recv())
        if message.get("kind") == kind and message.get("id") == ident:
            return message  # type: ignore[no-any-return]
    raise AssertionError(f"no {kind} message about {ident} within {timeout} s")
