"""A running script's writes on the embedded SQLite file, through the stdlib ``sqlite3``: its task,
edits, status, parameters, configuration, scalars, single values, console and artifacts.

The rules are those of ``core/tasks.py``, ``core/params.py``, ``core/reporting.py`` and
``core/artifacts.py`` (shared through ``core/rules/``); only the SQL differs, so a fresh process
writes without importing SQLAlchemy or numpy. What needs more of the store (a queue, plots and
debug samples, their history limits) raises :class:`NeedsFullStore` before writing anything, and
the caller goes the SQLAlchemy way.
"""
from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.event_batch import BatchResult, EventBatch
from jupyter_ext.core.rules import names, status, task_changes
from jupyter_ext.core.rules.artifact_spec import check_artifact
from jupyter_ext.errors import AlreadyExists, Conflict, NotFound
from jupyter_ext.store import embedded_rows as rows
from jupyter_ext.store import embedded_scalars
from jupyter_ext.store.embedded import Cursor, EmbeddedDB
from jupyter_ext.store.rows import ArtifactRow, ConfigRow, MetricSummary, ParamRow, ProjectRow, TaskRow


class NeedsFullStore(Exception):  # noqa: N818 - a signal to the caller, not an error a user sees
    """This write needs what only the SQLAlchemy store does; nothing was written."""


def _get(cur: Cursor, task_id: str) -> TaskRow:
    row = rows.get_task(cur, task_id)
    if row is None:
        raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
    return row


def _ensure_project(cur: Cursor, name: str) -> ProjectRow:
    """As ``core.projects.ensure``: the project and every missing parent."""
    full = names.normalize_project_name(name)
    from jupyter_ext.core.rules.project_path import ensure_path

    return ensure_path(full, lambda path: rows.project_by_name(cur, path), lambda row: rows.insert_project(cur, row))


# -- tasks ------------------------------------------------------------------------------------------
def create_task(db: EmbeddedDB, spec: Mapping[str, Any]) -> TaskRow:
    checked = task_changes.check_new_task(spec)
    now = checked["created"]
    with db.write() as cur:
        if rows.task_status(cur, checked["id"]) is not None:
            raise AlreadyExists(f"a task with id {checked['id']} already exists")
        project_name = spec.get("project")
        project = _ensure_project(cur, names.DEFAULT_PROJECT if project_name is None else project_name)
        row = TaskRow(
            id=checked["id"], project_id=project.id, project_name=project.name, name=checked["name"],
            type=checked["type"], status=checked["status"], status_message="", status_reason="",
            comment=checked["comment"], parent_id=spec.get("parent_id"), user=str(spec.get("user") or ""),
            created=now, started=now if checked["status"] == status.IN_PROGRESS else None, completed=None,
            last_update=now, last_iteration=0, archived=False, tags=checked["tags"],
            system_tags=tuple(spec.get("system_tags") or ()), script=dict(spec.get("script") or {}),
            runtime=dict(spec.get("runtime") or {}), output_uri=spec.get("output_uri"),
        )
        rows.insert_task(cur, row)
        return row


def get_task(db: EmbeddedDB, task_id: str) -> TaskRow:
    with db.read() as cur:
        return _get(cur, task_id)


def update_task(db: EmbeddedDB, task_id: str, fields: Mapping[str, Any]) -> TaskRow:
    values = task_changes.check_edits(fields)
    with db.write() as cur:
        _get(cur, task_id)
        rows.update_task(cur, task_id, dict(values, last_update=time.time()))
        return _get(cur, task_id)


def set_status(db: EmbeddedDB, task_id: str, target: str, *, force: bool = False, message: str = "",
               reason: str = "", expected: str | None = None) -> TaskRow:
    status.check_status(target)
    if target == status.QUEUED:
        raise NeedsFullStore("a queued task joins a queue")
    with db.write() as cur:
        row = _get(cur, task_id)
        if row.status == status.QUEUED:
            raise NeedsFullStore("a task leaving 'queued' leaves its queue")
        fields = task_changes.status_change(task_id, row.status, row.started, row.system_tags, target, force=force,
                                            message=message, reason=reason, expected=expected)
        if not rows.update_task(cur, task_id, fields, expected_status=row.status):
            raise Conflict(f"task {task_id} changed status while this change was made; reload it and retry")
        return _get(cur, task_id)


