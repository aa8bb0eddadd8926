"""One tracked run of a notebook: what ``%track`` starts and ``%track off`` finishes.

A run is one task. Running ``%track`` again closes the current task (completed) and starts a
new one, in the same kernel: nothing is killed. The task records the notebook's path, the
kernel and the environment; the notebook itself is stored by the run's Snapshotter.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import time
from typing import Any

from jupyter_ext.notebook.snapshot import comm as live_document
from jupyter_ext.notebook.snapshot import path as notebook_path
from jupyter_ext.notebook.snapshot.snapshot import Snapshotter

_current: NotebookRun | None = None
_lock = threading.Lock()
_atexit_installed = False
_closing: list[threading.Thread] = []  # runs closing in the background (%track run again)


class NotebookRun:
    def __init__(self, task: Any, path: str | None, found_by: str, queue: str | None) -> None:
        self.task = task
        self.path = path
        self.found_by = found_by
        self.queue = queue
        self.snapshots = Snapshotter(task, self.current_path)
        self.closed = False

    def current_path(self) -> str | None:
        """The path now (the frontend may have reported a rename since the run started)."""
        return notebook_path.pushed_path() or self.path

    def after_cell(self) -> None:
        if not self.closed:
            self.snapshots.after_cell()

    def close(self, timeout: float = 30.0) -> None:
        if self.closed:
            return
        self.closed = True
        self.snapshots.close(timeout=timeout)
        self.task.close()

    def close_in_background(self) -> None:
        """Close without making the caller wait for the last snapshot (``%track`` run again).

        The task stops being this kernel's task at once, and its console capture ends, so the
        next task starts clean; the last snapshot and the status follow on a thread."""
        from jupyter_ext.sdk import _session as session
        from jupyter_ext.sdk.tasks import init as init_flow

        if self.closed:
            return
        self.closed = True
        init_flow.stop_capture(self.task, timeout=0.0)
        if session.main_task() is self.task:
            session.set_main_task(None)

        def finish() -> None:
            try:
                self.snapshots.close(timeout=60.0)
            finally:
                self.task.close()

        thread = threading.Thread(target=finish, name="jupyter-track-close", daemon=True)
        _closing.append(thread)
        thread.start()


def current() -> NotebookRun | None:
    return _current


def start(*, project: str | None, name: str | None, task_type: str, tags: list[str], queue: str | None,
          shell: Any = None) -> NotebookRun:
    """Close the current run (if any) and start a new task for this notebook."""
    global _current
    from jupyter_ext.sdk.tasks.task import Task

    with _lock:
        previous = _current
        _current = None
    if previous is not None:
        previous.close_in_background()
    stray = Task.current_task()
    if stray is not None:  # a Task.init of this kernel that %track now takes over from
        stray.close()

    user_ns = getattr(shell, "user_ns", None)
    path, found_by = notebook_path.detect(user_ns)
    stem = os.path.splitext(os.path.basename(path))[0] if path else None
    task_name = name or stem or "Untitled notebook"
    project_name = project or _default_project(path)
    task = Task.init(project_name=project_name, task_name=task_name, task_type=task_type, tags=tags or None,
                     reuse_last_task_id=False, auto_connect_arg_parser=False)
    run = NotebookRun(task, path, found_by, queue)
    with _lock:
        _current = run
    _install_atexit()
    threading.Thread(target=_record_notebook, args=(task, path, found_by, queue), name="jupyter-track-notebook-info",
                     daemon=True).start()
    run.snapshots.now(always=False)
    return run


def stop() -> NotebookRun | None:
    global _current
    with _lock:
        run, _current = _current, None
    if run is not None:
        run.close()
    return run


def _default_project(path: str | None) -> str:
    from jupyter_ext.sdk import _session as session

    configured = str(getattr(session.config(), "default_project", "") or "")
    if configured:
        return configured
    folder = os.path.basename(os.path.dirname(path)) if path else os.path.basename(os.getcwd())
    return folder or "Notebooks"


def kernel_info(found_by: str) -> dict[str, Any]:
    """What runs this notebook: the kernel, its frontend, the Jupyter stack's versions."""
    from importlib import metadata

    versions = {}
    for dist in ("ipykernel", "ipython", "jupyter_client", "jupyter_server", "jupyterlab", "notebook",
                 "ipywidgets", "anywidget", "nbclient"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    frontend = {"frontend": "JupyterLab/Notebook extension", "vscode": "VS Code",
                "sessions-api": "Jupyter server", "session-name": "Jupyter server",
                "command-line": "nbconvert/papermill", "environment": "set by environment"}.get(found_by, "unknown")
    return {"kernel_id": notebook_path.kernel_id(), "pid": os.getpid(), "python": sys.executable,
            "frontend": frontend, "path_found_by": found_by, "versions": versions}


def _record_notebook(task: Any, path: str | None, found_by: str, queue: str | None) -> None:
    """Store path and kernel in the task, after the environment capture (which writes ``script``
    and ``runtime`` whole, and would otherwise overwrite these fields)."""
    from jupyter_ext.sdk import _session as session

    capture = getattr(task, "_capture_thread", None)
    deadline = time.monotonic() + 120
    while capture is not None and time.monotonic() < deadline and (capture.ident is None or capture.is_alive()):
        if capture.ident is None:
            time.sleep(0.05)  # started by Task.init's starter thread a moment from now
        else:
            capture.join(timeout=0.5)
    info = kernel_info(found_by)
    if queue:
        info["requested_queue"] = queue
    session.reporter().submit(lambda: _store_path(task.id, path, found_by, info))


def follow_rename() -> None:
    """The frontend reported a new path (the notebook was renamed or moved): record it in the
    task, as if it had been found there, so the task does not point at a file that is gone."""
    from jupyter_ext.sdk import _session as session

    run = _current
    if run is None or run.closed:
        return
    task_id = run.task.id
    session.reporter().submit(lambda: _store_path(task_id, run.path, run.found_by, None))


def _store_path(task_id: str, path: str | None, found_by: str, info: dict[str, Any] | None) -> None:
    """On the reporter thread, in order with the task's other writes. A path the frontend pushed
    since (a rename) wins over the one found at start."""
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    pushed = notebook_path.pushed_path()
    if pushed:
        path, found_by = pushed, "frontend"
    row = backend.get_task(task_id)
    script = dict(row.script)
    if path:
        script["entry_point"] = path
        script["working_dir"] = os.path.dirname(path)
    script["notebook"] = {"path": path or "", "found_by": found_by}
    fields: dict[str, Any] = {"script": script}
    if info is not None:
        runtime = dict(row.runtime)
        runtime["kernel"] = info
        fields["runtime"] = runtime
    backend.update_task(task_id, fields)


def _install_atexit() -> None:
    global _atexit_installed
    if not _atexit_installed:
        _atexit_installed = True
        # Registered after the SDK's own exit hook, so it runs first: the last snapshot is taken
        # while the task is still open.
        atexit.register(_at_exit)


def _at_exit() -> None:
    run = _current
    if run is not None and not run.closed:
        run.snapshots.close(timeout=10.0)
    deadline = time.monotonic() + 15.0
    for thread in _closing:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def reset_for_tests() -> None:
    global _current
    _current = None
    live_document.reset()
