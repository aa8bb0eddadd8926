"""A model's own metrics: the scalars and single values ``OutputModel.report_scalar`` and
``report_single_value`` report, shown on the model's page apart from its task's.

Rules:
- a value is a finite number (bool, NaN and inf are refused: a model's metric is a figure a
  reader compares, not a training curve where a NaN marks a divergence);
- title, series and name are non-empty strings; an iteration is an int (not a bool);
- the same (title, series, iteration) reported again replaces that point; the same single-value
  name again replaces the value;
- a request is checked whole before anything is written, then written in one transaction, so a
  bad entry stores nothing of its request;
- reporting touches the model's ``last_update`` (lists sort by it, and ``jupyter track sync``
  copies a model again when it changed), but is allowed on a published model too: evaluating a
  final model is what people do with it.
"""
from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterable, Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import model_metrics as metric_rows
from jupyter_ext.store import models as model_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ModelRow
from jupyter_ext.store.model_metrics import SINGLE_VALUE_ITERATION, SINGLE_VALUE_TITLE, Point

MAX_NAME = 1024
_INT64 = 2**63


def check_label(text: object, what: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidArgument(f"{what} must be a non-empty string, got {text!r:.60}")
    if len(text) > MAX_NAME:
        raise InvalidArgument(f"{what} {text[:40]!r}… is longer than {MAX_NAME} characters")
    if "\x00" in text:
        raise InvalidArgument(f"{what} cannot contain NUL characters")
    return text


def check_value(value: object, what: str = "value") -> float:
    """A finite float from an int, a float, or a numpy/torch scalar; bool is refused."""
    if type(value) is float or type(value) is int:  # the common case, checked cheaply
        if math.isfinite(value):
            return float(value)
        raise InvalidArgument(f"{what} must be a finite number, got {value!r}")
    if isinstance(value, bool):
        raise InvalidArgument(f"{what} must be a number, not a bool ({value!r}); report 1.0 or 0.0 if you mean it")
    if not isinstance(value, numbers.Real) or isinstance(value, (str, bytes)):
        item = getattr(value, "item", None)  # numpy and torch scalars, 0-d arrays and tensors
        try:
            inner = item() if callable(item) and not isinstance(value, (str, bytes)) else None
        except (TypeError, ValueError, RuntimeError):
            inner = None
        if isinstance(inner, bool):
            raise InvalidArgument(f"{what} must be a number, not a bool ({value!r:.60})")
        if not isinstance(inner, (int, float)):
            raise InvalidArgument(f"{what} must be a number (int or float), got {type(value).__name__}: {value!r:.60}")
        value = inner
    number = float(value)
    if not math.isfinite(number):
        raise InvalidArgument(f"{what} must be a finite number, got {number!r}")
    return number


def check_iteration(iteration: object) -> int:
    if type(iteration) is int and -_INT64 < iteration < _INT64 and iteration != SINGLE_VALUE_ITERATION:
        return iteration
    if isinstance(iteration, bool) or not isinstance(iteration, numbers.Integral):
        raise InvalidArgument(f"iteration must be an int, got {type(iteration).__name__}: {iteration!r:.60}")
    number = int(iteration)
    if not -_INT64 < number < _INT64:
        raise InvalidArgument(f"iteration {number} is out of range (a 64-bit integer)")
    if number == SINGLE_VALUE_ITERATION:
        raise InvalidArgument(f"iteration {number} is reserved for single values; use report_single_value(name, value)")
    return number


def check_scalar(title: object, series: object, value: object, iteration: object) -> Point:
    """``(title, series, iteration, value)`` after the checks, or InvalidArgument."""
    return (check_label(title, "title"), check_label(series, "series"), check_iteration(iteration),
            check_value(value))


def check_single_value(name: object, value: object) -> Point:
    return (SINGLE_VALUE_TITLE, check_label(name, "a single value's name"), SINGLE_VALUE_ITERATION,
            check_value(value))


def parse(scalars: object, single_values: object) -> list[Point]:
    """The points of a request body (``{"title", "series", "iteration", "value"}`` and
    ``{"name", "value"}`` entries); the first bad entry raises, naming where it is."""
    points: list[Point] = []
    for key, entries, fields in (("scalars", scalars, ("title", "series", "value", "iteration")),
                                 ("single_values", single_values, ("name", "value"))):
        if entries is None:
            continue
        if not isinstance(entries, (list, tuple)):
            raise InvalidArgument(f"{key} must be a list of objects, got {type(entries).__name__}")
        for n, entry in enumerate(entries):
            if not isinstance(entry, Mapping):
                raise InvalidArgument(f"{key}[{n}] must be an object with {', '.join(fields)}")
            missing = [f for f in fields if f not in entry]
            if missing:
                raise InvalidArgument(f"{key}[{n}] lacks {', '.join(missing)}")
            try:
                if key == "scalars":
                    points.append(check_scalar(*(entry[f] for f in fields)))
                else:
                    points.append(check_single_value(entry["name"], entry["value"]))
            except InvalidArgument as exc:
                raise InvalidArgument(f"{key}[{n}]: {exc.message}") from None
    return points


def report(store: MetaStore, model_id: str, scalars: object = (), single_values: object = ()) -> dict[str, int]:
    """Check every entry, then store them all in one transaction: ``{"stored": n}``."""
    points = parse(scalars, single_values)
    with store.write() as conn:
        _model(conn, model_id)
        if not points:
            return {"stored": 0}
        now = time.time()
        stored = metric_rows.upsert(conn, model_id, points, now)
        model_rows.update_fields(conn, model_id, last_update=now)
    return {"stored": stored}


def get(store: MetaStore, model_id: str) -> dict[str, list[dict[str, Any]]]:
    """``{"scalars": [{"title", "series", "iterations", "values"}], "single_values": [{"name",
    "value"}]}``: series by (title, series), points by iteration, single values by name."""
    with store.read() as conn:
        _model(conn, model_id)
        points = metric_rows.read(conn, model_id)
    return shape(points)


def shape(points: Iterable[Point]) -> dict[str, list[dict[str, Any]]]:
    series: dict[tuple[str, str], dict[str, Any]] = {}
    singles: list[dict[str, Any]] = []
    for title, name, iteration, value in points:
        if title == SINGLE_VALUE_TITLE and iteration == SINGLE_VALUE_ITERATION:
            singles.append({"name": name, "value": value})
            continue
        entry = series.setdefault((title, name), {"title": title, "series": name, "iterations": [], "values": []})
        entry["iterations"].append(iteration)
        entry["values"].append(value)
    return {"scalars": [series[k] for k in sorted(series)], "single_values": sorted(singles, key=lambda s: s["name"])}


def _model(conn: Any, model_id: str) -> ModelRow:
    from jupyter_ext.core.models import _get

    return _get(conn, model_id)
