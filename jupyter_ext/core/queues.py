"""Execution queues: enqueue, dequeue, abort, move, and the atomic pop a worker makes.

The rule every function keeps: a task has a queue entry exactly while its status is
``queued``. Entries change in the same transaction as the status, here and in
:mod:`jupyter_ext.core.tasks` (which calls :func:`leave` whenever a task stops being queued).
"""
from __future__ import annotations

import dataclasses
import getpass
import time
import uuid
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import limits, names, status
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import queues as queue_rows
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store import workers as worker_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.queues import EntryRow
from jupyter_ext.store.rows import QueueRow, TaskRow

DEFAULT_QUEUE = "default"
MAX_QUEUE_NAME = limits.QUEUE_NAME
RESERVED_NAME = "next"
# Where enqueue may start from, and what to tell the user when it may not.
ENQUEUE_FROM = frozenset({status.CREATED, status.STOPPED, status.FAILED})
_ADVICE = {
    status.COMPLETED: "reset it first (task.reset()) or clone it",
    status.IN_PROGRESS: "abort it first (abort_task, or the Abort button)",
    status.PUBLISHED: "clone it (published results are final)",
    status.PUBLISHING: "clone it",
    status.CLOSED: "clone it or reset it first",
}


def check_queue_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("a queue needs a non-empty name, e.g. 'default' or 'gpu'")
    name = name.strip()
    if len(name) > MAX_QUEUE_NAME:
        raise InvalidArgument(f"queue name is {len(name)} characters long; the limit is {MAX_QUEUE_NAME}")
    if "/" in name or limits.first_control(name):
        raise InvalidArgument(f"queue name {name!r} may not contain '/' or control characters")
    if name == RESERVED_NAME:  # queues/next is where workers take tasks: such a queue's URL would be that
        raise InvalidArgument(f"the queue name {name!r} is reserved (the REST path queues/next); choose another")
    return name


# -- queues -------------------------------------------------------------------------------------------
def resolve(conn: Connection, name_or_id: str | None, *, create: bool = False) -> QueueRow:
    """The queue by name or id; ``default`` (and any name, with ``create``) is made on first use."""
    wanted = DEFAULT_QUEUE if name_or_id is None else name_or_id
    found = queue_rows.get(conn, wanted) if isinstance(wanted, str) else None
    if found is not None:
        return found
    name = check_queue_name(wanted)
    found = queue_rows.get_by_name(conn, name)
    if found is not None:
        return found
    if name == DEFAULT_QUEUE or create:
        return _insert(conn, name, ())
    known = ", ".join(q.name for q in queue_rows.list_all(conn)) or "none yet"
    raise NotFound(f"no queue named {name!r}; create it (`jupyter track queues create {name}`, "
                   f"create_queue=True) or use one of: {known}")


def _insert(conn: Connection, name: str, tags: Sequence[str]) -> QueueRow:
    row = QueueRow(id=uuid.uuid4().hex, name=name, tags=tuple(tags), created=time.time())
    queue_rows.insert(conn, row)
    return row


def create(store: MetaStore, name: str, tags: Sequence[str] = ()) -> QueueRow:
    name = check_queue_name(name)
    checked = names.check_tags(list(tags))
    with store.write() as conn:
        if queue_rows.get_by_name(conn, name) is not None:
            raise AlreadyExists(f"a queue named {name!r} already exists")
        row = _insert(conn, name, checked)
        return _describe(conn, [row])[0]


def get(store: MetaStore, name_or_id: str) -> QueueRow:
    with store.read() as conn:
        found = queue_rows.get(conn, name_or_id)
    if found is None and name_or_id == DEFAULT_QUEUE:
        with store.write() as conn:
            found = resolve(conn, DEFAULT_QUEUE)
    if found is None:
        raise NotFound(f"no queue named (or with id) {name_or_id!r}; list queues with `jupyter track queues`")
    with store.read() as conn:
        return _describe(conn, [found])[0]


def find_with_tasks(store: MetaStore, name_or_id: str) -> tuple[QueueRow | None, list[str]]:
    """The queue (None when there is none: ``default`` is not made by looking) and the ids of
    the tasks waiting in it, read together."""
    with store.read() as conn:
        found = queue_rows.get(conn, name_or_id)
        return found, ([] if found is None else queue_rows.task_ids_in(conn, found.id))


def find_with_entry(store: MetaStore, name_or_id: str, task_id: str) -> tuple[QueueRow | None, EntryRow | None]:
    """The queue (None when there is none) and the task's entry in whichever queue it waits."""
    with store.read() as conn:
        return queue_rows.get(conn, name_or_id), queue_rows.entry_of(conn, task_id)


def waiting_in(store: MetaStore, task_id: str) -> str | None:
    """The queue the task was last put in (the one a dequeue takes it out of); None for none."""
    with store.read() as conn:
        row = task_rows.get(conn, task_id)
    return row.queue if row is not None else None