def is_reusable(db: EmbeddedDB, task_id: str, *, project: str, name: str, task_type: str) -> bool:
    """As ``core.tasks.is_reusable``."""
    with db.read() as cur:
        row = rows.get_task(cur, task_id)
        if row is None or row.archived or row.name != name or row.type != task_type:
            return False
        if row.project_name != names.normalize_project_name(project):
            return False
        if task_changes.DEVELOPMENT_TAG not in row.system_tags or row.status in (
                status.PUBLISHED, status.CLOSED, status.QUEUED):
            return False
        return not rows.has_outputs(cur, task_id)


# -- parameters -------------------------------------------------------------------------------------
def set_parameters(db: EmbeddedDB, task_id: str, params: Sequence[ParamRow], *, replace: bool = False,
                   force: bool = False) -> None:
    task_changes.check_unique_params(params)
    with db.write() as cur:
        found = rows.task_status(cur, task_id)
        if found is None:
            raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
        allowed = force or task_changes.only_properties(params, rows.get_params(cur, task_id) if replace else None)
        task_changes.check_params_editable(task_id, found[0], allowed)
        if replace:
            rows.delete_params(cur, task_id)
        rows.upsert_params(cur, task_id, params)


def get_parameters(db: EmbeddedDB, task_id: str) -> list[ParamRow]:
    """As ``core.params.get_parameters`` (an agent's run reads its task's values at start)."""
    with db.read() as cur:
        if rows.task_status(cur, task_id) is None:
            raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
        return rows.get_params(cur, task_id)


def get_configurations(db: EmbeddedDB, task_id: str) -> list[ConfigRow]:
    with db.read() as cur:
        if rows.task_status(cur, task_id) is None:
            raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
        return rows.get_configs(cur, task_id)


def set_configuration(db: EmbeddedDB, task_id: str, config: ConfigRow, *, force: bool = False) -> None:
    task_changes.check_configuration(config.name, config.text, config.description)
    with db.write() as cur:
        found = rows.task_status(cur, task_id)
        if found is None:
            raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
        task_changes.check_params_editable(task_id, found[0], force)
        rows.upsert_config(cur, task_id, config.name, config.type, config.text, config.description)


# -- events -----------------------------------------------------------------------------------------
def write_events(db: EmbeddedDB, batch: EventBatch) -> BatchResult:
    """As ``core.reporting.apply`` for scalars, single values and console text, in one transaction."""
    if batch.plots or batch.debug_samples:
        raise NeedsFullStore("plots and debug samples")
    result = BatchResult()
    if not len(batch):
        return result
    with db.write() as cur:
        accepted: dict[str, int] = {}  # task id -> last iteration stored
        for task_id in batch.task_ids():
            found = rows.task_status(cur, task_id)
            why = task_changes.refuse_events(None if found is None else found[0])
            if why is not None or found is None:
                result.dropped[task_id] = why or ""
            else:
                accepted[task_id] = found[1]
        top: dict[str, int] = {}
        by_task: dict[str, list[tuple[str, str, Any, Any, Any]]] = {}
        for task_id, title, series, iters, values, times in batch.scalars:
            if task_id in accepted:
                by_task.setdefault(task_id, []).append((title, series, iters, values, times))
                result.written += len(iters)
        for task_id, series_list in by_task.items():
            top[task_id] = _append_scalars(cur, task_id, series_list)
        singles: dict[str, dict[str, tuple[float, float]]] = {}
        for task_id, name, value, t in batch.single_values:
            if task_id in accepted:
                singles.setdefault(task_id, {})[name] = (value, t)
        for task_id, named in singles.items():
            rows.upsert_single_values(cur, task_id, named)
            result.written += len(named)
        console = [{"task_id": c[0], "level": c[1], "text": c[2], "time": c[3]} for c in batch.console
                   if c[0] in accepted]
        rows.insert_console(cur, console)
        result.written += len(console)
        now = time.time()
        for task_id, last_iteration in accepted.items():
            fields: dict[str, Any] = {"last_update": now}
            if task_id in top and top[task_id] > last_iteration:
                fields["last_iteration"] = top[task_id]
            rows.update_task(cur, task_id, fields)
    return result


