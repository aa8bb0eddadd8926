"""Matplotlib figures for ``Logger.report_matplotlib_figure``: as plotly dicts when faithful, else PNG."""

from __future__ import annotations

import io
import logging
import types
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import PlotDict, finish
from jupyter_ext.sdk.logging.figures.matplotlib_artists import Target, Unsupported, rgba
from jupyter_ext.sdk.logging.figures.matplotlib_axes import axes_plot, axis_layout, axis_values, check_supported

_log = logging.getLogger(__name__)


def figure_from_matplotlib(figure: Any) -> PlotDict | None:
    """Convert a matplotlib Figure (or the ``pyplot`` module: its current figure) to a plotly dict.

    Lines, scatter points, bars and histograms, data-coordinate texts, ``axhline``/``axvline``,
    axis labels, limits, log and date axes, subplots, twin axes, titles and legends are kept.
    Returns ``None`` when the figure holds something plotly would draw differently (images from
    ``imshow``, 3-D or polar axes, filled areas, error bars, colour bars, ...); store
    :func:`matplotlib_to_png` instead.
    """
    fig = _resolve(figure)
    try:
        return _convert(fig)
    except Unsupported as reason:
        _log.debug("storing matplotlib figure as PNG: %s", reason)
        return None
    except (AttributeError, TypeError, ValueError) as exc:
        # Third-party artists can break the walk in ways we cannot foresee; a PNG still shows them.
        _log.debug("storing matplotlib figure as PNG: conversion failed", exc_info=exc)
        return None


def matplotlib_to_png(figure: Any, dpi: int = 100) -> bytes:
    """Render a matplotlib Figure (or ``pyplot``'s current figure) to PNG bytes, trimmed to its content."""
    if not isinstance(dpi, (int, float)) or dpi <= 0:
        raise InvalidArgument(f"dpi must be a positive number of dots per inch; got {dpi!r}")
    fig = _resolve(figure)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def _resolve(figure: Any) -> Any:
    """The Figure itself, or ``pyplot.gcf()`` when given the pyplot module."""
    if isinstance(figure, types.ModuleType) and callable(getattr(figure, "gcf", None)):
        figure = figure.gcf()
    if not (hasattr(figure, "axes") and callable(getattr(figure, "savefig", None))):
        raise InvalidArgument(
            f"figure must be a matplotlib Figure or the matplotlib.pyplot module; got {type(figure).__name__}"
        )
    return figure


def _convert(fig: Any) -> PlotDict:
    """Walk the figure's axes; raises Unsupported for anything without a faithful plotly form."""
    axes = [ax for ax in fig.axes if ax.get_visible()]
    suptitle = _suptitle(fig)
    if not axes or fig.images or fig.patches or fig.lines or fig.artists or fig.subfigs:
        raise Unsupported("figure-level artists or no axes")
    if any(text.get_visible() and text.get_text() and text.get_text() != suptitle for text in fig.texts):
        raise Unsupported("figure texts other than the suptitle")
    for ax in axes:
        check_supported(ax)
    fig.draw_without_rendering()  # settles autoscaled limits, ticks and colormapped colours
    px_per_pt = fig.dpi / 72.0
    layout: dict[str, Any] = {
        "paper_bgcolor": rgba(fig.get_facecolor()),
        "plot_bgcolor": rgba(axes[0].get_facecolor()),
    }
    data: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    has_legend = bool(fig.legends)
    placed: list[tuple[Any, str, str]] = []
    domains = _domains(axes)
    several_boxes = len({(tuple(x), tuple(y)) for x, y in domains.values()}) > 1
    for number, ax in enumerate(axes, start=1):
        xref, yref = _axis_refs(ax, number, placed, layout, domains)
        placed.append((ax, xref, yref))
        target = Target(xref, yref, axis_values(ax.xaxis), axis_values(ax.yaxis), px_per_pt)
        plot = axes_plot(ax, target)
        data.extend(plot.traces)
        annotations.extend(plot.annotations)
        shapes.extend(plot.shapes)
        has_legend = has_legend or plot.has_legend
        title = _axes_title(ax)
        if title and (several_boxes or suptitle):
            x0, x1 = domains[ax][0]
            top = domains[ax][1][1]
            annotations.append(
                {
                    "text": title,
                    "xref": "paper",
                    "yref": "paper",
                    "x": (x0 + x1) / 2,
                    "y": top,
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "showarrow": False,
                }
            )
        elif title:
            suptitle = title
    layout.update(showlegend=has_legend, annotations=annotations, shapes=shapes)
    if suptitle:
        layout["title"] = {"text": suptitle}
    return finish(data, layout, None)


