"""Firing a schedule or trigger exactly once: the launched task's id is made from what fired
(entry and time, or trigger and event), so a second scheduler, a restarted one or a second
trigger service that fires the same thing finds the task there (``AlreadyExists``) and stops.

Two kinds of target: a task, cloned (same code, parameters and configuration) and enqueued;
or a function, run on a thread here and recorded as a task of type ``service`` under
``<project>/.runs`` (its status says how the call went)."""
from __future__ import annotations

import hashlib
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument
from jupyter_ext.sdk import _session as session

RUNS_FOLDER = ".runs"
FIRED_TAG = "automation-fired"


def fire_id(*parts: object) -> str:
    """A task id that names one firing (the same parts give the same id)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()[:32]


def split_overrides(overrides: Mapping[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """``task_overrides`` as (parameters, task fields): ``"General/epochs"`` is a parameter,
    ``"script.branch"`` or ``"comment"`` a field of the task."""
    params: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for key, value in (overrides or {}).items():
        (params if "/" in str(key) else fields)[str(key)] = value
    return params, fields


def launch_clone(base_id: str, launch_id: str, *, queue: str | None, name: str, project: str | None,
                 parameters: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None,
                 parent_id: str | None = None, tags: Sequence[str] = ()) -> str | None:
    """Clone ``base_id`` into task ``launch_id`` (``tags`` added) and enqueue it; None when that
    task exists already (this firing happened)."""
    from jupyter_ext.sdk.pipelines.launch import _task_overrides

    backend = session.backend()
    base = backend.get_task(base_id)
    spec = {"id": launch_id, "project": project or base.project_name, "name": name, "type": base.type,
            "status": statuses.CREATED, "tags": list(dict.fromkeys([*base.tags, *tags])),
            "user": session.getpid_user(),
            "system_tags": list(dict.fromkeys([*(t for t in base.system_tags if t != "development"), FIRED_TAG])),
            "script": dict(base.script), "output_uri": base.output_uri, "parent_id": parent_id or base.id,
            "comment": f"launched from task {base.id}"}
    try:
        row = backend.create_task(spec)
    except AlreadyExists:
        return None
    rows = backend.get_parameters(base.id)
    override_params, override_fields = split_overrides(overrides)
    if rows:
        backend.set_parameters(row.id, rows)
    extra = {**dict(parameters or {}), **override_params}
    if extra:
        backend.set_parameters(row.id, param_values.rows_from_flat(extra))
    for config in backend.get_configurations(base.id):
        backend.set_configuration(row.id, config)
    if override_fields:
        backend.update_task(row.id, _task_overrides(row.to_dict(), override_fields))
    if queue:
        backend.enqueue_task(row.id, queue)
    return row.id


def run_function(function: Callable[..., Any], launch_id: str, *, name: str, project: str,
                 args: Sequence[Any] = (), parent_id: str | None = None,
                 on_end: Callable[[], Any] | None = None) -> threading.Thread | None:
    """Call ``function(*args)`` on a thread, recorded as task ``launch_id``; None when that task
    exists already (this firing happened)."""
    if not callable(function):
        raise InvalidArgument(f"schedule_function must be callable; got {function!r}")
    backend = session.backend()
    label = getattr(function, "__qualname__", repr(function))
    try:
        backend.create_task({"id": launch_id, "project": f"{project}/{RUNS_FOLDER}", "name": name, "type": "service",
                             "status": statuses.IN_PROGRESS, "system_tags": [FIRED_TAG], "parent_id": parent_id,
                             "user": session.getpid_user(), "comment": f"call of {label}"})
    except AlreadyExists:
        return None

    def call() -> None:
        target, reason = statuses.COMPLETED, ""
        try:
            function(*args)
        except BaseException as exc:  # noqa: BLE001 - the record says how the call went; the scheduler goes on
            target, reason = statuses.FAILED, f"{type(exc).__name__}: {exc}"
            session.reporter().add_event("console", (launch_id, 40, traceback.format_exc(), time.time()))
        finally:
            session.reporter().flush(timeout=10)
            backend.set_task_status(launch_id, target, reason=reason[:2000])
            if on_end is not None:
                on_end()

    thread = threading.Thread(target=call, name=f"jupyter-track-call-{label}", daemon=True)
    thread.start()
    return thread


def reuse_base(base_id: str, queue: str | None) -> str | None:
    """``reuse_task``: the base task itself goes back to the queue (reset first); None when it is
    queued or running already."""
    backend = session.backend()
    try:
        row = backend.get_task(base_id)
        if row.status in (statuses.QUEUED, statuses.IN_PROGRESS):
            return None
        if row.status not in (statuses.CREATED, statuses.STOPPED, statuses.FAILED):
            backend.reset_task(row.id, force=True)
        backend.enqueue_task(row.id, queue)
    except Conflict:
        return None
    return base_id


def is_running(task_id: str) -> bool:
    """Whether a launched task is still queued or running."""
    from jupyter_ext.errors import NotFound

    try:
        return session.backend().get_task(task_id).status in (statuses.QUEUED, statuses.IN_PROGRESS)
    except NotFound:
        return False
