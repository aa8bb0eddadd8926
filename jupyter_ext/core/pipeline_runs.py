"""Reading pipeline runs from the store: the list of runs and one run's DAG with live statuses."""
from __future__ import annotations

import time
from typing import Any

from jupyter_ext.core import params, tasks
from jupyter_ext.core.rules import pipelines
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import PipelineRunRow, TaskRow


def _document(store: MetaStore, run: TaskRow) -> dict[str, Any]:
    if pipelines.RUN_TAG not in run.system_tags:
        raise InvalidArgument(f"task {run.id} ({run.name!r}) is not a pipeline run (no system tag "
                              f"{pipelines.RUN_TAG!r}); list runs with list_pipelines()")
    for cfg in params.get_configurations(store, run.id):
        if cfg.name == pipelines.DAG_CONFIG:
            return pipelines.parse_document(cfg.text)
    return {"nodes": []}  # the run row is written before its DAG


def _steps(store: MetaStore, doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    ids = [str(n["task_id"]) for n in doc.get("nodes") or () if n.get("task_id")]
    if not ids:
        return {}
    return {r.id: r.to_dict() for r in tasks.query(store, task_ids=ids)}


def get(store: MetaStore, task_id: str) -> dict[str, Any]:
    run = tasks.get(store, task_id)
    doc = _document(store, run)
    return pipelines.view(run.to_dict(), doc, _steps(store, doc), time.time())


def list_runs(store: MetaStore, *, project: str | None = None, status: str | None = None,
              limit: int | None = None, offset: int = 0) -> list[PipelineRunRow]:
    """Runs newest first: the run task's fields, ``steps`` (how many) and ``step_status``
    (how many steps show each status)."""
    if offset < 0 or (limit is not None and limit < 0):
        raise InvalidArgument(f"limit and offset cannot be negative (got limit={limit}, offset={offset})")
    rows = tasks.query(store, project_name=project, statuses=[status] if status else None, types=["controller"])
    runs = [r for r in rows if pipelines.RUN_TAG in r.system_tags]
    page = runs[offset:] if limit is None else runs[offset:offset + limit]
    out = []
    for run in page:
        doc = _document(store, run)
        nodes = pipelines.view(run.to_dict(), doc, _steps(store, doc), time.time())["nodes"]
        out.append(PipelineRunRow(task=run, version=doc.get("pipeline_version") or "", steps=len(nodes),
                                  step_status=pipelines.status_counts(nodes)))
    return out
