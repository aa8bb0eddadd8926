"""Rows of the ``params`` and ``configurations`` tables."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, delete, func, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import ConfigRow, ParamRow, dumps, loads
from jupyter_ext.store.schema import configurations, params


def upsert_params(conn: Connection, task_id: str, rows: Sequence[ParamRow]) -> None:
    if not rows:
        return
    keys = {(r.section, r.name) for r in rows}
    existing = {
        (r.section, r.name): r.position
        for r in conn.execute(select(params.c.section, params.c.name, params.c.position)
                              .where(params.c.task_id == task_id))
    }
    next_pos = (max(existing.values()) + 1) if existing else 0
    stale = [k for k in keys if k in existing]
    for section, name in stale:
        conn.execute(delete(params).where(and_(params.c.task_id == task_id, params.c.section == section,
                                               params.c.name == name)))
    values = []
    for r in rows:
        pos = existing.get((r.section, r.name))
        if pos is None:
            pos, next_pos = next_pos, next_pos + 1
        values.append({
            "task_id": task_id, "section": r.section, "name": r.name, "value": dumps(r.value),
            "type": r.type, "description": r.description, "position": pos,
        })
    conn.execute(params.insert(), values)


def delete_params(conn: Connection, task_id: str, sections: Sequence[str] | None = None) -> None:
    stmt = delete(params).where(params.c.task_id == task_id)
    if sections is not None:
        stmt = stmt.where(params.c.section.in_(list(sections)))
    conn.execute(stmt)


def get_params(conn: Connection, task_id: str) -> list[ParamRow]:
    stmt = select(params).where(params.c.task_id == task_id).order_by(params.c.position)
    return [ParamRow(r.section, r.name, loads(r.value, None), r.type, r.description or "") for r in conn.execute(stmt)]


def count_params(conn: Connection, task_id: str) -> int:
    return int(conn.execute(select(func.count()).select_from(params).where(params.c.task_id == task_id)).scalar_one())


def upsert_config(conn: Connection, task_id: str, row: ConfigRow) -> None:
    conn.execute(delete(configurations).where(and_(configurations.c.task_id == task_id,
                                                   configurations.c.name == row.name)))
    conn.execute(configurations.insert().values(
        task_id=task_id, name=row.name, type=row.type, text=row.text, description=row.description,
    ))


def get_configs(conn: Connection, task_id: str) -> list[ConfigRow]:
    stmt = select(configurations).where(configurations.c.task_id == task_id).order_by(configurations.c.name)
    return [ConfigRow(r.name, r.type, r.text, r.description or "") for r in conn.execute(stmt)]


def delete_configs(conn: Connection, task_id: str) -> None:
    conn.execute(delete(configurations).where(configurations.c.task_id == task_id))
