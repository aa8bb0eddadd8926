"""What a task looks like in a notebook: the live scalar plot, with a static picture beside it.

Every bundle carries the widget view *and* a PNG of the same plot: JupyterLab draws the widget,
while a saved notebook, its HTML snapshot and GitHub show the picture. At the end of each cell
the picture of every plot that changed is redrawn (``update_display``), so the saved notebook
shows the plot as it ended, not as it began.
"""
from __future__ import annotations

import base64
import uuid
from typing import Any

from jupyter_ext.notebook.live_plot import png as fallback
from jupyter_ext.notebook.live_plot import widget as live

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _live_here(task: Any) -> bool:
    return bool(getattr(task, "_live", False)) and not getattr(task, "_closed", True)


def plot_state(tasks: list[Any], heading: str = "") -> live.LivePlotState:
    """A plot of ``tasks``' scalars with its widget, fed with new points from now on."""
    state = live.LivePlotState(tasks, live=all(_live_here(t) for t in tasks))
    state.load_history()
    live.make_widget(state, heading)
    live.register(state)
    return state


def png_of(state: live.LivePlotState) -> bytes:
    with state.lock:
        series = []
        for key, s in state.streams.items():
            x, y = s.points()
            tail = s.tail()
            xs, ys = x.tolist(), y.tolist()
            if tail:
                xs.append(tail[0])
                ys.append(tail[1])
            series.append((key[1], state._label(key[0], key[2]), xs, ys))
    return fallback.scalar_png(fallback.charts_of(series))


def bundle(state: live.LivePlotState, text: str) -> dict[str, Any]:
    widget = state.widget._repr_mimebundle_()
    data = dict(widget[0] if isinstance(widget, tuple) else widget)
    data["text/plain"] = text
    data["image/png"] = base64.b64encode(png_of(state)).decode("ascii")
    return data


def heading_of(task: Any) -> str:
    return f"{task.get_project_name()} / {task.name} ({task.id[:8]})"


def show_task(task: Any) -> live.LivePlotState:
    """Display the live scalar plot of ``task`` (``task.show()``)."""
    from IPython.display import display

    state = plot_state([task], heading_of(task))
    state.display_id = uuid.uuid4().hex
    state.fallback_version = state.version
    display(bundle(state, repr(task)), raw=True, display_id=state.display_id)
    return state


def task_mimebundle(task: Any) -> dict[str, Any]:
    """The bundle of ``task`` for frontends that ask ``_repr_mimebundle_`` (no display id)."""
    return bundle(plot_state([task], heading_of(task)), repr(task))


def after_cell() -> None:
    """Send the last points, and redraw the pictures of plots that changed during the cell."""
    live.flush_all()
    changed = [p for p in live.shown_plots() if p.display_id and p.version != p.fallback_version]
    if not changed:
        return
    from IPython.display import update_display

    for plot in changed:
        plot.fallback_version = plot.version
        text = repr(plot.tasks[0]) if plot.tasks else ""
        update_display(bundle(plot, text), raw=True, display_id=plot.display_id)
