"""Every operation of the route table by name (``Route.name``), gathered from its module.

Routes served by a handler of their own (blob transfer, the change feed) have no entry here.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jupyter_ext.server import (
    ops_datasets,
    ops_models,
    ops_notebooks,
    ops_pipelines,
    ops_queues,
    ops_results,
    ops_sync,
    ops_tasks,
    ops_teams,
)

OPERATIONS: dict[str, Callable[..., Any]] = {**ops_tasks.OPERATIONS, **ops_results.OPERATIONS,
                                             **ops_models.OPERATIONS, **ops_datasets.OPERATIONS, **ops_sync.OPERATIONS,
                                             **ops_pipelines.OPERATIONS, **ops_queues.OPERATIONS,
                                             **ops_teams.OPERATIONS, **ops_notebooks.OPERATIONS}
OWN_HANDLERS = frozenset({"has_blob", "get_blob", "put_blob", "changes"})
