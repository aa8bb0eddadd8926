"""The task status machine: which status may follow which, and why a change is refused."""
from __future__ import annotations

from jupyter_ext.errors import Conflict, InvalidArgument

CREATED = "created"
QUEUED = "queued"
IN_PROGRESS = "in_progress"
STOPPED = "stopped"
COMPLETED = "completed"
FAILED = "failed"
PUBLISHING = "publishing"
PUBLISHED = "published"
CLOSED = "closed"

STATUSES = (CREATED, QUEUED, IN_PROGRESS, STOPPED, COMPLETED, FAILED, PUBLISHING, PUBLISHED, CLOSED)

# What the user sees in tables: the words ClearML's UI uses.
LABELS = {
    CREATED: "Draft",
    QUEUED: "Pending",
    IN_PROGRESS: "Running",
    STOPPED: "Aborted",
    COMPLETED: "Completed",
    FAILED: "Failed",
    PUBLISHING: "Publishing",
    PUBLISHED: "Published",
    CLOSED: "Closed",
}

TRANSITIONS: dict[str, frozenset[str]] = {
    CREATED: frozenset({QUEUED, IN_PROGRESS}),
    QUEUED: frozenset({CREATED, IN_PROGRESS, STOPPED}),
    IN_PROGRESS: frozenset({STOPPED, FAILED, CREATED, COMPLETED}),
    STOPPED: frozenset({CLOSED, CREATED, FAILED, QUEUED, IN_PROGRESS, PUBLISHED, PUBLISHING, COMPLETED}),
    CLOSED: frozenset({CREATED, FAILED, PUBLISHED, PUBLISHING, STOPPED}),
    FAILED: frozenset({CREATED, STOPPED, PUBLISHED, QUEUED}),
    PUBLISHING: frozenset({PUBLISHED}),
    PUBLISHED: frozenset(),
    COMPLETED: frozenset({PUBLISHED, IN_PROGRESS, CREATED}),
}

# Statuses whose outputs must not change any more.
FINAL = frozenset({PUBLISHED})


def check_status(status: str) -> str:
    if status not in TRANSITIONS:
        raise InvalidArgument(f"unknown task status {status!r}; use one of: {', '.join(STATUSES)}")
    return status


def check_transition(task_id: str, current: str, target: str, *, force: bool = False) -> None:
    """Raise :class:`Conflict` unless ``current -> target`` is allowed (or ``force``)."""
    check_status(target)
    if force or current == target or target in TRANSITIONS.get(current, frozenset()):
        return
    allowed = sorted(TRANSITIONS.get(current, frozenset()))
    hint = (
        f"from {current!r} it may only go to: {', '.join(allowed)}"
        if allowed
        else f"{current!r} is final"
    )
    advice = "reset the task first (task.reset()) or clone it" if current != PUBLISHED else "clone it"
    raise Conflict(
        f"task {task_id} cannot change status from {current!r} to {target!r}: {hint}; "
        f"to run it again, {advice}, or pass force=True if you are sure"
    )
