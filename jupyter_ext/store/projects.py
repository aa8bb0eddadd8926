"""Rows of the ``projects`` table."""
from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import ProjectRow
from jupyter_ext.store.schema import projects


def _row(r: Any) -> ProjectRow:
    return ProjectRow(
        id=r.id, name=r.name, parent_id=r.parent_id, description=r.description or "",
        default_output_uri=r.default_output_uri, created=r.created, last_update=r.last_update,
    )


def get_by_name(conn: Connection, name: str) -> ProjectRow | None:
    r = conn.execute(select(projects).where(projects.c.name == name)).first()
    return None if r is None else _row(r)


def get_by_id(conn: Connection, project_id: str) -> ProjectRow | None:
    r = conn.execute(select(projects).where(projects.c.id == project_id)).first()
    return None if r is None else _row(r)


def insert(conn: Connection, row: ProjectRow) -> None:
    conn.execute(projects.insert().values(**row.to_dict()))


def update_fields(conn: Connection, project_id: str, **fields: Any) -> None:
    conn.execute(update(projects).where(projects.c.id == project_id).values(**fields))


def list_all(conn: Connection) -> list[ProjectRow]:
    return [_row(r) for r in conn.execute(select(projects).order_by(projects.c.name))]


# Names below "a/b" are those starting "a/b/": on SQLite (binary collation) exactly the names
# from "a/b/" up to "a/b0" ("0" follows "/"), an index range. Not LIKE: SQLite's LIKE ignores
# case, so "A/b" would count as below "a". PostgreSQL's collation may not order names by their
# bytes, so there the prefix is compared as it is. Statements built once: compiled once.
_SUBTREE_SQLITE = select(projects).where(or_(projects.c.name == bindparam("name"), and_(
    projects.c.name >= bindparam("low"), projects.c.name < bindparam("high"))))
_SUBTREE = select(projects).where(or_(projects.c.name == bindparam("name"), func.substr(
    projects.c.name, 1, bindparam("length")) == bindparam("low")))


def descendants(conn: Connection, name: str) -> list[ProjectRow]:
    """The project called ``name`` and every project below it."""
    prefix = name + "/"
    if conn.dialect.name == "sqlite":
        rows = conn.execute(_SUBTREE_SQLITE, {"name": name, "low": prefix, "high": name + "0"})
    else:
        rows = conn.execute(_SUBTREE, {"name": name, "low": prefix, "length": len(prefix)})
    return [_row(r) for r in rows]


def delete_many(conn: Connection, project_ids: list[str]) -> None:
    conn.execute(delete(projects).where(projects.c.id.in_(project_ids)))
