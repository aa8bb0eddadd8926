"""Rows of the ``tasks`` and ``task_tags`` tables."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Float, and_, bindparam, case, cast, delete, exists, func, not_, null, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from jupyter_ext.store import tags as tag_rows
from jupyter_ext.store.metric_order import MetricOrder, page_ids
from jupyter_ext.store.rows import TaskRow, dumps, loads
from jupyter_ext.store.schema import metrics, params, projects, task_tags, tasks

_JSON_FIELDS = ("script", "runtime")
_BATCH = 500  # ids per IN (...): SQLite limits bound parameters


# Columns in TaskRow's order, read as plain tuples: attribute access on result rows costs
# more than building the row itself when a page holds hundreds of tasks.
_COLUMNS = (tasks.c.id, tasks.c.project_id, projects.c.name, tasks.c.name, tasks.c.type, tasks.c.status,
            tasks.c.status_message, tasks.c.status_reason, tasks.c.comment, tasks.c.parent_id, tasks.c.user,
            tasks.c.created, tasks.c.started, tasks.c.completed, tasks.c.last_update, tasks.c.last_iteration,
            tasks.c.archived, tasks.c.system_tags, tasks.c.script, tasks.c.runtime, tasks.c.output_uri,
            tasks.c.queue, tasks.c.worker)
_SELECT = select(*_COLUMNS).join_from(tasks, projects, projects.c.id == tasks.c.project_id)
_BY_ID = _SELECT.where(tasks.c.id == bindparam("task_id"))
_BY_IDS = _SELECT.where(tasks.c.id.in_(bindparam("task_ids", expanding=True)))
_TAGS = (select(task_tags.c.task_id, task_tags.c.tag)
         .where(task_tags.c.task_id.in_(bindparam("task_ids", expanding=True))).order_by(task_tags.c.tag))


def _tags(conn: Connection, ids: Sequence[str]) -> dict[str, list[str]]:
    """Sorted tags of each task: one prepared statement per page (built once, not per call)."""
    found: dict[str, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        for task_id, tag in conn.execute(_TAGS, {"task_ids": list(ids[start:start + _BATCH])}).all():
            found[task_id].append(tag)
    return found


def _json(text: str | None, default: Any) -> Any:
    # Most tasks carry no system tags and many no script: skip the parser for the empty cases.
    if not text or text == "{}" or text == "[]":
        return type(default)()
    return loads(text, default)


def _rows(conn: Connection, result: Iterable[Any]) -> list[TaskRow]:
    raw = [tuple(r) for r in result]
    if not raw:
        return []
    tags = _tags(conn, [r[0] for r in raw])
    return [TaskRow(tid, pid, pname, name, ttype, status, smsg or "", sreason or "", comment or "", parent,
                    user or "", created, started, completed, last_update, int(last_iter or 0), bool(archived),
                    tuple(tags[tid]), tuple(_json(stags, [])), _json(script, {}), _json(runtime, {}), out_uri,
                    queue, worker)
            for (tid, pid, pname, name, ttype, status, smsg, sreason, comment, parent, user, created, started,
                 completed, last_update, last_iter, archived, stags, script, runtime, out_uri, queue, worker) in raw]


def get(conn: Connection, task_id: str) -> TaskRow | None:
    found = _rows(conn, conn.execute(_BY_ID, {"task_id": task_id}).all())
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


# Orderable fields: the column, and whether it may be NULL (NULLs sort as the largest value,
# as they did when lists were sorted in Python, on both SQLite and PostgreSQL).
ORDER_FIELDS: dict[str, tuple[Any, bool]] = {
    "created": (tasks.c.created, False), "last_update": (tasks.c.last_update, False),
    "started": (tasks.c.started, True), "completed": (tasks.c.completed, True), "name": (tasks.c.name, False),
    "status": (tasks.c.status, False), "type": (tasks.c.type, False), "project_name": (projects.c.name, False),
    "last_iteration": (tasks.c.last_iteration, False), "user": (tasks.c.user, False), "id": (tasks.c.id, False),
}


def metric_last_value(title: str, series: str, stat: str = "last") -> tuple[Any, ...]:
    """Sort keys: the last (or ``min``, ``max``) value of one series of the row's task (NULL without it)."""
    column = {"last": metrics.c.last_value, "min": metrics.c.min_value, "max": metrics.c.max_value}[stat]
    return (select(column)
            .where(and_(metrics.c.task_id == tasks.c.id, metrics.c.title == title, metrics.c.series == series))
            .scalar_subquery(),)