def _axis_refs(
    ax: Any, number: int, placed: list[tuple[Any, str, str]], layout: dict[str, Any], domains: dict[Any, Any]
) -> tuple[str, str]:
    """Plotly axis ids for ``ax``, adding their layouts; twin axes overlay the axes they twin."""
    xref, yref = ("x", "y") if number == 1 else (f"x{number}", f"y{number}")
    x_layout = axis_layout(ax, "x", axis_values(ax.xaxis))
    y_layout = axis_layout(ax, "y", axis_values(ax.yaxis))
    twin = next((p for p in placed if _same_box(p[0], ax)), None)
    if twin is not None:
        other, other_x, other_y = twin
        if ax.get_shared_x_axes().joined(ax, other):
            y_layout.update(overlaying=other_y, side="right", anchor=other_x, mirror=False, showgrid=False)
            layout[_key(yref)] = y_layout
            return other_x, yref
        if ax.get_shared_y_axes().joined(ax, other):
            x_layout.update(overlaying=other_x, side="top", anchor=other_y, mirror=False, showgrid=False)
            layout[_key(xref)] = x_layout
            return xref, other_y
        raise Unsupported("overlapping axes that are not twins")
    if len({(tuple(x), tuple(y)) for x, y in domains.values()}) > 1:
        x_layout["domain"], y_layout["domain"] = domains[ax]
    x_layout["anchor"], y_layout["anchor"] = yref, xref
    for other, other_x, other_y in placed:  # sharex=True / sharey=True: zoom together
        if "matches" not in x_layout and other_x != xref and ax.get_shared_x_axes().joined(ax, other):
            x_layout["matches"] = other_x
        if "matches" not in y_layout and other_y != yref and ax.get_shared_y_axes().joined(ax, other):
            y_layout["matches"] = other_y
    layout[_key(xref)], layout[_key(yref)] = x_layout, y_layout
    return xref, yref


def _key(ref: str) -> str:
    """Layout key of an axis id: ``x`` -> ``xaxis``, ``y3`` -> ``yaxis3``."""
    return f"{ref[0]}axis{ref[1:]}"


def _domains(axes: list[Any]) -> dict[Any, tuple[list[float], list[float]]]:
    """Each axes' box as plotly ``domain``s, stretched so all axes together fill the plot area."""
    boxes = {ax: ax.get_position() for ax in axes}
    left = min(b.x0 for b in boxes.values())
    right = max(b.x1 for b in boxes.values())
    bottom = min(b.y0 for b in boxes.values())
    top = max(b.y1 for b in boxes.values())

    def scale(value: float, low: float, high: float) -> float:
        return min(1.0, max(0.0, (value - low) / (high - low))) if high > low else 0.0

    return {
        ax: (
            [scale(b.x0, left, right), scale(b.x1, left, right)],
            [scale(b.y0, bottom, top), scale(b.y1, bottom, top)],
        )
        for ax, b in boxes.items()
    }


def _same_box(first: Any, second: Any) -> bool:
    a, b = first.get_position().bounds, second.get_position().bounds
    return all(abs(p - q) < 1e-6 for p, q in zip(a, b, strict=True))


def _axes_title(ax: Any) -> str:
    return " ".join(t for t in (ax.get_title("left"), ax.get_title("center"), ax.get_title("right")) if t)


def _suptitle(fig: Any) -> str:
    getter = getattr(fig, "get_suptitle", None)
    if callable(getter):
        return str(getter())
    text = getattr(fig, "_suptitle", None)
    return str(text.get_text()) if text is not None else ""
