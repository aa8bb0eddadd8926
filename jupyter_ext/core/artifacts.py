"""Artifacts of a task: stored by name (a new upload under a name replaces the old one)."""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ..errors import Conflict, InvalidArgument, NotFound
from ..store import artifacts as artifact_rows
from ..store import blob_refs
from ..store.meta import MetaStore
from . import status
from .names import check_artifact_name
from .tasks import _get

MODES = ("output", "input")


def put(store: MetaStore, task_id: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """Record an artifact whose bytes are already stored (``blob_sha256`` at ``location``) or
    that only names a remote ``url``."""
    name = check_artifact_name(spec.get("name"))
    mode = spec.get("mode") or "output"
    if mode not in MODES:
        raise InvalidArgument(f"artifact mode must be 'output' or 'input', not {mode!r}")
    if not spec.get("blob_sha256") and not spec.get("url"):
        raise InvalidArgument(f"artifact {name!r} has neither stored bytes nor a URL")
    metadata = spec.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise InvalidArgument("artifact metadata must be a dict of name -> value")
    row: dict[str, Any] = {
        "task_id": task_id, "name": name, "type": str(spec.get("type") or "custom"), "mode": mode,
        "location": str(spec.get("location") or blob_refs.DEFAULT_LOCATION), "blob_sha256": spec.get("blob_sha256"),
        "url": spec.get("url"), "file_name": str(spec.get("file_name") or ""),
        "content_type": str(spec.get("content_type") or "application/octet-stream"), "size": int(spec.get("size") or 0),
        "preview": str(spec.get("preview") or ""), "metadata": {str(k): str(v) for k, v in metadata.items()},
        "user": str(spec.get("user") or ""), "time": float(spec.get("time") or time.time()),
    }
    with store.write() as conn:
        task = _get(conn, task_id)
        if task.status in status.FINAL:
            raise Conflict(f"task {task_id} is {task.status}; its artifacts are final. Clone it to add more")
        if row["blob_sha256"]:
            blob_refs.record(conn, row["blob_sha256"], row["size"], row["location"])
        artifact_rows.replace(conn, row)
        return row


def list_for_task(store: MetaStore, task_id: str) -> list[dict[str, Any]]:
    with store.read() as conn:
        _get(conn, task_id)
        return artifact_rows.for_task(conn, task_id)


def get(store: MetaStore, task_id: str, name: str) -> dict[str, Any]:
    with store.read() as conn:
        _get(conn, task_id)
        row = artifact_rows.get(conn, task_id, name)
    if row is None:
        raise NotFound(f"task {task_id} has no artifact named {name!r}")
    return row


def remove(store: MetaStore, task_id: str, name: str) -> None:
    """Forget one artifact; its bytes become garbage once nothing else refers to them."""
    with store.write() as conn:
        task = _get(conn, task_id)
        if task.status in status.FINAL:
            raise Conflict(f"task {task_id} is {task.status}; its artifacts are final")
        if not artifact_rows.remove(conn, task_id, name):
            raise NotFound(f"task {task_id} has no artifact named {name!r}")
