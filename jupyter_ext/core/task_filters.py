"""The task table's filters beyond status, type and tags: users, value ranges on fields,
metrics and parameters (``created=1700000000..``, ``metric:loss/val=..0.3``,
``param:General/lr=0.001..0.1``), and leaving out dataset versions and pipeline steps."""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from jupyter_ext.core import task_columns
from jupyter_ext.core.datasets import DATASET_TAG
from jupyter_ext.core.rules.pipelines import STEP_TAG
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store import task_filters

# Tasks that are parts of other things (a dataset version's backing task, a pipeline's step):
# left out of a listing of every project unless asked for, as ClearML does.
PART_TAGS = (DATASET_TAG, STEP_TAG)
RANGE_FORM = "<column>=<low>..<high> (either bound may be left out)"


def parse_range(spec: str) -> tuple[str, float | None, float | None]:
    """``"metric:loss/val=0.1..0.5"`` -> ``("metric:loss/val", 0.1, 0.5)``; the last '=' splits."""
    column, sep, bounds = spec.rpartition("=")
    low_text, dots, high_text = bounds.partition("..")
    if not sep or not column or not dots:
        raise InvalidArgument(f"range filter {spec!r} is not valid: use {RANGE_FORM}, e.g. metric:loss/val=..0.3")
    if column not in task_filters.RANGE_FIELDS and not task_columns.is_extra(column):
        raise InvalidArgument(f"range filter {spec!r} names no rangeable column: use one of "
                              f"{', '.join(task_filters.RANGE_FIELDS)}, metric:<title>/<series> or "
                              f"param:<section>/<name>")
    return column, _bound(spec, low_text), _bound(spec, high_text)


def _bound(spec: str, text: str) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InvalidArgument(f"range filter {spec!r}: {text!r} is not a number; use {RANGE_FORM}") from None
    if math.isnan(value):
        raise InvalidArgument(f"range filter {spec!r}: a bound cannot be NaN")
    return value


def conditions(conn: Connection, *, users: Sequence[str] | None = None, ranges: Sequence[str] = (),
               include_parts: bool = True) -> list[ColumnElement[bool]]:
    """The store conditions of these filters (each already checked: bad input is refused here)."""
    conds: list[Any] = []
    if users:
        conds.append(task_filters.users(users))
    for spec in ranges:
        column, low, high = parse_range(spec)
        if column in task_filters.RANGE_FIELDS:
            conds.append(task_filters.field_range(column, low, high))
            continue
        kind, (first, second) = task_columns.parse(column)
        if kind == "param":
            conds.append(task_filters.param_range(first, second, low, high))
        else:
            conds.append(task_filters.metric_range(first, second, task_columns.METRIC_STAT[kind], low, high))
    if not include_parts:
        conds.extend(task_filters.without_system_tags(PART_TAGS))
        hidden = [p.id for p in project_rows.list_all(conn) if any(part.startswith(".") for part in p.name.split("/"))]
        if hidden:
            conds.append(task_filters.outside_projects(hidden))
    return conds
