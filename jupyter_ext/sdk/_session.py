"""Process-wide state of the SDK: settings, the backend, the reporter, the main task, exit hooks.

Everything is created on first use, so importing the SDK costs nothing and a script that
never calls ``Task.init`` never opens a store.
"""
from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from jupyter_ext.config import PROC_MASTER_VARS

if TYPE_CHECKING:
    from jupyter_ext.client.backend import Backend
    from jupyter_ext.client.reporter import Reporter
    from jupyter_ext.config import Config
    from jupyter_ext.sdk.tasks.task import Task

_lock = threading.RLock()
_config: Config | None = None
_backend: Backend | None = None
_reporter: Reporter | None = None
_main_task: Task | None = None
_hooks_installed = False
# The process whose Task.init made the main task. In any other process (a forked worker, a
# subprocess attached to its parent's task) the task is borrowed: reported to, never finished.
_owner_pid: int | None = None
_owned_task_id: str | None = None  # the last task this process ran as its own (the exit reports its losses)
# A forked child's copies of the parent's backend and reporter: their threads and connections
# belong to the parent, so they are set aside (never closed from here, never used again).
_inherited: list[Any] = []
_forked = False  # this process is a fork of the one that owns the main task

# A subprocess started while a task runs reports to that task, as in ClearML: ``<pid>:<task id>``.
# Remove it from a child's environment for the child's Task.init to make its own task.
MASTER_VARS = PROC_MASTER_VARS

# How the process is ending, as the exit hooks saw it.
exit_state: dict[str, Any] = {"exception": None, "signal": None, "code": None}


def config() -> Config:
    global _config
    with _lock:
        if _config is None:
            from jupyter_ext.config import load

            _config = load()
        return _config


def backend() -> Backend:
    global _backend
    with _lock:
        if _backend is None:
            cfg = config()
            if cfg.remote:
                from jupyter_ext.client.http import HttpBackend

                _backend = HttpBackend.from_config(cfg)
            else:
                from jupyter_ext.client.local import LocalBackend

                _backend = LocalBackend.from_config(cfg)
        return _backend


def reporter() -> Reporter:
    global _reporter
    with _lock:
        if _reporter is None:
            from jupyter_ext.client.reporter import Reporter

            cfg = config()
            from jupyter_ext.client.home_check import check_home

            check_home(cfg.home, cfg.store_url, cfg.remote)  # at once, not after a run whose results are lost
            # reports that cannot reach the backend wait on disk, bounded, and are sent later
            _reporter = Reporter(backend(), flush_period=cfg.flush_period, spool_dir=os.path.join(cfg.home, "spool"),
                                 spool_max_bytes=int(cfg.spool_max_mb * (1 << 20)),
                                 task_timeout=None if cfg.remote else cfg.task_timeout)
            if _forked:
                _flush_at_worker_exit()
        return _reporter


def has_reporter() -> bool:
    return _reporter is not None


def main_task() -> Task | None:
    return _main_task


def set_main_task(task: Task | None, *, borrowed: bool = False) -> None:
    """Make ``task`` this process's task; ``borrowed=True`` when another process owns it (a
    subprocess reporting to its parent's task), so this one never finishes it."""
    global _main_task, _owner_pid, _owned_task_id
    if task is None and _main_task is not None and not is_borrowed(_main_task):
        os.environ.pop(MASTER_VARS[0], None)
    _main_task = task
    if task is None:
        return
    if borrowed:
        _owner_pid = None
    else:
        _owner_pid = os.getpid()
        _owned_task_id = task.id
        os.environ[MASTER_VARS[0]] = f"{os.getpid()}:{task.id}"
    install_exit_hooks()


def is_borrowed(task: Task) -> bool:
    """True when ``task`` is the main task but another process owns it."""
    return task is _main_task and _owner_pid != os.getpid()


def parent_task_id() -> str | None:
    """The task of the process that started this one, from the environment it passed down."""
    for name in MASTER_VARS:
        pid, _, task_id = os.environ.get(name, "").partition(":")
        if task_id and pid != str(os.getpid()):
            return task_id
    return None


