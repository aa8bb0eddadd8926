"""One matplotlib Axes as plotly traces, axis layouts, annotations and shapes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from jupyter_ext.sdk.logging.figures.matplotlib_artists import (
    AxisValues,
    Target,
    Unsupported,
    bar_trace,
    line_trace,
    rgba,
    scatter_trace,
    text_annotation,
)


@dataclass
class AxesPlot:
    """What one Axes contributes to the plotly figure."""

    traces: list[dict[str, Any]] = field(default_factory=list)
    annotations: list[dict[str, Any]] = field(default_factory=list)
    shapes: list[dict[str, Any]] = field(default_factory=list)
    has_legend: bool = False


def check_supported(ax: Any) -> None:
    """Raise Unsupported unless every artist on ``ax`` has a faithful plotly equivalent."""
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer
    from matplotlib.text import Text

    if ax.name != "rectilinear":
        raise Unsupported(f"{ax.name} axes")
    if ax.images or ax.tables or ax.artists or ax.child_axes:
        raise Unsupported("images, tables, inset axes or custom artists")
    for scale in (ax.get_xscale(), ax.get_yscale()):
        if scale not in ("linear", "log"):
            raise Unsupported(f"{scale} scale")
    for collection in ax.collections:
        if type(collection) is not PathCollection or collection.get_offset_transform() is not ax.transData:
            raise Unsupported(type(collection).__name__)
    bars = {id(p) for c in ax.containers if isinstance(c, BarContainer) for p in c.patches}
    if any(id(patch) not in bars or patch.get_data_transform() is not ax.transData for patch in ax.patches):
        raise Unsupported("patches other than bars")
    if any(type(text) is not Text or text.get_transform() is not ax.transData for text in ax.texts):
        raise Unsupported("annotations or texts outside data coordinates")


def axes_plot(ax: Any, target: Target) -> AxesPlot:
    """Convert the artists of a supported Axes (see :func:`check_supported`)."""
    from matplotlib.container import BarContainer

    plot = AxesPlot(has_legend=ax.get_legend() is not None)
    for line in ax.lines:
        if not line.get_visible():
            continue
        if line.get_transform() is ax.transData:
            trace = line_trace(line, target)
            if trace is not None:
                plot.traces.append(trace)
        else:
            plot.shapes.append(_reference_line(ax, line, target))
    plot.traces.extend(scatter_trace(c, target) for c in ax.collections if c.get_visible())
    plot.traces.extend(bar_trace(c, target) for c in ax.containers if isinstance(c, BarContainer))
    plot.annotations.extend(text_annotation(t, target) for t in ax.texts if t.get_visible() and t.get_text())
    return plot


def axis_values(axis: Any) -> AxisValues:
    """How positions on a matplotlib x or y axis map to plotly values (dates or numbers)."""
    from matplotlib.dates import DateLocator

    return AxisValues(is_date=isinstance(axis.get_major_locator(), DateLocator))


def axis_layout(ax: Any, which: str, values: AxisValues) -> dict[str, Any]:
    """A plotly axis dict: label, range, log or date type, fixed ticks, grid and frame."""
    from matplotlib.category import StrCategoryLocator
    from matplotlib.ticker import FixedLocator

    axis = ax.xaxis if which == "x" else ax.yaxis
    low, high = ax.get_xlim() if which == "x" else ax.get_ylim()
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    out: dict[str, Any] = {
        "showgrid": any(line.get_visible() for line in axis.get_gridlines()),
        "zeroline": False,
        "showline": True,
        "mirror": True,
        "linecolor": rgba(ax.spines["bottom" if which == "x" else "left"].get_edgecolor()),
        "ticks": "outside",
        "visible": bool(ax.axison),
    }
    label = axis.get_label().get_text()
    if label:
        out["title"] = {"text": label}
    if scale == "log":
        out["type"] = "log"
        if low > 0 and high > 0:
            out["range"] = [math.log10(low), math.log10(high)]
    elif values.is_date:
        out["type"] = "date"
        out["range"] = [values.date(low), values.date(high)]
    else:
        out["type"] = "linear"
        out["range"] = [low, high]
    if isinstance(axis.get_major_locator(), (FixedLocator, StrCategoryLocator)):
        out["tickmode"] = "array"
        out["tickvals"] = list(axis.get_majorticklocs())
        out["ticktext"] = [tick.get_text() for tick in axis.get_majorticklabels()]
    return out


def _reference_line(ax: Any, line: Any, target: Target) -> dict[str, Any]:
    """A plotly shape for ``axhline`` / ``axvline``, which span the axes whatever the data range."""
    xs, ys = list(line.get_xdata()), list(line.get_ydata())
    transform = line.get_transform()
    if len(xs) != 2 or len(ys) != 2:
        raise Unsupported("line in axes coordinates")
    if transform is ax.get_yaxis_transform(which="grid"):  # axhline: x in axes fraction, y in data
        xref, yref = f"{target.xref} domain", target.yref
        y0, y1 = target.y.convert(ys)
        x0, x1 = xs
    elif transform is ax.get_xaxis_transform(which="grid"):  # axvline: x in data, y in axes fraction
        xref, yref = target.xref, f"{target.yref} domain"
        x0, x1 = target.x.convert(xs)
        y0, y1 = ys
    else:
        raise Unsupported("line outside data coordinates")
    return {
        "type": "line",
        "xref": xref,
        "yref": yref,
        "x0": x0,
        "x1": x1,
        "y0": y0,
        "y1": y1,
        "line": {
            "color": rgba(line.get_color(), line.get_alpha()),
            "width": target.px(line.get_linewidth()),
            "dash": {"--": "dash", "-.": "dashdot", ":": "dot"}.get(str(line.get_linestyle()), "solid"),
        },
    }
