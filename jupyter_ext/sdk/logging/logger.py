"""Logger: scalars, single values, plots, tables, images, media and text of one task.

``report_scalar`` is the hot call of a training loop: it checks its arguments and appends
one tuple to memory; the reporter thread does the rest. Everything else builds a plotly
figure (or PNG bytes) here and hands it over the same way.

An image or media file is stored by the reporter thread (its bytes, then the debug-sample event).
While the backend is unreachable it goes to the spool as data instead (:meth:`_Sample.spool_as`):
the bytes (in the record, or as a file beside it when large), then the event naming their
sha256, replayed in order when the backend is back, by this process or the next.
"""
from __future__ import annotations

import json
import math
import numbers
import sys
import time
from typing import TYPE_CHECKING, Any

from jupyter_ext.client.reporter import new_series
from jupyter_ext.core.rules.events import INT64_MAX, INT64_MIN, check_iteration, check_url
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.logging.figures import SeriesInfo

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

_time = time.time
_INT64_MIN, _INT64_MAX = INT64_MIN, INT64_MAX
_clock = time.monotonic  # cheaper than time.time(); the reporter turns it into wall time
_NOT_NUMBERS = (str, bytes, bytearray)


def _as_float(value: Any, what: str) -> float:
    """The slow path of the number check: numpy scalars, Decimals, 0-d tensors…"""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, numbers.Real) and not isinstance(value, _NOT_NUMBERS):
        return float(value)
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, _NOT_NUMBERS):
        try:
            inner = item()
        except (TypeError, ValueError):
            inner = None
        if isinstance(inner, (int, float)):
            return float(inner)
    raise TypeError(f"{what} must be a number (int or float), got {type(value).__name__}: {value!r:.60}")


def _as_iteration(iteration: Any) -> int:
    """The REST API's rule (core/rules/events.py): an int64, a float only when whole."""
    if iteration is None:
        return 0
    if isinstance(iteration, numbers.Integral) and not isinstance(iteration, bool):
        iteration = int(iteration)
    return check_iteration(iteration)


