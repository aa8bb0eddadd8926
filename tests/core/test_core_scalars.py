"""Scalar series through core: overwrite, NaN/inf, summaries, downsampling, x axes."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core import reporting, scalars
from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store.meta import MetaStore


def put(store: MetaStore, task_id: str, iters: Any, values: Any, times: Any = None,
        title: str = "loss", series: str = "train") -> None:
    iters = np.asarray(iters)
    times = np.full(len(iters), 1_700_000_000.0) if times is None else np.asarray(times)
    result = reporting.apply(store, EventBatch(scalars=[(task_id, title, series, iters, np.asarray(values, "f8"),
                                                         times)]))
    assert result.dropped == {}


def series(store: MetaStore, task_id: str, max_samples: int | None = None, x_axis: str = "iter",
           title: str = "loss", name: str = "train") -> dict[str, list[Any]]:
    with store.read() as conn:
        return scalars.read_series(conn, task_id, max_samples=max_samples, x_axis=x_axis)[title][name]


def last(store: MetaStore, task_id: str) -> dict[str, Any]:
    with store.read() as conn:
        return scalars.last_metrics(conn, task_id)["loss"]["train"]


def test_points_come_back_sorted_by_iteration(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1, 2], [1.0, 2.0, 3.0])
    put(store, task.id, [5, 3, 4], [6.0, 4.0, 5.0])
    got = series(store, task.id)
    assert got == {"x": [0, 1, 2, 3, 4, 5], "y": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]}


def test_duplicate_iteration_last_report_wins(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1, 2], [10.0, 11.0, 12.0])
    put(store, task.id, [1, 1], [21.0, 22.0])  # twice in one batch, too
    put(store, task.id, [2], [32.0])
    assert series(store, task.id) == {"x": [0, 1, 2], "y": [10.0, 22.0, 32.0]}
    summary = last(store, task.id)
    assert summary["last"] == 32.0 and summary["last_iteration"] == 2


def test_nan_and_inf_are_stored_and_returned(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1, 2, 3, 4], [1.0, math.nan, math.inf, -math.inf, 0.5])
    y = series(store, task.id)["y"]
    assert y[0] == 1.0 and math.isnan(y[1]) and y[2] == math.inf and y[3] == -math.inf and y[4] == 0.5


def test_min_max_ignore_nan(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1, 2], [math.nan, 3.0, -1.0])
    put(store, task.id, [3], [math.nan])
    s = last(store, task.id)
    assert (s["min"], s["min_iteration"]) == (-1.0, 2)
    assert (s["max"], s["max_iteration"]) == (3.0, 1)
    assert math.isnan(s["last"]) and math.isnan(s["first"])
    assert s["count"] == 4


def test_all_nan_series_has_no_min_max(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1], [math.nan, math.nan])
    s = last(store, task.id)
    assert s["min"] is None and s["max"] is None and math.isnan(s["last"])


def test_summary_across_batches(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0, 1], [5.0, 4.0])
    put(store, task.id, [2, 3], [9.0, 7.0])
    s = last(store, task.id)
    assert s == {"last": 7.0, "min": 4.0, "max": 9.0, "first": 5.0, "count": 4.0, "last_iteration": 3.0,
                 "min_iteration": 1.0, "max_iteration": 2.0}


def test_downsample_keeps_global_spikes(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    n = 100_000
    rng = np.random.default_rng(1)
    values = rng.normal(0.0, 1.0, n)
    values[31_337] = 1_000.0   # one diverging step
    values[77_777] = -1_000.0
    values[50] = math.nan
    put(store, task.id, np.arange(n), values)
    for max_samples in (2, 3, 100, 2001, 5000):
        got = series(store, task.id, max_samples=max_samples)
        assert 2 <= len(got["x"]) <= max_samples
        assert got["x"] == sorted(got["x"])
        assert 1_000.0 in got["y"] and -1_000.0 in got["y"]
        assert got["x"][got["y"].index(1_000.0)] == 31_337
        assert got["x"][got["y"].index(-1_000.0)] == 77_777
        # every point returned is a real point
        assert all(values[x] == y for x, y in zip(got["x"], got["y"], strict=True) if not math.isnan(y))


def test_no_downsample_below_the_limit(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, np.arange(10), np.arange(10.0))
    assert series(store, task.id, max_samples=10)["x"] == list(range(10))
    with pytest.raises(InvalidArgument):
        series(store, task.id, max_samples=1)


def test_x_axis_timestamp_and_iso_time(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    times = [1_700_000_000.0, 1_700_000_001.25]
    put(store, task.id, [0, 1], [1.0, 2.0], times=times)
    assert series(store, task.id, x_axis="timestamp")["x"] == [1_700_000_000_000, 1_700_000_001_250]
    iso = series(store, task.id, x_axis="iso_time")["x"]
    assert [dt.datetime.fromisoformat(x).timestamp() for x in iso] == times
    assert all(dt.datetime.fromisoformat(x).tzinfo is not None for x in iso)
    with pytest.raises(InvalidArgument, match="x_axis"):
        series(store, task.id, x_axis="wall")


def test_many_series_and_titles(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    put(store, task.id, [0], [1.0], title="a", series="x")
    put(store, task.id, [0], [2.0], title="a", series="y")
    put(store, task.id, [0], [3.0], title="b", series="x")
    with store.read() as conn:
        got = scalars.read_series(conn, task.id, max_samples=None)
        only_b = scalars.read_series(conn, task.id, max_samples=None, titles=["b"])
    assert got == {"a": {"x": {"x": [0], "y": [1.0]}, "y": {"x": [0], "y": [2.0]}},
                   "b": {"x": {"x": [0], "y": [3.0]}}}
    assert list(only_b) == ["b"]


def test_minmax_indices_directly() -> None:
    y = np.array([0.0, 5.0, 1.0, -3.0, 2.0, 2.0, 9.0, 0.0, 1.0])
    idx = scalars.minmax_indices(y, 4)
    assert len(idx) <= 4
    assert 6 in idx and 3 in idx  # global max and min
    assert list(idx) == sorted(idx)
