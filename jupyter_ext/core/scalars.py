"""Scalar series: appending points, the running summary, reading back and downsampling.

Rules kept here:
- the same iteration reported twice: the later report wins (as ClearML's overwrite);
- NaN and inf are stored as reported; min/max ignore NaN;
- a downsample keeps each bucket's minimum and maximum, so spikes survive
  (an average would hide the one diverging step people look for).
"""
from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Connection

from jupyter_ext.core.rules.events import EARLIEST_TIME, LATEST_TIME
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import scalars as scalar_rows
from jupyter_ext.store.rows import MetricSummary

if TYPE_CHECKING:
    import numpy as np

X_AXES = ("iter", "timestamp", "iso_time")
SINGLE_VALUE_TITLE = "Summary"


def append(conn: Connection, task_id: str, series: Sequence[tuple[str, str, Any, Any, Any]]) -> int:
    """Store ``(title, series, iterations, values, times)`` column triples; returns the max iteration seen."""
    import numpy as np

    ids = scalar_rows.metric_ids(conn, task_id, [(t, s) for t, s, *_ in series])
    top = -(2**63)
    for title, name, iters, values, times in series:
        it = np.asarray(iters, dtype="<i8")
        va = np.asarray(values, dtype="<f8")
        ti = np.asarray(times, dtype="<f8")
        if not (len(it) == len(va) == len(ti)) or len(it) == 0:
            continue
        metric_id = ids[(title, name)]
        scalar_rows.append_points(conn, metric_id, it, va, ti)
        scalar_rows.write_summary(conn, metric_id, merge_summary(scalar_rows.summary_of(conn, metric_id), it, va, ti))
        if not title.startswith(":monitor:"):
            top = max(top, int(it.max()))
    return top


def merge_summary(old: MetricSummary, it: np.ndarray, va: np.ndarray, ti: np.ndarray) -> MetricSummary:
    import numpy as np

    finite = ~np.isnan(va)
    min_value, min_iter, max_value, max_iter = old.min_value, old.min_iter, old.max_value, old.max_iter
    if finite.any():
        fv, fi = va[finite], it[finite]
        lo, hi = int(np.argmin(fv)), int(np.argmax(fv))
        if min_value is None or fv[lo] < min_value:
            min_value, min_iter = float(fv[lo]), int(fi[lo])
        if max_value is None or fv[hi] > max_value:
            max_value, max_iter = float(fv[hi]), int(fi[hi])
    return MetricSummary(
        title=old.title, series=old.series, count=old.count + len(va),
        first_value=old.first_value if old.count else float(va[0]),
        last_value=float(va[-1]), last_iter=int(it[-1]),
        min_value=min_value, min_iter=min_iter, max_value=max_value, max_iter=max_iter,
        last_time=float(ti[-1]),
    )


