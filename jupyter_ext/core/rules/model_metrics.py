"""The rules of a model's own metrics (the scalars and single values ``OutputModel.report_scalar``
and ``report_single_value`` report), checked by the SDK before it sends and by core before it
stores, without a database:
- a value is a finite number (bool, NaN and inf are refused: a model's metric is a figure a
  reader compares, not a training curve where a NaN marks a divergence);
- title, series and name are non-empty strings; an iteration is an int (not a bool);
- the same (title, series, iteration) reported again replaces that point; the same single-value
  name again replaces the value.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument

if TYPE_CHECKING:
    from jupyter_ext.store.model_metrics import Point

# Single values share the model's metric rows under ClearML's convention: this title, the name
# as series, this iteration.
SINGLE_VALUE_TITLE = "Summary"
SINGLE_VALUE_ITERATION = -(2**31)
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
    if not -_INT64 <= number < _INT64:
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


PlotPoint = tuple[str, str, int, str]  # (title, series, iteration, plotly JSON text)
MAX_FIGURE = 16 << 20  # characters of one figure's JSON


def parse_plots(plots: object) -> list[PlotPoint]:
    """The figures of a request body (``{"title", "series", "iteration", "figure"}`` entries, the
    figure a plotly dict or its JSON text; a series may be ""); the first bad entry raises."""
    import json

    if plots is None:
        return []
    if not isinstance(plots, (list, tuple)):
        raise InvalidArgument(f"plots must be a list of objects, got {type(plots).__name__}")
    found: list[PlotPoint] = []
    for n, entry in enumerate(plots):
        if not isinstance(entry, Mapping) or "title" not in entry or "figure" not in entry:
            raise InvalidArgument(f"plots[{n}] must be an object with title, series, iteration and figure")
        try:
            title = check_label(entry["title"], "a plot's title")
            series = entry.get("series") or ""
            if not isinstance(series, str) or len(series) > MAX_NAME:
                raise InvalidArgument(f"a plot's series must be a string of at most {MAX_NAME} characters")
            iteration = check_iteration(entry.get("iteration") or 0)
            figure = entry["figure"]
            if isinstance(figure, str):
                try:
                    figure = json.loads(figure)
                except ValueError as exc:
                    raise InvalidArgument(f"the figure is not JSON: {exc}") from None
            if not isinstance(figure, Mapping):
                raise InvalidArgument("the figure must be a plotly object {\"data\": [...], \"layout\": {...}}")
            try:
                text = json.dumps(figure, allow_nan=False, default=str)
            except ValueError as exc:
                raise InvalidArgument(f"the figure holds NaN or infinity ({exc}); use null") from None
            if len(text) > MAX_FIGURE:
                raise InvalidArgument(f"the figure is {len(text)} characters of JSON, more than {MAX_FIGURE}")
        except InvalidArgument as exc:
            raise InvalidArgument(f"plots[{n}]: {exc.message}") from None
        found.append((title, series, iteration, text))
    return found


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