class Logger:
    """Reports results of one task (``task.get_logger()``, ``task.logger``, ``Logger.current_logger()``)."""

    SeriesInfo = SeriesInfo

    def __init__(self, task: Task) -> None:
        self._task = task
        self._task_id = task.id
        self._series = session.reporter().series_buffers(task.id)
        self._offset = 0
        self._upload_destination: str | None = None

    @classmethod
    def current_logger(cls) -> Logger:
        """The logger of the main task (the one ``Task.init`` created)."""
        task = session.main_task()
        if task is None:
            raise InvalidArgument("there is no current task: call Task.init(...) first")
        return task.get_logger()

    # -- scalars --------------------------------------------------------------------------------
    def report_scalar(self, title: str, series: str, value: float, iteration: int) -> None:
        """Report one point of the scalar plot ``title`` / ``series`` at ``iteration``."""
        cls = value.__class__
        if cls is not float and cls is not int:
            value = _as_float(value, "value")
        if iteration.__class__ is not int or not _INT64_MIN <= iteration <= _INT64_MAX:
            iteration = _as_iteration(iteration)
        try:
            buf = self._series[title, series]
        except (KeyError, TypeError):
            buf = self._new_series(title, series)
        buf[0].append(value)
        buf[1].append(iteration + self._offset)
        buf[2].append(_clock())  # appended last: the reporter takes len(buf[2]) complete points

    def _new_series(self, title: Any, series: Any) -> Any:
        if not isinstance(title, str) or not isinstance(series, str):
            raise TypeError(f"title and series must be strings, got {type(title).__name__} and {type(series).__name__}")
        if not title or not series:
            raise InvalidArgument("title and series must be non-empty, e.g. title='Accuracy', series='Train'")
        return self._series.setdefault((title, series), new_series())

    def report_single_value(self, name: str, value: float) -> None:
        """A single number for the whole run (e.g. "Best ROC AUC"), shown in the summary table."""
        if not isinstance(name, str) or not name:
            raise InvalidArgument("a single value needs a non-empty name, "
                                  "e.g. report_single_value('Best ROC AUC', 91.5)")
        number = value if value.__class__ in (float, int) else _as_float(value, "value")
        session.reporter().add_event("single_value", (self._task_id, name, float(number), _time()))

    def set_initial_iteration(self, offset: int = 0) -> int:
        """Add ``offset`` to the iteration of every scalar reported from now on, so a continued run
        that counts from 0 again goes on where the last one stopped. Plots, images and media keep
        the iteration you give them. Returns the offset.

        >>> logger.set_initial_iteration(task.get_last_iteration() + 1)
        """
        self._offset = _as_iteration(offset)
        return self._offset

    def get_initial_iteration(self) -> int:
        """The offset :meth:`set_initial_iteration` set (0 by default)."""
        return self._offset

    # -- text -----------------------------------------------------------------------------------
    def report_text(self, msg: str, level: int = 20, print_console: bool = True, *args: Any, **_: Any) -> None:
        """Write ``msg`` to the task's console log (and to the screen unless ``print_console=False``)."""
        text = str(msg) if not args else str(msg) % args
        capture = self._task._console_capture
        if print_console:
            # The console tee, when installed, records what is printed; write once either way.
            print(text, file=sys.stdout if level < 40 else sys.stderr)
            if capture is not None:
                return
        session.reporter().add_event("console", (self._task_id, int(level), text + "\n", _time()))

    # -- plots ----------------------------------------------------------------------------------
    def _plot(self, title: str, series: str, iteration: int | None, figure: dict[str, Any]) -> None:
        if not isinstance(title, str) or not title:
            raise InvalidArgument("a plot needs a non-empty title")
        payload = {
            "task_id": self._task_id, "title": title, "series": series if isinstance(series, str) else "",
            "iteration": _as_iteration(iteration), "figure": json.dumps(figure, allow_nan=False, default=str),
            "time": _time(),
        }
        session.reporter().add_event("plot", payload)

    def report_plotly(self, title: str, series: str, figure: Any, iteration: int | None = None) -> None:
        """Store a plotly figure under ``title``/``series``: a ``plotly.graph_objects.Figure`` or a
        dict ``{"data": [...], "layout": {...}}``. plotly itself is not needed to report a dict.

        >>> logger.report_plotly("ROC", "validation", fig, iteration=epoch)
        """
        from jupyter_ext.sdk.logging.figures import figure_from_plotly

        self._plot(title, series, iteration, figure_from_plotly(figure))

    def report_line_plot(self, title: str, series: Any, xaxis: str, yaxis: str, mode: str = "lines",
                         iteration: int | None = None, reverse_xaxis: bool = False, comment: str | None = None,
                         extra_layout: dict[str, Any] | None = None) -> None:
        """Store a plot of several lines, one per :class:`SeriesInfo` in ``series`` (each with a name
        and N x 2 ``(x, y)`` data, optionally one hover label per point). ``mode`` is ``"lines"``,
        ``"markers"`` or ``"lines+markers"``; ``reverse_xaxis=True`` draws x from right to left.

        >>> logger.report_line_plot("loss", [Logger.SeriesInfo("train", [[0, 1.0], [1, 0.5]])],
        ...                         xaxis="epoch", yaxis="loss", iteration=0)
        """
        from jupyter_ext.sdk.logging.figures import line_plot

        fig = line_plot(series, title=title, xaxis=xaxis, yaxis=yaxis, mode=mode, reverse_xaxis=reverse_xaxis,
                        comment=comment, extra_layout=extra_layout)
        self._plot(title, "", iteration, fig)

    def report_scatter2d(self, title: str, series: str, scatter: Any, iteration: int | None = None,
                         xaxis: str | None = None, yaxis: str | None = None, labels: list[str] | None = None,
                         mode: str = "lines", comment: str | None = None,
                         extra_layout: dict[str, Any] | None = None) -> None:
        """Store N x 2 ``scatter`` points (a list of ``[x, y]`` or an array) as the series ``series``
        of the plot ``title``; ``labels`` gives one hover text per point. ``mode`` is ``"lines"``
        (the default, as in ClearML), ``"markers"`` or ``"lines+markers"``.

        >>> logger.report_scatter2d("embedding", "class A", points, iteration=0, mode="markers")
        """
        from jupyter_ext.sdk.logging.figures import scatter2d

        self._plot(title, series, iteration, scatter2d(scatter, series=series, title=title, xaxis=xaxis, yaxis=yaxis,
                                                       labels=labels, mode=mode, comment=comment,
                                                       extra_layout=extra_layout))

    def report_scatter3d(self, title: str, series: str, scatter: Any, iteration: int | None = None,
                         xaxis: str | None = None, yaxis: str | None = None, zaxis: str | None = None,
                         labels: list[str] | None = None, mode: str = "markers", fill: bool = False,
                         comment: str | None = None, extra_layout: dict[str, Any] | None = None) -> None:
        """Store N x 3 ``scatter`` points as a 3-D scatter plot. As in ClearML, ``scatter`` may also
        be a list of N x 3 arrays, one trace each, with ``series`` a list of one name per array.
        ``fill=True`` draws a surface along the z axis."""
        from jupyter_ext.sdk.logging.figures import scatter3d

        self._plot(title, series, iteration, scatter3d(scatter, series=series, title=title, xaxis=xaxis, yaxis=yaxis,
                                                       zaxis=zaxis, labels=labels, mode=mode, fill=fill,
                                                       comment=comment, extra_layout=extra_layout))

    def report_histogram(self, title: str, series: str, values: Any, iteration: int | None = None,
                         labels: list[str] | None = None, xlabels: list[str] | None = None,
                         xaxis: str | None = None, yaxis: str | None = None, mode: str | None = None,
                         data_args: dict[str, Any] | None = None, extra_layout: dict[str, Any] | None = None) -> None:
        """Store a bar chart of ``values``: one row of bar heights, or a 2-D array with one row per
        trace (``labels`` names the traces, ``xlabels`` the bars). ``mode`` is ``"group"`` (the
        default), ``"stack"`` or ``"relative"``; ``data_args`` is merged into every plotly trace.
        The heights are stored as given: bin your data first (e.g. ``numpy.histogram``).

        >>> logger.report_histogram("class counts", "train", [120, 80, 45], xlabels=["cat", "dog", "bird"])
        """
        from jupyter_ext.sdk.logging.figures import histogram

        self._plot(title, series, iteration, histogram(values, series=series, title=title, labels=labels,
                                                       xlabels=xlabels, xaxis=xaxis, yaxis=yaxis, mode=mode,
                                                       data_args=data_args, extra_layout=extra_layout))

    def report_vector(self, title: str, series: str, values: Any, iteration: int | None = None,
                      labels: list[str] | None = None, xlabels: list[str] | None = None, xaxis: str | None = None,
                      yaxis: str | None = None, mode: str | None = None,
                      extra_layout: dict[str, Any] | None = None) -> None:
        """Store a bar chart of ``values``, exactly as :meth:`report_histogram` does."""
        from jupyter_ext.sdk.logging.figures import vector

        self._plot(title, series, iteration, vector(values, series=series, title=title, labels=labels,
                                                    xlabels=xlabels, xaxis=xaxis, yaxis=yaxis, mode=mode,
                                                    extra_layout=extra_layout))

    def report_confusion_matrix(self, title: str, series: str, matrix: Any, iteration: int | None = None,
                                xaxis: str | None = None, yaxis: str | None = None, xlabels: list[str] | None = None,
                                ylabels: list[str] | None = None, yaxis_reversed: bool = False,
                                comment: str | None = None, extra_layout: dict[str, Any] | None = None) -> None:
        """Store a 2-D ``matrix`` as a heatmap with each cell's value printed in it (up to 400 cells).
        ``xlabels`` name the columns, ``ylabels`` the rows; row 0 is at the bottom unless
        ``yaxis_reversed=True``.

        >>> logger.report_confusion_matrix("confusion", "val", cm, iteration=epoch,
        ...                                xlabels=classes, ylabels=classes, yaxis_reversed=True)
        """
        from jupyter_ext.sdk.logging.figures import confusion_matrix

        self._plot(title, series, iteration, confusion_matrix(
            matrix, series=series, title=title, xaxis=xaxis, yaxis=yaxis, xlabels=xlabels, ylabels=ylabels,
            yaxis_reversed=yaxis_reversed, comment=comment, extra_layout=extra_layout))

    def report_matrix(self, title: str, series: str, matrix: Any, iteration: int | None = None,
                      xaxis: str | None = None, yaxis: str | None = None, xlabels: list[str] | None = None,
                      ylabels: list[str] | None = None, yaxis_reversed: bool = False,
                      extra_layout: dict[str, Any] | None = None) -> None:
        """Store a 2-D ``matrix`` as a heatmap, as :meth:`report_confusion_matrix` does but without
        numbers in the cells."""
        from jupyter_ext.sdk.logging.figures import matrix as matrix_figure

        self._plot(title, series, iteration, matrix_figure(
            matrix, series=series, title=title, xaxis=xaxis, yaxis=yaxis, xlabels=xlabels, ylabels=ylabels,
            yaxis_reversed=yaxis_reversed, extra_layout=extra_layout))

    def report_surface(self, title: str, series: str, matrix: Any, iteration: int | None = None,
                       xaxis: str | None = None, yaxis: str | None = None, zaxis: str | None = None,
                       xlabels: list[str] | None = None, ylabels: list[str] | None = None,
                       camera: Any = None, comment: str | None = None,
                       extra_layout: dict[str, Any] | None = None) -> None:
        """Store a 2-D ``matrix`` as a 3-D surface whose height at ``[row][column]`` is the value.
        ``xlabels`` name the columns, ``ylabels`` the rows; ``camera`` is the ``(x, y, z)`` eye position."""
        from jupyter_ext.sdk.logging.figures import surface

        self._plot(title, series, iteration, surface(
            matrix, series=series, title=title, xaxis=xaxis, yaxis=yaxis, zaxis=zaxis, xlabels=xlabels,
            ylabels=ylabels, camera=camera, comment=comment, extra_layout=extra_layout))

    def report_table(self, title: str, series: str, iteration: int | None = None, table_plot: Any = None,
                     csv: str | None = None, url: str | None = None, extra_layout: dict[str, Any] | None = None,
                     extra_data: dict[str, Any] | None = None) -> None:
        """Store a table: give exactly one of ``table_plot`` (a pandas DataFrame, or a list of rows
        whose first row is the header), ``csv`` (a local path) or ``url`` (a CSV to read).
        A CSV's first column becomes the index, and a DataFrame's index is shown unless it is the
        default ``0, 1, 2 …``. Only the first 10,000 rows are kept; the title says when rows were cut.

        >>> logger.report_table("leaderboard", "top runs", iteration=0, table_plot=df)
        """
        from jupyter_ext.sdk.logging.figures import table

        self._plot(title, series, iteration, table(table_plot=table_plot, csv=csv, url=url, title=title,
                                                   series=series, extra_layout=extra_layout, extra_data=extra_data))

    def report_matplotlib_figure(self, title: str, series: str, figure: Any, iteration: int | None = None,
                                 report_image: bool = False, report_interactive: bool = True) -> None:
        """Store a matplotlib figure among the task's plots, as ClearML does.

        It becomes an interactive plot when it converts faithfully; with
        ``report_interactive=False``, or when it cannot be converted (pictures, 3-D axes), it is
        stored among the plots as a picture (PNG). ``report_image=True`` stores the PNG as a debug
        sample instead."""
        from jupyter_ext.sdk.logging.figures import figure_from_matplotlib, matplotlib_to_png
        from jupyter_ext.sdk.logging.figures.images import image_plot

        if report_image:
            self._sample(title, series, iteration, "image", matplotlib_to_png(figure), "image/png", ".png", None)
            return
        converted = figure_from_matplotlib(figure) if report_interactive else None
        self._plot(title, series, iteration, converted or image_plot(matplotlib_to_png(figure), title))

    # -- images and media -----------------------------------------------------------------------
    def report_image(self, title: str, series: str, iteration: int | None = None, local_path: str | None = None,
                     image: Any = None, matrix: Any = None, max_image_history: int | None = None,
                     delete_after_upload: bool = False, url: str | None = None) -> None:
        """Store an image (numpy array, PIL image, a file, or a URL) as a debug sample."""
        given = [x is not None for x in (local_path, image, matrix, url)]
        if sum(given) != 1:
            raise InvalidArgument("report_image needs exactly one of local_path=, image=, matrix= or url=")
        if url is not None:
            self._sample(title, series, iteration, "image", None, "", "", max_image_history, url=url)
            return
        from jupyter_ext.sdk.logging.figures import image_to_png

        data, mime = image_to_png(image=image, local_path=local_path, matrix=matrix)
        ext = "." + mime.split("/")[-1].replace("jpeg", "jpg")
        self._sample(title, series, iteration, "image", data, mime, ext, max_image_history)
        if delete_after_upload and local_path:
            import os

            os.remove(local_path)

    def report_media(self, title: str, series: str, iteration: int | None = None, local_path: str | None = None,
                     stream: Any = None, file_extension: str | None = None, max_history: int | None = None,
                     delete_after_upload: bool = False, url: str | None = None) -> None:
        """Store audio, video, HTML or any file as a debug sample."""
        if sum(x is not None for x in (local_path, stream, url)) != 1:
            raise InvalidArgument("report_media needs exactly one of local_path=, stream= or url=")
        if url is not None:
            self._sample(title, series, iteration, "media", None, "", "", max_history, url=url)
            return
        from jupyter_ext.sdk.logging.figures import media_from

        data, mime, name = media_from(local_path=local_path, stream=stream, file_extension=file_extension)
        self._sample(title, series, iteration, "media", data, mime, name, max_history)
        if delete_after_upload and local_path:
            import os

            os.remove(local_path)

    def _sample(self, title: str, series: str, iteration: int | None, kind: str, data: bytes | None, mime: str,
                file_name: str, max_history: int | None, url: str | None = None) -> None:
        if not isinstance(title, str) or not title or not isinstance(series, str):
            raise InvalidArgument("a debug sample needs a non-empty title and a series name")
        if max_history is not None and (not isinstance(max_history, int) or max_history < 1):
            raise InvalidArgument("max_image_history / max_history must be a positive int")
        rep = session.reporter()
        rep.submit(_Sample(rep, data, {
            "task_id": self._task_id, "title": title, "series": series, "iteration": _as_iteration(iteration),
            "kind": kind, "url": check_url(url, "a debug sample's url"), "file_name": file_name, "content_type": mime,
            "max_history": max_history,
        }))

    # -- flushing -------------------------------------------------------------------------------
    def flush(self, wait: bool = False) -> bool:
        """Hand everything reported so far to the store; with ``wait=True`` block until it is there."""
        rep = session.reporter()
        if wait:
            return rep.flush()
        rep._wake.set()
        return True

    def set_flush_period(self, period: float) -> None:
        """How often, in seconds, the background reporter hands what was reported to the store. It
        applies to the whole process, not only to this logger."""
        if not isinstance(period, (int, float)) or period <= 0 or math.isnan(period):
            raise InvalidArgument("the flush period must be a positive number of seconds")
        session.reporter().flush_period = float(period)

    def set_default_upload_destination(self, uri: str) -> None:
        """Remember ``uri`` as this logger's upload destination, for :meth:`get_default_upload_destination`.
        Unlike ClearML, images and media always go to the tracker's own store, whatever it says."""
        self._upload_destination = uri

    def get_default_upload_destination(self) -> str:
        """The destination :meth:`set_default_upload_destination` set, else the task's output
        destination (``task.get_output_destination()``), else "" (the tracker's own store)."""
        return self._upload_destination or self._task.get_output_destination() or ""


