"""What a set of tasks (a project, a filter) holds: its counts by status, and the metrics and
parameters it reports, which are the choices of the task table's column picker."""
from __future__ import annotations

from typing import Any

from jupyter_ext.core import tasks
from jupyter_ext.store import task_overview
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore

# The column picker looks at the tasks updated last: past this many, older tasks' metrics and
# parameters are not offered (a project's recent runs are the ones a user compares).
COLUMN_SAMPLE = 5_000


def _conds(found: dict[str, Any], where: tasks.TaskFilter) -> tuple[list[Any], Any]:
    keys = dict(found)
    name_filter = keys.pop("name_filter", None)
    return task_rows.conditions(**keys, archived_only=where.archived_only), name_filter


def status_counts(store: MetaStore, where: tasks.TaskFilter) -> dict[str, int]:
    """``{status: how many}`` of the tasks matching the filter."""
    with store.read() as conn:
        found = tasks.store_filter(conn, where)
        if found is None:
            return {}
        conds, name_filter = _conds(found, where)
        return task_overview.status_counts(conn, conds, name_filter)


def columns(store: MetaStore, where: tasks.TaskFilter, sample: int = COLUMN_SAMPLE) -> dict[str, Any]:
    """The metric and parameter columns the matching tasks can show: ``{"metrics": [[title,
    series], ...], "params": [[section, name], ...], "tasks_read": n, "sampled": bool}``."""
    with store.read() as conn:
        found = tasks.store_filter(conn, where)
        if found is None:
            return {"metrics": [], "params": [], "tasks_read": 0, "sampled": False}
        conds, name_filter = _conds(found, where)
        ids = task_overview.newest_ids(conn, conds, sample + 1, name_filter)
        sampled = len(ids) > sample
        ids = ids[:sample]
        return {"metrics": [list(k) for k in task_overview.metric_keys(conn, ids)],
                "params": [list(k) for k in task_overview.param_keys(conn, ids)],
                "tasks_read": len(ids), "sampled": sampled}