def _append_scalars(cur: Cursor, task_id: str, series: Sequence[tuple[str, str, Any, Any, Any]]) -> int:
    """As ``core.scalars.append``; returns the highest iteration seen (monitor series aside)."""
    ids = rows.metric_ids(cur, task_id, [(t, s) for t, s, *_ in series])
    top = -(2**63)
    for title, name, iters, values, times in series:
        it = embedded_scalars.as_array(iters, "q")
        va = embedded_scalars.as_array(values, "d")
        ti = embedded_scalars.as_array(times, "d")
        if not (len(it) == len(va) == len(ti)) or len(it) == 0:
            continue
        metric_id = ids[(title, name)]
        embedded_scalars.append_points(cur, metric_id, it, va, ti)
        rows.write_summary(cur, metric_id, merge_summary(rows.summary_of(cur, metric_id), it, va, ti))
        if not title.startswith(":monitor:"):
            top = max(top, max(it))
    return top


def merge_summary(old: MetricSummary, it: Sequence[int], va: Sequence[float], ti: Sequence[float]) -> MetricSummary:
    """As ``core.scalars.merge_summary``: min and max ignore NaN; the first of equal extremes wins."""
    min_value, min_iter, max_value, max_iter = old.min_value, old.min_iter, old.max_value, old.max_iter
    total = sum(va)  # NaN when a value is NaN (or inf - inf: then the careful way is taken, to the same end)
    finite = [k for k, v in enumerate(va) if v == v] if total != total else None
    if finite is None or finite:
        if finite is None:
            lo = va.index(min(va))
            hi = va.index(max(va))
        else:
            lo = min(finite, key=va.__getitem__)
            hi = max(finite, key=va.__getitem__)
        if min_value is None or va[lo] < min_value:
            min_value, min_iter = float(va[lo]), int(it[lo])
        if max_value is None or va[hi] > max_value:
            max_value, max_iter = float(va[hi]), int(it[hi])
    return MetricSummary(
        title=old.title, series=old.series, count=old.count + len(va),
        first_value=old.first_value if old.count else float(va[0]),
        last_value=float(va[-1]), last_iter=int(it[-1]),
        min_value=min_value, min_iter=min_iter, max_value=max_value, max_iter=max_iter,
        last_time=float(ti[-1]),
    )


# -- artifacts --------------------------------------------------------------------------------------
def put_artifact(db: EmbeddedDB, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow:
    """As ``core.artifacts.put``."""
    row = check_artifact(task_id, spec)
    with db.write() as cur:
        found = rows.task_status(cur, task_id)
        if found is None:
            raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
        if found[0] in status.FINAL:
            raise Conflict(f"task {task_id} is {found[0]}; its artifacts are final. Clone it to add more")
        if row["blob_sha256"]:
            rows.record_blob(cur, row["blob_sha256"], row["size"], row["location"], time.time())
        return rows.replace_artifact(cur, row)


# -- the plain task list (``jupyter track tasks``) ------------------------------------------------------
def query_tasks(db: EmbeddedDB, *, task_ids: Sequence[str] | None = None,
                project_name: Sequence[str] | str | None = None, task_name: str | None = None,
                tags: Sequence[str] | str | None = None, statuses: Sequence[str] | None = None,
                types: Sequence[str] | None = None, include_archived: bool = True, include_subprojects: bool = True,
                limit: int | None = None, offset: int = 0, newest_first: bool = True, **other: Any) -> list[TaskRow]:
    """As ``core.tasks.query`` for a list by project, status, type and archive state; a name
    pattern, tags, ids or any other filter need the full store (:class:`NeedsFullStore`)."""
    from jupyter_ext.core.rules.task_types import check_task_type
    from jupyter_ext.errors import InvalidArgument

    if task_ids is not None or task_name or tags or not include_subprojects or other:
        raise NeedsFullStore("ids, name patterns, tags and single projects are the full query's")
    if offset < 0 or (limit is not None and limit < 0):
        raise InvalidArgument(f"limit and offset cannot be negative (got limit={limit}, offset={offset})")
    for s in statuses or ():
        status.check_status(s)
    for t in types or ():
        check_task_type(t)
    projects = None
    if project_name is not None:
        given = [project_name] if isinstance(project_name, str) else list(project_name)
        projects = [names.normalize_project_name(p) for p in given]
    with db.read() as cur:
        return rows.task_page(cur, project_names=projects, statuses=statuses, types=types,
                              include_archived=include_archived, descending=newest_first, limit=limit, offset=offset)
