"""Rows of the ``queues`` and ``queue_entries`` tables (SQL only; the rules are core/queues.py)."""
from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, func, or_, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from jupyter_ext.store.meta import MetaStore, _file_lock, _sqlite_path
from jupyter_ext.store.rows import QueueEntryRow, QueueRow, dumps, loads
from jupyter_ext.store.schema import projects, queue_entries, queues, tasks


@dataclasses.dataclass(frozen=True)
class EntryRow:
    task_id: str
    queue_id: str
    position: float
    added: float


# Statements of the hot paths (enqueue, pop) built once: building one costs more than running it.
_ORDER = (queue_entries.c.position, queue_entries.c.added, queue_entries.c.task_id)
_BY_NAME = select(queues).where(queues.c.name == bindparam("name"))
_BY_ID = select(queues).where(queues.c.id == bindparam("queue_id"))
_ENTRY_OF = select(queue_entries).where(queue_entries.c.task_id == bindparam("task_id"))
_LAST_POSITION = (select(queue_entries.c.position).where(queue_entries.c.queue_id == bindparam("queue_id"))
                  .order_by(queue_entries.c.position.desc()).limit(1))
_REMOVE = delete(queue_entries).where(queue_entries.c.task_id == bindparam("task_id"))
_ADD = queue_entries.insert()
_HEAD = select(queue_entries).where(queue_entries.c.queue_id == bindparam("queue_id")).order_by(*_ORDER).limit(1)
_HEAD_SKIP_LOCKED = _HEAD.with_for_update(skip_locked=True)
# Status changes of enqueue and pop, each guarded by the status it expects (the loser of a race
# updates no row and is told so).
_MARK_QUEUED = (update(tasks).where(tasks.c.id == bindparam("b_id"), tasks.c.status == bindparam("b_expected"))
                .values(status="queued", status_message="", status_reason="", queue=bindparam("b_queue"),
                        last_update=bindparam("b_now")))
_TAKE = (update(tasks).where(tasks.c.id == bindparam("b_id"), tasks.c.status == "queued")
         .values(status="in_progress", started=bindparam("b_now"), completed=None, worker=bindparam("b_worker"),
                 status_message=bindparam("b_message"), status_reason="", last_update=bindparam("b_now")))


def _row_to_queue(r: Any) -> QueueRow:
    return QueueRow(id=r.id, name=r.name, tags=tuple(loads(r.tags, [])), created=r.created)


def get(conn: Connection, name_or_id: str) -> QueueRow | None:
    """By name first: a name that happens to look like an id still finds its own queue."""
    r = conn.execute(_BY_NAME, {"name": name_or_id}).first()
    if r is None:
        r = conn.execute(_BY_ID, {"queue_id": name_or_id}).first()
    return None if r is None else _row_to_queue(r)


def get_by_name(conn: Connection, name: str) -> QueueRow | None:
    r = conn.execute(_BY_NAME, {"name": name}).first()
    return None if r is None else _row_to_queue(r)


def get_by_id(conn: Connection, queue_id: str) -> QueueRow | None:
    r = conn.execute(_BY_ID, {"queue_id": queue_id}).first()
    return None if r is None else _row_to_queue(r)


def list_all(conn: Connection) -> list[QueueRow]:
    return [_row_to_queue(r) for r in conn.execute(select(queues).order_by(queues.c.created, queues.c.name))]


def insert(conn: Connection, row: QueueRow) -> None:
    conn.execute(queues.insert().values(id=row.id, name=row.name, tags=dumps(list(row.tags)), created=row.created))


def delete_queue(conn: Connection, queue_id: str) -> None:
    conn.execute(delete(queue_entries).where(queue_entries.c.queue_id == queue_id))
    conn.execute(delete(queues).where(queues.c.id == queue_id))


# -- entries ----------------------------------------------------------------------------------------
def _entry(r: Any) -> EntryRow:
    return EntryRow(task_id=r.task_id, queue_id=r.queue_id, position=r.position, added=r.added)


def entry_of(conn: Connection, task_id: str) -> EntryRow | None:
    r = conn.execute(_ENTRY_OF, {"task_id": task_id}).first()
    return None if r is None else _entry(r)


def entries(conn: Connection, queue_id: str) -> list[EntryRow]:
    stmt = (select(queue_entries).where(queue_entries.c.queue_id == queue_id)
            .order_by(queue_entries.c.position, queue_entries.c.added, queue_entries.c.task_id))
    return [_entry(r) for r in conn.execute(stmt)]


