"""Applying reported batches: one transaction, dropped events explained."""
from __future__ import annotations

import json
from typing import Any

import numpy as np

from jupyter_ext.core import reporting, scalars, tasks
from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.store import events as event_rows
from jupyter_ext.store.meta import MetaStore


def batch_for(task_id: str) -> EventBatch:
    return EventBatch(
        scalars=[(task_id, "loss", "train", np.array([0, 7]), np.array([1.0, 0.5]), np.array([1.0, 2.0]))],
        single_values=[(task_id, "best", 0.5, 1.0)],
        plots=[{"task_id": task_id, "title": "p", "series": "s", "iteration": 9,
                "figure": json.dumps({"data": []}), "time": 1.0}],
        debug_samples=[{"task_id": task_id, "title": "i", "series": "s", "iteration": 0, "kind": "image",
                        "blob_sha256": None, "url": "https://x/y.png", "file_name": "y.png",
                        "content_type": "image/png", "time": 1.0}],
        console=[(task_id, 20, "line\n", 1.0)],
    )


def stored(store: MetaStore, task_id: str) -> int:
    with store.read() as conn:
        return (len(scalars.last_metrics(conn, task_id)) + len(event_rows.get_single_values(conn, task_id))
                + len(event_rows.get_plots(conn, task_id)) + len(event_rows.get_debug_samples(conn, task_id))
                + len(event_rows.get_console(conn, task_id)))


def test_a_batch_is_written_and_counted(store: MetaStore, make_task: Any) -> None:
    task = make_task(status="in_progress")
    batch = batch_for(task.id)
    result = reporting.apply(store, batch)
    assert result.dropped == {}
    assert result.written == len(batch) == 6
    assert stored(store, task.id) == 5  # one metric, one value, one plot, one sample, one console row
    assert tasks.get(store, task.id).last_iteration == 9  # the plot's iteration is the highest


def test_events_for_a_deleted_task_are_dropped_with_a_reason(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    tasks.delete(store, task.id)
    result = reporting.apply(store, batch_for(task.id))
    assert result.dropped == {task.id: "the task no longer exists"}
    assert result.written == 0
    assert stored(store, task.id) == 0


def test_events_for_a_published_task_are_dropped_with_a_reason(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    tasks.set_status(store, task.id, "published", force=True)
    result = reporting.apply(store, batch_for(task.id))
    assert "published" in result.dropped[task.id]
    assert result.written == 0
    assert stored(store, task.id) == 0


def test_one_bad_task_does_not_drop_the_others(store: MetaStore, make_task: Any) -> None:
    good = make_task()
    gone = make_task()
    tasks.delete(store, gone.id)
    a, b = batch_for(good.id), batch_for(gone.id)
    merged = EventBatch(scalars=a.scalars + b.scalars, single_values=a.single_values + b.single_values,
                        plots=a.plots + b.plots, debug_samples=a.debug_samples + b.debug_samples,
                        console=a.console + b.console)
    result = reporting.apply(store, merged)
    assert set(result.dropped) == {gone.id}
    assert result.written == len(a)
    assert stored(store, good.id) == 5


def test_single_values_upsert(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    reporting.apply(store, EventBatch(single_values=[(task.id, "best", 1.0, 1.0), (task.id, "best", 2.0, 2.0)]))
    reporting.apply(store, EventBatch(single_values=[(task.id, "other", 3.0, 3.0)]))
    with store.read() as conn:
        assert event_rows.get_single_values(conn, task.id) == {"best": 2.0, "other": 3.0}


def test_debug_sample_history_is_trimmed(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    for i in range(5):
        sample = dict(batch_for(task.id).debug_samples[0], iteration=i, max_history=3)
        reporting.apply(store, EventBatch(debug_samples=[sample]))
    with store.read() as conn:
        rows = event_rows.get_debug_samples(conn, task.id)
    assert [r["iteration"] for r in rows] == [2, 3, 4]


def test_empty_batch_is_a_no_op(store: MetaStore) -> None:
    result = reporting.apply(store, EventBatch())
    assert result.written == 0 and result.dropped == {}
