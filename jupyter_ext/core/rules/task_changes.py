"""What a new task, an edit, a status change or a parameter write must satisfy, and the fields
each one sets. Pure: ``core/tasks.py`` and ``core/params.py`` (SQLAlchemy, every store) and
``core/embedded_writes.py`` (the embedded SQLite file through the stdlib) apply these same rules.
"""
from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import events, limits, names, status, task_script
from jupyter_ext.core.rules.param_types import PROPERTIES_SECTION
from jupyter_ext.core.rules.task_types import DEFAULT_TASK_TYPE, check_task_type
from jupyter_ext.errors import Conflict, InvalidArgument

DEVELOPMENT_TAG = "development"
EDITABLE_FIELDS = ("name", "comment", "tags", "type", "parent_id", "script", "runtime", "output_uri", "system_tags",
                   "last_iteration", "status_message")
# Parameters and configuration describe how a run was started; once it ran they are history.
PARAM_EDIT_STATUSES = frozenset({status.CREATED, status.IN_PROGRESS})
_TASK_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def new_id() -> str:
    return uuid.uuid4().hex


def check_new_task(spec: Mapping[str, Any]) -> dict[str, Any]:
    """The checked fields of a task to create from a spec (``id``, ``name``, ``type``, ``tags``,
    ``status``, ``created``); the project is the caller's to resolve."""
    name = names.check_task_name(spec.get("name"))
    task_type = check_task_type(spec.get("type") or DEFAULT_TASK_TYPE)
    tags = names.check_tags(spec.get("tags"))
    initial = status.check_status(spec.get("status") or status.CREATED)
    if initial not in (status.CREATED, status.IN_PROGRESS):
        raise InvalidArgument(f"a new task starts as 'created' or 'in_progress', not {initial!r}")
    task_id = spec.get("id") or new_id()
    if not isinstance(task_id, str) or not _TASK_ID.fullmatch(task_id):
        raise InvalidArgument(f"task id {task_id!r} is not valid: use up to 64 letters, digits, '-' or '_'")
    comment = limits.check_free_text(spec.get("comment") or "", "comment", limits.COMMENT)
    return {"id": task_id, "name": name, "type": task_type, "tags": tags, "status": initial, "comment": comment,
            "created": float(spec.get("created") or time.time())}


def check_edits(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The checked values of an edit of a task's fields."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InvalidArgument(f"cannot edit {', '.join(sorted(unknown))}; "
                              f"editable fields: {', '.join(EDITABLE_FIELDS)}")
    values = dict(fields)
    if "name" in values:
        values["name"] = names.check_task_name(values["name"])
    if "type" in values:
        values["type"] = check_task_type(values["type"])
    if "tags" in values:
        values["tags"] = names.check_tags(values["tags"])
    if values.get("script") is not None:
        values["script"] = task_script.check_script(values["script"])
    if "last_iteration" in values:
        try:
            values["last_iteration"] = events.check_iteration(values["last_iteration"], "last_iteration")
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(str(exc)) from None
    for text, limit in (("comment", limits.COMMENT), ("status_message", limits.STATUS_MESSAGE)):
        if text in values:
            values[text] = limits.check_free_text(values[text], text, limit)
    return values


def check_configuration(name: Any, text: str, description: str) -> None:
    """Refuse a configuration object without a name, or with a text or description past its limit."""
    if not isinstance(name, str) or not name:
        raise InvalidArgument("a configuration object needs a non-empty name, e.g. name='model'")
    limits.check_free_text(text, f"configuration {name[:60]!r}: text", limits.CONFIG_TEXT)
    limits.check_free_text(description, f"configuration {name[:60]!r}: description", limits.DESCRIPTION)


def status_change(task_id: str, current: str, started: float | None, system_tags: Sequence[str], target: str, *,
                  force: bool = False, message: str = "", reason: str = "", expected: str | None = None,
                  now: float | None = None) -> dict[str, Any]:
    """The fields a move from ``current`` to ``target`` sets (the queue's part aside); raises
    :class:`Conflict` when the status machine refuses it."""
    status.check_status(target)
    if expected is not None and current != expected and not force:
        raise Conflict(f"task {task_id} is {current!r}, not {expected!r} as expected; reload it and retry")
    status.check_transition(task_id, current, target, force=force)
    now = time.time() if now is None else now
    if len(message) > limits.STATUS_MESSAGE:  # an exception's text can be long: kept, cut to the limit
        message = message[:limits.STATUS_MESSAGE - 1] + "…"
    fields: dict[str, Any] = {"status": target, "last_update": now, "status_message": message, "status_reason": reason}
    if target == status.IN_PROGRESS:
        fields["started"] = started or now
        fields["completed"] = None
    elif target in (status.COMPLETED, status.FAILED, status.STOPPED, status.CLOSED):
        fields["completed"] = now
    elif target == status.CREATED:
        fields["started"] = None
        fields["completed"] = None
    if target == status.QUEUED and DEVELOPMENT_TAG in system_tags:
        fields["system_tags"] = [t for t in system_tags if t != DEVELOPMENT_TAG]
    return fields


def check_params_editable(task_id: str, current: str, force: bool) -> None:
    if not force and current not in PARAM_EDIT_STATUSES:
        raise Conflict(
            f"task {task_id} is {current}: its parameters record how it ran and cannot change; "
            f"clone it (Task.clone) and edit the clone, or pass force=True"
        )


def check_unique_params(rows: Sequence[Any]) -> None:
    """Each (section, name) once per write."""
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if (row.section, row.name) in seen:
            raise InvalidArgument(f"parameter {row.section}/{row.name} is given twice in one write; give each once "
                                  f"(a bare name is the same as General/<name>)")
        seen.add((row.section, row.name))


def only_properties(rows: Sequence[Any], stored: Sequence[Any] | None) -> bool:
    """Whether a write changes nothing but user properties (allowed in any status). ``stored``:
    the task's parameters now, given for a write that replaces them all (None otherwise)."""
    if stored is None:
        return all(r.section == PROPERTIES_SECTION for r in rows)
    others = {(r.section, r.name): r for r in rows if r.section != PROPERTIES_SECTION}
    return others == {(r.section, r.name): r for r in stored if r.section != PROPERTIES_SECTION}


def refuse_events(current: str | None) -> str | None:
    """Why events for a task in ``current`` status (None: no such task) are dropped, or None."""
    if current is None:
        return "the task no longer exists"
    if current in status.FINAL:
        return f"the task is {current}; published results are final"
    return None
