"""Rows of the ``artifacts`` table."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import ArtifactRow, dumps, loads
from jupyter_ext.store.schema import artifacts

FIELDS = ("task_id", "name", "type", "mode", "location", "blob_sha256", "url", "file_name", "content_type", "size",
          "preview", "metadata", "user", "time")


def _row_to_artifact(r: Any) -> ArtifactRow:
    d = dict(r._mapping)
    d["metadata"] = loads(d.get("metadata"), {})
    return ArtifactRow(**d)


def replace(conn: Connection, row: dict[str, Any]) -> None:
    """Insert, overwriting the task's artifact of the same name."""
    conn.execute(delete(artifacts).where(and_(artifacts.c.task_id == row["task_id"], artifacts.c.name == row["name"])))
    values = {k: row.get(k) for k in FIELDS}
    values["metadata"] = dumps(row.get("metadata") or {})
    conn.execute(artifacts.insert().values(**values))


def for_task(conn: Connection, task_id: str) -> list[ArtifactRow]:
    stmt = select(artifacts).where(artifacts.c.task_id == task_id).order_by(artifacts.c.id)
    return [_row_to_artifact(r) for r in conn.execute(stmt)]


def get(conn: Connection, task_id: str, name: str) -> ArtifactRow | None:
    r = conn.execute(select(artifacts).where(and_(artifacts.c.task_id == task_id, artifacts.c.name == name))).first()
    return None if r is None else _row_to_artifact(r)


def remove(conn: Connection, task_id: str, name: str | None = None, mode: str | None = None) -> int:
    stmt = delete(artifacts).where(artifacts.c.task_id == task_id)
    if name is not None:
        stmt = stmt.where(artifacts.c.name == name)
    if mode is not None:
        stmt = stmt.where(artifacts.c.mode == mode)
    return int(conn.execute(stmt).rowcount or 0)


def count(conn: Connection, task_id: str) -> int:
    return len(conn.execute(select(artifacts.c.id).where(artifacts.c.task_id == task_id)).all())
