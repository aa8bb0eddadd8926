"""Charts of long series are downsampled from per-chunk block summaries: the same min/max points
a full read would pick for whole-block buckets, and a full read whenever the summaries cannot be
trusted (iterations out of order or repeated, chunks written before the summaries existed)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from jupyter_ext.core import scalars, tasks
from jupyter_ext.store import scalars as scalar_rows

N = 600_000
MAX = 2000


def _series(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    va = np.cumsum(rng.normal(0, 1, N))
    va[rng.integers(0, N, 300)] = np.nan
    va[123_456] = 1e6  # one spike, one dip: a chart must never lose them
    va[400_001] = -1e6
    va[64 * 50:64 * 51] = np.nan  # a block of nothing but NaN
    return np.arange(N, dtype="<i8") * 3 + 7, va


def _write(store: Any, task_id: str, it: np.ndarray, va: np.ndarray,
           sizes: tuple[int, ...] = (1, 5000, 77_777)) -> None:
    pos, k = 0, 0
    while pos < len(it):  # uneven batches: chunks filled up across appends
        step = sizes[k % len(sizes)]
        with store.write() as conn:
            scalars.append(conn, task_id, [("loss", "train", it[pos:pos + step], va[pos:pos + step],
                                            np.full(len(it[pos:pos + step]), 1.7e9))])
        pos, k = pos + step, k + 1


def _read(store: Any, task_id: str, max_samples: int = MAX) -> tuple[np.ndarray, np.ndarray]:
    with store.read() as conn:
        got = scalars.read_series(conn, task_id, max_samples=max_samples, as_numpy=True)["loss"]["train"]
    return np.asarray(got["x"]), np.asarray(got["y"])


def test_a_long_series_is_downsampled_from_block_summaries(store: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    task = tasks.create(store, {"project": "Blocks", "name": "long"})
    it, va = _series()
    _write(store, task.id, it, va)

    def no_points(*_a: Any, **_k: Any) -> None:
        raise AssertionError("the points were read whole")

    monkeypatch.setattr(scalar_rows, "read_points", no_points)
    x, y = _read(store, task.id)
    assert 2 <= len(x) <= MAX and bool(np.all(x[1:] > x[:-1]))
    index = (x - 7) // 3
    assert np.array_equal(it[index], x)
    assert np.array_equal(va[index], y, equal_nan=True)  # every point shown is a real point
    assert 1e6 in y and -1e6 in y

    # exactly the min and max of each bucket of whole blocks, as a full read would find them
    blocks = -(-N // scalar_rows.BLOCK)
    per = -(-blocks // (MAX // 2)) * scalar_rows.BLOCK
    expected = set()
    for start in range(0, N, per):
        part = va[start:start + per]
        if np.all(np.isnan(part)):
            continue
        expected.add(start + int(np.nanargmin(part)))
        expected.add(start + int(np.nanargmax(part)))
    assert set(index.tolist()) == expected


def test_summaries_are_not_trusted_when_iterations_repeat_or_go_back(store: Any) -> None:
    task = tasks.create(store, {"project": "Blocks", "name": "rewound"})
    it, va = _series(2)
    _write(store, task.id, it, va)
    with store.write() as conn:  # a resumed run reports iterations it had reported before
        scalars.append(conn, task.id, [("loss", "train", it[:10], va[:10] + 1, np.full(10, 1.8e9))])
    with store.read() as conn:
        metric_id = next(mid for mid, _ in scalar_rows.summaries(conn, task.id))
        assert scalar_rows.read_blocks(conn, metric_id) is None
        full_it, full_va, _ = scalars.resolve(*scalar_rows.read_points(conn, metric_id))
    x, y = _read(store, task.id)
    keep = scalars.minmax_indices(full_va, MAX)
    assert np.array_equal(x, full_it[keep]) and np.array_equal(y, full_va[keep], equal_nan=True)


def test_chunks_written_before_summaries_existed_are_read_whole(store: Any) -> None:
    task = tasks.create(store, {"project": "Blocks", "name": "old"})
    it, va = _series(3)
    _write(store, task.id, it, va)
    with store.write() as conn:
        conn.execute(scalar_rows.scalar_chunks.update().values(summary=None))
    x, y = _read(store, task.id)
    keep = scalars.minmax_indices(va, MAX)
    assert np.array_equal(x, it[keep]) and np.array_equal(y, va[keep], equal_nan=True)


def test_short_series_and_windows_keep_the_exact_path(store: Any) -> None:
    task = tasks.create(store, {"project": "Blocks", "name": "short"})
    it, va = _series(4)
    _write(store, task.id, it[:200_000], va[:200_000])
    x, _ = _read(store, task.id, max_samples=1000)  # 200 k < 4 * BLOCK * 1000: every bucket exact
    keep = scalars.minmax_indices(va[:200_000], 1000)
    assert np.array_equal(x, it[keep])
    with store.read() as conn:
        got = scalars.read_series(conn, task.id, max_samples=MAX, x_min=100, x_max=1000, as_numpy=True)
    assert np.array_equal(got["loss"]["train"]["x"], it[(it >= 100) & (it <= 1000)])
