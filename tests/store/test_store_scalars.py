"""Scalar points in column chunks."""
from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import sqlalchemy as sa

from jupyter_ext.store import scalars as scalar_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.schema import scalar_chunks


def _metric(store: MetaStore, make_task: Any) -> int:
    task = make_task()
    with store.write() as conn:
        return scalar_rows.metric_ids(conn, task.id, [("loss", "train")])[("loss", "train")]


def test_metric_ids_are_stable(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    with store.write() as conn:
        first = scalar_rows.metric_ids(conn, task.id, [("a", "x"), ("a", "y"), ("a", "x")])
        again = scalar_rows.metric_ids(conn, task.id, [("a", "y"), ("b", "z")])
    assert len(set(first.values())) == 2
    assert again[("a", "y")] == first[("a", "y")]
    assert again[("b", "z")] not in first.values()


def test_20000_points_in_batches_make_bounded_chunks_and_read_back(store: MetaStore, make_task: Any) -> None:
    metric_id = _metric(store, make_task)
    rng = np.random.default_rng(0)
    n = 20_000
    iters = np.arange(n, dtype="<i8")
    values = rng.normal(size=n)
    values[123] = np.nan
    values[456] = np.inf
    times = 1.7e9 + np.arange(n, dtype="<f8") / 10
    # Uneven batches, so appends both fill the newest chunk and start new ones.
    bounds = [0, 1, 5000, 5001, 13000, 17777, n]
    for lo, hi in itertools.pairwise(bounds):
        with store.write() as conn:
            scalar_rows.append_points(conn, metric_id, iters[lo:hi], values[lo:hi], times[lo:hi])
    with store.read() as conn:
        chunks = conn.execute(
            sa.select(scalar_chunks.c.seq, scalar_chunks.c.n, scalar_chunks.c.iter_min, scalar_chunks.c.iter_max)
            .where(scalar_chunks.c.metric_id == metric_id).order_by(scalar_chunks.c.seq)
        ).all()
        it, va, ti = scalar_rows.read_points(conn, metric_id)
    sizes = [c.n for c in chunks]
    assert all(0 < s <= scalar_rows.CHUNK_POINTS for s in sizes)
    assert sum(sizes) == n
    assert len(chunks) == -(-n // scalar_rows.CHUNK_POINTS)  # chunks are filled before new ones start
    assert [c.seq for c in chunks] == list(range(len(chunks)))
    assert all(c.iter_min <= c.iter_max for c in chunks)
    np.testing.assert_array_equal(it, iters)
    np.testing.assert_array_equal(va, values)  # NaN in the same place, inf kept
    np.testing.assert_array_equal(ti, times)


def test_read_points_by_iteration_range_skips_chunks(store: MetaStore, make_task: Any) -> None:
    metric_id = _metric(store, make_task)
    n = 3 * scalar_rows.CHUNK_POINTS
    with store.write() as conn:
        scalar_rows.append_points(conn, metric_id, np.arange(n), np.zeros(n), np.zeros(n))
    with store.read() as conn:
        it, _, _ = scalar_rows.read_points(conn, metric_id, iter_min=scalar_rows.CHUNK_POINTS + 1,
                                           iter_max=scalar_rows.CHUNK_POINTS + 2)
    assert len(it) == scalar_rows.CHUNK_POINTS  # exactly the one chunk that holds them
    assert it[0] == scalar_rows.CHUNK_POINTS


def test_empty_metric_reads_empty(store: MetaStore, make_task: Any) -> None:
    metric_id = _metric(store, make_task)
    with store.read() as conn:
        it, va, ti = scalar_rows.read_points(conn, metric_id)
    assert len(it) == len(va) == len(ti) == 0


def test_delete_for_task_removes_points(store: MetaStore, make_task: Any) -> None:
    metric_id = _metric(store, make_task)
    with store.write() as conn:
        scalar_rows.append_points(conn, metric_id, np.arange(10), np.ones(10), np.ones(10))
        task_id = conn.execute(sa.text("SELECT task_id FROM metrics WHERE id=:i"), {"i": metric_id}).scalar_one()
        scalar_rows.delete_for_task(conn, task_id)
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(scalar_chunks)).scalar_one() == 0
        assert scalar_rows.summaries(conn, task_id) == []
