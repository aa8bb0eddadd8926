"""Matplotlib artists (lines, scatter points, bars, texts) as plotly traces.

Used by :mod:`matplotlib_axes`; raises :class:`Unsupported` for anything it cannot draw the same
way, so the caller falls back to storing a PNG.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

_DASHES = {
    "-": "solid",
    "solid": "solid",
    "--": "dash",
    "dashed": "dash",
    "-.": "dashdot",
    "dashdot": "dashdot",
    ":": "dot",
    "dotted": "dot",
}
_NO_LINE = {"None", "none", "", " "}
_SHAPES = {"default": "linear", "steps": "vh", "steps-pre": "vh", "steps-mid": "hvh", "steps-post": "hv"}
_SYMBOLS = {
    "o": "circle",
    ".": "circle",
    ",": "square",
    "s": "square",
    "^": "triangle-up",
    "v": "triangle-down",
    "<": "triangle-left",
    ">": "triangle-right",
    "D": "diamond",
    "d": "diamond-tall",
    "x": "x",
    "X": "x",
    "+": "cross",
    "P": "cross",
    "*": "star",
    "p": "pentagon",
    "h": "hexagon",
    "H": "hexagon2",
    "8": "octagon",
    "|": "line-ns",
    "_": "line-ew",
}
_SMALL_MARKERS = {".": 0.5, ",": 0.2}  # matplotlib draws these smaller than their nominal size


class Unsupported(Exception):
    """The figure holds something that would not look the same as a plotly trace."""


@dataclass(frozen=True)
class AxisValues:
    """Turns matplotlib's numeric positions on one axis back into what plotly should plot."""

    is_date: bool = False

    def convert(self, values: Any) -> Any:
        """Positions as numbers, or as ISO date strings on a date axis."""
        import numpy as np

        try:
            numbers = np.asarray(values, dtype=float).ravel()
        except (TypeError, ValueError) as exc:
            raise Unsupported(f"non-numeric data: {exc}") from exc
        if not self.is_date:
            return numbers
        return [self.date(v) if np.isfinite(v) else None for v in numbers]

    @staticmethod
    def date(value: float) -> str:
        """A matplotlib date number as a naive ISO string (plotly does not parse UTC offsets)."""
        from matplotlib.dates import num2date

        to_datetime: Callable[[float], datetime] = num2date  # matplotlib leaves num2date unannotated
        return to_datetime(value).replace(tzinfo=None).isoformat()


@dataclass(frozen=True)
class Target:
    """Where traces of one matplotlib Axes go: plotly axis ids, value conversion, pixel scale."""

    xref: str
    yref: str
    x: AxisValues
    y: AxisValues
    px_per_pt: float

    def px(self, points: float) -> float:
        """A length in points (matplotlib) as pixels (plotly), rounded to keep stored JSON small."""
        return round(float(points) * self.px_per_pt, 2)

    def place(self, trace: dict[str, Any], label: str) -> dict[str, Any]:
        """Attach axis ids, name and legend visibility to a trace."""
        trace.update(xaxis=self.xref, yaxis=self.yref)
        if label and not label.startswith("_"):
            trace["name"] = label
        else:
            trace["showlegend"] = False
        return trace


def rgba(color: Any, alpha: float | None = None) -> str:
    """Any matplotlib colour as a plotly ``rgba(r, g, b, a)`` string."""
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(color, alpha)
    return f"rgba({round(r * 255)}, {round(g * 255)}, {round(b * 255)}, {round(a, 3)})"


def line_trace(line: Any, target: Target) -> dict[str, Any] | None:
    """A plotly scatter trace for a ``Line2D`` in data coordinates; None if it draws nothing."""
    has_line = line.get_linestyle() not in _NO_LINE and line.get_linewidth() > 0
    marker = line.get_marker()
    if marker is not None and (not isinstance(marker, str) or marker.startswith("$")):
        raise Unsupported("custom or text marker")
    has_markers = marker is not None and marker not in _NO_LINE
    if not (has_line or has_markers):
        return None
    alpha = line.get_alpha()
    trace: dict[str, Any] = {
        "type": "scatter",
        "x": target.x.convert(line.get_xdata(orig=False)),
        "y": target.y.convert(line.get_ydata(orig=False)),
        "mode": "+".join(m for m, on in (("lines", has_line), ("markers", has_markers)) if on),
    }
    if has_line:
        trace["line"] = {
            "color": rgba(line.get_color(), alpha),
            "width": target.px(line.get_linewidth()),
            "dash": _DASHES.get(str(line.get_linestyle()), "solid"),
            "shape": _SHAPES.get(line.get_drawstyle(), "linear"),
        }
    if has_markers:
        marker = str(marker)
        size = line.get_markersize() * _SMALL_MARKERS.get(marker, 1.0)
        trace["marker"] = {
            "symbol": _SYMBOLS.get(marker, "circle"),
            "size": target.px(size),
            "color": rgba(line.get_markerfacecolor(), alpha),
            "line": {
                "color": rgba(line.get_markeredgecolor(), alpha),
                "width": target.px(line.get_markeredgewidth()),
            },
        }
    return target.place(trace, line.get_label())


