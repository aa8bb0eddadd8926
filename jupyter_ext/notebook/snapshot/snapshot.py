"""Notebook snapshots: the ``.ipynb`` and its HTML rendering, stored as two artifacts of the task.

When: on ``%track``, after cells run (at most every 30 s, and only when the notebook changed),
at close, and on demand (``%track snapshot``). All the work (reading, redacting, rendering with
nbconvert, storing) happens on one background thread, never on the kernel's main thread: a
cell that finishes only *asks* for a snapshot.

The HTML is rendered by nbconvert in a worker process (render_worker.py), started once per
kernel: nbconvert is pure Python, and in a kernel thread it would hold the GIL for a second per
megabyte of notebook while the user's cells wait.

What: the live document the JupyterLab extension sent over the ``jupyter_ext.snapshot`` comm
when there is one (it has unsaved edits and follows renames), else the file on disk. Secrets
are masked in both stored copies (see notebook_file.redact).
"""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from jupyter_ext.notebook.snapshot import comm as live_document
from jupyter_ext.notebook.snapshot import render_worker

MIN_INTERVAL_S = 30.0  # ClearML's period: often enough to lose little, rare enough to cost nothing
NOTEBOOK_ARTIFACT = "notebook"
PREVIEW_ARTIFACT = "notebook preview"
CONTENT_WAIT_S = 2.0  # how long to wait for the frontend's live copy before using the saved file


