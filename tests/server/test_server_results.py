"""Results over HTTP: batch ingest, downsampled and compared scalars, streamed blobs, the change feed."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX


def _task(api: Any, name: str = "t") -> str:
    return str(api("POST", "tasks", json={"name": name, "project": "R", "status": "in_progress"}).json()["id"])


def test_one_request_carries_a_whole_batch(api: Any) -> None:
    task_id = _task(api)
    body = {
        "scalars": [{"title": "loss", "series": "train", "iter": [0, 1, 2], "value": [1.0, None, 0.5],
                     "time": [1.0, 2.0, 3.0]}],
        "single_values": [{"name": "best", "value": 0.9, "time": "2026-01-01T00:00:00Z"}],
        "plots": [{"title": "cm", "series": "v", "iteration": 2, "figure": json.dumps({"data": []}), "time": 3.0}],
        "console": [{"level": 20, "text": "hello\n", "time": 3.0}],
    }
    result = api("POST", f"tasks/{task_id}/events", json=body).json()
    assert result == {"written": 6, "dropped": {}}
    series = api("GET", f"tasks/{task_id}/scalars").json()["loss"]["train"]
    assert series == {"x": [0, 1, 2], "y": [1.0, None, 0.5]}  # NaN travels as null in plain JSON
    assert api("GET", f"tasks/{task_id}/single-values").json() == {"best": 0.9}
    console = api("GET", f"tasks/{task_id}/console?search=hell").json()["items"]
    assert [c["text"] for c in console] == ["hello\n"] and console[0]["time"].startswith("1970-01-01T00:00:03")


def test_bad_batches_are_refused_whole(api: Any) -> None:
    task_id, other = _task(api), _task(api, "other")
    cases = [
        {"scalars": [{"title": "a", "series": "b", "iter": [0, 1], "value": [1.0]}]},
        {"console": [{"task_id": other, "level": 20, "text": "x", "time": 1.0}]},
        {"plots": [{"title": "p", "series": "s", "iteration": "two", "figure": "{}"}]},
        {"debug_samples": [{"title": "i", "series": "s", "iteration": 1, "blob_sha256": "../../etc/passwd"}]},
        {"bogus": []},
    ]
    for body in cases:
        response = api("POST", f"tasks/{task_id}/events", json={"console": [{"level": 20, "text": "ok", "time": 1.0}],
                                                                **body})
        assert response.status_code == 400, body
        assert response.json()["error"]["type"] == "InvalidArgument"
    assert api("GET", f"tasks/{task_id}/console").json()["items"] == []


def test_downsampled_scalars_keep_extremes(api: Any) -> None:
    task_id = _task(api)
    n = 100_000
    values = np.sin(np.arange(n) / 500.0)
    values[12_345], values[67_890] = 50.0, -50.0  # spikes a naive stride would miss
    body = {"scalars": [{"title": "m", "series": s, "iter": list(range(n)), "value": values.tolist()}
                        for s in ("a", "b")]}
    assert api("POST", f"tasks/{task_id}/events", json=body).json()["written"] == 2 * n
    got = api("GET", f"tasks/{task_id}/scalars?max_points=2000&series=m/a").json()
    assert list(got["m"]) == ["a"]
    ys = got["m"]["a"]["y"]
    assert len(ys) <= 2000 and max(ys) == 50.0 and min(ys) == -50.0
    assert got["m"]["a"]["x"] == sorted(got["m"]["a"]["x"])
    refused = api("GET", f"tasks/{task_id}/scalars?max_points=1")
    assert refused.status_code == 400 and "max_points" in refused.json()["error"]["message"]


def test_comparison_reads_several_tasks(api: Any) -> None:
    ids = [_task(api, f"run {i}") for i in range(3)]
    for i, task_id in enumerate(ids):
        api("POST", "events", json={"scalars": [{"task_id": task_id, "title": "acc", "series": "val",
                                                 "iter": list(range(5000)), "value": [i + j / 5000 for j in
                                                                                      range(5000)]}]})
    got = api("GET", f"scalars?tasks={','.join(ids)}&max_points=500&metrics=acc").json()["tasks"]
    assert list(got) == ids
    for i, task_id in enumerate(ids):
        ys = got[task_id]["acc"]["val"]["y"]
        assert len(ys) <= 500 and min(ys) == i and max(ys) == pytest.approx(i + 4999 / 5000)
    assert api("GET", "scalars?tasks=" + ids[0] + ",missing").status_code == 404


def test_blobs_stream_both_ways_with_ranges(standalone: BackgroundServer, tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend

    data = np.random.default_rng(0).bytes(5 * 1024 * 1024 + 17)
    src = tmp_path / "weights.bin"
    src.write_bytes(data)
    backend = HttpBackend(standalone.url, *standalone.create_key("blobs"))
    try:
        seen: list[int] = []
        sha, size = backend.put_blob_file(str(src), progress=seen.append)
        assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data)) and sum(seen) == len(data)
        again: list[int] = []
        assert backend.put_blob_file(str(src), progress=again.append) == (sha, size)  # already there: no upload
        dest = tmp_path / "out" / "copy.bin"
        backend.download_blob(sha, str(dest))
        assert dest.read_bytes() == data
        auth = backend._auth_header()
        url = f"{standalone.url}/{API_PREFIX}blobs/{sha}"
        part = requests.get(url, headers={**auth, "Range": "bytes=1000-1999"}, timeout=30)
        assert part.status_code == 206 and part.content == data[1000:2000]
        assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(data)}"
        tail = requests.get(url, headers={**auth, "Range": "bytes=-10"}, timeout=30)
        assert tail.content == data[-10:]
        outside = requests.get(url, headers={**auth, "Range": f"bytes={len(data)}-"}, timeout=30)
        assert outside.status_code == 416
    finally:
        backend.close()


def test_changes_are_pushed(standalone: BackgroundServer, changes_socket: Any, db_url: str, tmp_path: Path) -> None:
    import websocket

    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.client.local import LocalBackend

    with pytest.raises(websocket.WebSocketBadStatusException):  # no credentials, no socket
        websocket.create_connection(f"ws://127.0.0.1:{standalone.port}/{API_PREFIX}changes", timeout=10)
    remote = HttpBackend(standalone.url, *standalone.create_key("sdk"))
    made = remote.create_task({"name": "via api", "project": "C"})
    remote.close()
    assert _next_about(changes_socket, made.id)["kind"] == "task"
    kernel = LocalBackend(db_url, str(tmp_path / "blobs"))  # a script writing the store directly
    direct = kernel.create_task({"name": "direct", "project": "C"})
    kernel.close()
    message = _next_about(changes_socket, direct.id)
    assert message["status"] == "created" and "last_update" in message["fields"]


def _next_about(sock: Any, ident: str, timeout: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = json.loads(sock.recv())
        if message.get("id") == ident:
            return message  # type: ignore[no-any-return]
    raise AssertionError(f"no change message about {ident} within {timeout} s")


def test_projects_rename_move_and_delete(api: Any) -> None:
    task_id = str(api("POST", "tasks", json={"name": "t", "project": "Team/Old/Sub"}).json()["id"])
    by_path = {p["path"]: p for p in api("GET", "projects").json()["items"]}
    old = by_path["Team/Old"]
    renamed = api("PATCH", f"projects/{old['id']}", json={"name": "New"}).json()
    assert renamed["path"] == "Team/New"
    assert api("GET", f"tasks/{task_id}").json()["project_name"] == "Team/New/Sub"  # the tree follows
    moved = api("PATCH", f"projects/{old['id']}", json={"parent": "Elsewhere"}).json()
    assert moved["path"] == "Elsewhere/New" and moved["parent"] is not None
    top = api("PATCH", f"projects/{old['id']}", json={"parent": None}).json()
    assert top["path"] == "New" and top["parent"] is None
    clash = api("POST", "projects", json={"name": "Taken"}).json()
    assert api("PATCH", f"projects/{old['id']}", json={"name": "Taken"}).status_code == 409
    inside = api("PATCH", f"projects/{old['id']}", json={"parent": "New/Sub"})
    assert inside.status_code == 400 and "its own subproject" in inside.json()["error"]["message"]
    full = api("DELETE", f"projects/{old['id']}")
    assert full.status_code == 409 and "not empty" in full.json()["error"]["message"]
    assert api("DELETE", f"projects/{clash['id']}").json() == {"deleted": [clash["id"]]}
    assert "Taken" not in {p["path"] for p in api("GET", "projects").json()["items"]}
    assert api("DELETE", f"projects/{clash['id']}").status_code == 404
