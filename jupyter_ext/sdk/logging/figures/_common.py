"""Pieces every figure builder shares: titles, layout merging, input checks.

numpy is imported inside the functions that need it, so importing the figures package stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from jupyter_ext.errors import InvalidArgument

if TYPE_CHECKING:
    import numpy as np

PlotDict = dict[str, Any]
"""A plotly figure as a plain JSON dict: ``{"data": [...], "layout": {...}}``."""

SCATTER_FLAGS = frozenset({"lines", "markers", "text"})


def title_text(title: str | None, comment: str | None = None) -> dict[str, Any]:
    """A plotly ``title`` object; a comment goes on a smaller second line, as in ClearML."""
    text = title or ""
    if comment:
        text = f"{text}<br><sup>{comment}</sup>"
    return {"text": text}


def axis(title: str | None, **extra: Any) -> dict[str, Any]:
    """A plotly axis dict with an optional title."""
    out: dict[str, Any] = dict(extra)
    if title is not None:
        out["title"] = {"text": str(title)}
    return out


def deep_merge(base: Mapping[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return ``base`` updated with ``extra``; nested dicts are merged rather than replaced."""
    merged = dict(base)
    for key, value in (extra or {}).items():
        current = merged.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            merged[key] = deep_merge(current, value)
        else:
            merged[key] = value
    return merged


def finish(
    data: list[dict[str, Any]], layout: dict[str, Any], extra_layout: Mapping[str, Any] | None
) -> PlotDict:
    """Merge ``extra_layout`` (passed as-is to plotly, like ClearML) and make the figure strict JSON."""
    if extra_layout is not None and not isinstance(extra_layout, Mapping):
        raise InvalidArgument(
            f"extra_layout must be a dict of plotly layout options, got {type(extra_layout).__name__}"
        )
    figure = {"data": data, "layout": deep_merge(layout, extra_layout)}
    from jupyter_ext.sdk.logging.figures._json import to_jsonable  # datetime, decimal: only once a figure is made

    return cast(PlotDict, to_jsonable(figure))


def as_array(value: object, what: str) -> np.ndarray[Any, Any]:
    """``numpy.asarray(value)``, turning numpy's errors about ragged input into InvalidArgument."""
    import numpy as np

    if value is None:
        raise InvalidArgument(f"{what} is missing: pass a list or a numpy array")
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument(
            f"{what} must be a rectangular array of numbers (rows of equal length): {exc}"
        ) from exc


def as_rows(value: object, what: str, columns: int, example: str) -> np.ndarray[Any, Any]:
    """An N x ``columns`` array with at least one row, or InvalidArgument saying what shape was expected."""
    array = as_array(value, what)
    if array.ndim != 2 or array.shape[1] != columns:
        raise InvalidArgument(
            f"{what} must have shape (N, {columns}), one row per point like {example}; "
            f"got shape {array.shape}"
        )
    if array.shape[0] == 0:
        raise InvalidArgument(f"{what} is empty: pass at least one point like {example}")
    return array


def as_numeric_matrix(value: object, what: str) -> np.ndarray[Any, Any]:
    """A non-empty 2-D numeric array (bools become 0/1), or InvalidArgument."""
    array = as_array(value, what)
    if array.ndim != 2:
        raise InvalidArgument(f"{what} must be a 2-D array (rows x columns); got shape {array.shape}")
    if array.size == 0:
        raise InvalidArgument(
            f"{what} is empty: got shape {array.shape}, expected at least one row and column"
        )
    if array.dtype.kind == "b":
        return array.astype(int)
    if array.dtype.kind not in "iuf":
        raise InvalidArgument(f"{what} must hold numbers; got values of dtype {array.dtype}")
    return array


def check_labels(labels: Sequence[Any] | None, count: int, what: str, items: str) -> list[Any] | None:
    """Labels as a list, checked to have one entry for each of ``count`` ``items``."""
    if labels is None:
        return None
    if isinstance(labels, str):
        raise InvalidArgument(
            f"{what} must be a list with one label for each of the {count} {items}, not a string"
        )
    labels = list(labels)
    if len(labels) != count:
        raise InvalidArgument(
            f"{what} has {len(labels)} entries but there are {count} {items}: pass exactly one label for each"
        )
    return labels


def check_scatter_mode(mode: str) -> str:
    """Validate a plotly scatter ``mode`` such as ``lines``, ``markers`` or ``lines+markers``."""
    if mode == "none" or (isinstance(mode, str) and mode and set(mode.split("+")) <= SCATTER_FLAGS):
        return mode
    raise InvalidArgument(
        f"mode must be 'lines', 'markers' or 'lines+markers' (flags joined by '+'); got {mode!r}"
    )
