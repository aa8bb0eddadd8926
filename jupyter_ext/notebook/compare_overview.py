"""The inline comparison's parameter overview: parallel coordinates (plotly ``parcoords``) of the
hyperparameters that differ and a metric, and a parameter-vs-metric scatter, as plotly figures.

Shown through the ``application/vnd.plotly.v1+json`` mime type, which JupyterLab and Notebook 7
draw with the plotly renderer they ship (no network), with a table as the saved notebook's
fallback. The axes follow the lab's compare view (labextension/src/model/compare.ts): numbers as
they are, other values as named categories; tasks coloured as everywhere else.
"""
from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.notebook import palette

MAX_AXES = 30
WHICH = ("last", "min", "max")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and value.strip():
        try:
            f = float(value)
        except ValueError:
            return None
        return f if math.isfinite(f) else None
    return None


def dimension(label: str, values: Sequence[Any]) -> dict[str, Any]:
    """A parcoords axis: numeric when every present value is a number, else one tick per name."""
    present = [v for v in values if v is not None and v != ""]
    nums = [_number(v) for v in present]
    if present and all(n is not None for n in nums):
        return {"label": label, "values": [_number(v) if v is not None and v != "" else None for v in values]}
    names = sorted({"—" if v is None else str(v) for v in values})
    return {"label": label, "values": [names.index("—" if v is None else str(v)) for v in values],
            "tickvals": list(range(len(names))), "ticktext": names}


def metric_keys(last_metrics: Sequence[dict[str, Any]]) -> list[str]:
    """``title/series`` of every metric of the tasks, the user's before ``:monitor:*``."""
    keys: dict[str, None] = {}
    for per_task in last_metrics:
        for title, by_series in per_task.items():
            for series in by_series:
                keys[f"{title}/{series}"] = None
    return sorted(keys, key=lambda k: k.startswith(":monitor:"))


def metric_value(per_task: dict[str, Any], key: str, which: str) -> float | None:
    title, _, series = key.partition("/")
    entry = per_task.get(title, {}).get(series)
    value = entry.get(which) if isinstance(entry, dict) else None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


class Overview:
    """The two figures for tasks, their parameters (``{name: [value per task]}``) and metrics."""

    def __init__(self, names: list[str], params: dict[str, list[Any]], differing: list[str],
                 last_metrics: list[dict[str, Any]], metric: str | None = None, which: str = "last") -> None:
        if which not in WHICH:
            raise InvalidArgument(f"the metric's value is one of {', '.join(WHICH)}, not {which!r}")
        keys = metric_keys(last_metrics)
        if metric is not None and metric not in keys:
            raise InvalidArgument(f"no task reported the metric {metric!r}; give a 'title/series' of "
                                  f"{', '.join(keys[:8]) or '(none reported)'}")
        self.names = names
        self.colors = [palette.task_color(i) for i in range(len(names))]
        self.differing = differing[:MAX_AXES]
        self.params = params
        self.metric = metric or (keys[0] if keys else None)
        self.which = which
        self.values = [metric_value(m, self.metric, which) if self.metric else None for m in last_metrics]

    @property
    def metric_label(self) -> str:
        return f"{self.metric} ({self.which})" if self.metric else ""

    def parcoords(self) -> dict[str, Any] | None:
        dims = [dimension(n, self.params[n]) for n in self.differing]
        if not dims:
            return None
        if self.metric:
            dims.append({"label": self.metric_label, "values": self.values})
        n = len(self.names)
        scale = [[i / max(1, n - 1), c] for i, c in enumerate(self.colors)] if n > 1 else [[0, self.colors[0]],
                                                                                           [1, self.colors[0]]]
        trace = {"type": "parcoords", "dimensions": dims,
                 "line": {"color": list(range(n)), "colorscale": scale, "cmin": 0, "cmax": max(1, n - 1)}}
        return {"data": [trace], "layout": {"title": {"text": "Parallel coordinates"}, "height": 360,
                                            "margin": {"l": 60, "r": 60, "t": 70, "b": 20}}}

    def scatter(self, param: str | None = None) -> dict[str, Any] | None:
        name = param or (self.differing[0] if self.differing else None)
        if name is None or not self.metric:
            return None
        axis = dimension(name, self.params[name])
        trace = {"type": "scatter", "mode": "markers+text", "x": axis["values"], "y": self.values,
                 "text": self.names, "textposition": "top center", "hovertemplate": "%{text}<extra></extra>",
                 "marker": {"color": self.colors, "size": 11}}
        xaxis: dict[str, Any] = {"title": {"text": name}}
        if "tickvals" in axis:
            xaxis.update(tickvals=axis["tickvals"], ticktext=axis["ticktext"])
        return {"data": [trace], "layout": {"title": {"text": f"{name} vs {self.metric_label}"}, "height": 340,
                                            "xaxis": xaxis, "yaxis": {"title": {"text": self.metric_label}},
                                            "showlegend": False}}

    def fallback_html(self) -> str:
        """What a saved notebook shows without the plotly renderer: the plotted values as a table."""
        heads = "".join(f"<th>{html.escape(n)}</th>" for n in self.differing)
        rows = []
        for i, name in enumerate(self.names):
            cells = "".join(f"<td>{html.escape(str(self.params[n][i]))}</td>" for n in self.differing)
            value = "" if self.values[i] is None else f"{self.values[i]:.6g}"
            rows.append(f"<tr><td><span style='color:{self.colors[i]}'>■</span> {html.escape(name)}</td>{cells}"
                        f"<td>{value}</td></tr>")
        return (f"<table class='jupyter-track-overview'><tr><th>task</th>{heads}"
                f"<th>{html.escape(self.metric_label)}</th></tr>{''.join(rows)}</table>")

    def bundles(self) -> list[dict[str, Any]]:
        out = []
        for figure, text in ((self.parcoords(), "parallel coordinates"), (self.scatter(), "parameter vs metric")):
            if figure is not None:
                out.append({"application/vnd.plotly.v1+json": figure, "text/html": self.fallback_html(),
                            "text/plain": f"<{text} of {len(self.names)} tasks>"})
        return out
