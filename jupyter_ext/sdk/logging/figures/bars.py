"""Bar charts: ``Logger.report_histogram`` and ``Logger.report_vector``.

As in ClearML, ``values`` are bar *heights*, not samples to bin: a vector gives one bar trace,
a 2-D array gives one trace per row. What ``numpy.histogram`` returns, ``(counts, bin_edges)``, is
also taken as it is (ClearML's examples pass it; ClearML itself fails on it with numpy 1.24 and later):
the counts are the heights and the bins' centres label the bars.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import (
    PlotDict,
    as_array,
    axis,
    check_labels,
    deep_merge,
    finish,
    title_text,
)

BAR_MODES = ("group", "stack", "relative")


def _numpy_histogram(values: Any, xlabels: Sequence[Any] | None) -> tuple[Any, Sequence[Any] | None]:
    """``numpy.histogram``'s ``(counts, bin_edges)``: the counts, labelled by the bins' centres."""
    if not isinstance(values, tuple) or len(values) != 2:
        return values, xlabels
    import numpy as np

    try:
        counts, edges = np.asarray(values[0], dtype=float), np.asarray(values[1], dtype=float)
    except (TypeError, ValueError):
        return values, xlabels
    if counts.ndim != 1 or edges.ndim != 1 or len(edges) != len(counts) + 1:
        return values, xlabels
    centres = [float(c) for c in (edges[:-1] + edges[1:]) / 2]
    return counts, xlabels if xlabels is not None else centres


def histogram(
    values: Any,
    series: str,
    title: str,
    labels: Sequence[str] | None = None,
    xlabels: Sequence[Any] | None = None,
    xaxis: str | None = None,
    yaxis: str | None = None,
    mode: str | None = None,
    data_args: Mapping[str, Any] | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly dict of ``Logger.report_histogram``.

    ``labels`` names the traces (one per row of ``values``; a single label is reused for all rows);
    without it every trace is named ``series``. ``xlabels`` names the bars (one per column).
    ``mode`` is ``group`` (default), ``stack`` or ``relative`` and becomes ``layout.barmode``;
    ``data_args`` is merged into every trace.
    """
    barmode = mode or "group"
    if barmode not in BAR_MODES:
        raise InvalidArgument(f"mode must be one of {', '.join(BAR_MODES)}; got {mode!r}")
    if data_args is not None and not isinstance(data_args, Mapping):
        raise InvalidArgument(
            f"data_args must be a dict of plotly bar options, got {type(data_args).__name__}"
        )
    values, xlabels = _numpy_histogram(values, xlabels)
    rows = _bar_rows(values)
    bins = check_labels(xlabels, rows.shape[1], "xlabels", "bars in each row of values")
    names = _trace_names(labels, series, rows.shape[0])
    data = []
    for row, name in zip(rows, names, strict=True):
        trace = {
            "type": "bar",
            "name": name,
            "x": bins if bins is not None else list(range(rows.shape[1])),
            "y": row,
        }
        data.append(deep_merge(trace, data_args))
    layout = {
        "title": title_text(title),
        "xaxis": axis(xaxis),
        "yaxis": axis(yaxis),
        "barmode": barmode,
        "bargap": 0.08,
        "bargroupgap": 0,
    }
    return finish(data, layout, extra_layout)


def vector(
    values: Any,
    series: str,
    title: str,
    labels: Sequence[str] | None = None,
    xlabels: Sequence[Any] | None = None,
    xaxis: str | None = None,
    yaxis: str | None = None,
    mode: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly dict of ``Logger.report_vector``: a bar chart, exactly as :func:`histogram`."""
    return histogram(values, series, title, labels, xlabels, xaxis, yaxis, mode, extra_layout=extra_layout)


def _bar_rows(values: Any) -> Any:
    """``values`` as a non-empty 2-D numeric array, one row per trace."""
    array = as_array(values, "values")
    if array.ndim == 1:
        array = array.reshape(1, -1)
    if array.ndim != 2:
        raise InvalidArgument(
            "values must be a vector of bar heights or a 2-D array (one row per trace); "
            f"got shape {array.shape}"
        )
    if array.size == 0:
        raise InvalidArgument("values is empty: pass at least one bar height")
    if array.dtype.kind not in "biuf":
        raise InvalidArgument(f"values must be numbers (bar heights); got values of dtype {array.dtype}")
    return array


def _trace_names(labels: Sequence[str] | None, series: str, rows: int) -> list[str]:
    """One name per row: the labels, a single label repeated, or the series name."""
    if labels is None or len(labels) == 0:
        return [series] * rows
    if not isinstance(labels, str) and len(labels) == 1:
        return [str(labels[0])] * rows
    checked = check_labels(labels, rows, "labels", "rows in values (one bar trace per row)")
    return [str(label) for label in checked or []]
