"""The background reporter: the caller only appends to memory; one thread writes.

``Logger.report_scalar`` appends a ``(value, iteration, time)`` tuple to a per-series list
(a few hundred nanoseconds). This thread wakes every ``flush_period`` seconds, or when
asked, takes what is there, turns it into column arrays and hands one batch to the backend.

Ordering: pending operations (task creation, parameters) are applied before the events
taken in the same cycle, and events are taken *before* operations, so an event never
reaches the store ahead of the task it belongs to.

When the backend is unreachable (:class:`~jupyter_ext.errors.Unavailable` after a short retry)
the reporter goes offline: operations and event batches are appended, in order, to a spool on
disk (``client/spool.py``) instead, and nothing waits on the network. Every so often (1 s, doubling
up to 30 s) it tries to replay the spool; once the spool is empty it is online again.
A later process replays the spools that dead processes left for the same backend.

Uploads (artifacts, model weights, debug samples) are closures, which cannot be written to disk.
One that has a ``spool_as(writer)`` method writes itself to the spool as data instead, only
while offline (``client/spool_files.py``): its bytes copied into the spool folder, then plain
backend calls naming them, so replay (here or in a later process) needs no closure. Online, the
closure runs as it always did. What still cannot be written (no ``spool_as``, or the copy would
pass ``spool_max_mb``) waits in memory in the same order and is lost if the process ends while
the backend is away; the exit says what waits where.
"""
from __future__ import annotations

import atexit
import functools
import os
import sys
import threading
import time
import weakref
from array import array
from collections.abc import Callable
from typing import Any

from jupyter_ext.client.backend import Backend
from jupyter_ext.errors import Unavailable

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


PROBE_FIRST = 1.0
PROBE_MAX = 30.0


