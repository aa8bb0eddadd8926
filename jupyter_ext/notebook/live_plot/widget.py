"""The live scalar plot: ``task.show()``, and what a task displays at the end of a cell.

Kernel side, a plot keeps a downsampled mirror of each series (stream.SeriesStream) and sends
the browser only what is new, as anywidget custom messages with two binary buffers, every x and
every y of the message as little-endian float64 (NaN and inf travel as themselves; the browser
leaves a gap), each series taking the next ``n`` values of both::

    {"t": "reset",  "series": [{"id", "title", "series", "n"}], "tails": [...]}     + [xs, ys]
    {"t": "append", "new": [{"id", "title", "series"}], "d": [[id, n], ...],
                    "tails": [[id, x, y] | [id, null, null], ...]}                    + [xs, ys]

Binary, because a JSON list of floats costs the kernel ~4 times as much to send. The widget's
first state (the ``_init`` trait, synced as JSON) carries ``"x": [...], "y": [...]`` lists instead.

Where new points come from:

- for a task reporting in this kernel, from the reporter itself: a tap on its backend's
  ``write_events`` sees every batch of scalars, whole and in order, when the reporter writes it
  (every ``flush_period``, 1 s by default; report_scalar gains no work at all). In between, the
  pump thread (every 0.2 s, so 5 updates a second) sends the newest point of each series, read
  from the reporter's memory, as the series' provisional end ("tails");
- for a task running elsewhere, from the store, polled every 2 s while the task is in progress.

Messages go out from the pump thread; under ipykernel 7 a thread must carry the cell's parent
header, which is taken on the main thread before each cell (``remember_parent``).
"""
from __future__ import annotations

import threading
import weakref
from pathlib import Path
from typing import Any

import numpy as np

from jupyter_ext.notebook import palette
from jupyter_ext.notebook.live_plot.buckets import SeriesStream

PERIOD_S = 0.2        # at most 5 updates a second per plot
REMOTE_PERIOD_S = 2.0  # polling the store for tasks that run elsewhere
HISTORY_POINTS = 4000  # points per series read from the store when a plot opens
_ESM = Path(__file__).with_name("live_plot.js")

_plots: weakref.WeakSet[LivePlotState] = weakref.WeakSet()
_plots_lock = threading.Lock()
_wake = threading.Event()
_pump: threading.Thread | None = None
_parent: dict[str, Any] = {"header": None}
_tapped: dict[int, Any] = {}  # id(backend) -> original write_events


