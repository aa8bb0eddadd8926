"""Has anything been committed to the store since I last looked? Asked in microseconds.

On SQLite, ``PRAGMA data_version`` on a connection that never writes changes whenever any
other connection commits, in this process or in another one (kernels write the file
directly). One such connection per store and process answers for every cache built on it
(read answers of the server, verified API keys). PostgreSQL has no such marker: callers
fall back to what they do without one.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
import weakref

from jupyter_ext.store.meta import MetaStore

_markers: weakref.WeakKeyDictionary[MetaStore, ChangeMarker | None] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class ChangeMarker:
    """A number that differs from the last one read whenever the file got a commit in between.

    (A checkpoint may change it too: callers only ever redo work they could have kept.)"""

    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=60)
        self._conn.execute("PRAGMA query_only=ON")
        self._lock = threading.Lock()
        weakref.finalize(self, self._conn.close)

    def version(self) -> int:
        with self._lock:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def close(self) -> None:
        with self._lock, contextlib.suppress(sqlite3.Error):
            self._conn.close()


def change_marker(store: MetaStore) -> ChangeMarker | None:
    """This process's marker of ``store`` (opened on first use); None for stores without one."""
    with _lock:
        if store in _markers:
            return _markers[store]
        found = None
        path = store.engine.url.database
        if store.dialect == "sqlite" and path and path != ":memory:" and not path.startswith("file:"):
            found = ChangeMarker(path)
        _markers[store] = found
        return found