# JSON spellings of non-finite floats: text to SQL, never cast (SQLite would read them as 0).
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def param_value(section: str, name: str) -> tuple[Any, ...]:
    """Sort keys of one parameter of the row's task: numbers by value, then other values by
    their JSON text (NULL without the parameter). The cast is guarded by the stored type, so
    PostgreSQL never sees a text it cannot cast."""
    def of(value: Any) -> Any:
        return (select(value).where(and_(params.c.task_id == tasks.c.id, params.c.section == section,
                                         params.c.name == name)).scalar_subquery())

    numeric = and_(params.c.type.in_(["int", "float"]), params.c.value.not_in(_NON_FINITE))
    number = case((numeric, cast(params.c.value, Float)), else_=null())
    text = case((numeric, null()), else_=params.c.value)
    return of(number), of(text)


def _ordering(order_by: str | Sequence[Any], descending: bool) -> list[Any]:
    keys: list[Any] = []
    if isinstance(order_by, str):
        column, nullable = ORDER_FIELDS[order_by]
        key = column.desc() if descending else column.asc()
        if nullable:  # NULL as the largest value, as the lists sorted in Python had it
            key = key.nulls_first() if descending else key.nulls_last()
        keys.append(key)
    else:
        # A metric or parameter column: tasks without the value come last either way.
        expressions: Sequence[Any] = order_by
        keys.extend((e.desc() if descending else e.asc()).nulls_last() for e in expressions)
    # The id breaks ties, so pages never overlap or skip a row.
    return [*keys, tasks.c.id.desc() if descending else tasks.c.id.asc()]


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
    archived_only: bool = False,
    order_desc: bool = True,
    order_by: str | Sequence[Any] | MetricOrder = "created",
    limit: int | None = None,
    offset: int = 0,
    name_filter: Any = None,
    extra: Sequence[ColumnElement[bool]] = (),
) -> list[TaskRow]:
    """Tasks matching every given filter, ordered by ``order_by`` (a field of
    :data:`ORDER_FIELDS`, or the sort keys of :func:`metric_last_value` or :func:`param_value`),
    newest first by default."""
    return page(conn, ids=ids, project_ids=project_ids, statuses=statuses, types=types, any_tags=any_tags,
                all_tags=all_tags, not_tags=not_tags, include_archived=include_archived, archived_only=archived_only,
                order_desc=order_desc, order_by=order_by, limit=limit, offset=offset, name_filter=name_filter,
                with_total=False, extra=extra)[0]