def resolve(it: np.ndarray, va: np.ndarray, ti: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sort by iteration; where an iteration repeats, keep the last report."""
    import numpy as np

    if len(it) < 2 or bool(np.all(it[1:] > it[:-1])):
        return it, va, ti
    order = np.argsort(it, kind="stable")
    it, va, ti = it[order], va[order], (ti[order] if len(ti) else ti)
    keep = np.ones(len(it), dtype=bool)
    keep[:-1] = it[1:] != it[:-1]
    return it[keep], va[keep], (ti[keep] if len(ti) else ti)


# A series this many times longer than the chart is downsampled from its block summaries: each
# bucket then spans at least 2 * BLOCK points, whole blocks.
BLOCKS_WORTH = 4 * scalar_rows.BLOCK


def downsample_blocks(lo_it: np.ndarray, lo_va: np.ndarray, hi_it: np.ndarray, hi_va: np.ndarray,
                      max_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """(iterations, values) of at most ``max_samples`` points: the minimum and the maximum of each
    bucket of whole blocks, in iteration order (one point when they are the same)."""
    import numpy as np

    buckets = max(1, max_samples // 2)
    lo, hi = scalar_rows.bucket_extremes(lo_va, hi_va, -(-len(lo_it) // buckets))
    first_is_min = lo_it[lo] <= hi_it[hi]
    a_it = np.where(first_is_min, lo_it[lo], hi_it[hi])
    a_va = np.where(first_is_min, lo_va[lo], hi_va[hi])
    b_it = np.where(first_is_min, hi_it[hi], lo_it[lo])
    b_va = np.where(first_is_min, hi_va[hi], lo_va[lo])
    it = np.stack([a_it, b_it], axis=1).ravel()
    va = np.stack([a_va, b_va], axis=1).ravel()
    keep = np.empty(len(it), dtype=bool)
    keep[0] = True
    np.not_equal(it[1:], it[:-1], out=keep[1:])  # a bucket whose min and max are one point
    return it[keep], va[keep]


def minmax_indices(y: np.ndarray, max_samples: int) -> np.ndarray:
    """Indices of at most ``max_samples`` points: each bucket's min and max, in order."""
    import numpy as np

    n = len(y)
    if n <= max_samples:
        return np.arange(n)
    buckets = max(1, max_samples // 2)
    lo, hi = scalar_rows.bucket_extremes(y, y, -(-n // buckets))
    # Buckets are disjoint and in order, so (min(lo, hi), max(lo, hi)) pairs are sorted already;
    # only a bucket whose min and max are one point leaves a duplicate. (np.unique sorts, and its
    # first call in a process costs ~25 ms of numpy's lazy imports.)
    idx = np.stack([np.minimum(lo, hi), np.maximum(lo, hi)], axis=1).ravel()
    keep = np.empty(len(idx), dtype=bool)
    keep[0] = True
    np.not_equal(idx[1:], idx[:-1], out=keep[1:])
    return idx[keep]


def check_x_axis(x_axis: str) -> str:
    if x_axis not in X_AXES:
        raise InvalidArgument(f"x_axis must be one of {', '.join(X_AXES)}; got {x_axis!r}")
    return x_axis


def x_values(it: np.ndarray, ti: np.ndarray, x_axis: str, as_numpy: bool = False) -> Any:
    if x_axis == "iter":
        return it if as_numpy else it.tolist()
    import numpy as np

    # Times stored before they were checked at the door may be out of range: shown at the range's edge.
    ti = np.clip(np.nan_to_num(ti, nan=EARLIEST_TIME, posinf=LATEST_TIME, neginf=EARLIEST_TIME),
                 EARLIEST_TIME, LATEST_TIME)
    if x_axis == "timestamp":
        ms = (ti * 1000.0).round().astype("int64")
        return ms if as_numpy else ms.tolist()
    return [_dt.datetime.fromtimestamp(t, _dt.timezone.utc).isoformat() for t in ti.tolist()]


def check_window(x_min: float | None, x_max: float | None) -> None:
    for name, v in (("x_min", x_min), ("x_max", x_max)):
        if v is not None and not math.isfinite(v):
            raise InvalidArgument(f"{name} must be a finite number, got {v!r}")
    if x_min is not None and x_max is not None and x_min > x_max:
        raise InvalidArgument(f"x_min ({x_min}) is greater than x_max ({x_max}); give the window's left end first")


def window(it: np.ndarray, va: np.ndarray, ti: np.ndarray, x_axis: str, x_min: float | None,
           x_max: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The points whose x lies in ``[x_min, x_max]`` (either end open when None): iterations on
    the ``iter`` axis, epoch seconds on the time axes. A chart zoomed to a window asks for it, so
    the downsample spends its whole budget there and the zoom shows detail the overview hid."""
    if x_min is None and x_max is None:
        return it, va, ti
    import numpy as np

    x = it if x_axis == "iter" else ti
    keep = np.ones(len(x), dtype=bool)
    if x_min is not None:
        keep &= x >= x_min
    if x_max is not None:
        keep &= x <= x_max
    return it[keep], va[keep], (ti[keep] if len(ti) else ti)


def fingerprint(conn: Connection, task_id: str) -> tuple[tuple[Any, ...], ...]:
    """A value that changes whenever the task's scalars do (the key of cached charts)."""
    return tuple((mid, s.count, s.last_iter, s.last_time) for mid, s in scalar_rows.summaries(conn, task_id))


def read_series(conn: Connection, task_id: str, *, max_samples: int | None, x_axis: str = "iter",
                titles: Sequence[str] | None = None, include_monitor: bool = True,
                as_numpy: bool = False, x_min: float | None = None,
                x_max: float | None = None) -> dict[str, dict[str, dict[str, Any]]]:
    """``{title: {series: {"x": [...], "y": [...]}}}``; ``max_samples=None`` returns every point.
    ``as_numpy`` gives numpy arrays instead of lists: for a million points, building the
    two million Python numbers of the lists costs more than reading them. ``x_min``/``x_max``
    keep only the points of that window (see :func:`window`) before downsampling."""
    check_x_axis(x_axis)
    check_window(x_min, x_max)
    if max_samples is not None and max_samples < 2:
        raise InvalidArgument("max_samples must be at least 2 (or 0 for the default of 5000)")
    by_iter = x_axis == "iter"
    # Chunks record their iteration range, so an iteration window skips the chunks outside it.
    lo = math.floor(x_min) if by_iter and x_min is not None else None
    hi = math.ceil(x_max) if by_iter and x_max is not None else None
    need_times = not by_iter
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for metric_id, summary in scalar_rows.summaries(conn, task_id):
        if titles is not None and summary.title not in titles:
            continue
        if not include_monitor and summary.title.startswith(":monitor:"):
            continue
        if by_iter and x_min is None and x_max is None and max_samples is not None and \
                summary.count >= BLOCKS_WORTH * max_samples:
            blocks = scalar_rows.read_blocks(conn, metric_id)
            if blocks is not None:
                bit, bva = downsample_blocks(*blocks, max_samples)
                out.setdefault(summary.title, {})[summary.series] = {
                    "x": x_values(bit, bva[:0], x_axis, as_numpy), "y": bva if as_numpy else bva.tolist()}
                continue
        it, va, ti = resolve(*scalar_rows.read_points(conn, metric_id, lo, hi, with_times=need_times))
        it, va, ti = window(it, va, ti, x_axis, x_min, x_max)
        if max_samples is not None and len(it) > max_samples:
            idx = minmax_indices(va, max_samples)
            it, va, ti = it[idx], va[idx], (ti[idx] if len(ti) else ti)
        out.setdefault(summary.title, {})[summary.series] = {
            "x": x_values(it, ti, x_axis, as_numpy), "y": va if as_numpy else va.tolist()}
    return out


def last_metrics(conn: Connection, task_id: str) -> dict[str, dict[str, dict[str, float | None]]]:
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for _, s in scalar_rows.summaries(conn, task_id):
        if not s.count:
            continue
        out.setdefault(s.title, {})[s.series] = {
            "last": s.last_value, "min": s.min_value, "max": s.max_value,
            "first": s.first_value, "count": float(s.count),
            "last_iteration": None if s.last_iter is None else float(s.last_iter),
            "min_iteration": None if s.min_iter is None else float(s.min_iter),
            "max_iteration": None if s.max_iter is None else float(s.max_iter),
        }
    return out