class LivePlotState:
    """What one plot knows: its tasks, the mirror of each series, and what waits to be sent."""

    def __init__(self, tasks: list[Any], *, live: bool = True) -> None:
        self.tasks = tasks
        self.labelled = len(tasks) > 1
        self.streams: dict[tuple[str, str, str], SeriesStream] = {}
        self.ids: dict[tuple[str, str, str], int] = {}
        self.names: dict[str, str] = {t.id: t.name for t in tasks}
        self.task_index: dict[str, int] = {t.id: i for i, t in enumerate(tasks)}
        self.series_order: dict[str, list[str]] = {}
        self.pending: list[tuple[str, str, str, Any, Any, Any]] = []
        self.lock = threading.RLock()
        self.accepting = False    # set once the history is read; the tap ignores points until then
        self.seen: dict[tuple[str, str, str], int] = {}  # points read so far (tasks polled from the store)
        self.widget: Any = None
        self.version = 0           # bumps with every change; the static fallback follows it
        self.fallback_version = -1
        self.display_id: str | None = None
        self.live = live
        self.remote_next = 0.0
        self.sent_messages = 0
        self.last_peek: list[list[Any]] | None = None

    # -- series ----------------------------------------------------------------------------------
    def _label(self, task_id: str, series: str) -> str:
        return f"{self.names.get(task_id, task_id[:8])}: {series}" if self.labelled else series

    def _describe(self, key: tuple[str, str, str]) -> dict[str, Any]:
        """A series as the view gets it; comparing tasks, each task has its colour and each series
        of a chart its dash (as in the lab's compare view)."""
        out: dict[str, Any] = {"id": self.ids[key], "title": key[1], "series": self._label(key[0], key[2])}
        if self.labelled:
            order = self.series_order.setdefault(key[1], [])
            if key[2] not in order:
                order.append(key[2])
            out["color"] = palette.task_color(self.task_index.get(key[0], 0))
            out["dash"] = palette.series_dash(order.index(key[2]))
        return out

    def _stream(self, key: tuple[str, str, str], new: list[dict[str, Any]]) -> SeriesStream:
        s = self.streams.get(key)
        if s is None:
            s = self.streams[key] = SeriesStream()
            self.ids[key] = len(self.ids)
            new.append(self._describe(key))
        return s

    def load_history(self) -> None:
        """Seed every series from the store (downsampled, min/max kept) and start taking new
        points. For a task of this kernel it runs on the reporter thread, between two writes:
        every point is then either in the history read here or in a batch the tap sees after,
        never both, never neither."""
        from jupyter_ext.sdk import _session as session

        if self.live and session.has_reporter():
            rep = session.reporter()
            rep.submit(self._load_history)
            if rep.flush(timeout=30.0):
                return
        self._load_history()

    def _load_history(self) -> None:
        from jupyter_ext.sdk import _session as session

        backend = session.backend()
        with self.lock:
            for task in self.tasks:
                try:
                    data = backend.get_scalars(task.id, max_samples=HISTORY_POINTS, x_axis="iter", as_numpy=True)
                    counts = {(task.id, title, series): int(summary.get("count") or 0)
                              for title, by_series in backend.get_last_metrics(task.id).items()
                              for series, summary in by_series.items()}
                except Exception:  # noqa: BLE001 - a task whose row is not stored yet has no history
                    continue
                if not self.live:
                    self.seen.update(counts)
                for title, by_series in data.items():
                    for series, xy in by_series.items():
                        key = (task.id, title, series)
                        self._stream(key, []).seed(np.asarray(xy["x"]), np.asarray(xy["y"]), counts.get(key))
            self.accepting = True
            self.version += 1

    def state(self) -> tuple[dict[str, Any], list[bytes]]:
        """The whole plot, as a reset message and its buffers."""
        with self.lock:
            series, xs, ys = [], [], []
            for key, s in self.streams.items():
                x, y = s.points()
                series.append({**self._describe(key), "n": len(x)})
                xs.append(x)
                ys.append(y)
            return {"t": "reset", "series": series, "tails": self._tails()}, _buffers(xs, ys)

    def initial(self) -> dict[str, Any]:
        """The whole plot as JSON, for the widget's first state (a trait carries no buffers)."""
        with self.lock:
            series = []
            for key, s in self.streams.items():
                x, y = s.points()
                series.append({**self._describe(key), "x": _list(x), "y": _list(y)})
            return {"t": "reset", "series": series, "tails": self._tails()}

    def _tails(self) -> list[list[Any]]:
        out: list[list[Any]] = []
        for key, s in self.streams.items():
            tail = s.tail()
            if tail is None or not np.isfinite(tail[1]):  # JSON has no NaN: no provisional end then
                out.append([self.ids[key], None, None])
            else:
                out.append([self.ids[key], tail[0], tail[1]])
        return out

    # -- new points ------------------------------------------------------------------------------
    def offer(self, task_id: str, title: str, series: str, iters: Any, values: Any, times: Any) -> None:
        """Called by the reporter's tap (reporter thread): keep it cheap, just queue."""
        self.pending.append((task_id, title, series, iters, values, times))

    def peek_tails(self, scalars: dict[str, Any]) -> list[list[Any]]:
        """The newest point of each series still in the reporter's memory (not yet stored):
        drawn at once as the series' provisional end, so the plot moves 5 times a second while
        the points themselves arrive with the reporter's next write (every ``flush_period``)."""
        out: list[list[Any]] = []
        for task_id in self.names:
            bufs = scalars.get(task_id)
            if not bufs:
                continue
            for (title, series), buf in list(bufs.items()):
                sid = self.ids.get((task_id, title, series))
                if sid is None:
                    continue
                try:
                    n = len(buf[2])  # times are appended last: point n-1 is complete
                    if not n:
                        continue
                    x, y = float(buf[1][n - 1]), float(buf[0][n - 1])
                except IndexError:  # the reporter took the points meanwhile
                    continue
                if np.isfinite(y):
                    out.append([sid, x, y])
        return out

    def drain(self, peeked: list[list[Any]] | None = None) -> tuple[dict[str, Any], list[bytes]] | None:
        """Turn queued points into one message and its buffers (append, or reset after a
        compaction)."""
        n = len(self.pending)
        if not n:
            if peeked and peeked != self.last_peek:
                self.last_peek = peeked
                return {"t": "append", "new": [], "d": [], "tails": peeked}, []
            return None
        chunks = self.pending[:n]
        del self.pending[:n]
        with self.lock:
            new: list[dict[str, Any]] = []
            deltas: list[list[Any]] = []
            dxs: list[np.ndarray] = []
            dys: list[np.ndarray] = []
            reset = False
            for task_id, title, series, iters, values, _times in chunks:
                key = (task_id, title, series)
                kind, xs, ys = self._stream(key, new).add(iters, values)
                if kind == "reset":
                    reset = True
                elif len(xs):
                    deltas.append([self.ids[key], len(xs)])
                    dxs.append(xs)
                    dys.append(ys)
            self.version += 1
            if reset:
                return self.state()
            tails = self._tails()
            if peeked:
                newer = {p[0]: p for p in peeked}
                tails = [newer.get(t[0], t) for t in tails]
            self.last_peek = peeked
            return {"t": "append", "new": new, "d": deltas, "tails": tails}, _buffers(dxs, dys)

    def update(self, peeked: list[list[Any]] | None = None) -> None:
        """Send what is new. The pump thread and the end of a cell both call this: taking the
        queued points and sending them happen under one lock, so messages leave in order."""
        with self.lock:
            message = self.drain(peeked)
            if message is not None:
                self.send(*message)

    def resend(self) -> None:
        with self.lock:
            self.send(*self.state())

    def close(self) -> None:
        """Stop updating: the widget's views go away and nothing more is sent."""
        widget, self.widget = self.widget, None
        with _plots_lock:
            _plots.discard(self)
        if widget is not None:
            widget.close()

    def send(self, message: dict[str, Any], buffers: list[bytes] | None = None) -> None:
        widget = self.widget
        if widget is None:
            return
        _adopt_parent()
        widget.send(message, buffers or None)
        self.sent_messages += 1


