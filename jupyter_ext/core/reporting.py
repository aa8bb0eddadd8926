"""Applying one batch of reported events (scalars, single values, plots, samples, console).

A batch is written in one transaction: after a crash either all of it is there or none.
Events for a task that is gone or published are dropped and counted, never half-written.
"""
from __future__ import annotations

import time
from typing import Any

from jupyter_ext.core import scalars
from jupyter_ext.core.event_batch import BatchResult, EventBatch
from jupyter_ext.core.rules import task_changes
from jupyter_ext.store import blob_refs
from jupyter_ext.store import events as event_rows
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore

DEFAULT_SAMPLE_HISTORY = 100


def apply(store: MetaStore, batch: EventBatch) -> BatchResult:
    result = BatchResult()
    if not len(batch):
        return result
    with store.write() as conn:
        accepted: set[str] = set()
        for task_id in batch.task_ids():
            row = task_rows.get(conn, task_id)
            why = task_changes.refuse_events(None if row is None else row.status)
            if why is not None:
                result.dropped[task_id] = why
            else:
                accepted.add(task_id)
        top: dict[str, int] = {}
        by_task: dict[str, list[tuple[str, str, Any, Any, Any]]] = {}
        for task_id, title, series, iters, values, times in batch.scalars:
            if task_id in accepted:
                by_task.setdefault(task_id, []).append((title, series, iters, values, times))
                result.written += len(iters)
        for task_id, series_list in by_task.items():
            top[task_id] = scalars.append(conn, task_id, series_list)
        singles: dict[str, dict[str, tuple[float, float]]] = {}
        for task_id, name, value, t in batch.single_values:
            if task_id in accepted:
                singles.setdefault(task_id, {})[name] = (value, t)
        for task_id, named in singles.items():
            event_rows.upsert_single_values(conn, task_id, named)
            result.written += len(named)
        plots = [p for p in batch.plots if p["task_id"] in accepted]
        event_rows.insert_plots(conn, plots)
        for p in plots:
            top[p["task_id"]] = max(top.get(p["task_id"], -(2**63)), int(p["iteration"]))
        samples = [d for d in batch.debug_samples if d["task_id"] in accepted]
        _write_samples(conn, samples)
        console = [{"task_id": c[0], "level": c[1], "text": c[2], "time": c[3]} for c in batch.console
                   if c[0] in accepted]
        event_rows.insert_console(conn, console)
        result.written += len(plots) + len(samples) + len(console)
        now = time.time()
        for task_id in accepted:
            fields: dict[str, Any] = {"last_update": now}
            row = task_rows.get(conn, task_id)
            if row is not None and task_id in top and top[task_id] > row.last_iteration:
                fields["last_iteration"] = top[task_id]
            task_rows.update_fields(conn, task_id, **fields)
    return result


def _write_samples(conn: Any, samples: list[dict[str, Any]]) -> None:
    if not samples:
        return
    rows = []
    for d in samples:
        if d.get("blob_sha256"):
            blob_refs.record(conn, d["blob_sha256"], int(d.get("size") or 0))
        rows.append({k: d.get(k) for k in ("task_id", "title", "series", "iteration", "kind", "blob_sha256", "url",
                                           "file_name", "content_type", "time")})
    event_rows.insert_debug_samples(conn, rows)
    for key in {(d["task_id"], d["title"], d["series"], int(d.get("max_history") or DEFAULT_SAMPLE_HISTORY))
                for d in samples}:
        event_rows.trim_debug_samples(conn, *key)
