"""Artifacts of a task: stored by name (a new upload under a name replaces the old one)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import artifact_spec, status
from jupyter_ext.core.rules.artifact_spec import check_artifact
from jupyter_ext.errors import Conflict, NotFound
from jupyter_ext.store import artifacts as artifact_rows
from jupyter_ext.store import blob_refs
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ArtifactRow
from jupyter_ext.store.schema import tasks as task_table

MODES = artifact_spec.MODES


def put(store: MetaStore, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow:
    """Record an artifact whose bytes are already stored (``blob_sha256`` at ``location``) or
    that only names a remote ``url``."""
    row = check_artifact(task_id, spec)
    with store.write() as conn:
        current = _status(conn, task_id)
        if current in status.FINAL:
            raise Conflict(f"task {task_id} is {current}; its artifacts are final. Clone it to add more")
        if row["blob_sha256"]:
            blob_refs.record(conn, row["blob_sha256"], row["size"], row["location"])
        artifact_rows.replace(conn, row)
        stored = artifact_rows.get(conn, task_id, row["name"])
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
