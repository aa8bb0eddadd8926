"""Workers (agents): registration, heartbeats that carry the abort signal, and their listing."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import limits, status
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store import workers as worker_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import WorkerRow, WorkerTaskRow

# A worker not heard from for this long is ``lost``: its running task no longer counts as
# supervised (abort stops it at once) …
LOST_AFTER = 60.0
# … and after this long it leaves the listings altogether.
DROPPED_AFTER = 600.0
MAX_WORKER_ID = limits.WORKER_ID
STOPPING = "stopping"


def check_worker_id(worker_id: object) -> str:
    if not isinstance(worker_id, str) or not worker_id.strip():
        raise InvalidArgument("a worker needs a non-empty id, e.g. 'host:gpu0' (<hostname>:<name>)")
    if len(worker_id) > MAX_WORKER_ID or limits.first_control(worker_id) or "/" in worker_id:
        raise InvalidArgument(f"worker id {worker_id[:40]!r} must be at most {MAX_WORKER_ID} characters, "
                              f"without '/' or control characters")
    return worker_id.strip()


def _mapping(value: object, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"{what} must be a JSON object (a dict), got {type(value).__name__}")
    return dict(value)


def register(store: MetaStore, worker_id: str, queues: Sequence[str], info: Mapping[str, Any]) -> WorkerRow:
    """Announce a worker listening to ``queues`` (in priority order); each must exist
    (``default`` is made on first use). Registering again replaces queues and info."""
    from jupyter_ext.core.queues import DEFAULT_QUEUE, check_queue_name, resolve

    worker_id = check_worker_id(worker_id)
    if isinstance(queues, str):
        queues = [queues]
    names = list(dict.fromkeys(check_queue_name(q) for q in queues)) or [DEFAULT_QUEUE]
    details = _mapping(info, "worker info")
    with store.write() as conn:
        for name in names:
            resolve(conn, name)
        worker_rows.upsert(conn, worker_id, names, details, time.time())
        return _describe(conn, [worker_rows.get(conn, worker_id)], time.time())[0]


def heartbeat(store: MetaStore, worker_id: str, task_id: str | None, stats: Mapping[str, Any]) -> dict[str, bool]:
    """Record that the worker is alive (and what it runs). ``abort`` is True when the task it
    runs should stop: aborted (``stopping``), no longer running, gone, or handed to another."""
    worker_id = check_worker_id(worker_id)
    figures = _mapping(stats, "worker stats")
    with store.write() as conn:
        if not worker_rows.touch(conn, worker_id, task_id or None, figures, time.time()):
            raise NotFound(f"no worker {worker_id!r} is registered; register it first (it may have been "
                           f"unregistered while away)")
        if not task_id:
            return {"abort": False}
        row = task_rows.get(conn, task_id)
    abort = (row is None or row.status != status.IN_PROGRESS or row.status_message == STOPPING
             or (row.worker is not None and row.worker != worker_id))
    return {"abort": abort}


def unregister(store: MetaStore, worker_id: str) -> None:
    """Forget a worker (a stopping agent); unknown ids are fine, so shutting down twice is too."""
    worker_id = check_worker_id(worker_id)
    with store.write() as conn:
        worker_rows.remove(conn, worker_id)


def is_running_it(conn: Connection, worker_id: str, task_id: str, now: float) -> bool:
    """Whether a live worker (seen less than :data:`LOST_AFTER` ago) is running this task."""
    found = worker_rows.get(conn, worker_id)
    return found is not None and found.task_id == task_id and now - found.last_seen < LOST_AFTER


def list_all(store: MetaStore) -> list[WorkerRow]:
    """Workers seen in the last :data:`DROPPED_AFTER` seconds, each with its state:
    ``running`` (it has a task), ``idle``, or ``lost`` (not seen for :data:`LOST_AFTER`)."""
    now = time.time()
    with store.read() as conn:
        return _describe(conn, worker_rows.list_seen_since(conn, now - DROPPED_AFTER), now)


def _describe(conn: Connection, rows: Sequence[WorkerRow | None], now: float) -> list[WorkerRow]:
    present = [r for r in rows if r is not None]
    running = {t.id: t for t in task_rows.query(conn, ids=[r.task_id for r in present if r.task_id])}
    out = []
    for r in present:
        task = running.get(r.task_id) if r.task_id else None
        state = "lost" if now - r.last_seen >= LOST_AFTER else "running" if r.task_id else "idle"
        out.append(dataclasses.replace(r, state=state, task=None if r.task_id is None else WorkerTaskRow(
            id=r.task_id, name=task.name if task else None, status=task.status if task else None)))
    return out