def list_all(store: MetaStore) -> list[QueueRow]:
    with store.read() as conn:
        return _describe(conn, queue_rows.list_all(conn))


def _describe(conn: Connection, rows: Sequence[QueueRow]) -> list[QueueRow]:
    from jupyter_ext.core.workers import DROPPED_AFTER

    entries = queue_rows.entries_with_tasks(conn, [q.id for q in rows])
    listening = worker_rows.list_seen_since(conn, time.time() - DROPPED_AFTER)
    return [dataclasses.replace(q, entries=tuple(entries[q.id]), num_entries=len(entries[q.id]),
                                workers=tuple(w.id for w in listening if q.name in w.queues))
            for q in rows]


def delete(store: MetaStore, name_or_id: str, *, force: bool = False) -> None:
    """Delete a queue; one with entries only with ``force``, its tasks going back to draft."""
    with store.write() as conn:
        found = queue_rows.get(conn, name_or_id)
        if found is None:
            raise NotFound(f"no queue named (or with id) {name_or_id!r}; list queues with `jupyter track queues`")
        waiting = queue_rows.task_ids_in(conn, found.id)
        if waiting and not force:
            raise Conflict(f"queue {found.name!r} still holds {len(waiting)} task(s); dequeue them first, "
                           f"or pass force=True (`--force`) to send them back to draft")
        now = time.time()
        for task_id in waiting:
            task_rows.compare_and_set_status(conn, task_id, status.QUEUED, status=status.CREATED, started=None,
                                             completed=None, status_message="",
                                             status_reason=f"queue {found.name} deleted", last_update=now)
        queue_rows.delete_queue(conn, found.id)


# -- entries ------------------------------------------------------------------------------------------
def leave(conn: Connection, task_id: str) -> None:
    """The task is no longer queued: its entry goes (called inside the status change's transaction)."""
    queue_rows.remove_entry(conn, task_id)


def join(conn: Connection, task_id: str, queue: QueueRow, now: float) -> None:
    """Append the task at the bottom of ``queue`` (its status is made ``queued`` by the caller)."""
    high = queue_rows.last_position(conn, queue.id)
    queue_rows.remove_entry(conn, task_id)
    queue_rows.add_entry(conn, task_id, queue.id, 0.0 if high is None else high + 1.0, now)


def _task(conn: Connection, task_id: str) -> TaskRow:
    row = task_rows.get(conn, task_id)
    if row is None:
        raise NotFound(f"no task with id {task_id!r}; list tasks with `jupyter track tasks`")
    return row


def enqueue(store: MetaStore, task_id: str, queue: str | None = None, *, force: bool = False,
            create_queue: bool = False) -> TaskRow:
    """Put a draft, stopped or failed task at the bottom of ``queue`` (``default`` when None)."""
    with store.write() as conn:
        row = _task(conn, task_id)
        target = resolve(conn, queue, create=create_queue)
        now = time.time()
        if row.status == status.QUEUED:
            entry = queue_rows.entry_of(conn, task_id)
            if entry is not None and entry.queue_id == target.id:
                return row
            if entry is not None and not force:
                current = queue_rows.get_by_id(conn, entry.queue_id)
                raise Conflict(f"task {task_id} is already queued in {current.name if current else '?'!r}; "
                               f"dequeue it first, or move it to {target.name!r} (move_queue_entry)")
        elif row.status not in ENQUEUE_FROM and not force:
            raise Conflict(f"task {task_id} is {row.status!r} and cannot be enqueued; "
                           f"{_ADVICE.get(row.status, 'reset it first')}, or pass force=True")
        system_tags = [t for t in row.system_tags if t != "development"]
        if list(row.system_tags) != system_tags:
            task_rows.update_fields(conn, task_id, system_tags=system_tags)
        if not queue_rows.mark_queued(conn, task_id, row.status, target.name, now):
            raise Conflict(f"task {task_id} changed status while it was being enqueued; reload it and retry")
        join(conn, task_id, target, now)
        return _task(conn, task_id)


def dequeue(store: MetaStore, task_id: str) -> TaskRow:
    """Take a queued task out of its queue, back to draft."""
    with store.write() as conn:
        row = _task(conn, task_id)
        if row.status != status.QUEUED:
            raise Conflict(f"task {task_id} is {row.status!r}, not queued; only a queued task can be dequeued")
        if not task_rows.compare_and_set_status(conn, task_id, status.QUEUED, status=status.CREATED, started=None,
                                                completed=None, status_message="", status_reason="dequeued",
                                                last_update=time.time()):
            raise Conflict(f"task {task_id} left the queue while it was being dequeued (a worker took it?)")
        leave(conn, task_id)
        return _task(conn, task_id)


