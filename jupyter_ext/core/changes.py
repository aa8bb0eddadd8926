"""What changed in the store: the rows stamped since a moment (the server's change feed), and
whether anything at all was committed since a cache was filled (``store/change_marker.py``).

Kernels and scripts write the store directly, so the server learns of their writes only by
asking; this is the one place that knows which stamps say "changed".
"""
from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store.change_marker import ChangeMarker, change_marker
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ChangeRow
from jupyter_ext.store.schema import models, queues, tasks, workers

Changed = tuple[str, str, float, dict[str, Any]]
"""(kind, id, stamp, fields the message carries): kind is task, model, queue or worker."""


def marker(store: MetaStore) -> ChangeMarker | None:
    """This process's change marker of ``store``; None for stores without one (PostgreSQL)."""
    return change_marker(store)


def changed_since(store: MetaStore, since: float) -> list[Changed]:
    """Every task, model, queue and worker stamped after ``since``."""
    with store.read() as conn:
        changed = conn.execute(select(tasks.c.id, tasks.c.last_update, tasks.c.status, tasks.c.last_iteration,
                                      tasks.c.queue).where(tasks.c.last_update > since)).all()
        rows: list[Changed] = [("task", r.id, r.last_update, {"status": r.status, "last_iteration": r.last_iteration})
                               for r in changed]
        rows += [("model", r.id, r.last_update, {}) for r in conn.execute(
            select(models.c.id, models.c.last_update).where(models.c.last_update > since))]
        # A queue changes when one of its tasks does (enqueued, taken, dequeued, moved): the
        # task's newest stamp stands for the queue's.
        touched: dict[str, float] = {}
        for r in changed:
            if r.queue:
                touched[r.queue] = max(touched.get(r.queue, 0.0), r.last_update)
        for q in conn.execute(select(queues.c.name, queues.c.created).where(queues.c.created > since)):
            touched[q.name] = max(touched.get(q.name, 0.0), q.created)
        rows += [("queue", name, stamp, {"name": name}) for name, stamp in touched.items()]
        rows += [("worker", r.id, r.last_seen, {"task": r.task_id}) for r in conn.execute(
            select(workers.c.id, workers.c.last_seen, workers.c.task_id).where(workers.c.last_seen > since))]
    return rows


KINDS = frozenset({"task", "model", "queue", "worker"})


def rows_since(store: MetaStore, since: float, kinds: frozenset[str] | None = None) -> list[ChangeRow]:
    """The change feed as rows, oldest first: what changed after ``since`` (of ``kinds`` only)."""
    if not isinstance(since, (int, float)) or not math.isfinite(since):
        raise InvalidArgument(f"since must be a finite number (seconds since the epoch), got {since!r}")
    unknown = sorted(set(kinds or ()) - KINDS)
    if unknown:
        raise InvalidArgument(f"unknown change kind {', '.join(unknown)}; use task, model, queue or worker")
    found = [ChangeRow(kind, ident, float(stamp)) for kind, ident, stamp, _ in changed_since(store, since)
             if kinds is None or kind in kinds]
    return sorted(found, key=lambda r: r.stamp)
