"""Line plots and 2-D scatter plots: ``Logger.report_line_plot`` and ``Logger.report_scatter2d``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import (
    PlotDict,
    as_rows,
    axis,
    check_labels,
    check_scatter_mode,
    finish,
    title_text,
)

_SPIKES = {"showspikes": True, "spikethickness": 1, "spikesnap": "cursor", "spikemode": "toaxis+across"}


@dataclass
class SeriesInfo:
    """One named series of a line plot, as ``Logger.SeriesInfo`` in ClearML.

    ``data`` is N x 2 (rows of ``(x, y)``); ``labels``, if given, holds one hover text per point.

        logger.report_line_plot("loss", [SeriesInfo("train", [[0, 1.0], [1, 0.5]])], "epoch", "loss")
    """

    name: str
    data: Any
    labels: Sequence[str] | None = None

    def __post_init__(self) -> None:
        _series_trace(self, "lines")  # fail at construction, as ClearML does, not at report time


def line_plot(
    series: Sequence[Any],
    title: str,
    xaxis: str | None,
    yaxis: str | None,
    mode: str = "lines",
    reverse_xaxis: bool = False,
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly dict of ``Logger.report_line_plot``: one scatter trace per :class:`SeriesInfo`.

    ``series`` may hold any objects with ``name``, ``data`` (N x 2) and optional ``labels``
    attributes, including ClearML's own ``SeriesInfo``.
    """
    mode = check_scatter_mode(mode)
    if isinstance(series, (str, bytes)) or not isinstance(series, Sequence) or len(series) == 0:
        raise InvalidArgument("series must be a non-empty list of SeriesInfo(name, data, labels) objects")
    data = [_series_trace(item, mode) for item in series]
    layout = {
        "title": title_text(title, comment),
        "xaxis": axis(xaxis, **_SPIKES),
        "yaxis": axis(yaxis, **_SPIKES),
    }
    if reverse_xaxis:
        layout["xaxis"]["autorange"] = "reversed"
    return finish(data, layout, extra_layout)


def scatter2d(
    scatter: Any,
    series: str,
    title: str,
    xaxis: str | None = None,
    yaxis: str | None = None,
    labels: Sequence[str] | None = None,
    mode: str = "lines",
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly dict of ``Logger.report_scatter2d`` from N x 2 ``scatter`` points."""
    return line_plot(
        [_Series(series, scatter, labels)],
        title,
        xaxis,
        yaxis,
        mode=mode,
        comment=comment,
        extra_layout=extra_layout,
    )


@dataclass
class _Series:
    """An unchecked series, so that scatter2d reports its errors in terms of ``scatter``."""

    name: str
    data: Any
    labels: Sequence[str] | None


def _series_trace(item: Any, mode: str) -> dict[str, Any]:
    """One plotly scatter trace from a SeriesInfo-like object."""
    for attribute in ("name", "data"):
        if not hasattr(item, attribute):
            raise InvalidArgument(
                "each series must be a SeriesInfo(name, data, labels), "
                f"got {type(item).__name__} without '{attribute}'"
            )
    what = "scatter" if isinstance(item, _Series) else f"data of series {item.name!r}"
    points = as_rows(item.data, what, 2, "[[x0, y0], [x1, y1], ...]")
    labels = check_labels(
        getattr(item, "labels", None), points.shape[0], f"labels of series {item.name!r}", "points"
    )
    trace: dict[str, Any] = {
        "type": "scatter",
        "name": str(item.name),
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": mode,
    }
    if labels is not None:
        trace["text"] = [str(label) for label in labels]
    return trace
