"""Encoded answers of read routes, served again while the store has not changed.

A UI polls the same task table, task and charts again and again, and between two polls the
store usually did not move. Whether it moved is one question to SQLite: ``PRAGMA
data_version`` on a connection of our own that never writes changes whenever any other
connection commits, in this process or in another one (kernels write the file directly).
Asking costs a few microseconds, so it is asked on the event loop, before the thread hop.

An answer is stored under the version read *before* its own read transaction began, so it
is at least as new as that version: when the version is unchanged at the next request,
nothing was committed since and the answer is still exact. Any commit anywhere (even to
another task) empties the cache in effect; a busy store simply makes it miss.

Only routes whose answer is a function of the store and the request alone are cached
(:data:`CACHEABLE`): nothing that depends on the clock, the caller's credentials or files.
Stores without such a marker (PostgreSQL) are never cached.
"""
from __future__ import annotations

import asyncio
import collections
import dataclasses
import hashlib
import threading
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from jupyter_ext.core.changes import marker as change_marker

# Pure reads of the store (route names of wire/routes.py).
CACHEABLE = frozenset({
    "list_projects", "list_tasks", "get_task", "get_parameters", "get_configurations", "get_scalars",
    "compare_scalars", "get_last_metrics", "get_single_values", "get_plots", "get_debug_samples", "get_console",
    "get_artifacts",
})
MAX_ENTRIES = 1024
MAX_BYTES = 64 << 20


@dataclasses.dataclass(frozen=True)
class Answer:
    status: int
    payload: bytes
    etag: str

    @classmethod
    def of(cls, status: int, payload: bytes) -> Answer:
        return cls(status, payload, '"' + hashlib.sha1(payload, usedforsecurity=False).hexdigest() + '"')


class ReadCache:
    def __init__(self, *, enabled: bool = True) -> None:
        self.enabled = enabled
        self.hits = self.misses = 0  # for tests and benchmarks
        self._entries: collections.OrderedDict[Hashable, tuple[int, Answer]] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        # Requests for an answer being computed wait for it (on the event loop: no lock needed).
        self._pending: dict[tuple[Hashable, int], asyncio.Future[Answer]] = {}

    def version(self, store: Any) -> int | None:
        """The store's change marker now; None when this store cannot be cached."""
        if not self.enabled:
            return None
        marker = change_marker(store)
        return None if marker is None else marker.version()

    def get(self, key: Hashable, version: int) -> Answer | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or found[0] != version:
                return None
            self._entries.move_to_end(key)
            return found[1]

    def put(self, key: Hashable, version: int, answer: Answer) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1].payload)
            if len(answer.payload) > MAX_BYTES // 8:
                return
            self._entries[key] = (version, answer)
            self._bytes += len(answer.payload)
            while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped.payload)

    async def answer(self, key: Hashable, version: int, compute: Callable[[], Awaitable[Answer]]) -> Answer:
        """The cached answer, or ``compute()`` once for all requests of that key and version
        arriving while it runs. Only 200 answers are kept."""
        hit = self.get(key, version)
        if hit is not None:
            self.hits += 1
            return hit
        running = self._pending.get((key, version))
        if running is not None:
            self.hits += 1
            return await asyncio.shield(running)
        self.misses += 1
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._pending[(key, version)] = future
        try:
            answer = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waited
            raise
        finally:
            self._pending.pop((key, version), None)
        future.set_result(answer)
        if answer.status == 200:
            self.put(key, version, answer)
        return answer
