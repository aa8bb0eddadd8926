"""Extra columns of a task table: ``metric:<title>/<series>`` (the series' last value; its
minimum and maximum are ``metric_min:`` and ``metric_max:``) and ``param:<section>/<name>``
(the parameter's value, with its type). Plain field names are not
extra columns: they choose which task fields a listing returns."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import task_columns

KINDS = ("metric", "metric_min", "metric_max", "param")
# The statistic of ``metrics`` each metric kind reads.
METRIC_STAT = {"metric": "last", "metric_min": "min", "metric_max": "max"}


def is_extra(column: str) -> bool:
    return column.split(":", 1)[0] in KINDS and ":" in column


def parse(column: str) -> tuple[str, tuple[str, str]]:
    """``"metric:loss/train"`` -> ``("metric", ("loss", "train"))``; the first '/' splits."""
    kind, _, rest = column.partition(":")
    first, sep, second = rest.partition("/")
    if kind not in KINDS or not sep or not first or not second:
        raise InvalidArgument(f"column {column!r} is not valid: use metric:<title>/<series> or "
                              f"param:<section>/<name> (e.g. metric:loss/train, metric_min:loss/val, param:General/lr)")
    return kind, (first, second)


def values(conn: Connection, task_ids: Sequence[str], columns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``{task id: {column: value}}`` for every task and column; a missing value is None."""
    parsed = [(c, *parse(c)) for c in dict.fromkeys(columns)]
    found: dict[str, dict[tuple[str, tuple[str, str]], Any]] = {}
    for kind, stat in METRIC_STAT.items():
        keys = [k for _, k_kind, k in parsed if k_kind == kind]
        found[kind] = task_columns.last_values(conn, task_ids, keys, stat) if keys else {}
    param_keys = [k for _, kind, k in parsed if kind == "param"]
    found["param"] = task_columns.param_values(conn, task_ids, param_keys) if param_keys else {}
    return {t: {c: found[kind].get((t, k)) for c, kind, k in parsed} for t in task_ids}
