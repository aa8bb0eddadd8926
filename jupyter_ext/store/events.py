"""Rows of the per-task event tables: plots, single values, debug samples, console."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import console, debug_samples, plots, single_values


def insert_plots(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(plots.insert(), list(rows))


def get_plots(conn: Connection, task_id: str) -> list[dict[str, Any]]:
    stmt = select(plots).where(plots.c.task_id == task_id).order_by(plots.c.id)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def upsert_single_values(conn: Connection, task_id: str, values: dict[str, tuple[float, float]]) -> None:
    if not values:
        return
    conn.execute(delete(single_values).where(
        and_(single_values.c.task_id == task_id, single_values.c.name.in_(list(values)))
    ))
    conn.execute(single_values.insert(), [
        {"task_id": task_id, "name": name, "value": value, "time": t} for name, (value, t) in values.items()
    ])


def get_single_values(conn: Connection, task_id: str) -> dict[str, float | None]:
    stmt = select(single_values.c.name, single_values.c.value).where(single_values.c.task_id == task_id)
    # A NULL value was a NaN: SQLite stores NaN as NULL.
    return {r.name: float("nan") if r.value is None else r.value
            for r in conn.execute(stmt.order_by(single_values.c.name))}


def insert_debug_samples(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(debug_samples.insert(), list(rows))


def trim_debug_samples(conn: Connection, task_id: str, title: str, series: str, keep: int) -> None:
    """Keep only the newest ``keep`` samples of one title/series (ClearML's image history)."""
    ids = [r.id for r in conn.execute(
        select(debug_samples.c.id).where(and_(
            debug_samples.c.task_id == task_id, debug_samples.c.title == title, debug_samples.c.series == series,
        )).order_by(debug_samples.c.id.desc())
    )]
    old = ids[keep:]
    if old:
        conn.execute(delete(debug_samples).where(debug_samples.c.id.in_(old)))


def get_debug_samples(conn: Connection, task_id: str, title: str | None = None,
                      series: str | None = None) -> list[dict[str, Any]]:
    stmt = select(debug_samples).where(debug_samples.c.task_id == task_id)
    if title is not None:
        stmt = stmt.where(debug_samples.c.title == title)
    if series is not None:
        stmt = stmt.where(debug_samples.c.series == series)
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(debug_samples.c.id))]


def insert_console(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        conn.execute(console.insert(), list(rows))


def get_console(conn: Connection, task_id: str, last: int | None = None) -> list[dict[str, Any]]:
    stmt = select(console).where(console.c.task_id == task_id)
    if last is not None:
        stmt = stmt.order_by(console.c.id.desc()).limit(last)
        return [dict(r._mapping) for r in reversed(conn.execute(stmt).all())]
    return [dict(r._mapping) for r in conn.execute(stmt.order_by(console.c.id))]


def delete_for_task(conn: Connection, task_id: str) -> None:
    for table in (plots, single_values, debug_samples, console):
        conn.execute(delete(table).where(table.c.task_id == task_id))
