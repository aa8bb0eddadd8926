"""Runs whose process is gone end as ``stopped`` in a store (the rule: core/rules/orphans.py)."""
from __future__ import annotations

from collections.abc import Callable, Collection

from jupyter_ext.core import tasks
from jupyter_ext.core.rules import status
from jupyter_ext.core.rules.orphans import DEFAULT_TASK_TIMEOUT, ORPHAN_REASON, pid_alive, stop_all
from jupyter_ext.store.meta import MetaStore


def stop_orphans(store: MetaStore, *, task_timeout: float = DEFAULT_TASK_TIMEOUT, host: str | None = None,
                 now: float | None = None, alive: Callable[[int], bool] = pid_alive,
                 exclude: Collection[str] = ()) -> list[str]:
    """Mark every orphaned ``in_progress`` task ``stopped`` (but those in ``exclude``: the caller's
    own runs); the ids of those stopped."""
    def stop(task_id: str, message: str) -> None:
        tasks.set_status(store, task_id, status.STOPPED, message=message, reason=ORPHAN_REASON,
                         expected=status.IN_PROGRESS)

    return stop_all(tasks.query(store, statuses=[status.IN_PROGRESS]), stop, task_timeout=task_timeout, host=host,
                    now=now, alive=alive, exclude=exclude)
