"""Rows of the ``tasks`` and ``task_tags`` tables."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, func, not_, or_, select, true, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from .rows import TaskRow, dumps, loads
from . import tags as tag_rows
from .schema import projects, task_tags, tasks

_JSON_FIELDS = ("script", "runtime")


def _select() -> Any:
    return select(tasks, projects.c.name.label("project_name")).join(projects, projects.c.id == tasks.c.project_id)


def _rows(conn: Connection, result: Iterable[Any]) -> list[TaskRow]:
    raw = list(result)
    if not raw:
        return []
    ids = [r.id for r in raw]
    tags = tag_rows.load(conn, task_tags, "task_id", ids)
    out = []
    for r in raw:
        out.append(TaskRow(
            id=r.id, project_id=r.project_id, project_name=r.project_name, name=r.name, type=r.type,
            status=r.status, status_message=r.status_message or "", status_reason=r.status_reason or "",
            comment=r.comment or "", parent_id=r.parent_id, user=r.user or "", created=r.created,
            started=r.started, completed=r.completed, last_update=r.last_update,
            last_iteration=int(r.last_iteration or 0), archived=bool(r.archived), tags=tuple(tags[r.id]),
            system_tags=tuple(loads(r.system_tags, [])), script=loads(r.script, {}),
            runtime=loads(r.runtime, {}), output_uri=r.output_uri,
        ))
    return out


def get(conn: Connection, task_id: str) -> TaskRow | None:
    found = _rows(conn, conn.execute(_select().where(tasks.c.id == task_id)))
    return found[0] if found else None


def insert(conn: Connection, row: TaskRow) -> None:
    values = row.to_dict()
    values.pop("project_name")
    values.pop("tags")
    values["system_tags"] = dumps(list(row.system_tags))
    for name in _JSON_FIELDS:
        values[name] = dumps(values[name])
    conn.execute(tasks.insert().values(**values))
    set_tags(conn, row.id, row.tags)


def update_fields(conn: Connection, task_id: str, **fields: Any) -> None:
    if "tags" in fields:
        set_tags(conn, task_id, fields.pop("tags"))
    if "system_tags" in fields:
        fields["system_tags"] = dumps(list(fields["system_tags"]))
    for name in _JSON_FIELDS:
        if name in fields:
            fields[name] = dumps(fields[name])
    if fields:
        conn.execute(update(tasks).where(tasks.c.id == task_id).values(**fields))


def compare_and_set_status(conn: Connection, task_id: str, expected: str, **fields: Any) -> bool:
    """Update only if the status is still ``expected``: the loser of a race is told so."""
    result = conn.execute(
        update(tasks).where(and_(tasks.c.id == task_id, tasks.c.status == expected)).values(**fields)
    )
    return bool(result.rowcount)


def set_tags(conn: Connection, task_id: str, tags: Sequence[str]) -> None:
    tag_rows.replace(conn, task_tags, "task_id", task_id, tags)


def delete_task(conn: Connection, task_id: str) -> None:
    conn.execute(delete(tasks).where(tasks.c.id == task_id))


def children_of(conn: Connection, task_id: str) -> list[str]:
    return [r.id for r in conn.execute(select(tasks.c.id).where(tasks.c.parent_id == task_id))]


def query(
    conn: Connection,
    *,
    ids: Sequence[str] | None = None,
    project_ids: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    any_tags: Sequence[str] = (),
    all_tags: Sequence[str] = (),
    not_tags: Sequence[str] = (),
    include_archived: bool = True,
    order_desc: bool = True,
    limit: int | None = None,
    offset: int = 0,
    name_filter: Any = None,
) -> list[TaskRow]:
    """Tasks matching every given filter, newest first. ``name_filter`` is applied in Python
    (a compiled regex), because regex syntax differs between SQLite and PostgreSQL."""
    conds = _conditions(ids, project_ids, statuses, types, any_tags, all_tags, not_tags, include_archived)
    stmt = _select().where(and_(*conds)) if conds else _select()
    order = tasks.c.created.desc() if order_desc else tasks.c.created.asc()
    stmt = stmt.order_by(order, tasks.c.id)
    if name_filter is None:
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        return _rows(conn, conn.execute(stmt))
    matched = [r for r in conn.execute(stmt) if name_filter.search(r.name)]
    end = None if limit is None else offset + limit
    return _rows(conn, matched[offset:end])


def _conditions(ids: Sequence[str] | None, project_ids: Sequence[str] | None, statuses: Sequence[str] | None,
                types: Sequence[str] | None, any_tags: Sequence[str], all_tags: Sequence[str],
                not_tags: Sequence[str], include_archived: bool) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if ids is not None:
        conds.append(tasks.c.id.in_(list(ids)))
    if project_ids is not None:
        conds.append(tasks.c.project_id.in_(list(project_ids)))
    if statuses:
        conds.append(tasks.c.status.in_(list(statuses)))
    if types:
        conds.append(tasks.c.type.in_(list(types)))
    if not include_archived:
        conds.append(tasks.c.archived.is_(False))

    def has(tag: str) -> Any:
        return exists().where(and_(task_tags.c.task_id == tasks.c.id, task_tags.c.tag == tag))

    if any_tags:
        conds.append(or_(*[has(t) for t in any_tags]))
    for t in all_tags:
        conds.append(has(t))
    for t in not_tags:
        conds.append(not_(has(t)))
    return conds


def count(conn: Connection, *, ids: Sequence[str] | None = None, project_ids: Sequence[str] | None = None,
          statuses: Sequence[str] | None = None, types: Sequence[str] | None = None, any_tags: Sequence[str] = (),
          all_tags: Sequence[str] = (), not_tags: Sequence[str] = (), include_archived: bool = True,
          name_filter: Any = None) -> int:
    """How many tasks :func:`query` would return without a limit (rows are not built)."""
    conds = _conditions(ids, project_ids, statuses, types, any_tags, all_tags, not_tags, include_archived)
    where = and_(*conds) if conds else true()
    if name_filter is None:
        return int(conn.execute(select(func.count()).select_from(tasks).where(where)).scalar_one())
    return sum(1 for r in conn.execute(select(tasks.c.name).where(where)) if name_filter.search(r.name))


def count_by_project(conn: Connection) -> dict[str, int]:
    stmt = select(tasks.c.project_id, func.count()).group_by(tasks.c.project_id)
    return {pid: int(n) for pid, n in conn.execute(stmt)}