def _flush_at_worker_exit() -> None:
    """In a forked worker that reports, what it reported is written (for at most
    FORKED_EXIT_FLUSH seconds) however it ends: a multiprocessing worker leaves by ``os._exit``
    after its finalizers, not atexit, and a pool's terminate sends SIGTERM, which then ends the
    process at once, outside the pool's code."""
    multiprocessing_util = sys.modules.get("multiprocessing.util")
    if multiprocessing_util is not None:
        multiprocessing_util.Finalize(None, _flush_forked, exitpriority=100)
    try:
        if threading.current_thread() is threading.main_thread() and \
                signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _flush_and_exit)
    except (ValueError, OSError):
        pass


def _flush_forked() -> None:
    rep = _reporter
    if rep is not None:
        rep.flush(FORKED_EXIT_FLUSH)


def _flush_and_exit(signum: int, _frame: Any) -> None:
    _flush_forked()
    os._exit(128 + signum)


# At most this long a forked worker ended by SIGTERM spends writing what it reported.
FORKED_EXIT_FLUSH = 5.0


def _after_fork_in_child() -> None:
    """A forked worker (``multiprocessing`` with fork) keeps reporting to the parent's task, on
    its own store connection and reporter, and leaves exit and SIGTERM to its own kind: its
    pool terminates it with SIGTERM, which must end it at once, not run the parent's exit work
    (that hung the parent at exit, waiting on workers)."""
    global _lock, _backend, _reporter, _forked, _owned_task_id
    _lock = threading.RLock()  # another thread may have held it at the fork
    _owned_task_id = None  # the parent reports its own run's losses
    _inherited.extend(part for part in (_backend, _reporter) if part is not None)
    _backend = _reporter = None
    _forked = True
    if _main_task is not None:
        _main_task._logger = None  # it holds the parent's reporter
    try:
        if signal.getsignal(signal.SIGTERM) is _on_sigterm:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except (ValueError, OSError):  # not the main thread of the child: nothing was installed there
        pass


def _before_fork() -> None:
    """A child forked while the store's opening thread imports would wait forever for the import
    locks that thread holds, and one forked while the reporter writes may find the store's locks
    taken, or the task row not yet written: the fork waits for both first (bounded)."""
    backend = _backend
    if backend is not None:
        backend.finish_opening(FORK_OPENING_WAIT)
    rep = _reporter
    if rep is not None and _main_task is not None:
        rep.flush(FORK_OPENING_WAIT)


# At most this long a fork waits for the store's opening thread, and for the reporter.
FORK_OPENING_WAIT = 10.0


def _watch_forks() -> None:
    """Called at the first Task.init. Before-fork hooks run last registered first, and logging's
    takes its lock, which the opening thread's imports need: so this one is registered after
    logging is imported, to wait before that lock is taken."""
    import logging  # noqa: F401 - see above

    os.register_at_fork(before=_before_fork, after_in_child=_after_fork_in_child)


def reset_for_tests() -> None:
    """Forget settings, backend and reporter (tests point JUPYTER_TRACK_HOME elsewhere)."""
    global _config, _backend, _reporter, _main_task, _owned_task_id
    with _lock:
        _owned_task_id = None
        if _reporter is not None:
            _reporter.close(timeout=10)
        if _backend is not None:
            _backend.close()
        _config = _backend = _reporter = _main_task = None
        os.environ.pop(MASTER_VARS[0], None)
        exit_state.update(exception=None, signal=None, code=None)


# -- exit hooks ---------------------------------------------------------------------------------
def install_exit_hooks() -> None:
    global _hooks_installed
    with _lock:
        if _hooks_installed:
            return
        _hooks_installed = True
    if hasattr(os, "register_at_fork"):
        _watch_forks()
    atexit.register(_at_exit)
    previous_hook = sys.excepthook

    def excepthook(exc_type: type[BaseException], exc: BaseException, tb: Any) -> None:
        exit_state["exception"] = exc
        previous_hook(exc_type, exc, tb)

    sys.excepthook = excepthook
    original_exit = sys.exit

    def tracked_exit(code: Any = None) -> None:
        exit_state["code"] = code
        original_exit(code)

    sys.exit = tracked_exit  # type: ignore[assignment]
    _track_builtin_exits()
    if threading.current_thread() is threading.main_thread() and "ipykernel" not in sys.modules:
        try:
            if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
                signal.signal(signal.SIGTERM, _on_sigterm)
        except (ValueError, OSError):
            pass


