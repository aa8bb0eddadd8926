"""Heatmaps and surfaces: ``report_confusion_matrix``, ``report_matrix`` and ``report_surface``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import (
    PlotDict,
    as_numeric_matrix,
    axis,
    check_labels,
    finish,
    title_text,
)

ANNOTATE_MAX_CELLS = 400
"""Above this many cells, numbers printed in every cell are unreadable, so ``annotate=None`` skips them."""


def confusion_matrix(
    matrix: Any,
    series: str,
    title: str,
    xaxis: str | None = None,
    yaxis: str | None = None,
    xlabels: Sequence[Any] | None = None,
    ylabels: Sequence[Any] | None = None,
    yaxis_reversed: bool = False,
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
    *,
    annotate: bool | None = None,
) -> PlotDict:
    """Build the plotly heatmap of ``Logger.report_confusion_matrix``.

    ``xlabels`` name the columns and ``ylabels`` the rows. Row 0 is at the bottom unless
    ``yaxis_reversed`` puts it at the top. ``annotate`` prints each cell's value; by default it
    does so when the matrix has at most ``ANNOTATE_MAX_CELLS`` cells.
    """
    values = as_numeric_matrix(matrix, "matrix")
    trace: dict[str, Any] = {"type": "heatmap", "name": series, "z": values, "colorscale": "Viridis"}
    columns = check_labels(xlabels, values.shape[1], "xlabels", "columns in matrix")
    rows = check_labels(ylabels, values.shape[0], "ylabels", "rows in matrix")
    if columns is not None:
        trace["x"] = [str(label) for label in columns]
    if rows is not None:
        trace["y"] = [str(label) for label in rows]
    if annotate or (annotate is None and values.size <= ANNOTATE_MAX_CELLS):
        trace["texttemplate"] = "%{z:.3g}" if values.dtype.kind == "f" else "%{z}"
    layout = {"title": title_text(title, comment), "xaxis": axis(xaxis), "yaxis": axis(yaxis)}
    if yaxis_reversed:
        layout["yaxis"]["autorange"] = "reversed"
    return finish([trace], layout, extra_layout)


def matrix(
    matrix: Any,
    series: str,
    title: str,
    xaxis: str | None = None,
    yaxis: str | None = None,
    xlabels: Sequence[Any] | None = None,
    ylabels: Sequence[Any] | None = None,
    yaxis_reversed: bool = False,
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
    *,
    annotate: bool = False,
) -> PlotDict:
    """Build the plotly heatmap of ``Logger.report_matrix``: :func:`confusion_matrix` without cell numbers."""
    return confusion_matrix(
        matrix,
        series,
        title,
        xaxis,
        yaxis,
        xlabels,
        ylabels,
        yaxis_reversed,
        comment,
        extra_layout,
        annotate=annotate,
    )


def surface(
    matrix: Any,
    series: str,
    title: str,
    xaxis: str | None = None,
    yaxis: str | None = None,
    zaxis: str | None = None,
    xlabels: Sequence[Any] | None = None,
    ylabels: Sequence[Any] | None = None,
    camera: Sequence[float] | None = None,
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly 3-D surface of ``Logger.report_surface``: ``matrix[row][column]`` is the height.

    ``xlabels`` name the columns, ``ylabels`` the rows; ``camera`` is the ``(x, y, z)`` eye position.
    """
    values = as_numeric_matrix(matrix, "matrix")
    columns = check_labels(xlabels, values.shape[1], "xlabels", "columns in matrix")
    rows = check_labels(ylabels, values.shape[0], "ylabels", "rows in matrix")
    trace = {"type": "surface", "name": series, "z": values, "colorscale": "Viridis", "showscale": False}
    scene: dict[str, Any] = {
        "xaxis": _labelled_axis(xaxis, columns, showgrid=False, nticks=10),
        "yaxis": _labelled_axis(yaxis, rows, showgrid=False, nticks=10),
        "zaxis": axis(zaxis, nticks=5),
    }
    if camera is not None:
        eye = list(camera)
        if len(eye) != 3:
            raise InvalidArgument(f"camera must be the (x, y, z) eye position, 3 numbers; got {len(eye)}")
        scene["camera"] = {"eye": {"x": eye[0], "y": eye[1], "z": eye[2]}}
    layout = {"title": title_text(title, comment), "showlegend": False, "scene": scene}
    return finish([trace], layout, extra_layout)


def _labelled_axis(title: str | None, labels: list[Any] | None, **extra: Any) -> dict[str, Any]:
    """A scene axis whose ticks, if labels are given, show one label per matrix index."""
    out = axis(title, **extra)
    if labels is not None:
        out.update(tickvals=list(range(len(labels))), ticktext=[str(label) for label in labels])
    return out