class Reporter:
    def __init__(self, backend: Backend, *, flush_period: float = 1.0, spool_dir: str | None = None,
                 spool_max_bytes: int = 1 << 30, task_timeout: float | None = None) -> None:
        self.backend = backend
        # an embedded store has no server to watch it: the reporter stops its orphaned runs once
        self.task_timeout = task_timeout
        self.flush_period = flush_period
        self.spool_dir = spool_dir
        self.spool_max_bytes = spool_max_bytes
        self._spool: Any = None  # a spool.Spool once the backend was first found unreachable
        self._offline = False
        self._next_probe = 0.0
        self._probe_gap = PROBE_FIRST
        self._probes = 0  # tries of an unreachable backend so far
        self._orphans_checked = False
        # marker -> (kind, body) that could not be written to disk; markers name this reporter,
        # so a later process replaying the spool never runs a stranger's entry
        self._memory_ops: dict[str, tuple[str, Any]] = {}
        self._memory_prefix = f"{os.getpid()}-{time.time_ns()}-"
        self._memory_seq = 0
        self.spooled = 0  # records written to the spool so far
        self.replayed = 0
        self.spooled_uploads: list[str] = []  # what each upload written to the spool as data was
        # token -> callback for a spooled call whose result this process wants (a pending artifact)
        self._notify: dict[str, Callable[[Any, BaseException | None], None]] = {}
        self._failed_blobs: set[str] = set()  # sha256 of spooled bytes whose replay was refused
        # task id -> {(title, series): [(value, iteration, time), ...]}; lists are shared with Loggers
        self.scalars: dict[str, dict[tuple[str, str], Series]] = {}
        self.events: list[tuple[str, Any]] = []
        self.ops: list[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]] = []
        self.errors: list[str] = []
        self.failures = 0  # things not stored so far (a repeated message counts each time)
        self._answered = 0  # failures a flush() already answered False for
        self.dropped: dict[str, str] = {}
        # live runs this process reports for: touched every HEARTBEAT_EVERY s (core/orphans.py)
        self.beating: set[str] = set()
        self._next_beat = 0.0
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._requested = 0
        self._completed = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._held = 0
        if spool_dir is not None:
            atexit.register(_say_what_waits, weakref.ref(self))

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
        """Wait until everything handed over before this call is written (or spooled). False on
        timeout, or when something could not be stored since the last flush answered (``errors``
        says what; it was printed when it happened)."""
        done = self._wait_written(timeout)
        failures, self._answered = self.failures - self._answered, self.failures
        return done and failures == 0

    def _wait_written(self, timeout: float | None) -> bool:
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

    def try_backend_now(self, timeout: float) -> bool:
        """While offline, try the backend at once instead of at the next probe (a run about to end
        delivers its spool, and its final status, to a server that came back); True when online."""
        if not self._offline or self._thread is None:
            return not self._offline
        probes = self._probes
        self._next_probe = 0.0
        self._wake.set()
        deadline = time.monotonic() + timeout
        while self._probes == probes and self._thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self._offline

    @property
    def offline(self) -> bool:
        """True while the backend is unreachable and work goes to the spool."""
        return self._offline

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
            except BaseException as exc:  # noqa: BLE001 - keep the thread alive; the caller sees the error on close
                self._note_error(f"{type(exc).__name__}: {exc}")
            with self._done:
                self._completed = max(self._completed, target)
                self._done.notify_all()
            if self.beating and not self._offline and time.monotonic() >= self._next_beat:
                self._beat()
            if self.task_timeout is not None and self._orphans_checked and not self._offline:
                self._stop_orphaned_runs()  # once, after the first flush is answered: after this run's own rows
            # After the flush is answered: what was handed over is on disk already, and a
            # probe of a dead server (a connect timeout) must not hold up close() or the exit.
            if self._offline and not self._stopping and time.monotonic() >= self._next_probe:
                try:
                    self._drain()
                except BaseException as exc:  # noqa: BLE001 - keep the thread alive; the caller sees it on close
                    self._note_error(f"{type(exc).__name__}: {exc}")
                self._probes += 1

    def _cycle(self) -> bool:
        """One round: take events, run operations, write the events. True if operations ran."""
        batch = self._take_events()
        n = len(self.ops)
        ops = self.ops[:n]
        del self.ops[:n]
        if not self._offline and not self._orphans_checked:
            self._orphans_checked = True
            self._replay_orphans()
        if self._offline:
            # to disk first, so a flush (and the exit hook) never waits for the network
            for op in ops:
                self._spool_op(op)
            if batch is not None and len(batch):
                self._spool_events(batch)
            return bool(ops)
        for i, (fn, args, kwargs) in enumerate(ops):
            if self._with_retry(functools.partial(fn, *args, **kwargs)) is _OFFLINE:
                for op in ops[i:]:
                    self._spool_op(op)
                if batch is not None and len(batch):
                    self._spool_events(batch)
                return True
        if batch is not None and len(batch):
            result = self._with_retry(lambda: self.backend.write_events(batch))
            if result is _OFFLINE:
                self._spool_events(batch)
            else:
                self._note_dropped(result)
        return bool(ops)

    def _note_dropped(self, result: Any) -> None:
        if result is not None and getattr(result, "dropped", None):
            for task_id, why in result.dropped.items():
                if task_id not in self.dropped:
                    self.dropped[task_id] = why
                    print(f"jupyter-track: events for task {task_id} were not stored: {why}", file=sys.stderr)

    # -- the spool ---------------------------------------------------------------------------------
    def _go_offline(self, exc: BaseException) -> None:
        if not self._offline:
            self._offline = True
            self._probe_gap = PROBE_FIRST
            where = f" to {self.spool_dir}" if self.spool_dir else " in memory"
            print(f"jupyter-track: the backend is unreachable ({exc}); reports are kept{where} and sent "
                  "when it is back", file=sys.stderr)
        self._next_probe = time.monotonic() + self._probe_gap
        self._probe_gap = min(self._probe_gap * 2, PROBE_MAX)

    def _own_spool(self) -> Any:
        if self._spool is None:
            from jupyter_ext.client import spool

            if self.spool_dir is None:
                return None
            self._spool = spool.Spool.for_process(self.spool_dir, _identity(self.backend), self.spool_max_bytes)
        return self._spool

    def _append(self, kind: str, body: Any, what: str) -> None:
        from jupyter_ext.client.spool import NotSpoolable

        target = self._own_spool()
        if target is None:
            self._memory_append(kind, body)
            return
        try:
            written = target.append(kind, body)
        except NotSpoolable:
            self._memory_append(kind, body)
            return
        except OSError as exc:
            self._note_error(f"cannot write the spool in {self.spool_dir}: {exc}; {what} kept in memory")
            self._memory_append(kind, body)
            return
        if written:
            self.spooled += 1
        else:
            self._note_error(f"the spool in {self.spool_dir} is full ({self.spool_max_bytes >> 20} MB, "
                             "setting spool_max_mb); later reports are dropped until the backend is back")

    def _memory_append(self, kind: str, body: Any) -> None:
        # kept in this process, in order: the spool holds a marker where it belongs
        self._memory_seq += 1
        marker = f"{self._memory_prefix}{self._memory_seq:012d}"
        self._memory_ops[marker] = (kind, body)
        target = self._own_spool()
        if target is not None and target.append("memory", marker):
            self.spooled += 1

    def _spool_op(self, op: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]) -> None:
        fn, args, kwargs = op
        name = getattr(fn, "__name__", "")
        if getattr(fn, "__self__", None) is self.backend and not name.startswith("_"):
            self._append("call", {"method": name, "args": list(args), "kwargs": kwargs}, f"call {name}")
        elif getattr(fn, "spool_as", None) is not None and self._spool_upload(fn):
            return
        else:
            self._memory_append("op", op)

    def _spool_upload(self, upload: Any) -> bool:
        from jupyter_ext.client.spool_files import spool_upload

        return spool_upload(self, upload)

    def _new_notify(self, callback: Callable[[Any, BaseException | None], None]) -> str:
        self._memory_seq += 1
        token = f"{self._memory_prefix}{self._memory_seq:012d}"
        self._notify[token] = callback
        return token

    def _spool_events(self, batch: Any) -> None:
        if any(isinstance(s[3], array) for s in batch.scalars):  # the spool writes numpy columns
            batch.scalars = [(t, ti, se, *_columns((va, it, tm), wall=True)) for t, ti, se, it, va, tm in batch.scalars]
        self._append("events", batch, f"{len(batch)} events")

    def _apply(self, kind: str, body: Any) -> None:
        """Replay one spooled record; Unavailable propagates (the record stays), other errors
        are noted and the record is done."""
        try:
            if kind == "call":
                self._apply_call(body)
            elif kind == "events":
                self._note_dropped(self.backend.write_events(body))
            elif kind == "memory":
                held = self._memory_ops.get(str(body))
                if held is None:
                    self._note_error("a queued upload of a process that ended while the backend was away is lost")
                    return
                self._apply(held[0], held[1])
                del self._memory_ops[str(body)]
            elif kind == "op":
                fn, args, kwargs = body
                fn(*args, **kwargs)
        except Unavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad spooled op must not block the rest; noted
            self._note_error(f"{type(exc).__name__}: {exc}")
        self.replayed += 1

    def _apply_call(self, body: dict[str, Any]) -> None:
        from jupyter_ext.client.spool_files import apply_call

        apply_call(self, body)

    def _drain(self) -> None:
        """Replay the spool in order; online again when it is empty."""
        try:
            target = self._own_spool()
            if target is not None:
                target.replay(self._apply)
                target.remove()
            # what has no marker in the spool (none at all, or the spool was full), in order
            for marker in sorted(self._memory_ops):
                self._apply("memory", marker)
        except Unavailable as exc:
            self._go_offline(exc)
            return
        except OSError as exc:
            self._note_error(f"cannot read the spool in {self.spool_dir}: {exc}")
            return
        if self._offline:
            self._offline = False
            print(f"jupyter-track: the backend is back; {self.replayed} spooled reports sent", file=sys.stderr)
            self._orphans_checked = False

    def _stop_orphaned_runs(self) -> None:
        stop = getattr(self.backend, "stop_orphaned_runs", None)
        if self.task_timeout is None or stop is None:
            return
        self.task_timeout, timeout = None, self.task_timeout  # once per process
        try:
            for task_id in stop(timeout, exclude=set(self.beating)):
                print(f"jupyter-track: task {task_id} was left in_progress by a process that is gone; "
                      "marked stopped", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - a housekeeping check; the run itself goes on
            print(f"jupyter-track: could not check the store for orphaned runs: {exc}", file=sys.stderr)

    def _replay_orphans(self) -> None:
        if self.spool_dir is None:
            return
        from jupyter_ext.client import spool

        own = self._spool.folder if self._spool is not None else ""
        try:
            for found in spool.orphans(self.spool_dir, _identity(self.backend), self.spool_max_bytes, exclude=own):
                try:
                    found.replay(self._apply)
                finally:
                    found.remove()
        except Unavailable as exc:
            self._orphans_checked = False
            self._go_offline(exc)
        except OSError as exc:
            self._note_error(f"cannot replay the spool in {self.spool_dir}: {exc}")

    def _take_events(self) -> Any:
        from jupyter_ext.core.event_batch import EventBatch

        batch = EventBatch()
        plain = bool(getattr(self.backend, "plain_columns", False))
        for task_id, bufs in list(self.scalars.items()):
            for (title, series), buf in list(bufs.items()):
                n = len(buf[2])  # times are appended last: n points are complete in all three
                if not n:
                    continue
                cols = (buf[0][:n], buf[1][:n], buf[2][:n])
                for b in buf:
                    del b[:n]
                batch.scalars.append((task_id, title, series, *(_plain_columns(cols) if plain else _columns(cols))))
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

    def _with_retry(self, call: Callable[[], Any], window: float = 1.0) -> Any:
        """``call()``'s result; ``_OFFLINE`` when the backend stayed unreachable (the reporter
        is then offline and the caller spools); ``None`` after any other error (noted).
        Quick retries within ``window`` seconds ride out a busy SQLite file; a backend that is
        slow to fail (an HTTP client retrying on its own) gets no second try from here."""
        deadline = time.monotonic() + window
        delay = 0.1
        while True:
            try:
                return call()
            except Unavailable as exc:
                if time.monotonic() + delay > deadline:
                    self._go_offline(exc)
                    return _OFFLINE
                time.sleep(delay)
                delay *= 2
            except Exception as exc:  # noqa: BLE001 - noted; the caller sees it on close
                self._note_error(f"{type(exc).__name__}: {exc}")
                return None

    def _beat(self) -> None:
        """Touch each live run's task, so that a watchdog tells it from one whose machine is gone."""
        self._next_beat = time.monotonic() + HEARTBEAT_EVERY
        for task_id in list(self.beating):
            try:
                self.backend.update_task(task_id, {})
            except Exception:  # noqa: BLE001 - a missed beat loses no data; the next one (or going offline) follows
                pass

    def note_lost(self, message: str) -> None:
        """Something handed over was not stored (an upload replayed from the spool was refused):
        printed, and the next flush() and the exit say so."""
        self._note_error(message)

    def _note_error(self, message: str) -> None:
        self.failures += 1
        if message not in self.errors:
            self.errors.append(message)
            print(f"jupyter-track: could not store reported data: {message}", file=sys.stderr)


_OFFLINE = object()
HEARTBEAT_EVERY = 60.0  # well inside the default task_timeout (10 min) after which a silent run is stopped


def _say_what_waits(ref: weakref.ref[Reporter]) -> None:
    rep = ref()
    if rep is not None and rep.offline:
        from jupyter_ext.client.spool_files import say_what_waits

        say_what_waits(rep)


def _identity(backend: Backend) -> str:
    """Which backend a spool belongs to: replaying it anywhere else would be wrong."""
    for attr in ("spool_identity", "base_url", "base", "api_host", "store_url"):
        value = getattr(backend, attr, None)
        if isinstance(value, str) and value:
            return f"{attr}={value}"
    return type(backend).__name__


class _Hold:
    def __init__(self, reporter: Reporter) -> None:
        self.reporter = reporter

    def __enter__(self) -> Reporter:
        self.reporter._held += 1
        return self.reporter

    def __exit__(self, *exc: object) -> None:
        self.reporter._held -= 1

    # The thread is started by whoever releases the hold last, through start().


def _columns(cols: Series, wall: bool = False) -> tuple[Any, Any, Any]:
    """(iterations, values, wall-clock times) as numpy columns; ``wall``: the times already are."""
    import numpy as np

    values, iters, times = cols  # no per-point work: the arrays' buffers become the columns
    ti = np.frombuffer(times, "=f8")
    return np.frombuffer(iters, "=i8"), np.frombuffer(values, "=f8"), ti if wall else ti + MONOTONIC_TO_WALL


def _plain_columns(cols: Series) -> tuple[Any, Any, Any]:
    """The same columns as ``array`` objects, for a backend that takes them (the embedded store
    writes them without numpy, whose import would cost a short script ~0.1 s)."""
    values, iters, times = cols
    offset = MONOTONIC_TO_WALL
    return iters, values, array("d", [t + offset for t in times])