def entries_with_tasks(conn: Connection, queue_ids: Sequence[str]) -> dict[str, list[QueueEntryRow]]:
    """Each queue's entries in order, with the task's name, project and status."""
    found: dict[str, list[QueueEntryRow]] = {q: [] for q in queue_ids}
    if not queue_ids:
        return found
    stmt = (select(queue_entries.c.queue_id, queue_entries.c.task_id, queue_entries.c.position,
                   queue_entries.c.added, tasks.c.name, tasks.c.status, projects.c.name.label("project"))
            .join_from(queue_entries, tasks, tasks.c.id == queue_entries.c.task_id)
            .join(projects, projects.c.id == tasks.c.project_id)
            .where(queue_entries.c.queue_id.in_(list(queue_ids)))
            .order_by(queue_entries.c.queue_id, queue_entries.c.position, queue_entries.c.added,
                      queue_entries.c.task_id))
    for r in conn.execute(stmt):
        found[r.queue_id].append(QueueEntryRow(task_id=r.task_id, name=r.name, project=r.project, status=r.status,
                                               added=r.added, position=r.position))
    return found


def last_position(conn: Connection, queue_id: str) -> float | None:
    """The largest position in the queue (None when it is empty), read off the index."""
    value = conn.execute(_LAST_POSITION, {"queue_id": queue_id}).scalar()
    return None if value is None else float(value)


def add_entry(conn: Connection, task_id: str, queue_id: str, position: float, added: float) -> None:
    conn.execute(_ADD, {"task_id": task_id, "queue_id": queue_id, "position": position, "added": added})


def set_entry(conn: Connection, task_id: str, queue_id: str, position: float) -> None:
    conn.execute(update(queue_entries).where(queue_entries.c.task_id == task_id)
                 .values(queue_id=queue_id, position=position))


def set_positions(conn: Connection, positions: Sequence[tuple[str, float]]) -> None:
    for task_id, position in positions:
        conn.execute(update(queue_entries).where(queue_entries.c.task_id == task_id).values(position=position))


def remove_entry(conn: Connection, task_id: str) -> bool:
    return bool(conn.execute(_REMOVE, {"task_id": task_id}).rowcount)


def head_query(*, skip_locked: bool) -> Select[Any]:
    """The head of the queue, locked for the transaction. ``skip_locked``: on PostgreSQL, rows
    another transaction holds are passed over (``FOR UPDATE SKIP LOCKED``), so concurrent poppers
    take different heads instead of queueing on one; SQLite has no row locks (its writers take
    turns under BEGIN IMMEDIATE), so there it is left out."""
    return _HEAD_SKIP_LOCKED if skip_locked else _HEAD


def first_entry(conn: Connection, queue_id: str, *, skip_locked: bool) -> EntryRow | None:
    r = conn.execute(head_query(skip_locked=skip_locked), {"queue_id": queue_id}).first()
    return None if r is None else _entry(r)


def count_by_queue(conn: Connection) -> dict[str, int]:
    stmt = select(queue_entries.c.queue_id, func.count()).group_by(queue_entries.c.queue_id)
    return {qid: int(n) for qid, n in conn.execute(stmt)}


def task_ids_in(conn: Connection, queue_id: str) -> list[str]:
    return [r.task_id for r in conn.execute(select(queue_entries.c.task_id)
                                            .where(queue_entries.c.queue_id == queue_id))]


def ids_by_names(conn: Connection, names: Sequence[str]) -> dict[str, str]:
    if not names:
        return {}
    stmt = select(queues.c.name, queues.c.id).where(or_(queues.c.name.in_(list(names))))
    return {name: qid for name, qid in conn.execute(stmt)}


def mark_queued(conn: Connection, task_id: str, expected: str, queue_name: str, now: float) -> bool:
    done = conn.execute(_MARK_QUEUED, {"b_id": task_id, "b_expected": expected, "b_queue": queue_name, "b_now": now})
    return bool(done.rowcount)


def take(conn: Connection, task_id: str, worker_id: str, message: str, now: float) -> bool:
    """queued -> in_progress on ``worker_id``; False when the task was not queued any more."""
    done = conn.execute(_TAKE, {"b_id": task_id, "b_worker": worker_id, "b_message": message, "b_now": now})
    return bool(done.rowcount)


@contextlib.contextmanager
def poppers_in_line(store: MetaStore) -> Iterator[None]:
    """On a SQLite file, workers about to pop take turns on a file lock first: the kernel hands
    it to the next waiter the moment it is free, where SQLite's busy handler sleeps up to 100 ms
    between tries (which made the slowest contended pops hundreds of ms)."""
    path = _sqlite_path(str(store.engine.url)) if store.dialect == "sqlite" else ""
    if not path:
        yield
        return
    with _file_lock(path + "-pop.lock"):
        yield