def _buffers(xs: list[np.ndarray], ys: list[np.ndarray]) -> list[bytes]:
    """Every x, then every y, of a message: two little-endian float64 buffers (none if empty)."""
    if not xs:
        return []
    return [np.concatenate(xs).astype("<f8", copy=False).tobytes(),
            np.concatenate(ys).astype("<f8", copy=False).tobytes()]


def _list(a: np.ndarray) -> list[float | None]:
    # JSON has no NaN or inf: send null, and the browser leaves a gap.
    finite = np.isfinite(a)
    if finite.all():
        return a.tolist()  # type: ignore[no-any-return]
    return [float(v) if ok else None for v, ok in zip(a.tolist(), finite.tolist(), strict=True)]


# -- the widget -----------------------------------------------------------------------------------
def make_widget(state: LivePlotState, title: str = "") -> Any:
    import anywidget
    import traitlets

    class ScalarPlot(anywidget.AnyWidget):
        _esm = _ESM
        _init = traitlets.Dict().tag(sync=True)
        heading = traitlets.Unicode("").tag(sync=True)

    widget = ScalarPlot(_init=state.initial(), heading=title)

    def on_msg(_widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("t") == "hello":
            state.resend()  # a new view (page reload, second view): the whole plot once

    widget.on_msg(on_msg)
    state.widget = widget
    return widget


# -- the tap on the reporter ----------------------------------------------------------------------
def _install_tap() -> None:
    from jupyter_ext.sdk import _session as session

    backend = session.reporter().backend
    if id(backend) in _tapped:
        return
    original = backend.write_events

    def write_events(batch: Any) -> Any:
        if batch.scalars:
            with _plots_lock:
                plots = list(_plots)
            for plot in plots:
                if not plot.live or not plot.accepting:
                    continue
                mine = plot.names
                for item in batch.scalars:
                    if item[0] in mine:
                        plot.offer(*item)
        return original(batch)

    backend.write_events = write_events  # type: ignore[method-assign]  # a tap on this one backend, undone on untap
    _tapped[id(backend)] = original


def register(state: LivePlotState) -> None:
    global _pump
    if state.live:
        _install_tap()
    with _plots_lock:
        _plots.add(state)
        if _pump is None or not _pump.is_alive():
            _pump = threading.Thread(target=_run_pump, name="jupyter-track-live-plot", daemon=True)
            _pump.start()
    _wake.set()


def _run_pump() -> None:
    import time

    while True:
        with _plots_lock:
            plots = [p for p in _plots if p.widget is not None]
        if not plots:
            _wake.wait()
            _wake.clear()
            continue
        time.sleep(PERIOD_S)
        try:
            _pump_once(plots)
        except Exception:  # noqa: BLE001 - a closed comm or a vanished task: the next round will tell
            pass


def _pump_once(plots: list[LivePlotState]) -> None:
    import time

    from jupyter_ext.sdk import _session as session

    scalars = session.reporter().scalars if session.has_reporter() else {}
    now = time.monotonic()
    for plot in plots:
        if not plot.live and now >= plot.remote_next:
            plot.remote_next = now + REMOTE_PERIOD_S
            _poll_store(plot)
        plot.update(plot.peek_tails(scalars) if plot.live else None)


def _poll_store(plot: LivePlotState) -> None:
    """New points of tasks that report from another process (read from the store)."""
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    for task in plot.tasks:
        try:
            if backend.get_task(task.id).status != "in_progress":
                continue
            data = backend.get_scalars(task.id, max_samples=None, x_axis="iter", as_numpy=True)
        except Exception:  # noqa: BLE001 - a vanished task: the next round will tell
            continue
        for title, by_series in data.items():
            for series, xy in by_series.items():
                key = (task.id, title, series)
                x, y = np.asarray(xy["x"]), np.asarray(xy["y"])
                seen = plot.seen.get(key, 0)
                if len(x) > seen:
                    plot.seen[key] = len(x)
                    plot.offer(task.id, title, series, x[seen:], y[seen:], x[seen:])


def flush_all() -> None:
    """Send what is waiting now (the end of a cell): the last points never wait for the pump."""
    with _plots_lock:
        plots = [p for p in _plots if p.widget is not None and p.live]
    if not plots:
        return
    from jupyter_ext.sdk import _session as session

    if session.has_reporter():
        session.reporter().flush(timeout=2.0)
    for plot in plots:
        plot.update()


def shown_plots() -> list[LivePlotState]:
    with _plots_lock:
        return [p for p in _plots if p.widget is not None]


# -- ipykernel 7: the parent header for messages sent from the pump thread -----------------------
def remember_parent(shell: Any) -> None:
    get = getattr(shell, "get_parent", None)
    if get is not None:
        try:
            _parent["header"] = get()
        except Exception:  # noqa: BLE001 - no kernel parent to remember: plots still draw
            pass


def _adopt_parent() -> None:
    header = _parent["header"]
    if not header or threading.current_thread() is threading.main_thread():
        return
    try:
        from IPython import get_ipython

        shell = get_ipython()
        setter = getattr(shell, "set_thread_parent", None)
        if setter is not None:
            setter(header)
    except Exception:  # noqa: BLE001 - no kernel parent to restore: plots still draw
        pass