def abort(store: MetaStore, task_id: str, *, user: str | None = None) -> TaskRow:
    """Stop a queued or running task. A task a live worker runs is marked ``stopping``: the worker
    sees it on its next heartbeat, kills the run and reports ``stopped`` itself."""
    from jupyter_ext.core.workers import is_running_it

    who = user if user is not None else _local_user()
    with store.write() as conn:
        row = _task(conn, task_id)
        now = time.time()
        if row.status == status.QUEUED:
            reason = "aborted while queued"
        elif row.status == status.IN_PROGRESS:
            if row.worker and is_running_it(conn, row.worker, task_id, now):
                task_rows.update_fields(conn, task_id, status_message="stopping",
                                        status_reason=f"aborted by {who}", last_update=now)
                return _task(conn, task_id)
            reason = f"aborted by {who}"
        else:
            raise Conflict(f"task {task_id} is {row.status!r}; only a queued or running task can be aborted")
        if not task_rows.compare_and_set_status(conn, task_id, row.status, status=status.STOPPED, completed=now,
                                                status_message="", status_reason=reason, last_update=now):
            raise Conflict(f"task {task_id} changed status while it was being aborted; reload it and retry")
        leave(conn, task_id)
        return _task(conn, task_id)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (ImportError, KeyError, OSError):  # no user name in this environment (some containers)
        return "user"


def move_entry(store: MetaStore, task_id: str, *, queue: str | None = None,
               position: str | int = "bottom") -> QueueRow:
    """Move a queued task within its queue or to another one. ``position``: ``"top"``,
    ``"bottom"``, an index (0 is the top; negative counts from the bottom, as list.insert),
    or ``"before:<task id>"`` / ``"after:<task id>"``. Returns the queue it ends in."""
    with store.write() as conn:
        entry = queue_rows.entry_of(conn, task_id)
        if entry is None:
            row = _task(conn, task_id)
            raise Conflict(f"task {task_id} is {row.status!r}, not queued; enqueue it first")
        target = resolve(conn, queue) if queue is not None else queue_rows.get_by_id(conn, entry.queue_id)
        assert target is not None  # an entry's queue exists (foreign key)
        order = [e.task_id for e in queue_rows.entries(conn, target.id) if e.task_id != task_id]
        order.insert(_index(order, position), task_id)
        # Renumbering the whole queue keeps positions exact: moves are rare, queues short.
        queue_rows.set_entry(conn, task_id, target.id, 0.0)
        queue_rows.set_positions(conn, [(tid, float(i)) for i, tid in enumerate(order)])
        now = time.time()
        if target.id != entry.queue_id:
            task_rows.update_fields(conn, task_id, queue=target.name, last_update=now)
        else:
            task_rows.update_fields(conn, task_id, last_update=now)
        return _describe(conn, [target])[0]


def _index(order: list[str], position: str | int) -> int:
    if isinstance(position, bool):
        raise InvalidArgument(f"position must be 'top', 'bottom', an index or 'before:<task id>', got {position!r}")
    if isinstance(position, int):
        return position if position >= 0 else max(0, len(order) + 1 + position)
    if position == "top":
        return 0
    if position == "bottom":
        return len(order)
    if isinstance(position, str) and position.lstrip("-").isdigit():
        return _index(order, int(position))
    if isinstance(position, str) and position.startswith(("before:", "after:")):
        where, other = position.split(":", 1)
        if other not in order:
            raise InvalidArgument(f"task {other!r} is not in that queue, so nothing can go {where} it")
        return order.index(other) + (where == "after")
    raise InvalidArgument(f"position must be 'top', 'bottom', an index or 'before:<task id>', got {position!r}")


# -- workers take tasks -------------------------------------------------------------------------------
def pop_next(store: MetaStore, worker_id: str, queue_names: Sequence[str]) -> TaskRow | None:
    """Atomically hand the first task of the first non-empty queue to ``worker_id``: it becomes
    ``in_progress`` and leaves its queue in one transaction, so no two workers get one task.
    Queues that do not exist are empty (``default`` is made on first use)."""
    from jupyter_ext.core.workers import check_worker_id

    worker_id = check_worker_id(worker_id)
    if isinstance(queue_names, str):
        queue_names = [queue_names]
    wanted = [check_queue_name(n) for n in queue_names] or [DEFAULT_QUEUE]
    with queue_rows.poppers_in_line(store), store.write() as conn:
        skip_locked = store.dialect == "postgresql"
        for name in wanted:
            found = queue_rows.get_by_name(conn, name)
            if found is None:
                if name != DEFAULT_QUEUE:
                    continue
                found = resolve(conn, name)
            while (entry := queue_rows.first_entry(conn, found.id, skip_locked=skip_locked)) is not None:
                now = time.time()
                taken = queue_rows.take(conn, entry.task_id, worker_id, f"started by {worker_id}", now)
                queue_rows.remove_entry(conn, entry.task_id)
                if taken:
                    worker_rows.set_task(conn, worker_id, entry.task_id, now)
                    return _task(conn, entry.task_id)
                # an entry whose task is not queued any more is stale: dropped, and the next one tried
    return None
