"""Tasks: creation, lookup, edits, the status machine, clone, reset, move, archive, delete.

Every function opens its own transaction on the given :class:`MetaStore`, so the local
backend and the REST server call exactly the same rules.
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from jupyter_ext.core import projects
from jupyter_ext.core.rules import names, status, task_changes
from jupyter_ext.core.rules.task_types import check_task_type
from jupyter_ext.core.rules.user_regex import NamePattern, compile_user_regex
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import artifacts as artifact_rows
from jupyter_ext.store import events as event_rows
from jupyter_ext.store import models as model_rows
from jupyter_ext.store import notebook_runs as notebook_rows
from jupyter_ext.store import params as param_rows
from jupyter_ext.store import scalars as scalar_rows
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.metric_order import MetricOrder
from jupyter_ext.store.rows import TaskRow

DEVELOPMENT_TAG = task_changes.DEVELOPMENT_TAG
EDITABLE_FIELDS = task_changes.EDITABLE_FIELDS
PARAM_EDIT_STATUSES = task_changes.PARAM_EDIT_STATUSES
new_id = task_changes.new_id


check_name = names.check_task_name
check_tags = names.check_tags


def create(store: MetaStore, spec: Mapping[str, Any]) -> TaskRow:
    """Create a task from a spec: ``project`` (name), ``name``, and optional ``id``, ``type``,
    ``tags``, ``comment``, ``parent_id``, ``user``, ``status``, ``script``, ``runtime``,
    ``output_uri``, ``system_tags``."""
    checked = task_changes.check_new_task(spec)
    task_id, name, task_type, tags, initial, now = (checked[k] for k in ("id", "name", "type", "tags", "status",
                                                                          "created"))
    with store.write() as conn:
        if task_rows.get(conn, task_id) is not None:
            raise AlreadyExists(f"a task with id {task_id} already exists")
        project_name = spec.get("project")
        project = projects.ensure(conn, projects.DEFAULT_PROJECT if project_name is None else project_name)
        row = TaskRow(
            id=task_id, project_id=project.id, project_name=project.name, name=name, type=task_type,
            status=initial, status_message="", status_reason="",
            comment=checked["comment"],
            parent_id=spec.get("parent_id"), user=str(spec.get("user") or ""), created=now,
            started=now if initial == status.IN_PROGRESS else None, completed=None, last_update=now,
            last_iteration=0, archived=False, tags=tags, system_tags=tuple(spec.get("system_tags") or ()),
            script=dict(spec.get("script") or {}), runtime=dict(spec.get("runtime") or {}),
            output_uri=spec.get("output_uri"),
        )
        task_rows.insert(conn, row)
        return row


def get(store: MetaStore, task_id: str) -> TaskRow:
    with store.read() as conn:
        return _get(conn, task_id)


def _get(conn: Connection, task_id: str) -> TaskRow:
    row = task_rows.get(conn, task_id)
    if row is None:
        raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
    return row


def parse_tag_filter(tags: Sequence[str] | str | None) -> tuple[list[str], list[str], list[str]]:
    """ClearML's tag filter: OR by default, ``-tag`` excludes, ``__$all``/``__$and`` switch to
    AND, ``__$or`` back to OR, ``__$not`` negates the next tag."""
    if tags is None:
        return [], [], []
    if isinstance(tags, str):
        tags = [tags]
    any_tags: list[str] = []
    all_tags: list[str] = []
    not_tags: list[str] = []
    mode_all = False
    negate = False
    for tag in tags:
        if tag in ("__$all", "__$and"):
            mode_all = True
        elif tag == "__$or":
            mode_all = False
        elif tag == "__$not":
            negate = True
        elif negate or tag.startswith("-"):
            not_tags.append(tag[1:] if tag.startswith("-") and not negate else tag)
            negate = False
        elif mode_all:
            all_tags.append(tag)
        else:
            any_tags.append(tag)
    return any_tags, all_tags, not_tags


def compile_name(pattern: str | None, what: str = "task_name") -> NamePattern | None:
    """A name filter, run by a linear-time engine (core/rules/user_regex.py)."""
    if pattern is None or pattern == "":
        return None
    return compile_user_regex(pattern, what)


@dataclasses.dataclass(frozen=True)
class TaskFilter:
    """Which tasks a query, a page or a count is about; every field left out matches all.
    ``task_name`` is a regular expression, ``tags`` ClearML's tag filter (``-tag`` excludes,
    ``__$all`` first requires all), ``project_name`` one or several projects."""

    task_ids: Sequence[str] | None = None
    project_name: Sequence[str] | str | None = None
    task_name: str | None = None
    tags: Sequence[str] | str | None = None
    statuses: Sequence[str] | None = None
    types: Sequence[str] | None = None
    include_archived: bool = True
    archived_only: bool = False
    include_subprojects: bool = True
    # Only tasks of these projects (what the caller may see on a team server); None: any project.
    within_projects: Collection[str] | None = None
    users: Sequence[str] | None = None  # only tasks these users own
    # ``<column>=<low>..<high>`` on a date or count field, a metric or a parameter (core/task_filters.py)
    ranges: Sequence[str] = ()
    # Dataset versions' and pipeline steps' tasks, and tasks of hidden projects
    include_parts: bool = True


def query(
    store: MetaStore,
    *,
    task_ids: Sequence[str] | None = None,
    project_name: Sequence[str] | str | None = None,
    task_name: str | None = None,
    tags: Sequence[str] | str | None = None,
    statuses: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    include_archived: bool = True,
    include_subprojects: bool = True,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
) -> list[TaskRow]:
    """The keywords of ``Backend.query_tasks`` (:class:`TaskFilter`'s, and the page)."""
    where = TaskFilter(task_ids=task_ids, project_name=project_name, task_name=task_name, tags=tags,
                       statuses=statuses, types=types, include_archived=include_archived,
                       include_subprojects=include_subprojects)
    rows, _ = page(store, where, limit=limit, offset=offset, descending=newest_first, with_total=False)
    return rows


def page(
    store: MetaStore,
    where: TaskFilter | None = None,
    *,
    order_by: str = "created",
    descending: bool = True,
    limit: int | None = None,
    offset: int = 0,
    with_total: bool = True,
) -> tuple[list[TaskRow], int]:
    """One page of the tasks matching the filter, in order, and how many match in all
    (-1 unless ``with_total``). ``order_by`` is a task field (:data:`ORDER_FIELDS`; a field's
    NULLs sort as its largest value), ``metric:<title>/<series>`` (the series' last value) or
    ``param:<section>/<name>`` (numbers by value, other values by their JSON text); tasks
    without that metric or parameter come last in both directions."""
    if offset < 0 or (limit is not None and limit < 0):
        raise InvalidArgument(f"limit and offset cannot be negative (got limit={limit}, offset={offset})")
    key = order_key(order_by)
    where = where or TaskFilter()
    with store.read() as conn:
        found = _where(conn, where)
        if found is None:
            return [], 0
        return task_rows.page(conn, order_by=key, order_desc=descending, limit=limit, offset=offset,
                              archived_only=where.archived_only, with_total=with_total, **found)


ORDER_FIELDS = tuple(task_rows.ORDER_FIELDS)


def order_key(order_by: str) -> Any:
    """A field name as is, or the sort keys of a ``metric:`` or ``param:`` column."""
    from jupyter_ext.core import task_columns

    if order_by in task_rows.ORDER_FIELDS:
        return order_by
    if task_columns.is_extra(order_by):
        kind, (first, second) = task_columns.parse(order_by)
        if kind == "param":
            return task_rows.param_value(first, second)
        return MetricOrder(first, second, task_columns.METRIC_STAT[kind])
    raise InvalidArgument(f"order_by must be one of {', '.join(sorted(ORDER_FIELDS))}, metric:<title>/<series> "
                          f"(metric_min:, metric_max:) "
                          f"or param:<section>/<name> (prefix '-' for descending), got {order_by!r}")


def count(store: MetaStore, where: TaskFilter | None = None) -> int:
    """How many tasks match the filter (no limit), without building rows."""
    where = where or TaskFilter()
    with store.read() as conn:
        found = _where(conn, where)
        return 0 if found is None else task_rows.count(conn, archived_only=where.archived_only, **found)


def store_filter(conn: Connection, where: TaskFilter) -> dict[str, Any] | None:
    """The keywords of ``store.tasks.page`` for a filter; None when no task can match."""
    return _where(conn, where)


def _where(conn: Connection, where: TaskFilter) -> dict[str, Any] | None:
    """The store filters of a query; None when it names projects that do not exist (no match)."""
    for s in where.statuses or ():
        status.check_status(s)
    for t in where.types or ():
        check_task_type(t)
    name_re = compile_name(where.task_name)
    any_tags, all_tags, not_tags = parse_tag_filter(where.tags)
    project_ids = None
    if where.project_name is not None:
        names = [where.project_name] if isinstance(where.project_name, str) else list(where.project_name)
        project_ids = projects.ids_under(conn, names, recursive=where.include_subprojects)
        if not project_ids:
            return None
    if where.within_projects is not None:
        allowed = set(where.within_projects)
        project_ids = sorted(allowed) if project_ids is None else [p for p in project_ids if p in allowed]
        if not project_ids:
            return None
    from jupyter_ext.core import task_filters  # it reads core/datasets.py, which imports this module

    extra = task_filters.conditions(conn, users=where.users, ranges=where.ranges, include_parts=where.include_parts)
    return {"ids": where.task_ids, "project_ids": project_ids, "statuses": where.statuses, "types": where.types,
            "any_tags": any_tags, "all_tags": all_tags, "not_tags": not_tags,
            "include_archived": where.include_archived, "name_filter": name_re, "extra": extra}


def update(store: MetaStore, task_id: str, fields: Mapping[str, Any]) -> TaskRow:
    values = task_changes.check_edits(fields)
    with store.write() as conn:
        _get(conn, task_id)
        task_rows.update_fields(conn, task_id, last_update=time.time(), **values)
        return _get(conn, task_id)


def set_status(store: MetaStore, task_id: str, target: str, *, force: bool = False, message: str = "",
               reason: str = "", expected: str | None = None) -> TaskRow:
    """Move a task to ``target`` under the status machine; atomic against concurrent changes."""
    status.check_status(target)
    with store.write() as conn:
        row = _get(conn, task_id)
        fields = task_changes.status_change(task_id, row.status, row.started, row.system_tags, target, force=force,
                                            message=message, reason=reason, expected=expected)
        now = fields["last_update"]
        if "system_tags" in fields:
            task_rows.update_fields(conn, task_id, system_tags=fields.pop("system_tags"))
        queue = _queue_for(conn, row, target)
        if queue is not None:
            fields["queue"] = queue.name
        if not task_rows.compare_and_set_status(conn, task_id, row.status, **fields):
            raise Conflict(f"task {task_id} changed status while this change was made; reload it and retry")
        _follow_queue(conn, row, target, queue, now)
        return _get(conn, task_id)


def _queue_for(conn: Connection, row: TaskRow, target: str) -> Any:
    """The queue a task set to ``queued`` directly (not through enqueue) waits in: its last one,
    or ``default``."""
    from jupyter_ext.core import queues

    if target != status.QUEUED or row.status == status.QUEUED:
        return None
    try:
        return queues.resolve(conn, row.queue)
    except (NotFound, InvalidArgument):  # its last queue is gone
        return queues.resolve(conn, None)


def _follow_queue(conn: Connection, row: TaskRow, target: str, queue: Any, now: float) -> None:
    """Keep "a queue entry exists exactly while the task is queued", in the same transaction."""
    from jupyter_ext.core import queues

    if queue is not None:
        queues.join(conn, row.id, queue, now)
    elif row.status == status.QUEUED and target != status.QUEUED:
        queues.leave(conn, row.id)


def has_outputs(conn: Connection, task_id: str) -> bool:
    if scalar_rows.summaries(conn, task_id) or artifact_rows.count(conn, task_id):
        return True
    if any(link["mode"] == "output" for link in model_rows.links_of_task(conn, task_id)):
        return True
    return bool(event_rows.get_plots(conn, task_id) or event_rows.get_single_values(conn, task_id)
                or event_rows.get_debug_samples(conn, task_id))


def clear_outputs(conn: Connection, task_id: str) -> None:
    """Results go (their files become garbage); models stay in the registry, unlinked."""
    scalar_rows.delete_for_task(conn, task_id)
    event_rows.delete_for_task(conn, task_id)
    notebook_rows.delete_for_task(conn, task_id)
    artifact_rows.remove(conn, task_id, mode="output")
    model_rows.unlink_task(conn, task_id, mode="output")


def reset(store: MetaStore, task_id: str, *, force: bool = False) -> TaskRow:
    """Back to ``created`` with every output cleared; parameters and code stay."""
    with store.write() as conn:
        row = _get(conn, task_id)
        if row.status == status.PUBLISHED and not force:
            raise Conflict(f"task {task_id} is published, and published results are final; clone it instead")
        if row.status == status.IN_PROGRESS and not force:
            raise Conflict(f"task {task_id} is running; stop it first (task.mark_stopped()) or pass force=True")
        clear_outputs(conn, task_id)
        _follow_queue(conn, row, status.CREATED, None, time.time())
        task_rows.update_fields(conn, task_id, status=status.CREATED, started=None, completed=None,
                                last_iteration=0, status_message="", status_reason="", worker=None,
                                last_update=time.time())
        return _get(conn, task_id)


def clone(store: MetaStore, source_id: str, *, name: str | None = None, comment: str | None = None,
          parent_id: str | None = None, project: str | None = None, new_task_id: str | None = None) -> TaskRow:
    """A new draft with the source's type, tags, parameters, configuration and code; no outputs."""
    with store.write() as conn:
        src = _get(conn, source_id)
        target_project = projects.ensure(conn, project) if project else projects.get(conn, project_id=src.project_id)
        now = time.time()
        row = TaskRow(
            id=new_task_id or new_id(), project_id=target_project.id, project_name=target_project.name,
            name=check_name(name) if name is not None else f"Clone Of {src.name}", type=src.type,
            status=status.CREATED, status_message="", status_reason="",
            comment=comment if comment is not None else f"Cloned from task {src.id}",
            parent_id=parent_id or src.parent_id or src.id, user=src.user, created=now, started=None,
            completed=None, last_update=now, last_iteration=0, archived=False, tags=src.tags,
            system_tags=tuple(t for t in src.system_tags if t != DEVELOPMENT_TAG),
            script=src.script, runtime={}, output_uri=src.output_uri,
        )
        task_rows.insert(conn, row)
        param_rows.upsert_params(conn, row.id, param_rows.get_params(conn, src.id))
        for cfg in param_rows.get_configs(conn, src.id):
            param_rows.upsert_config(conn, row.id, cfg)
        return row


def move(store: MetaStore, task_id: str, project: str) -> TaskRow:
    with store.write() as conn:
        _get(conn, task_id)
        target = projects.ensure(conn, project)
        task_rows.update_fields(conn, task_id, project_id=target.id, last_update=time.time())
        return _get(conn, task_id)


def archive(store: MetaStore, task_id: str, archived: bool = True) -> TaskRow:
    with store.write() as conn:
        row = _get(conn, task_id)
        if archived and row.status in (status.IN_PROGRESS, status.QUEUED):
            raise Conflict(f"task {task_id} is {row.status}; stop or dequeue it before archiving")
        task_rows.update_fields(conn, task_id, archived=archived, last_update=time.time())
        return _get(conn, task_id)


def delete(store: MetaStore, task_id: str, *, force: bool = False, delete_models: bool = True) -> None:
    """Delete a task and all it owns; its files become garbage for :func:`gc.collect`. Models it
    made go too (``delete_models``), except those other tasks use as their input."""
    with store.write() as conn:
        row = _get(conn, task_id)
        if row.status == status.IN_PROGRESS and not force:
            raise Conflict(f"task {task_id} is running; stop it first or pass force=True")
        if row.status == status.PUBLISHED and not force:
            raise Conflict(f"task {task_id} is published; pass force=True to delete published results")
        made = [link["model_id"] for link in model_rows.links_of_task(conn, task_id) if link["mode"] == "output"]
        clear_outputs(conn, task_id)
        artifact_rows.remove(conn, task_id)
        model_rows.unlink_task(conn, task_id)
        if delete_models:
            for model_id in made:
                if not model_rows.tasks_using(conn, model_id, "input"):
                    model_rows.delete_model(conn, model_id)
        param_rows.delete_params(conn, task_id)
        param_rows.delete_configs(conn, task_id)
        _follow_queue(conn, row, status.CREATED, None, time.time())
        task_rows.set_tags(conn, task_id, ())
        task_rows.delete_task(conn, task_id)


def is_reusable(store: MetaStore, task_id: str, *, project: str, name: str, task_type: str) -> bool:
    """A previous task may be taken over by a new ``Task.init`` only if nothing would be lost:
    same project, name and type; a development task, not archived, not final; and no outputs
    at all (ClearML also reuses tasks with metrics and deletes them; we never do)."""
    with store.read() as conn:
        row = task_rows.get(conn, task_id)
        if row is None or row.archived or row.name != name or row.type != task_type:
            return False
        if row.project_name != projects.normalize_name(project):
            return False
        if DEVELOPMENT_TAG not in row.system_tags or row.status in (status.PUBLISHED, status.CLOSED, status.QUEUED):
            return False
        return not has_outputs(conn, task_id)
