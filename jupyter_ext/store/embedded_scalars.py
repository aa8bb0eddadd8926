"""Scalar chunks written without numpy, byte for byte as ``scalars.py`` writes them: the newest
chunk filled first, :data:`~scalars.CHUNK_POINTS` points a row, three packed little-endian arrays
and the block summary (min and max of every :data:`~scalars.BLOCK` points). A short script's
points then need neither numpy nor SQLAlchemy to reach the file.
"""
from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from operator import lt
from typing import Any

from jupyter_ext.store import embedded_rows as rows
from jupyter_ext.store.embedded import Cursor

# The same layout as scalars.py (a test checks): kept here so this module never imports numpy.
CHUNK_POINTS = 8192
BLOCK = 64
_LITTLE = sys.byteorder == "little"


def as_array(column: Any, code: str) -> array[Any]:
    """An ``array`` of ``code`` ('q' or 'd') holding the column (an array, a numpy array, a list)."""
    if isinstance(column, array) and column.typecode == code:
        return column
    out = array(code)
    if hasattr(column, "tobytes") and getattr(column, "itemsize", 8) == 8 and not isinstance(column, array):
        out.frombytes(column.astype("<i8" if code == "q" else "<f8").tobytes())
        if not _LITTLE:
            out.byteswap()
        return out
    out.extend(column)
    return out


def _bytes(a: array[Any]) -> bytes:
    if _LITTLE:
        return a.tobytes()
    b = array(a.typecode, a)
    b.byteswap()
    return b.tobytes()


def _from_bytes(code: str, raw: bytes) -> array[Any]:
    a = array(code)
    a.frombytes(raw)
    if not _LITTLE:
        a.byteswap()
    return a


def increasing(iters: Sequence[int]) -> bool:
    return all(map(lt, iters, iters[1:]))


def block_summary(iters: array[Any], values: array[Any], known: bytes | None = None, known_n: int = 0) -> bytes | None:
    """As ``scalars.block_summary``: per block, the iteration and value of its minimum, then of
    its maximum; NaN only when a block holds nothing else (then its first point). None when the
    iterations do not strictly increase.

    ``known``: the summary of the first ``known_n`` points (a chunk being filled up), whose whole
    blocks are kept as they are: only the blocks from the first incomplete one on are computed."""
    n = len(iters)
    if n == 0:
        return None
    first = 0
    parts: list[array[Any]] = [array("q"), array("d"), array("q"), array("d")]
    if known is not None and known_n:
        count = len(known) // 32
        keep = min(known_n // BLOCK, count)
        for k, code in enumerate(("q", "d", "q", "d")):
            parts[k] = _from_bytes(code, known[k * count * 8:(k * count + keep) * 8])
        first = keep * BLOCK
        if not increasing(iters[max(0, known_n - 1):]):  # the new points, and where they meet the old
            return None
    elif n > 1 and not increasing(iters):
        return None
    lo_i, lo_v, hi_i, hi_v = parts
    for start in range(first, n, BLOCK):
        block = values[start:start + BLOCK]
        total = sum(block)  # NaN in, NaN out (inf - inf too: that block just takes the careful way)
        if total != total:  # NaN: never the min or max unless nothing else is there
            inf = float("inf")
            lo_src = [inf if v != v else v for v in block]
            hi_src = [-inf if v != v else v for v in block]
            lo = start + lo_src.index(min(lo_src))
            hi = start + hi_src.index(max(hi_src))
        else:
            lo = start + block.index(min(block))
            hi = start + block.index(max(block))
        lo_i.append(iters[lo])
        lo_v.append(values[lo])
        hi_i.append(iters[hi])
        hi_v.append(values[hi])
    return b"".join((_bytes(lo_i), _bytes(lo_v), _bytes(hi_i), _bytes(hi_v)))


def _chunk(metric_id: int, seq: int, it: array[Any], va: array[Any], ti: array[Any], known: bytes | None = None,
           known_n: int = 0) -> dict[str, Any]:
    return {"metric_id": metric_id, "seq": seq, "n": len(it), "iter_min": min(it), "iter_max": max(it),
            "iters": _bytes(it), "values": _bytes(va), "times": _bytes(ti),
            "summary": block_summary(it, va, known, known_n)}


def append_points(cur: Cursor, metric_id: int, iters: array[Any], values: array[Any], times: array[Any]) -> None:
    """Append one series' points: the newest chunk is filled up first, then new chunks follow."""
    last = rows.last_chunk(cur, metric_id)
    start = 0
    seq = 0
    if last is not None:
        seq, n, raw_it, raw_va, raw_ti, summary = last
        room = CHUNK_POINTS - n
        if room > 0:
            take = min(room, len(iters))
            it = _from_bytes("q", raw_it) + iters[:take]
            va = _from_bytes("d", raw_va) + values[:take]
            ti = _from_bytes("d", raw_ti) + times[:take]
            # Its whole blocks' summary is kept; a chunk without one (iterations that did not increase,
            # or written before summaries existed) is summed up whole, as scalars.py does.
            rows.replace_chunk(cur, metric_id, seq, _chunk(metric_id, seq, it, va, ti, summary, n))
            start = take
        seq += 1
    new = []
    for lo in range(start, len(iters), CHUNK_POINTS):
        hi = lo + CHUNK_POINTS
        new.append(_chunk(metric_id, seq, iters[lo:hi], values[lo:hi], times[lo:hi]))
        seq += 1
    rows.insert_chunks(cur, new)
