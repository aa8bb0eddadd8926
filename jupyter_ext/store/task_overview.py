"""What a set of tasks holds, read in SQL: how many per status, which metrics and parameters
they report (the choices of a column picker), and the newest of them."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from jupyter_ext.store.schema import metrics, params, tasks


def status_counts(conn: Connection, conds: Sequence[ColumnElement[bool]], name_filter: Any = None) -> dict[str, int]:
    """``{status: number of tasks}`` of the tasks matching ``conds`` (and the name filter)."""
    if name_filter is None:
        stmt = select(tasks.c.status, func.count()).where(*conds).group_by(tasks.c.status)
        return {s: int(n) for s, n in conn.execute(stmt)}
    counts: dict[str, int] = {}
    for name, task_status in conn.execute(select(tasks.c.name, tasks.c.status).where(*conds)):
        if name_filter.search(name):
            counts[task_status] = counts.get(task_status, 0) + 1
    return counts


def newest_ids(conn: Connection, conds: Sequence[ColumnElement[bool]], limit: int,
               name_filter: Any = None) -> list[str]:
    """Ids of the ``limit`` tasks updated last among those matching."""
    stmt = select(tasks.c.id, tasks.c.name).where(*conds).order_by(tasks.c.last_update.desc(), tasks.c.id.desc())
    if name_filter is None:
        return [r[0] for r in conn.execute(stmt.limit(limit))]
    out: list[str] = []
    for task_id, name in conn.execute(stmt):
        if name_filter.search(name):
            out.append(task_id)
            if len(out) >= limit:
                break
    return out


def metric_keys(conn: Connection, task_ids: Sequence[str]) -> list[tuple[str, str]]:
    """The (title, series) pairs reported by any of these tasks, sorted."""
    return _distinct(conn, task_ids, metrics.c.task_id, metrics.c.title, metrics.c.series)


def param_keys(conn: Connection, task_ids: Sequence[str]) -> list[tuple[str, str]]:
    """The (section, name) pairs of parameters set on any of these tasks, sorted."""
    return _distinct(conn, task_ids, params.c.task_id, params.c.section, params.c.name)


_BATCH = 500


def _distinct(conn: Connection, task_ids: Sequence[str], owner: Any, first: Any, second: Any) -> list[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for start in range(0, len(task_ids), _BATCH):
        stmt = select(first, second).where(owner.in_(list(task_ids[start:start + _BATCH]))).distinct()
        found.update((a, b) for a, b in conn.execute(stmt))
    return sorted(found)
