"""The embedded SQLite store opened with the stdlib ``sqlite3`` alone: no SQLAlchemy to import.

A script's hot writes (its task, parameters, scalars, console, status, artifacts) go through
this connection, so a fresh process writes its first rows a few milliseconds after ``Task.init``
instead of after SQLAlchemy's import. It opens only a database at the head revision, or one
with none of our tables (then it creates the schema in one step, from ``sqlite_schema.py``, which
is generated from ``schema.py``); an older database is migrated by :class:`~store.meta.MetaStore`
first. The file is set up as ``meta.py`` sets it up: WAL, ``synchronous=NORMAL``, foreign keys,
writes in ``BEGIN IMMEDIATE``, a 60 s busy timeout.
"""
from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from jupyter_ext.errors import Unavailable
from jupyter_ext.store import sqlite_schema
from jupyter_ext.store.file_lock import create_owner_only, file_lock

Cursor = sqlite3.Cursor


class EmbeddedDB:
    """One connection to a SQLite file at the head revision; transactions over it, one at a time."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str) -> EmbeddedDB | None:
        """The store in ``path``, creating the schema in a database that has none; None when the
        database is at another revision (it needs the migration chain first)."""
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        create_owner_only(path)
        conn = _connect(path)
        try:
            db = cls(conn, path)
            found = db.revision()
            if found is None:
                with file_lock(path + "-migrate.lock"):  # the lock MetaStore.migrate takes too
                    if db._is_empty():
                        db._create_schema()
                    found = db.revision()
            if found != sqlite_schema.REVISION:
                conn.close()
                return None
            return db
        except sqlite3.Error as exc:
            conn.close()
            raise Unavailable(f"the metadata store {path} could not be opened: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def revision(self) -> str | None:
        try:
            # fetchall: a statement left unfinished would hold a read snapshot on this connection
            rows = self._conn.execute("SELECT version_num FROM alembic_version").fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return str(rows[0][0]) if rows else None

    def _is_empty(self) -> bool:
        present = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return not (present & (set(sqlite_schema.DEFAULTS) | {"alembic_version"}))

    def _create_schema(self) -> None:
        """Every table and index, stamped at the head revision, in one transaction."""
        with self.write() as cur:
            for statement in sqlite_schema.STATEMENTS:
                cur.execute(statement)
            cur.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (sqlite_schema.REVISION,))

    # -- transactions -------------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Cursor]:
        """A read-write transaction (``BEGIN IMMEDIATE``), committed on success, rolled back on error."""
        with self._lock, _translated(self.path):
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
            except BaseException:
                cur.close()
                self._conn.rollback()
                raise
            cur.close()  # its statement finished, whatever the caller fetched
            self._conn.commit()

    @contextlib.contextmanager
    def read(self) -> Iterator[Cursor]:
        """A read snapshot."""
        with self._lock, _translated(self.path):
            cur = self._conn.cursor()
            cur.execute("BEGIN")
            try:
                yield cur
            finally:
                cur.close()
                self._conn.rollback()


def insert(cur: Cursor, table: str, values: Mapping[str, Any]) -> int:
    """Insert one row, every column not given taking its schema default; the new rowid."""
    cols = sqlite_schema.DEFAULTS[table]
    unknown = set(values) - set(cols)
    if unknown:
        raise KeyError(f"{table} has no column {', '.join(sorted(unknown))}")
    names = tuple(cols)
    cur.execute(_insert_sql(table), tuple(values[c] if c in values else cols[c] for c in names))
    return int(cur.lastrowid or 0)


def insert_many(cur: Cursor, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    cols = sqlite_schema.DEFAULTS[table]
    names = tuple(cols)
    cur.executemany(_insert_sql(table), [tuple(r[c] if c in r else cols[c] for c in names) for r in rows])


_INSERTS: dict[str, str] = {}


def _insert_sql(table: str) -> str:
    sql = _INSERTS.get(table)
    if sql is None:
        names = tuple(sqlite_schema.DEFAULTS[table])
        quoted = ", ".join(f'"{c}"' for c in names)
        sql = _INSERTS[table] = f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})'
    return sql


def _connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: transactions are begun explicitly, as BEGIN IMMEDIATE for writes.
    conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    _wal(conn)
    # NORMAL in WAL mode survives an application crash (see meta.py).
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=60000")
    return conn


def _wal(conn: sqlite3.Connection) -> None:
    """WAL, retried while a second process switches the fresh file at the same moment."""
    deadline = time.monotonic() + 60
    while True:
        try:
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def _translated(path: str) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        raise Unavailable(f"the metadata store could not be used: {exc}") from exc
