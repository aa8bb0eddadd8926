"""A model's own metrics on the SDK side: ``report_*`` only remembers the point; points are
handed to the reporter thread as one backend call per model (one transaction, or one HTTP
request), at most every ``flush_period`` seconds, when 10,000 are waiting, before a read, on
``flush()`` and at exit. Handed over, a call is spooled like any other when the backend is away.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import model_metrics as rules
from jupyter_ext.core.rules.model_metrics import SINGLE_VALUE_ITERATION, SINGLE_VALUE_TITLE
from jupyter_ext.sdk import _session as session

if TYPE_CHECKING:
    from jupyter_ext.store.model_metrics import Point

MAX_PENDING = 10_000  # points of one model kept before they are handed over without waiting


class _Pending:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        # model id -> (the backend it belongs to, {(title, series, iteration): value})
        self._points: dict[str, tuple[Any, dict[tuple[str, str, int], float]]] = {}
        self._timer: threading.Timer | None = None
        self._hooked = False
        self.handed_over = 0  # backend calls submitted so far

    def add(self, model_id: str, point: Point) -> None:
        title, series, iteration, value = point
        with self._lock:
            found = self._points.get(model_id)
            if found is None:
                found = self._points[model_id] = (session.backend(), {})
            points = found[1]
            points[(title, series, iteration)] = value  # a point reported again replaces the pending one
            full = len(points) >= MAX_PENDING
            if not full and self._timer is None:
                self._timer = threading.Timer(session.config().flush_period, self._on_timer)
                self._timer.daemon = True
                self._timer.start()
            if not self._hooked:
                self._hooked = True
                atexit.register(self._at_exit)
        if full:
            self.hand_over(model_id)

    def hand_over(self, model_id: str | None = None) -> int:
        """Submit the pending points (of one model, or all) to the reporter; how many calls."""
        with self._lock:
            ids = [model_id] if model_id is not None else list(self._points)
            taken = [(i, self._points.pop(i)) for i in ids if i in self._points]
            if not self._points and self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not taken:
            return 0
        backend = session.backend()
        rep = session.reporter()
        for ident, (owner, points) in taken:
            if owner is not backend:  # the session was reset (tests, new settings): its store is gone
                print(f"jupyter-track: {len(points)} metrics of model {ident} were not stored: the session "
                      f"they were reported in was reset", file=sys.stderr)
                continue
            scalars, singles = _bodies(points)
            rep.submit(backend.report_model_metrics, ident, scalars, singles)
            self.handed_over += 1
        return len(taken)

    def after_fork(self) -> None:
        """In a forked child: the timer thread did not come along, and the pending points are
        the parent's to write (the exit hook, inherited, stays registered)."""
        self._lock = threading.Lock()
        self._points = {}
        self._timer = None

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
        try:
            self.hand_over()
        except Exception as exc:  # noqa: BLE001 - a timer thread has nobody to raise to
            print(f"jupyter-track: could not hand model metrics over: {exc}", file=sys.stderr)

    def _at_exit(self) -> None:
        try:
            if self.hand_over():
                session.reporter().flush(timeout=session.config().exit_timeout)
        except Exception as exc:  # noqa: BLE001 - never turn a clean exit into a traceback
            print(f"jupyter-track: model metrics reported last may be lost: {exc}", file=sys.stderr)


def _bodies(points: dict[tuple[str, str, int], float]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    scalars: list[dict[str, Any]] = []
    singles: list[dict[str, Any]] = []
    for (title, series, iteration), value in points.items():
        if title == SINGLE_VALUE_TITLE and iteration == SINGLE_VALUE_ITERATION:
            singles.append({"name": series, "value": value})
        else:
            scalars.append({"title": title, "series": series, "iteration": iteration, "value": value})
    return scalars, singles


pending = _Pending()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=pending.after_fork)


def report_scalar(model_id: str, title: str, series: str, value: float, iteration: int) -> None:
    pending.add(model_id, rules.check_scalar(title, series, value, iteration))


def report_single_value(model_id: str, name: str, value: float) -> None:
    pending.add(model_id, rules.check_single_value(name, value))


def report_plot(model_id: str, title: str, series: str, iteration: int | None, figure: dict[str, Any]) -> None:
    """Check a figure at once (a clear error at the call), then hand it to the reporter: plots
    are few and large, so each goes as its own call instead of waiting with the points."""
    entry = {"title": title, "series": series if isinstance(series, str) else "", "iteration": iteration or 0,
             "figure": figure}
    [(title, series, number, text)] = rules.parse_plots([entry])
    checked = {"title": title, "series": series, "iteration": number, "figure": text}  # plain JSON-able values
    backend = session.backend()
    session.reporter().submit(backend.report_model_metrics, model_id, (), (), [checked])


def reported_plots(model_id: str) -> list[dict[str, Any]]:
    """``[{"title", "series", "iteration", "figure"}]``, this process's reports included."""
    flush(model_id)
    return list(session.backend().get_model_metrics(model_id).get("plots") or ())


def flush(model_id: str | None = None, wait: bool = True) -> bool:
    """Hand the pending points over; with ``wait`` block until they are stored (False on timeout)."""
    pending.hand_over(model_id)
    if not wait or not session.has_reporter():
        return True
    return session.reporter().flush()


def reported_scalars(model_id: str) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """``{title: {series: {"x": [iterations], "y": [values]}}}``, this process's reports included."""
    flush(model_id)
    out: dict[str, dict[str, dict[str, list[Any]]]] = {}
    for s in session.backend().get_model_metrics(model_id)["scalars"]:
        out.setdefault(s["title"], {})[s["series"]] = {"x": list(s["iterations"]), "y": list(s["values"])}
    return out


def reported_single_values(model_id: str) -> dict[str, float]:
    flush(model_id)
    return {v["name"]: v["value"] for v in session.backend().get_model_metrics(model_id)["single_values"]}
