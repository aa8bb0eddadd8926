"""matplotlib (and seaborn, which draws with it): every figure shown or saved lands in Plots.

Hooked: ``pyplot.show``, ``Figure.show``, ``Figure.savefig`` and, in a notebook, the inline
backend's ``display`` (both the explicit ``plt.show()`` and the figures the backend shows by
itself at the end of a cell go through it). A figure becomes an interactive plotly plot when
it converts faithfully, else its PNG shown in a plotly image plot: either way it is among the
task's Plots. A figure shown or saved again unchanged is stored once;
changed, it is stored again at the next iteration of its title.

The plot's title is the figure's suptitle, else the first axes title, else "untitled NN".
"""
from __future__ import annotations

import weakref
from types import ModuleType
from typing import Any

from jupyter_ext.integrations._state import patch, reporting, task_for, warn

KEY = "matplotlib"
SERIES = "plot"

# Figures stored, with the title they were stored under (matplotlib marks a figure stale
# when it changes, so "stored and not stale" means "nothing new to store").
_stored: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()
_iterations: dict[str, int] = {}
_untitled = [-1]
UNTITLED_HISTORY = 100  # as ClearML: the first untitled figure is "untitled 00", reused after "untitled 99"


def report_figure(figure: Any, changed: bool | None = None) -> None:
    """Store ``figure`` on the current task unless it is already stored and unchanged
    (``changed``: what the caller saw before it drew the figure itself)."""
    task = task_for(KEY)
    if task is None or not hasattr(figure, "axes"):
        return
    if changed is None:
        changed = _changed(figure)
    if not changed:
        return
    if not any(ax.has_data() or ax.images for ax in figure.axes):
        return  # an empty canvas (plt.show() with nothing drawn)
    try:
        with reporting():
            title = _title(figure)
            iteration = _iterations.get(title, -1) + 1
            _iterations[title] = iteration
            task.get_logger().report_plotly(title, SERIES, as_plot(figure, title), iteration=iteration)
            figure.stale = False  # rendering above settled it; a change from now on marks it again
            _stored[figure] = title
            _this_cell.add(figure)
    except Exception as exc:  # noqa: BLE001 - a hook must never break the user's plot
        warn("storing a matplotlib figure", exc)


def _changed(figure: Any) -> bool:
    return figure not in _stored or bool(getattr(figure, "stale", True))


def as_plot(figure: Any, title: str) -> dict[str, Any]:
    """The figure as plotly JSON: converted when that is faithful, else its PNG as an image plot
    (so every figure lands among the Plots, as in ClearML)."""
    from jupyter_ext.sdk.logging.figures import figure_from_matplotlib, matplotlib_to_png
    from jupyter_ext.sdk.logging.figures.images import image_plot

    return figure_from_matplotlib(figure) or image_plot(matplotlib_to_png(figure), title)


def _title(figure: Any) -> str:
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return str(suptitle.get_text())
    for ax in figure.axes:
        text = ax.get_title() or ax.get_title("left") or ax.get_title("right")
        if text:
            return str(text)
    known = _stored.get(figure)
    if known is not None and known.startswith("untitled "):
        return known
    _untitled[0] = (_untitled[0] + 1) % UNTITLED_HISTORY
    return f"untitled {_untitled[0]:02d}"


def _patch_figure(module: ModuleType) -> None:
    figure_class = module.Figure
    _patch_explicit_reports()

    def make_savefig(original: Any) -> Any:
        def savefig(self: Any, *args: Any, **kwargs: Any) -> Any:
            # Saving leaves the figure marked as changed (it restores its colours afterwards):
            # whether it changed is read before.
            changed = _changed(self)
            result = original(self, *args, **kwargs)
            if changed:
                report_figure(self, changed)
            elif self in _stored:
                self.stale = False  # as it was: the next show() need not store it again
            return result
        return savefig

    def make_show(original: Any) -> Any:
        def show(self: Any, *args: Any, **kwargs: Any) -> Any:
            report_figure(self)
            return original(self, *args, **kwargs)
        return show

    patch(figure_class, "savefig", make_savefig)
    patch(figure_class, "show", make_show)
    _watch_cell_values()


_watching: list[Any] = []
# Figures stored during the running cell: the value's own rendering marks a figure changed,
# and one the backend already showed in this cell must not be stored twice.
_this_cell: weakref.WeakSet[Any] = weakref.WeakSet()


def _watch_cell_values() -> None:
    """A ``Figure()`` made without pyplot and left as a cell's value reaches the notebook only
    through IPython's image formatter, which no hook above sees: look at each cell's value."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or shell in _watching:
        return

    def pre_run_cell(*_: Any) -> None:
        _this_cell.clear()

    def post_run_cell(result: Any) -> None:
        value = getattr(result, "result", None)
        if hasattr(value, "savefig") and hasattr(value, "axes") and value not in _this_cell:
            report_figure(value)

    shell.events.register("pre_run_cell", pre_run_cell)
    shell.events.register("post_run_cell", post_run_cell)
    _watching.append(shell)


def _patch_pyplot(module: ModuleType) -> None:
    def make_show(original: Any) -> Any:
        def show(*args: Any, **kwargs: Any) -> Any:
            if task_for(KEY) is not None:
                try:
                    from matplotlib._pylab_helpers import Gcf

                    for manager in Gcf.get_all_fig_managers():
                        report_figure(manager.canvas.figure)
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's plot
                    warn("storing matplotlib figures on show()", exc)
            return original(*args, **kwargs)
        return show

    patch(module, "show", make_show)


def _patch_inline(module: ModuleType) -> None:
    # The inline backend shows figures through this module's ``display`` name, looked up at
    # each call: both its show() and the post-execute flush of a cell pass here.
    def make_display(original: Any) -> Any:
        def display(*objs: Any, **kwargs: Any) -> Any:
            for obj in objs:
                if hasattr(obj, "savefig") and hasattr(obj, "axes"):
                    report_figure(obj)
            return original(*objs, **kwargs)
        return display

    patch(module, "display", make_display)


def _patch_explicit_reports() -> None:
    """A figure the user stores with ``Logger.report_matplotlib_figure`` is not stored again by
    the hooks (its PNG rendering calls ``savefig``; a later ``plt.show()`` of it unchanged)."""
    from jupyter_ext.sdk.logging.logger import Logger

    def make(original: Any) -> Any:
        def report_matplotlib_figure(self: Any, title: str, series: str, figure: Any, *args: Any,
                                     **kwargs: Any) -> Any:
            with reporting():
                result = original(self, title, series, figure, *args, **kwargs)
            target = figure.gcf() if isinstance(figure, ModuleType) else figure
            try:
                _stored[target] = str(title)
                target.stale = False
            except TypeError:
                pass  # not a figure we can remember
            return result
        return report_matplotlib_figure

    patch(Logger, "report_matplotlib_figure", make)
