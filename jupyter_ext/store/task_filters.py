"""Conditions of a task table's filters beyond status, type and tags: user, date ranges,
system tags left out, and value ranges on fields, metrics and parameters."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Float, and_, case, cast, exists, not_, null, or_
from sqlalchemy.sql import ColumnElement

from jupyter_ext.store.schema import metrics, params, tasks

# The fields a range filter may name; metrics and parameters are ranged through their own keys.
RANGE_FIELDS: dict[str, Any] = {
    "created": tasks.c.created, "last_update": tasks.c.last_update, "started": tasks.c.started,
    "completed": tasks.c.completed, "last_iteration": tasks.c.last_iteration,
}
# A metric column's statistic and the column of ``metrics`` that holds it.
METRIC_STATS: dict[str, Any] = {"last": metrics.c.last_value, "min": metrics.c.min_value, "max": metrics.c.max_value}
_NON_FINITE = ("NaN", "Infinity", "-Infinity")


def users(names: Sequence[str]) -> ColumnElement[bool]:
    return tasks.c.user.in_(list(names))


def without_system_tags(system_tags: Sequence[str]) -> list[ColumnElement[bool]]:
    """Tasks whose system tags (a JSON list in text) hold none of ``system_tags``."""
    return [not_(tasks.c.system_tags.like(f'%"{tag}"%')) for tag in system_tags]


def outside_projects(project_ids: Sequence[str]) -> ColumnElement[bool]:
    return tasks.c.project_id.not_in(list(project_ids))


def _between(value: Any, low: float | None, high: float | None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if low is not None:
        conds.append(value >= low)
    if high is not None:
        conds.append(value <= high)
    return conds


def field_range(field: str, low: float | None, high: float | None) -> ColumnElement[bool]:
    return and_(RANGE_FIELDS[field].is_not(None), *_between(RANGE_FIELDS[field], low, high))


def metric_range(title: str, series: str, stat: str, low: float | None, high: float | None) -> ColumnElement[bool]:
    """The task has the series, and its statistic lies in [low, high] (either bound optional).
    An alias of ``metrics``: a page sorted by a metric reads ``metrics`` itself in the outer query."""
    ranged = metrics.alias("ranged_metrics")
    value = ranged.c[METRIC_STATS[stat].name]
    return exists().where(and_(ranged.c.task_id == tasks.c.id, ranged.c.title == title,
                               ranged.c.series == series, value.is_not(None), *_between(value, low, high)))


def param_range(section: str, name: str, low: float | None, high: float | None) -> ColumnElement[bool]:
    """The task has the parameter with a number value in [low, high]; the cast is guarded by
    the stored type in a CASE, so PostgreSQL never casts a text that is not a number."""
    numeric = and_(params.c.type.in_(["int", "float"]), params.c.value.not_in(_NON_FINITE))
    number = case((numeric, cast(params.c.value, Float)), else_=null())
    return exists().where(and_(params.c.task_id == tasks.c.id, params.c.section == section, params.c.name == name,
                               number.is_not(None), *_between(number, low, high)))


def param_equals(section: str, name: str, texts: Sequence[str]) -> ColumnElement[bool]:
    """The parameter's stored JSON text is one of ``texts`` (a filter on a text parameter)."""
    return exists().where(and_(params.c.task_id == tasks.c.id, params.c.section == section, params.c.name == name,
                               or_(*[params.c.value == t for t in texts])))
