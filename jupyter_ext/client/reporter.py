"""The background reporter: the caller only appends to memory; one thread writes.

``Logger.report_scalar`` appends a ``(value, iteration, time)`` tuple to a per-series list
(a few hundred nanoseconds). This thread wakes every ``flush_period`` seconds, or when
asked, takes what is there, turns it into column arrays and hands one batch to the backend.

Ordering: pending operations (task creation, parameters) are applied before the events
taken in the same cycle, and events are taken *before* operations, so an event never
reaches the store ahead of the task it belongs to.
"""
from __future__ import annotations

import sys
import threading
from array import array
import time
from collections.abc import Callable
from typing import Any

from .backend import Backend

Series = tuple[Any, Any, Any]  # array("d") values, array("q") iterations, array("d") times


# Scalar times are taken with time.monotonic() (cheaper on the hot path) and become wall-clock
# seconds here, once per batch.
MONOTONIC_TO_WALL = time.time() - time.monotonic()


def new_series() -> Series:
    """The buffers of one scalar series. A point is appended value, iteration, then time: the
    reporter takes ``len(times)`` points, all complete in the three arrays."""
    return (array("d"), array("q"), array("d"))


def append_point(buf: Series, value: float, iteration: int, t: float) -> None:
    """Append one point whose time ``t`` is wall-clock seconds."""
    buf[0].append(value)
    buf[1].append(iteration)
    buf[2].append(t - MONOTONIC_TO_WALL)


