"""Scalar points in column chunks (``metrics`` + ``scalar_chunks``).

A chunk holds up to :data:`CHUNK_POINTS` points as three packed arrays. Appending fills
the newest chunk first, so write amplification is bounded by one chunk per series per
batch, and reading a 1 M-point series is ~120 row fetches and three ``frombuffer`` calls.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store.rows import MetricSummary
from jupyter_ext.store.schema import metrics, scalar_chunks

if TYPE_CHECKING:
    import numpy as np

CHUNK_POINTS = 8192
# Each chunk also keeps, per block of BLOCK points, the iteration and value of its minimum and of
# its maximum: a chart of a long series is downsampled from these, reading 1/32 of the bytes.
BLOCK = 64
_I8 = "<i8"
_F8 = "<f8"


def metric_ids(conn: Connection, task_id: str, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids of the (title, series) metrics of a task, creating the missing ones."""
    found: dict[tuple[str, str], int] = {}
    rows = conn.execute(select(metrics.c.id, metrics.c.title, metrics.c.series).where(metrics.c.task_id == task_id))
    for r in rows:
        found[(r.title, r.series)] = r.id
    missing = [k for k in dict.fromkeys(keys) if k not in found]
    for title, series in missing:
        result = conn.execute(metrics.insert().values(task_id=task_id, title=title, series=series, count=0))
        pk = result.inserted_primary_key
        assert pk is not None
        found[(title, series)] = int(pk[0])
    return found


def append_points(conn: Connection, metric_id: int, iters: np.ndarray, values: np.ndarray, times: np.ndarray) -> None:
    import numpy as np

    iters = np.ascontiguousarray(iters, dtype=_I8)
    values = np.ascontiguousarray(values, dtype=_F8)
    times = np.ascontiguousarray(times, dtype=_F8)
    last = conn.execute(
        select(scalar_chunks).where(scalar_chunks.c.metric_id == metric_id)
        .order_by(scalar_chunks.c.seq.desc()).limit(1)
    ).first()
    start = 0
    seq = 0
    if last is not None:
        seq = last.seq
        room = CHUNK_POINTS - last.n
        if room > 0:
            take = min(room, len(iters))
            it = np.concatenate([np.frombuffer(last.iters, _I8), iters[:take]])
            va = np.concatenate([np.frombuffer(last._mapping["values"], _F8), values[:take]])
            ti = np.concatenate([np.frombuffer(last.times, _F8), times[:take]])
            conn.execute(
                update(scalar_chunks)
                .where(and_(scalar_chunks.c.metric_id == metric_id, scalar_chunks.c.seq == seq))
                .values(n=len(it), iter_min=int(it.min()), iter_max=int(it.max()),
                        iters=it.tobytes(), values=va.tobytes(), times=ti.tobytes(),
                        summary=block_summary(it, va))
            )
            start = take
        seq += 1
    rows: list[dict[str, Any]] = []
    for lo in range(start, len(iters), CHUNK_POINTS):
        it, va, ti = iters[lo:lo + CHUNK_POINTS], values[lo:lo + CHUNK_POINTS], times[lo:lo + CHUNK_POINTS]
        rows.append({
            "metric_id": metric_id, "seq": seq, "n": len(it), "iter_min": int(it.min()), "iter_max": int(it.max()),
            "iters": it.tobytes(), "values": va.tobytes(), "times": ti.tobytes(), "summary": block_summary(it, va),
        })
        seq += 1
    if rows:
        conn.execute(scalar_chunks.insert(), rows)


