"""One page of a task table in the order of a metric column, read off the metric's index.

The tasks that have the value come first, by (value, id), walked on ``ix_metrics_series_*`` in
order; the tasks without it follow, by id. A page past the middle of either part is read from
the other end and turned round, so the last page of 100,000 tasks costs what the first does.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, exists, func, not_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from jupyter_ext.store.schema import metrics, tasks

_VALUE = {"last": metrics.c.last_value, "min": metrics.c.min_value, "max": metrics.c.max_value}


@dataclasses.dataclass(frozen=True)
class MetricOrder:
    """Order by the ``stat`` (last, min or max) value of the series ``title``/``series``."""

    title: str
    series: str
    stat: str = "last"

    @property
    def value(self) -> Any:
        return _VALUE[self.stat]

    @property
    def keys(self) -> tuple[Any, ...]:
        return (self.value, metrics.c.task_id)

    def has_value(self) -> ColumnElement[bool]:
        return and_(metrics.c.title == self.title, metrics.c.series == self.series, self.value.is_not(None))


def page_ids(conn: Connection, conds: Sequence[ColumnElement[bool]], order: MetricOrder, descending: bool,
             limit: int | None, offset: int, with_total: bool) -> tuple[list[str], int]:
    """Ids of one page in metric order (NULLs last either way, the id breaking ties) and the
    total (-1 unless ``with_total``)."""
    with_value = (select(metrics.c.task_id).select_from(metrics.join(tasks, tasks.c.id == metrics.c.task_id))
                  .where(order.has_value(), *conds))
    without = (select(tasks.c.id).where(
        *conds, not_(exists().where(and_(metrics.c.task_id == tasks.c.id, order.has_value())))))
    total = _count(conn, select(tasks.c.id).where(*conds))
    end = total if limit is None else min(total, offset + limit)
    if end <= offset:
        return [], total if with_total else -1
    if offset < total - end or not conds:
        # The front half: a page wholly among the tasks with a value needs no count of them.
        first = _slice(conn, with_value, order.keys, descending, offset, end, None)
        if len(first) == end - offset:
            return first, total if with_total else -1
    n_with = _count_with_value(conn, conds, order, total)
    ids: list[str] = []
    if offset < n_with:
        ids += _slice(conn, with_value, order.keys, descending, offset, min(end, n_with), n_with)
    if end > n_with:
        ids += _slice(conn, without, (tasks.c.id,), descending, max(0, offset - n_with), end - n_with,
                      total - n_with)
    return ids, total if with_total else -1


def _count_with_value(conn: Connection, conds: Sequence[ColumnElement[bool]], order: MetricOrder,
                      matching: int) -> int:
    """How many matching tasks have the value: counted from the smaller side, the matching
    tasks or the others (every task with the value, less those that do not match), so a filter
    that keeps nearly every task costs what one that keeps few does."""
    every = int(conn.execute(select(func.count()).select_from(tasks)).scalar_one())
    joined = select(func.count()).select_from(metrics.join(tasks, tasks.c.id == metrics.c.task_id)).where(
        order.has_value())
    if matching <= every - matching:
        return int(conn.execute(joined.where(*conds)).scalar_one())
    all_with = int(conn.execute(select(func.count()).select_from(metrics).where(order.has_value())).scalar_one())
    if every == matching:
        return all_with
    # NULL-safe "does not match": a condition that is NULL for a row counts as not matching.
    matches = case((and_(*conds), 1), else_=0)
    return all_with - int(conn.execute(joined.where(matches == 0)).scalar_one())


def _count(conn: Connection, stmt: Any) -> int:
    return int(conn.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def _slice(conn: Connection, stmt: Any, keys: Sequence[Any], descending: bool, start: int, stop: int,
           size: int | None) -> list[str]:
    """Rows [start, stop) of ``stmt`` in the order of ``keys``; past the middle of a known
    ``size``, read backwards."""
    if size is not None:
        stop = min(stop, size)
    if stop <= start:
        return []
    backwards = size is not None and start > size - stop
    flip = descending != backwards
    ordered = stmt.order_by(*[k.desc() if flip else k.asc() for k in keys])
    if backwards:
        assert size is not None
        found = list(conn.execute(ordered.limit(stop - start).offset(size - stop)).scalars())
        return found[::-1]
    return list(conn.execute(ordered.limit(stop - start).offset(start)).scalars())
