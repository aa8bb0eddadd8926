"""Rows as they are stored, for copying a store's content to another store (``core/sync.py``).

Everything else in ``store/`` turns rows into the shapes the rules need; copying wants them
untouched (JSON columns stay text, packed scalars stay bytes), so that nothing is lost on the way.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, and_, delete, select
from sqlalchemy.engine import Connection

from jupyter_ext.store import schema

TABLES: dict[str, Table] = {t.name: t for t in schema.metadata.sorted_tables}


def table(name: str) -> Table:
    return TABLES[name]


def select_rows(conn: Connection, name: str, order_by: Sequence[str] = (), **where: Any) -> list[dict[str, Any]]:
    t = TABLES[name]
    stmt = select(t)
    if where:
        stmt = stmt.where(and_(*(t.c[k] == v for k, v in where.items())))
    if order_by:
        stmt = stmt.order_by(*(t.c[k] for k in order_by))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def select_in(conn: Connection, name: str, column: str, values: Sequence[Any]) -> list[dict[str, Any]]:
    t = TABLES[name]
    out: list[dict[str, Any]] = []
    for start in range(0, len(values), 500):  # SQLite limits bound parameters per statement
        chunk = list(values[start:start + 500])
        out += [dict(r._mapping) for r in conn.execute(select(t).where(t.c[column].in_(chunk)))]
    return out


def insert_rows(conn: Connection, name: str, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        t = TABLES[name]
        known = set(t.c.keys())
        conn.execute(t.insert(), [{k: v for k, v in r.items() if k in known} for r in rows])


def delete_rows(conn: Connection, name: str, **where: Any) -> None:
    t = TABLES[name]
    conn.execute(delete(t).where(and_(*(t.c[k] == v for k, v in where.items()))))


def column_values(conn: Connection, name: str, column: str, order_by: str | None = None) -> list[Any]:
    t = TABLES[name]
    stmt = select(t.c[column])
    if order_by:
        stmt = stmt.order_by(t.c[order_by])
    return [r[0] for r in conn.execute(stmt)]