def read_points(
    conn: Connection, metric_id: int, iter_min: int | None = None, iter_max: int | None = None,
    with_times: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All stored points of one metric in report order (duplicates not yet resolved).
    ``with_times=False`` does not read the times (an empty array comes back)."""
    import numpy as np

    cols = [scalar_chunks.c.iters, scalar_chunks.c["values"]] + ([scalar_chunks.c.times] if with_times else [])
    stmt = select(*cols).where(
        scalar_chunks.c.metric_id == metric_id
    )
    if iter_min is not None:
        stmt = stmt.where(scalar_chunks.c.iter_max >= iter_min)
    if iter_max is not None:
        stmt = stmt.where(scalar_chunks.c.iter_min <= iter_max)
    chunks = conn.execute(stmt.order_by(scalar_chunks.c.seq)).all()
    if not chunks:
        empty_i = np.empty(0, _I8)
        return empty_i, np.empty(0, _F8), np.empty(0, _F8)
    it = np.concatenate([np.frombuffer(c[0], _I8) for c in chunks])
    va = np.concatenate([np.frombuffer(c[1], _F8) for c in chunks])
    ti = np.concatenate([np.frombuffer(c[2], _F8) for c in chunks]) if with_times else np.empty(0, _F8)
    return it, va, ti


def block_summary(iters: np.ndarray, values: np.ndarray) -> bytes | None:
    """For each block of :data:`BLOCK` points: the iteration and value of its minimum, then of its
    maximum (four packed arrays, one after the other). NaN is never a block's min or max unless the
    block holds nothing else. None when the iterations do not strictly increase: such a series is
    read whole and its duplicates resolved."""
    import numpy as np

    n = len(iters)
    if n == 0 or (n > 1 and not bool(np.all(iters[1:] > iters[:-1]))):
        return None
    lo, hi = bucket_extremes(values, values, BLOCK)
    return b"".join((np.ascontiguousarray(iters[lo], _I8).tobytes(), np.ascontiguousarray(values[lo], _F8).tobytes(),
                     np.ascontiguousarray(iters[hi], _I8).tobytes(), np.ascontiguousarray(values[hi], _F8).tobytes()))


def bucket_extremes(lo_values: np.ndarray, hi_values: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """For consecutive buckets of ``size`` points (the last may be shorter): the index of each
    bucket's minimum in ``lo_values`` and of its maximum in ``hi_values``. NaN is never chosen
    unless a bucket holds nothing else."""
    import numpy as np

    n = len(lo_values)
    buckets = -(-n // size)
    pad = buckets * size - n
    lo_nan, hi_nan = np.isnan(lo_values), np.isnan(hi_values)
    lo_src = np.where(lo_nan, np.inf, lo_values) if lo_nan.any() else lo_values
    hi_src = np.where(hi_nan, -np.inf, hi_values) if hi_nan.any() else hi_values
    if pad:  # padding comes last, so a bucket of only NaN still points at one of its own points
        lo_src = np.concatenate([lo_src, np.full(pad, np.inf)])
        hi_src = np.concatenate([hi_src, np.full(pad, -np.inf)])
    base = np.arange(buckets) * size
    lo = np.minimum(base + np.argmin(lo_src.reshape(buckets, size), axis=1), n - 1)
    hi = np.minimum(base + np.argmax(hi_src.reshape(buckets, size), axis=1), n - 1)
    return lo, hi


def read_blocks(conn: Connection, metric_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The block summaries of a whole series, in order: (min iterations, min values, max
    iterations, max values); None unless every chunk has one and the chunks' iteration ranges
    follow each other (then the series is sorted, with no duplicate iteration)."""
    import numpy as np

    rows = conn.execute(
        select(scalar_chunks.c.iter_min, scalar_chunks.c.iter_max, scalar_chunks.c.summary)
        .where(scalar_chunks.c.metric_id == metric_id).order_by(scalar_chunks.c.seq)
    ).all()
    if not rows or any(r[2] is None for r in rows):
        return None
    if any(rows[k + 1][0] <= rows[k][1] for k in range(len(rows) - 1)):
        return None
    parts: list[list[np.ndarray]] = [[], [], [], []]
    for r in rows:
        raw = bytes(r[2])
        count = len(raw) // 32
        for k, dtype in enumerate((_I8, _F8, _I8, _F8)):
            parts[k].append(np.frombuffer(raw, dtype, count, offset=k * count * 8))
    lo_it, lo_va, hi_it, hi_va = (np.concatenate(p) for p in parts)
    return lo_it, lo_va, hi_it, hi_va


def _float(v: Any, count: int) -> float | None:
    # SQLite turns NaN into NULL; a summary of a non-empty series with NULL was NaN.
    if v is None:
        return math.nan if count else None
    return float(v)


def summaries(conn: Connection, task_id: str) -> list[tuple[int, MetricSummary]]:
    stmt = select(metrics).where(metrics.c.task_id == task_id).order_by(metrics.c.title, metrics.c.series)
    return [(row.id, _summary(row._mapping)) for row in conn.execute(stmt)]


def summary_of(conn: Connection, metric_id: int) -> MetricSummary:
    return _summary(conn.execute(select(metrics).where(metrics.c.id == metric_id)).one()._mapping)


def _summary(m: Any) -> MetricSummary:
    # Row attributes would shadow tuple methods (a column is called "count"): use the mapping.
    n = int(m["count"])
    return MetricSummary(
        title=m["title"], series=m["series"], count=n, first_value=_float(m["first_value"], n),
        last_value=_float(m["last_value"], n), last_iter=m["last_iter"], min_value=m["min_value"],
        min_iter=m["min_iter"], max_value=m["max_value"], max_iter=m["max_iter"], last_time=m["last_time"],
    )


def write_summary(conn: Connection, metric_id: int, s: MetricSummary) -> None:
    conn.execute(update(metrics).where(metrics.c.id == metric_id).values(
        count=s.count, first_value=s.first_value, last_value=s.last_value, last_iter=s.last_iter,
        min_value=s.min_value, min_iter=s.min_iter, max_value=s.max_value, max_iter=s.max_iter,
        last_time=s.last_time,
    ))


def delete_for_task(conn: Connection, task_id: str) -> None:
    ids = select(metrics.c.id).where(metrics.c.task_id == task_id).scalar_subquery()
    conn.execute(delete(scalar_chunks).where(scalar_chunks.c.metric_id.in_(ids)))
    conn.execute(delete(metrics).where(metrics.c.task_id == task_id))


def max_iteration(conn: Connection, task_id: str) -> int | None:
    v = conn.execute(
        select(func.max(metrics.c.last_iter)).where(and_(metrics.c.task_id == task_id,
                                                         ~metrics.c.title.startswith(":monitor:")))
    ).scalar()
    return None if v is None else int(v)
