"""A model's own plots: every plot kind of :class:`Logger` (tables, line plots, scatter plots,
histograms, confusion matrices, …) reported on a model, as ClearML's ``OutputModel.report_*``.

The figures are built by the Logger's own code (one builder per kind, so a model's table looks
like a task's), then stored in the model's ``model_plots`` rows instead of a task's plots.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.logger import Logger

# Logger's plot kinds that a model takes as they are (images and media are debug samples of a task).
PLOT_KINDS = ("report_plotly", "report_line_plot", "report_scatter2d", "report_scatter3d", "report_histogram",
              "report_vector", "report_confusion_matrix", "report_matrix", "report_surface", "report_table",
              "report_matplotlib_figure")


class _ModelFigures(Logger):
    """A Logger whose figures land on a model (built per call; holds only the model's id)."""

    def __init__(self, model_id: str) -> None:  # noqa: D107 - a Logger with no task: nothing else to set up
        self._model_id = model_id

    def _plot(self, title: str, series: str, iteration: int | None, figure: dict[str, Any]) -> None:
        from jupyter_ext.sdk.models import metrics as model_metrics

        model_metrics.report_plot(self._model_id, title, series, iteration, figure)

    def _sample(self, *args: Any, **kwargs: Any) -> None:
        raise InvalidArgument("a model stores plots, not debug samples: leave report_image=False "
                              "(or report the image on the task's logger)")


def _on_model(name: str) -> Callable[..., None]:
    logger_method = getattr(Logger, name)

    @functools.wraps(logger_method)
    def method(self: Any, *args: Any, **kwargs: Any) -> None:
        getattr(_ModelFigures(self.id), name)(*args, **kwargs)

    method.__doc__ = (f"As :meth:`Logger.{name}`, stored among the model's own plots (not a task's).\n\n"
                      + (logger_method.__doc__ or ""))
    return method


class ModelPlotsMixin:
    """The ``report_*`` plot methods of a model, and ``get_reported_plots``."""

    if TYPE_CHECKING:
        @property
        def id(self) -> str: ...

    report_plotly = _on_model("report_plotly")
    report_line_plot = _on_model("report_line_plot")
    report_scatter2d = _on_model("report_scatter2d")
    report_scatter3d = _on_model("report_scatter3d")
    report_histogram = _on_model("report_histogram")
    report_vector = _on_model("report_vector")
    report_confusion_matrix = _on_model("report_confusion_matrix")
    report_matrix = _on_model("report_matrix")
    report_surface = _on_model("report_surface")
    report_table = _on_model("report_table")
    report_matplotlib_figure = _on_model("report_matplotlib_figure")

    def get_reported_plots(self) -> list[dict[str, Any]]:
        """The model's own plots, ``[{"title", "series", "iteration", "figure"}]`` (plotly dicts),
        by title, series and iteration; this process's reports included."""
        from jupyter_ext.sdk.models import metrics as model_metrics

        return model_metrics.reported_plots(self.id)