def scatter_trace(collection: Any, target: Target) -> dict[str, Any]:
    """A plotly markers trace for a ``PathCollection`` made by ``ax.scatter``."""
    import numpy as np

    offsets = np.asarray(collection.get_offsets())
    collection.update_scalarmappable()  # apply a colormap to facecolors, as drawing would
    faces = [rgba(c) for c in collection.get_facecolors()] or ["rgba(0, 0, 0, 0)"]
    edges = [rgba(c) for c in collection.get_edgecolors()] or ["rgba(0, 0, 0, 0)"]
    sizes = [target.px(np.sqrt(s)) for s in collection.get_sizes()] or [target.px(6.0)]
    widths = list(collection.get_linewidths()) or [0.0]
    marker = {
        "symbol": _scatter_symbol(collection),
        "color": faces[0] if len(faces) == 1 else faces,
        "size": sizes[0] if len(sizes) == 1 else sizes,
        "line": {"color": edges[0] if len(edges) == 1 else edges, "width": target.px(float(widths[0]))},
    }
    trace = {
        "type": "scatter",
        "mode": "markers",
        "x": target.x.convert(offsets[:, 0]) if offsets.size else [],
        "y": target.y.convert(offsets[:, 1]) if offsets.size else [],
        "marker": marker,
    }
    return target.place(trace, collection.get_label())


def bar_trace(container: Any, target: Target) -> dict[str, Any]:
    """A plotly bar trace for a ``BarContainer`` (``ax.bar``, ``ax.barh``, ``ax.hist``)."""
    patches = [p for p in container.patches if p.get_visible()]
    horizontal = getattr(container, "orientation", "vertical") == "horizontal"
    if (target.y if not horizontal else target.x).is_date:
        raise Unsupported("bar lengths on a date axis")
    if horizontal:
        spans = [(p.get_y(), p.get_height(), p.get_x(), p.get_width()) for p in patches]
        position_axis = target.y
    else:
        spans = [(p.get_x(), p.get_width(), p.get_y(), p.get_height()) for p in patches]
        position_axis = target.x
    ms_per_unit = 86_400_000.0 if position_axis.is_date else 1.0  # plotly date axes count bar widths in ms
    position, length = ("y", "x") if horizontal else ("x", "y")
    trace: dict[str, Any] = {
        "type": "bar",
        "orientation": "h" if horizontal else "v",
        position: position_axis.convert([start + size / 2 for start, size, _, _ in spans]),
        length: [bar_length for _, _, _, bar_length in spans],
        "base": [base for _, _, base, _ in spans],
        "width": [abs(size) * ms_per_unit for _, size, _, _ in spans],
        "marker": {
            "color": [rgba(p.get_facecolor()) for p in patches],
            "line": {
                "color": [rgba(p.get_edgecolor()) for p in patches],
                "width": target.px(max((p.get_linewidth() for p in patches), default=0.0)),
            },
        },
    }
    return target.place(trace, container.get_label())


def text_annotation(text: Any, target: Target) -> dict[str, Any]:
    """A plotly annotation for ``ax.text(x, y, s)`` in data coordinates."""
    x, y = text.get_position()
    vertical = {"center": "middle", "center_baseline": "middle", "baseline": "bottom"}
    return {
        "x": target.x.convert([x])[0],
        "y": target.y.convert([y])[0],
        "xref": target.xref,
        "yref": target.yref,
        "text": text.get_text(),
        "showarrow": False,
        "xanchor": text.get_horizontalalignment(),
        "yanchor": vertical.get(text.get_verticalalignment(), text.get_verticalalignment()),
        "textangle": -text.get_rotation(),
        "font": {"size": target.px(text.get_fontsize()), "color": rgba(text.get_color())},
    }


def _scatter_symbol(collection: Any) -> str:
    """The plotly symbol whose matplotlib marker path matches the scatter's."""
    import numpy as np
    from matplotlib.markers import MarkerStyle

    paths = collection.get_paths()
    if len(paths) != 1:
        raise Unsupported("scatter with several marker shapes")
    vertices = paths[0].vertices
    for marker, symbol in _SYMBOLS.items():
        style = MarkerStyle(marker)
        candidate = np.asarray(style.get_path().transformed(style.get_transform()).vertices)
        if candidate.shape == vertices.shape and np.allclose(candidate, vertices):
            return symbol
    return "circle"
