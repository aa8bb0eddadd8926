"""3-D scatter plots: ``Logger.report_scatter3d``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

_EXAMPLE = "[[x0, y0, z0], [x1, y1, z1], ...]"


def scatter3d(
    scatter: Any,
    series: str | Sequence[str],
    title: str,
    xaxis: str | None = None,
    yaxis: str | None = None,
    zaxis: str | None = None,
    labels: Sequence[Any] | None = None,
    mode: str = "markers",
    fill: bool = False,
    comment: str | None = None,
    extra_layout: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly dict of ``Logger.report_scatter3d`` from N x 3 ``scatter`` points.

    As in ClearML, ``scatter`` may also be a list of N x 3 arrays, one trace each; then ``series``
    may be a list with one name per array and ``labels`` a list with one list of labels per array.
    ``fill=True`` fills the points with a surface along the z axis.
    """
    mode = check_scatter_mode(mode)
    groups = list(scatter) if _is_several(scatter) else [scatter]
    names = _names(series, len(groups))
    if len(groups) > 1 and labels is not None and len(labels) != len(groups):
        raise InvalidArgument(
            f"labels has {len(labels)} entries but scatter holds {len(groups)} arrays: "
            "pass one list of labels per array"
        )
    data = []
    for index, (group, name) in enumerate(zip(groups, names, strict=True)):
        what = "scatter" if len(groups) == 1 else f"scatter[{index}]"
        points = as_rows(group, what, 3, _EXAMPLE)
        trace: dict[str, Any] = {
            "type": "scatter3d",
            "name": name,
            "x": points[:, 0],
            "y": points[:, 1],
            "z": points[:, 2],
            "mode": mode,
            "marker": {"size": 5, "opacity": 0.8},
        }
        group_labels = labels[index] if len(groups) > 1 and labels is not None else labels
        checked = check_labels(group_labels, points.shape[0], "labels", "points")
        if checked is not None:
            trace["text"] = [str(label) for label in checked]
        if fill:
            trace["surfaceaxis"] = 2
        data.append(trace)
    layout = {
        "title": title_text(title, comment),
        "showlegend": True,
        "scene": {"xaxis": axis(xaxis), "yaxis": axis(yaxis), "zaxis": axis(zaxis)},
    }
    return finish(data, layout, extra_layout)


def _is_several(scatter: Any) -> bool:
    """True when ``scatter`` is a list of point arrays rather than one array of points."""
    if not isinstance(scatter, (list, tuple)) or not scatter:
        return False
    first = scatter[0]
    if hasattr(first, "ndim"):
        return int(first.ndim) == 2
    return isinstance(first, (list, tuple)) and bool(first) and isinstance(first[0], (list, tuple))


def _names(series: str | Sequence[str], count: int) -> list[str]:
    """One trace name per point array."""
    if isinstance(series, str):
        return [series] * count
    names = [str(name) for name in series]
    if len(names) != count:
        raise InvalidArgument(
            f"series has {len(names)} names but scatter holds {count} arrays: pass one name for each"
        )
    return names
