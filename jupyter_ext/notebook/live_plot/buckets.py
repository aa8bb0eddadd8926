"""Streaming min/max downsampling: what the browser holds of one scalar series.

The browser gets each raw point once while a series is short. Past ``max_buckets`` buckets the
series is *compacted*: neighbouring buckets merge two by two, each keeping the minimum and the
maximum of both, and the stride (raw points per bucket) doubles. So the browser never holds more
than ``2 * max_buckets`` points, a spike is never averaged away, an ordinary update carries only
the new points (grouped by the current stride), and the rare compaction (once per doubling of the
series) resends at most ``2 * max_buckets`` points: O(new points) per update, amortised.

A bucket is two points, ``(x, y)`` at its minimum and at its maximum, in x order; a bucket of one
raw point holds that point twice and is shown once.
"""
from __future__ import annotations

import numpy as np

MAX_BUCKETS = 2000
_EMPTY = np.empty(0)
_EMPTY_PAIRS = np.empty((0, 2))


class SeriesStream:
    def __init__(self, max_buckets: int = MAX_BUCKETS) -> None:
        self.max_buckets = max_buckets
        self.stride = 1
        self.bx = np.empty((0, 2))        # bucket x pairs (the browser's copy)
        self.by = np.empty((0, 2))
        self._rest_x = np.empty(0)        # raw points not yet a full bucket
        self._rest_y = np.empty(0)
        self.raw_count = 0

    # -- feeding ----------------------------------------------------------------------------------
    def seed(self, x: np.ndarray, y: np.ndarray, raw_count: int | None = None) -> None:
        """Start from points already downsampled (the stored history): one bucket each.
        ``raw_count``, the number of points they stand for, sets the stride new points get, so
        a series that was long before the plot opened is not compacted again and again."""
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        self.bx = np.column_stack([x, x])
        self.by = np.column_stack([y, y])
        self.raw_count = max(len(x), raw_count or 0)
        while len(self.bx) > self.max_buckets:
            self._compact()
        while self.raw_count // self.stride > self.max_buckets:
            self.stride *= 2

    def add(self, x: np.ndarray, y: np.ndarray) -> tuple[str, np.ndarray, np.ndarray]:
        """Take new raw points. Returns ``("append", xs, ys)`` with the points of the buckets
        completed by them, or ``("reset", xs, ys)`` with the whole (compacted) series.

        Only the points a bucket keeps are copied or converted to float: the minima and maxima
        are found on views of the caller's arrays, which may be the reporter's int64 iterations."""
        x = np.asarray(x)
        y = np.asarray(y, dtype=float)
        n = len(x)
        self.raw_count += n
        compacted = False
        # Many new points at once: coarsen first (the existing buckets are at most max_buckets),
        # then bucket the new points once at the final stride.
        while len(self.bx) + (len(self._rest_x) + n) // self.stride > self.max_buckets:
            self._compact()
            compacted = True
        stride = self.stride
        new_x: list[np.ndarray] = []
        new_y: list[np.ndarray] = []
        start = 0
        if len(self._rest_x):
            # The partial bucket left last time is completed by the first new points.
            start = min(n, stride - len(self._rest_x))
            hx = np.concatenate([self._rest_x, x[:start].astype(float)])
            hy = np.concatenate([self._rest_y, y[:start]])
            if len(hx) < stride:
                self._rest_x, self._rest_y = hx, hy
            else:
                self._rest_x, self._rest_y = _EMPTY, _EMPTY
                bx, by = _buckets(hx, hy, stride)
                new_x.append(bx)
                new_y.append(by)
        end = start + (n - start) // stride * stride
        if end > start:
            bx, by = _buckets(x[start:end], y[start:end], stride)
            new_x.append(bx)
            new_y.append(by)
        if end < n:
            self._rest_x, self._rest_y = x[end:].astype(float), y[end:].copy()
        if new_x:
            nbx = new_x[0] if len(new_x) == 1 else np.concatenate(new_x)
            nby = new_y[0] if len(new_y) == 1 else np.concatenate(new_y)
            self.bx = np.concatenate([self.bx, nbx])
            self.by = np.concatenate([self.by, nby])
        else:
            nbx = nby = _EMPTY_PAIRS
        while len(self.bx) > self.max_buckets:
            self._compact()
            compacted = True
        if compacted:
            return ("reset", *self.points())
        return ("append", *_flatten(nbx, nby))

    def tail(self) -> tuple[float, float] | None:
        """The newest raw point not yet in a bucket (drawn provisionally), or None."""
        if len(self._rest_x):
            return float(self._rest_x[-1]), float(self._rest_y[-1])
        return None

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        """Every point the browser holds, in order."""
        return _flatten(self.bx, self.by)

    def _compact(self) -> None:
        n = len(self.bx) // 2 * 2
        odd_x, odd_y = self.bx[n:], self.by[n:]
        px = self.bx[:n].reshape(-1, 4)
        py = self.by[:n].reshape(-1, 4)
        rows = np.arange(len(py))
        lo = np.argmin(py, axis=1)
        hi = np.argmax(py, axis=1)
        first = np.minimum(lo, hi)  # x order inside a bucket follows position
        second = np.maximum(lo, hi)
        mx = np.column_stack([px[rows, first], px[rows, second]])
        my = np.column_stack([py[rows, first], py[rows, second]])
        self.bx = np.concatenate([mx, odd_x])
        self.by = np.concatenate([my, odd_y])
        self.stride *= 2


def _buckets(x: np.ndarray, y: np.ndarray, stride: int) -> tuple[np.ndarray, np.ndarray]:
    """Each run of ``stride`` points as the pair (min, max) in x order. ``x`` may be any
    numeric dtype: only the kept points are converted."""
    if stride == 1 or not len(x):
        xf = x.astype(float)
        return np.column_stack([xf, xf]), np.column_stack([y, y])
    gy = y.reshape(-1, stride)
    lo = np.argmin(gy, axis=1)
    hi = np.argmax(gy, axis=1)
    base = np.arange(0, len(y), stride)
    first = base + np.minimum(lo, hi)  # x order inside a bucket follows position
    second = base + np.maximum(lo, hi)
    idx = np.column_stack([first, second])
    return x[idx].astype(float), y[idx]


def _flatten(bx: np.ndarray, by: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Bucket pairs to points; a bucket whose two points are one point is shown once."""
    if not len(bx):
        return np.empty(0), np.empty(0)
    same = (bx[:, 0] == bx[:, 1]) & (by[:, 0] == by[:, 1])
    keep = np.ones(bx.shape, dtype=bool)
    keep[:, 1] = ~same
    return bx[keep], by[keep]
