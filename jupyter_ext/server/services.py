"""What every handler shares: the backend over the store, the worker threads, the limits and
the change feed. One object per server, handed to the handlers in their settings."""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from jupyter_ext.client.local import LocalBackend
from jupyter_ext.core import orphans
from jupyter_ext.core.rules.orphans import DEFAULT_TASK_TIMEOUT
from jupyter_ext.server.changes import ChangeFeed
from jupyter_ext.server.chart_cache import ChartCache
from jupyter_ext.server.read_cache import ReadCache
from jupyter_ext.wire.routes import MAX_JSON_BYTES, MAX_POINTS

T = TypeVar("T")

MiB = 1 << 20
ORPHAN_CHECK_EVERY = 60.0
log = logging.getLogger("jupyter_ext.server")


@dataclasses.dataclass
class Limits:
    """Request size limits: a JSON body (an events batch is the biggest) and one uploaded blob."""

    max_json_bytes: int = MAX_JSON_BYTES
    max_blob_bytes: int = 64 * 1024 * MiB
    max_points: int = MAX_POINTS  # per series, in a downsampled read


class Services:
    def __init__(self, backend: LocalBackend, *, limits: Limits | None = None, workers: int = 8,
                 keys_only: bool = False, task_timeout: float = DEFAULT_TASK_TIMEOUT) -> None:
        self.backend = backend
        self.task_timeout = task_timeout
        self._closing = threading.Event()
        threading.Thread(target=self._watch_orphans, name="jupyter-track-orphans", daemon=True).start()
        self.limits = limits or Limits()
        # Store calls block (SQLite, files, hashing): they run here, never on the event loop.
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=workers,
                                                              thread_name_prefix="jupyter-track-api")
        self.keys_only = keys_only
        self.hub: Any = None  # server/hub.py's HubIdentity when JupyterHub's users are trusted
        self.jupyter_identity = False  # True under JupyterHub: the browser's Jupyter user is vouched for
        self.changes = ChangeFeed(self)
        self.charts = ChartCache()
        self.reads = ReadCache()

    @classmethod
    def open(cls, store_url: str, blob_url: str, **kwargs: Any) -> Services:
        backend = LocalBackend(store_url, blob_url)
        backend.open_in_background()
        made = cls(backend, **kwargs)
        made.executor.submit(made._note_open)
        return made

    # The Jupyter server's contents root, where "Open notebook" writes a run's notebook (None when
    # standalone: no workspace).
    workspace: str | None = None
    store_ready = False  # until then nothing touches the store on the event loop (opening takes ~0.3 s)

    def _note_open(self) -> None:
        with contextlib.suppress(Exception):  # the error surfaces on the first request instead
            self.backend.store  # noqa: B018
            self.store_ready = True
        if self.store_ready:
            self._stop_orphans()  # at once: runs killed while no server watched end now, not in a minute

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, functools.partial(fn, *args, **kwargs))

    def _watch_orphans(self) -> None:
        """Every minute: runs whose process is gone end as stopped (core/orphans.py)."""
        while not self._closing.wait(ORPHAN_CHECK_EVERY):
            if self.store_ready:
                self._stop_orphans()

    def _stop_orphans(self) -> None:
        try:
            stopped = orphans.stop_orphans(self.backend.store, task_timeout=self.task_timeout)
        except Exception:  # noqa: BLE001 - logged; the next round tries again
            log.exception("checking for orphaned runs failed")
            return
        for task_id in stopped:
            log.info("task %s: its process is gone; marked stopped", task_id)
            self.changes.announce("task", task_id, ["status", "status_message"])

    def close(self) -> None:
        self._closing.set()
        with contextlib.suppress(Exception):
            # An opening still migrating must finish first: Alembic's migration context is
            # process-wide, and a second store opening meanwhile would trip over it.
            self.backend.store  # noqa: B018
        self.changes.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.backend.close()