def page(
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
    archived_only: bool = False,
    order_desc: bool = True,
    order_by: str | Sequence[Any] | MetricOrder = "created",
    limit: int | None = None,
    offset: int = 0,
    name_filter: Any = None,
    with_total: bool = True,
    extra: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[TaskRow], int]:
    """One page of :func:`query` and how many tasks match in all (-1 unless ``with_total``).

    Filters, order, LIMIT/OFFSET and COUNT(*) run in SQL, so a page of a 10,000-task project
    builds only its own rows. ``name_filter`` (a compiled regex: regex syntax differs between
    SQLite and PostgreSQL) is applied in Python, but to ``(id, name)`` pairs already in order;
    only the page's ids are then read in full. ``extra``: more conditions (store/task_filters.py)."""
    conds = _conditions(ids, project_ids, statuses, types, any_tags, all_tags, not_tags, include_archived,
                        archived_only) + list(extra)
    if isinstance(order_by, MetricOrder):
        if name_filter is None:
            wanted, total = page_ids(conn, conds, order_by, order_desc, limit, offset, with_total)
            by_id = {r.id: r for r in _rows(conn, _fetch(conn, wanted))}
            return [by_id[i] for i in wanted if i in by_id], total
        order_by = metric_last_value(order_by.title, order_by.series, order_by.stat)
    ordering = _ordering(order_by, order_desc)
    # Ids first, in order (an index walk or a sort of ids alone), then only the page's rows in full.
    ids_stmt = select(tasks.c.id).where(*conds).order_by(*ordering)
    if isinstance(order_by, str) and order_by == "project_name":
        ids_stmt = ids_stmt.join_from(tasks, projects, projects.c.id == tasks.c.project_id)
    if name_filter is None:
        if limit is not None:
            ids_stmt = ids_stmt.limit(limit)
        if offset:
            ids_stmt = ids_stmt.offset(offset)
        wanted = list(conn.execute(ids_stmt).scalars().all())
        total = -1
        if with_total:
            if (limit is None or len(wanted) < limit) and (wanted or not offset):
                total = offset + len(wanted)  # the page reached the end: no COUNT needed
            else:
                total = int(conn.execute(select(func.count()).select_from(tasks).where(*conds)).scalar_one())
    else:
        ids_stmt = ids_stmt.add_columns(tasks.c.name)
        matched = [tid for tid, name in conn.execute(ids_stmt).all() if name_filter.search(name)]
        wanted = matched[offset: None if limit is None else offset + limit]
        total = len(matched)
    by_id = {r.id: r for r in _rows(conn, _fetch(conn, wanted))}
    return [by_id[i] for i in wanted if i in by_id], total


def _fetch(conn: Connection, ids: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(ids), _BATCH):
        out.extend(conn.execute(_BY_IDS, {"task_ids": list(ids[start:start + _BATCH])}).all())
    return out


def _conditions(ids: Sequence[str] | None, project_ids: Sequence[str] | None, statuses: Sequence[str] | None,
                types: Sequence[str] | None, any_tags: Sequence[str], all_tags: Sequence[str],
                not_tags: Sequence[str], include_archived: bool,
                archived_only: bool = False, users: Sequence[str] | None = None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if users is not None:
        conds.append(tasks.c.user.in_(list(users)))
    if ids is not None:
        conds.append(tasks.c.id.in_(list(ids)))
    if project_ids is not None:
        conds.append(tasks.c.project_id.in_(list(project_ids)))
    if statuses:
        conds.append(tasks.c.status.in_(list(statuses)))
    if types:
        conds.append(tasks.c.type.in_(list(types)))
    if archived_only:
        conds.append(tasks.c.archived.is_(True))
    elif not include_archived:
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
          archived_only: bool = False, name_filter: Any = None, extra: Sequence[ColumnElement[bool]] = ()) -> int:
    """How many tasks :func:`query` would return without a limit (rows are not built)."""
    conds = _conditions(ids, project_ids, statuses, types, any_tags, all_tags, not_tags, include_archived,
                        archived_only) + list(extra)
    if name_filter is None:
        return int(conn.execute(select(func.count()).select_from(tasks).where(*conds)).scalar_one())
    return sum(1 for r in conn.execute(select(tasks.c.name).where(*conds)) if name_filter.search(r.name))


def count_by_project(conn: Connection) -> dict[str, int]:
    stmt = select(tasks.c.project_id, func.count()).group_by(tasks.c.project_id)
    return {pid: int(n) for pid, n in conn.execute(stmt)}


def conditions(*, ids: Sequence[str] | None = None, project_ids: Sequence[str] | None = None,
               statuses: Sequence[str] | None = None, types: Sequence[str] | None = None,
               any_tags: Sequence[str] = (), all_tags: Sequence[str] = (), not_tags: Sequence[str] = (),
               include_archived: bool = True, archived_only: bool = False,
               extra: Sequence[ColumnElement[bool]] = ()) -> list[ColumnElement[bool]]:
    """The WHERE conditions :func:`page` applies (but the name filter, which runs in Python)."""
    return _conditions(ids, project_ids, statuses, types, any_tags, all_tags, not_tags, include_archived,
                       archived_only) + list(extra)