class Snapshotter:
    """Takes the snapshots of one task's notebook on its own thread."""

    def __init__(self, task: Any, path_fn: Callable[[], str | None]) -> None:
        self._task = task
        self._path_fn = path_fn
        self._cond = threading.Condition()
        self._soft = False                     # a cell ran: snapshot when allowed and changed
        self._hard: list[_Request] = []        # %track, close, on demand: snapshot now
        self._last_time = -MIN_INTERVAL_S      # monotonic time of the last stored snapshot
        self._last_hash: str | None = None
        self._last_mtime: float | None = None
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.stored = 0                        # snapshots stored so far
        self.last_error: str | None = None
        self.last_seconds: float | None = None  # how long the last stored snapshot took
        self.last_phases: dict[str, float] = {}  # and where that time went

    # -- what the notebook layer calls (main thread; returns at once unless asked to wait) ---------
    def after_cell(self) -> None:
        with self._cond:
            self._soft = True
            self._cond.notify()
        self._ensure_thread()

    def now(self, *, always: bool = True, wait: bool = False, timeout: float | None = None) -> bool | None:
        """Ask for a snapshot now. ``always=False`` skips it when nothing changed. With ``wait``,
        block until it is stored: True if stored, False if skipped or failed (None on timeout)."""
        request = _Request(always)
        with self._cond:
            self._hard.append(request)
            self._cond.notify()
        self._ensure_thread()
        if not wait:
            return None
        if not request.done.wait(timeout):
            return None
        return request.stored

    def close(self, timeout: float = 30.0) -> bool | None:
        """Final snapshot (when changed), then stop the thread."""
        result = self.now(always=False, wait=True, timeout=timeout)
        with self._cond:
            self._stopping = True
            self._cond.notify()
        return result

    # -- the thread -------------------------------------------------------------------------------
    def _ensure_thread(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="jupyter-track-snapshot", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._hard:
                        requests, self._hard = self._hard, []
                        self._soft = False
                        break
                    if self._stopping:
                        return
                    wait = MIN_INTERVAL_S - (time.monotonic() - self._last_time)
                    if self._soft and wait <= 0:
                        self._soft = False
                        requests = [_Request(always=False, soft=True)]
                        break
                    self._cond.wait(timeout=wait if self._soft else None)
            always = any(r.always for r in requests)
            soft = all(r.soft for r in requests)
            stored = False
            try:
                stored = self._take(always=always, soft=soft)
            except Exception as exc:  # noqa: BLE001 - never let a bad notebook kill the thread; say what happened
                self.last_error = f"{type(exc).__name__}: {exc}"
                print(f"jupyter-track: notebook snapshot failed: {self.last_error}", file=sys.stderr)
            for r in requests:
                r.stored = stored
                r.done.set()

    def _take(self, *, always: bool, soft: bool) -> bool:
        started = time.perf_counter()
        taken = time.time()  # before the content is read: every cell that ended before is in it
        path = self._path_fn()
        folder = tempfile.mkdtemp(prefix="jupyter-track-snapshot-")
        try:
            source_path, source = self._content(path, folder, soft=soft)
            if source_path is None:
                return False
            stem = os.path.splitext(os.path.basename(path))[0] if path else "notebook"
            # Reading, redacting, hashing and rendering happen in the worker process: none of it
            # takes the GIL from the user's cells.
            done = render_worker.snapshot(source_path, folder, stem, skip_if=None if always else self._last_hash)
            self.last_phases = dict(done.get("phases") or {})
            if done.get("unchanged"):
                self._last_time = time.monotonic()
                return False
            mark = time.perf_counter()
            digest = str(done["digest"])
            meta = {"path": path or "", "source": source,
                    "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "sha256_redacted": digest}
            self._task.upload_artifact(NOTEBOOK_ARTIFACT, done["ipynb"], metadata=meta, wait_on_upload=True)
            self._task.upload_artifact(PREVIEW_ARTIFACT, done["html"], metadata=meta, wait_on_upload=True)
            self._keep_version(done, taken, source, path or "")
            self.last_phases["store"] = time.perf_counter() - mark
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self._last_hash = digest
        self._last_time = time.monotonic()
        self.stored += 1
        self.last_seconds = time.perf_counter() - started
        return True

    def _keep_version(self, done: dict[str, Any], taken: float, source: str, path: str) -> None:
        """Record the two artifacts just stored as the next version (on the reporter thread, after
        them), and the notebook's parameters the task does not hold yet."""
        from jupyter_ext.sdk import _session as session

        task_id, digest = self._task.id, str(done["digest"])
        counts = {"cells": int(done.get("cells") or 0), "executed": int(done.get("executed") or 0)}
        defaults = dict(done.get("parameters") or {})

        def record() -> None:
            from jupyter_ext.client import notebooks

            backend = session.backend()
            stored = {a.name: a for a in backend.get_artifacts(task_id)
                      if a.name in (NOTEBOOK_ARTIFACT, PREVIEW_ARTIFACT)
                      and a.metadata.get("sha256_redacted") == digest}
            ipynb, html = stored.get(NOTEBOOK_ARTIFACT), stored.get(PREVIEW_ARTIFACT)
            if ipynb is None or not ipynb.blob_sha256:
                return  # replaced by a newer snapshot before this ran: that one is recorded instead
            backend.add_notebook_snapshot(task_id, {
                "taken": taken, "source": source, "path": path, "digest": digest, "location": ipynb.location,
                "ipynb_sha256": ipynb.blob_sha256, "ipynb_size": ipynb.size,
                "html_sha256": html.blob_sha256 if html is not None and html.location == ipynb.location else None,
                "html_size": html.size if html is not None else 0, **counts})
            if defaults:
                notebooks.record_defaults(backend, task_id, defaults)

        session.reporter().submit(record)

    def _content(self, path: str | None, folder: str, *, soft: bool) -> tuple[str | None, str]:
        """A file with the newest copy of the notebook: the frontend's live document (written to
        ``folder``), else the saved file itself."""
        doc = live_document.latest(request=True, wait=CONTENT_WAIT_S)
        if doc is not None:
            live_path = os.path.join(folder, "live-document.json")
            with open(live_path, "w", encoding="utf-8") as fh:
                json.dump(doc, fh)
            return live_path, "frontend"
        if not path or not os.path.exists(path):
            return None, "none"
        mtime = os.path.getmtime(path)
        if soft and mtime == self._last_mtime:
            return None, "unchanged"  # a cheap test first: most cells change nothing on disk
        self._last_mtime = mtime
        return path, "file"


class _Request:
    def __init__(self, always: bool, soft: bool = False) -> None:
        self.always = always
        self.soft = soft
        self.stored = False
        self.done = threading.Event()
