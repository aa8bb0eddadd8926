"""Rows of ``cell_runs`` (a notebook run's execution history) and ``notebook_snapshots`` (its versions)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import CellRunRow, NotebookSnapshotRow
from jupyter_ext.store.schema import cell_runs, notebook_snapshots

_RUN_FIELDS = ("cell_id", "execution_count", "source_sha", "kernel", "started", "duration", "raised")
_SNAPSHOT_FIELDS = ("taken", "source", "path", "digest", "location", "ipynb_sha256", "ipynb_size", "html_sha256",
                    "html_size", "cells", "executed")


def upsert_run(conn: Connection, task_id: str, seq: int, fields: Mapping[str, Any]) -> None:
    """Insert the run ``seq``, or update the fields given (its end: duration, raised, count)."""
    where = and_(cell_runs.c.task_id == task_id, cell_runs.c.seq == seq)
    values = {k: fields[k] for k in _RUN_FIELDS if k in fields}
    if conn.execute(select(cell_runs.c.seq).where(where)).first() is None:
        conn.execute(cell_runs.insert().values(task_id=task_id, seq=seq, **values))
    elif values:
        conn.execute(cell_runs.update().where(where).values(**values))


def has_run(conn: Connection, task_id: str, seq: int) -> bool:
    return conn.execute(select(cell_runs.c.seq).where(and_(cell_runs.c.task_id == task_id,
                                                           cell_runs.c.seq == seq))).first() is not None


def runs(conn: Connection, task_id: str) -> list[CellRunRow]:
    stmt = select(cell_runs).where(cell_runs.c.task_id == task_id).order_by(cell_runs.c.seq)
    return [CellRunRow(**dict(r._mapping)) for r in conn.execute(stmt)]


def add_snapshot(conn: Connection, task_id: str, fields: Mapping[str, Any]) -> NotebookSnapshotRow:
    """Store the next version (1, 2, …) of the task's notebook."""
    top = conn.execute(select(func.max(notebook_snapshots.c.version))
                       .where(notebook_snapshots.c.task_id == task_id)).scalar()
    version = int(top or 0) + 1
    values = {k: fields[k] for k in _SNAPSHOT_FIELDS if k in fields}
    conn.execute(notebook_snapshots.insert().values(task_id=task_id, version=version, **values))
    found = snapshot(conn, task_id, version)
    assert found is not None
    return found


def snapshots(conn: Connection, task_id: str) -> list[NotebookSnapshotRow]:
    stmt = select(notebook_snapshots).where(notebook_snapshots.c.task_id == task_id) \
        .order_by(notebook_snapshots.c.version)
    return [NotebookSnapshotRow(**dict(r._mapping)) for r in conn.execute(stmt)]


def snapshot(conn: Connection, task_id: str, version: int) -> NotebookSnapshotRow | None:
    r = conn.execute(select(notebook_snapshots).where(and_(notebook_snapshots.c.task_id == task_id,
                                                           notebook_snapshots.c.version == version))).first()
    return None if r is None else NotebookSnapshotRow(**dict(r._mapping))


def delete_for_task(conn: Connection, task_id: str) -> None:
    conn.execute(cell_runs.delete().where(cell_runs.c.task_id == task_id))
    conn.execute(notebook_snapshots.delete().where(notebook_snapshots.c.task_id == task_id))