# Bytes up to this size travel inside the spool record; bigger ones as a file beside it.
INLINE_SAMPLE_BYTES = 1 << 20


class _Sample:
    """One debug sample on its way: its bytes to the store, then its event (reporter thread)."""

    def __init__(self, rep: Any, data: bytes | None, event: dict[str, Any]) -> None:
        self.rep, self.data, self.event = rep, data, event
        self.reported = _time()  # the call's time, not the store's: what a sample's origin is read from

    def __call__(self) -> None:
        sha, size = (None, 0) if self.data is None else self.rep.backend.put_blob(self.data)
        self.rep.add_event("debug_sample", {**self.event, "blob_sha256": sha, "size": size, "time": self.reported})

    def spool_as(self, writer: Any) -> str:
        """While offline: the bytes and a ``put_blob`` (or ``put_blob_file``), then the event."""
        import hashlib

        from jupyter_ext.core.event_batch import EventBatch

        data = self.data
        sha, size = (None, 0) if data is None else (hashlib.sha256(data).hexdigest(), len(data))
        if data is not None and size <= INLINE_SAMPLE_BYTES:
            writer.call("put_blob", bytes(data))
        elif data is not None:
            import os
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=writer.spool.folder, suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                path, sha, size = writer.file(tmp, move=True)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            writer.call("put_blob_file", path, "", known_sha256=sha)
        batch = EventBatch()
        batch.debug_samples.append({**self.event, "blob_sha256": sha, "size": size, "time": self.reported})
        writer.events(batch)
        return f"debug sample {self.event['title']}/{self.event['series']}"