def _track_builtin_exits() -> None:
    """``exit(3)`` and ``quit(3)`` raise SystemExit themselves, which no excepthook sees."""
    import builtins

    for name in ("exit", "quit"):
        original = getattr(builtins, name, None)
        if original is None or "ipykernel" in sys.modules:
            continue  # a kernel's exit() ends the kernel, not a run

        def tracked(code: Any = None, _original: Any = original) -> None:
            exit_state["code"] = code
            _original(code)

        setattr(builtins, name, tracked)


def _on_sigterm(signum: int, _frame: Any) -> None:
    exit_state["signal"] = signum
    raise SystemExit(128 + signum)


def _at_exit() -> None:
    task = _main_task
    finished = True
    if task is not None and not task._closed:
        if is_borrowed(task):  # the owner finishes it; what this process reported is written now
            if _reporter is not None:
                _reporter.flush(config().exit_timeout)
            return
        timeout = config().exit_timeout
        # The flush inside _finish is bounded, but the status write after it is not: with the store
        # locked by another process (SQLite waits up to its busy timeout, then the reporter retries)
        # it could keep the interpreter alive for minutes. Finish on a daemon thread and stop
        # waiting for it shortly after the exit timeout, so the process always ends.
        finisher = threading.Thread(target=_finish_at_exit, args=(task, timeout), name="jupyter-track-exit",
                                    daemon=True)
        finisher.start()
        finisher.join(timeout + EXIT_STATUS_GRACE)
        finished = not finisher.is_alive()
        if not finished:
            print(f"jupyter-track: task {task.id}: gave up finishing it after {timeout + EXIT_STATUS_GRACE:.0f} s "
                  f"at exit (is the store locked by another process?)", file=sys.stderr)
    rep = _reporter
    lost = rep.failures if rep is not None else 0
    if _owned_task_id is not None and (lost or not finished):
        _report_loss(_owned_task_id, lost, rep.errors if rep is not None else [])


def _report_loss(task_id: str, lost: int, errors: list[str]) -> None:
    """A run whose results were not all stored must not look successful: say so last, and (a
    script that would exit 0) exit with ``exit_code_on_loss``."""
    what = f"{lost} report(s) were not stored" if lost else "its final state may not be stored"
    detail = f": {'; '.join(errors[-3:])}" if errors else ""
    code = config().exit_code_on_loss
    ended_well = exit_state["exception"] is None and exit_state["signal"] is None and \
        exit_state["code"] in (None, 0, "")
    changed = f"; exit code {code} (setting exit_code_on_loss)" if ended_well and code else ""
    print(f"jupyter-track: task {task_id}: THIS RUN'S RESULTS ARE INCOMPLETE, {what}{detail}{changed}",
          file=sys.stderr, flush=True)
    if not changed or "ipykernel" in sys.modules:
        return
    # An exit hook cannot change the exit code but by ending the process: the other exit hooks
    # (logging's, multiprocessing's…) run first, then the interpreter ends with the code.
    atexit.unregister(_at_exit)
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(code)


# Extra time at exit, past the flush's exit_timeout, for writing the final status.
EXIT_STATUS_GRACE = 1.0


def _finish_at_exit(task: Task, timeout: float) -> None:
    exc = exit_state["exception"]
    code = exit_state["code"]
    try:
        if exit_state["signal"] is not None or isinstance(exc, KeyboardInterrupt):
            task._finish("stopped", reason=f"Signal {exit_state['signal'] or 2}", timeout=timeout)
        elif exc is not None:
            task._finish("failed", reason=f"Exception: {type(exc).__name__}: {exc}", timeout=timeout)
        elif code not in (None, 0) and not (isinstance(code, str) and not code):
            task._finish("failed", reason=f"Exit code {code}", timeout=timeout)
        else:
            task._finish("completed", timeout=timeout)
    except BaseException as err:  # noqa: BLE001 - never turn a clean exit into a traceback
        print(f"jupyter-track: could not finish task {task.id} at exit: {err}", file=sys.stderr)


def getpid_user() -> str:
    try:
        import getpass

        return getpass.getuser()
    except (ImportError, KeyError, OSError):  # no user entry
        return os.environ.get("USER", "")
