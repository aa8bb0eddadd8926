"""Artifacts of a task: stored by name (a new upload under a name replaces the old one)."""
from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import status
from jupyter_ext.core.rules.names import check_artifact_name
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.store import artifacts as artifact_rows
from jupyter_ext.store import blob_refs
from jupyter_ext.store.blobs import check_sha256
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ArtifactRow
from jupyter_ext.store.schema import tasks as task_table

MODES = ("output", "input")


def put(store: MetaStore, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow:
    """Record an artifact whose bytes are already stored (``blob_sha256`` at ``location``) or
    that only names a remote ``url``."""
    name = check_artifact_name(spec.get("name"))
    mode = spec.get("mode") or "output"
    if mode not in MODES:
        raise InvalidArgument(f"artifact mode must be 'output' or 'input', not {mode!r}")
    sha = spec.get("blob_sha256")
    if not sha and not spec.get("url"):
        raise InvalidArgument(f"artifact {name!r} has neither stored bytes nor a URL")
    if sha:
        # A stored sha256 later names cache folders and blob paths: only a real digest may pass.
        check_sha256(str(sha))
    size = int(spec.get("size") or 0)
    if size < 0:
        raise InvalidArgument(f"artifact {name!r}: size must be >= 0, not {size}")
    metadata = spec.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise InvalidArgument("artifact metadata must be a dict of name -> value")
    row: dict[str, Any] = {
        "task_id": task_id, "name": name, "type": str(spec.get("type") or "custom"), "mode": mode,
        "location": str(spec.get("location") or blob_refs.DEFAULT_LOCATION), "blob_sha256": str(sha) if sha else None,
        "url": str(spec["url"]) if spec.get("url") else None, "file_name": str(spec.get("file_name") or ""),
        "content_type": str(spec.get("content_type") or "application/octet-stream"), "size": size,
        "preview": str(spec.get("preview") or ""), "metadata": {str(k): str(v) for k, v in metadata.items()},
        "user": str(spec.get("user") or ""), "time": float(spec.get("time") or time.time()),
    }
    with store.write() as conn:
        current = _status(conn, task_id)
        if current in status.FINAL:
            raise Conflict(f"task {task_id} is {current}; its artifacts are final. Clone it to add more")
        if row["blob_sha256"]:
            blob_refs.record(conn, row["blob_sha256"], row["size"], row["location"])
        artifact_rows.replace(conn, row)
        stored = artifact_rows.get(conn, task_id, name)
        assert stored is not None  # written a line above, in this transaction
        return stored


def list_for_task(store: MetaStore, task_id: str) -> list[ArtifactRow]:
    with store.read() as conn:
        _status(conn, task_id)
        return artifact_rows.for_task(conn, task_id)


def get(store: MetaStore, task_id: str, name: str) -> ArtifactRow:
    with store.read() as conn:
        _status(conn, task_id)
        row = artifact_rows.get(conn, task_id, name)
    if row is None:
        raise NotFound(f"task {task_id} has no artifact named {name!r}")
    return row


def remove(store: MetaStore, task_id: str, name: str) -> None:
    """Forget one artifact; its bytes become garbage once nothing else refers to them."""
    with store.write() as conn:
        current = _status(conn, task_id)
        if current in status.FINAL:
            raise Conflict(f"task {task_id} is {current}; its artifacts are final")
        if not artifact_rows.remove(conn, task_id, name):
            raise NotFound(f"task {task_id} has no artifact named {name!r}")


def _status(conn: Connection, task_id: str) -> str:
    """The task's status, or NotFound. Reads one column: the full task row carries the script and
    environment (often hundreds of KB), and these calls only need to know the task is there."""
    found = conn.execute(select(task_table.c.status).where(task_table.c.id == task_id)).first()
    if found is None:
        raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
    return str(found.status)
