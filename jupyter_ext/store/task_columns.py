"""Values shown as extra columns of a task table: a series' last value, a parameter's value.

Each reads a whole page of tasks in one query per kind (a table of 200 rows with five extra
columns is two queries, not a thousand).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import loads
from jupyter_ext.store.schema import metrics, params

_BATCH = 400  # task ids per IN (...), leaving room for the keys' own parameters on SQLite


_STAT = {"last": metrics.c.last_value, "min": metrics.c.min_value, "max": metrics.c.max_value}


def last_values(conn: Connection, task_ids: Sequence[str], keys: Sequence[tuple[str, str]],
                stat: str = "last") -> dict[tuple[str, tuple[str, str]], float | None]:
    """``{(task id, (title, series)): last value}`` (or its ``min``, ``max``) for the pairs that exist."""
    column = _STAT[stat].label("value")
    return _read(conn, task_ids, keys, metrics, metrics.c.title, metrics.c.series,
                 lambda r: (r.value if r.count else None), [column, metrics.c["count"]])


def param_values(conn: Connection, task_ids: Sequence[str],
                 keys: Sequence[tuple[str, str]]) -> dict[tuple[str, tuple[str, str]], Any]:
    """``{(task id, (section, name)): value}``, each value decoded to its stored type."""
    return _read(conn, task_ids, keys, params, params.c.section, params.c.name,
                 lambda r: loads(r.value, None), [params.c.value])


def _read(conn: Connection, task_ids: Sequence[str], keys: Sequence[tuple[str, str]], table: Any, first: Any,
          second: Any, value: Any, columns: list[Any]) -> dict[tuple[str, tuple[str, str]], Any]:
    out: dict[tuple[str, tuple[str, str]], Any] = {}
    unique = list(dict.fromkeys(keys))
    if not task_ids or not unique:
        return out
    pairs = or_(*[and_(first == a, second == b) for a, b in unique])
    for start in range(0, len(task_ids), _BATCH):
        ids = list(task_ids[start:start + _BATCH])
        stmt = select(table.c.task_id, first.label("a"), second.label("b"), *columns).where(
            and_(table.c.task_id.in_(ids), pairs))
        for r in conn.execute(stmt).all():  # one fetch, not one per row
            out[(r.task_id, (r.a, r.b))] = value(r)
    return out
