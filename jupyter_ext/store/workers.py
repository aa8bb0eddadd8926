"""Rows of the ``workers`` table (SQL only; the rules are core/workers.py)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import WorkerRow, dumps, loads
from jupyter_ext.store.schema import workers

# Heartbeats and pops run these often: built once.
_TOUCH = (update(workers).where(workers.c.id == bindparam("b_id"))
          .values(task_id=bindparam("b_task"), stats=bindparam("b_stats"), last_seen=bindparam("b_now")))
_SET_TASK = (update(workers).where(workers.c.id == bindparam("b_id"))
             .values(task_id=bindparam("b_task"), last_seen=bindparam("b_now")))


def _row_to_worker(r: Any) -> WorkerRow:
    return WorkerRow(id=r.id, queues=tuple(loads(r.queues, [])), task_id=r.task_id, info=loads(r.info, {}),
                     stats=loads(r.stats, {}), registered=r.registered, last_seen=r.last_seen)


def get(conn: Connection, worker_id: str) -> WorkerRow | None:
    r = conn.execute(select(workers).where(workers.c.id == worker_id)).first()
    return None if r is None else _row_to_worker(r)


def list_seen_since(conn: Connection, since: float) -> list[WorkerRow]:
    stmt = select(workers).where(workers.c.last_seen >= since).order_by(workers.c.id)
    return [_row_to_worker(r) for r in conn.execute(stmt)]


def upsert(conn: Connection, worker_id: str, queues: Sequence[str], info: Mapping[str, Any], now: float) -> None:
    """Register (again): a restarted agent keeps its id and starts with no task."""
    values = {"queues": dumps(list(queues)), "info": dumps(dict(info)), "task_id": None, "last_seen": now}
    done = conn.execute(update(workers).where(workers.c.id == worker_id).values(**values)).rowcount
    if not done:
        conn.execute(workers.insert().values(id=worker_id, stats="{}", registered=now, **values))


def touch(conn: Connection, worker_id: str, task_id: str | None, stats: Mapping[str, Any], now: float) -> bool:
    result = conn.execute(_TOUCH, {"b_id": worker_id, "b_task": task_id, "b_stats": dumps(dict(stats)), "b_now": now})
    return bool(result.rowcount)


def set_task(conn: Connection, worker_id: str, task_id: str | None, now: float) -> None:
    conn.execute(_SET_TASK, {"b_id": worker_id, "b_task": task_id, "b_now": now})


def remove(conn: Connection, worker_id: str) -> bool:
    return bool(conn.execute(delete(workers).where(workers.c.id == worker_id)).rowcount)