class Reporter:
    def __init__(self, backend: Backend, *, flush_period: float = 1.0) -> None:
        self.backend = backend
        self.flush_period = flush_period
        # task id -> {(title, series): [(value, iteration, time), ...]}; lists are shared with Loggers
        self.scalars: dict[str, dict[tuple[str, str], Series]] = {}
        self.events: list[tuple[str, Any]] = []
        self.ops: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self.errors: list[str] = []
        self.dropped: dict[str, str] = {}
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._held = 0

    def hold(self) -> _Hold:
        """Delay starting the thread while the caller does quick work (the thread's first
        cycle imports the store, and would contend for the GIL with it)."""
        return _Hold(self)

    # -- what callers use --------------------------------------------------------------------
    def series_buffers(self, task_id: str) -> dict[tuple[str, str], Series]:
        self._ensure_started()
        return self.scalars.setdefault(task_id, {})

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        """Run ``fn(*args, **kwargs)`` on the reporter thread, in submission order."""
        self._ensure_started()
        self.ops.append((fn, args, kwargs))
        self._wake.set()

    def add_event(self, kind: str, payload: Any) -> None:
        self._ensure_started()
        self.events.append((kind, payload))

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until everything handed over before this call is written. False on timeout."""
        if self._thread is None:
            if not self.pending():
                return True
            self.start()
            if self._thread is None:  # held: nothing can be written until the hold ends
                return False
        if threading.current_thread() is self._thread:
            return True
        with self._done:
            self._requested += 1
            target = self._requested
        self._wake.set()
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._done:
            while self._completed < target:
                if self._thread.ident is not None and not self._thread.is_alive():
                    return False
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._done.wait(timeout=0.05 if left is None else min(left, 0.05))
        return True

    def close(self, timeout: float = 5.0) -> bool:
        ok = self.flush(timeout)
        self._stopping = True
        self._wake.set()
        return ok

    def start(self) -> None:
        """Start the thread now if work is waiting (after a hold)."""
        if self.pending():
            self._ensure_started()
            self._wake.set()

    def pending(self) -> int:
        return len(self.ops) + len(self.events) + sum(len(b[2]) for bufs in list(self.scalars.values())
                                                      for b in list(bufs.values()))

    # -- the thread ------------------------------------------------------------------------------
    def _ensure_started(self) -> None:
        if self._thread is not None or self._held:
            return
        with self._start_lock:
            if self._thread is None:
                # Known before it runs: the thread may take pending work before start() returns,
                # and a flush must then wait for it rather than see "no thread, nothing pending".
                thread = threading.Thread(target=self._run, name="jupyter-track-reporter", daemon=True)
                self._thread = thread
                thread.start()

    def _run(self) -> None:
        while not self._stopping:
            self._wake.wait(self.flush_period)
            self._wake.clear()
            with self._done:
                target = self._requested
            try:
                if self._cycle():
                    # An operation may have reported events of its own (a debug sample, once its
                    # bytes are stored): write them in this round too, or a flush (and so close()
                    # and the exit hook) would return before they are in the store.
                    self._cycle()
            except BaseException as exc:  # keep the thread alive; the caller sees the error on close
                self._note_error(f"{type(exc).__name__}: {exc}")
            with self._done:
                self._completed = max(self._completed, target)
                self._done.notify_all()

    def _cycle(self) -> bool:
        """One round: take events, run operations, write the events. True if operations ran."""
        batch = self._take_events()
        ran = self._run_ops()
        if batch is not None and len(batch):
            result = self._with_retry(lambda: self.backend.write_events(batch))
            if result is not None and result.dropped:
                for task_id, why in result.dropped.items():
                    if task_id not in self.dropped:
                        self.dropped[task_id] = why
                        print(f"jupyter-track: events for task {task_id} were not stored: {why}", file=sys.stderr)
        return ran

    def _run_ops(self) -> bool:
        n = len(self.ops)
        if not n:
            return False
        ops = self.ops[:n]
        del self.ops[:n]
        for fn, args, kwargs in ops:
            self._with_retry(lambda: fn(*args, **kwargs))
        return True

    def _take_events(self) -> Any:
        from ..core.reporting import EventBatch

        batch = EventBatch()
        for task_id, bufs in list(self.scalars.items()):
            for (title, series), buf in list(bufs.items()):
                n = len(buf[2])  # times are appended last: n points are complete in all three
                if not n:
                    continue
                cols = (buf[0][:n], buf[1][:n], buf[2][:n])
                for b in buf:
                    del b[:n]
                batch.scalars.append((task_id, title, series, *_columns(cols)))
        n = len(self.events)
        if n:
            events = self.events[:n]
            del self.events[:n]
            console: dict[tuple[str, int], list[str]] = {}
            console_time: dict[tuple[str, int], float] = {}
            for kind, payload in events:
                if kind == "console":
                    task_id, level, text, t = payload
                    console.setdefault((task_id, level), []).append(text)
                    console_time[(task_id, level)] = t
                elif kind == "single_value":
                    batch.single_values.append(payload)
                elif kind == "plot":
                    batch.plots.append(payload)
                elif kind == "debug_sample":
                    batch.debug_samples.append(payload)
            for (task_id, level), texts in console.items():
                batch.console.append((task_id, level, "".join(texts), console_time[(task_id, level)]))
        return batch

    def _with_retry(self, call: Callable[[], Any], attempts: int = 5) -> Any:
        from ..errors import Unavailable

        delay = 0.1
        for attempt in range(attempts):
            try:
                return call()
            except Unavailable as exc:
                if attempt == attempts - 1:
                    self._note_error(str(exc))
                    return None
                time.sleep(delay)
                delay = min(delay * 2, 2.0)
            except Exception as exc:
                self._note_error(f"{type(exc).__name__}: {exc}")
                return None
        return None

    def _note_error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)
            print(f"jupyter-track: could not store reported data: {message}", file=sys.stderr)


class _Hold:
    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter

    def __enter__(self) -> Reporter:
        self.reporter._held += 1
        return self.reporter

    def __exit__(self, *exc: object) -> None:
        self.reporter._held -= 1

    # The thread is started by whoever releases the hold last, through start().


def _columns(cols: Series) -> tuple[Any, Any, Any]:
    import numpy as np

    values, iters, times = cols  # no per-point work: the arrays' buffers become the columns
    return np.frombuffer(iters, "=i8"), np.frombuffer(values, "=f8"), np.frombuffer(times, "=f8") + MONOTONIC_TO_WALL
