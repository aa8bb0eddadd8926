"""MetaStore: the metadata database behind one URL (``sqlite:///…`` or ``postgresql://…``).

Opening is explicit (:meth:`MetaStore.open`), never in a constructor's side effect elsewhere.
On SQLite the database runs in WAL mode; writes take ``BEGIN IMMEDIATE`` so that two
processes (a kernel and the Jupyter server) never deadlock upgrading a read lock.
"""
from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from jupyter_ext.errors import InvalidArgument, Unavailable
from jupyter_ext.store.file_lock import create_owner_only, file_lock, sqlite_path
from jupyter_ext.store.migrations import HEAD_REVISION

_WRITE = "jupyter_track_write"
_MIGRATING = threading.Lock()
_PG_MIGRATION_LOCK = 0x6A7472616B  # any constant: the key of the advisory lock migrations take


class MetaStore:
    """A migrated database and the transactions over it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._sqlite_write_lock = threading.Lock()

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> MetaStore:
        """Connect to ``url``, bring the schema up to date, and return the store."""
        engine = _make_engine(url)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------
    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A read-write transaction, committed on success and rolled back on any error."""
        # One writer per process at a time: SQLite serialises writers anyway, and waiting
        # on a Python lock is cheaper than spinning on SQLITE_BUSY.
        lock = self._sqlite_write_lock if self.dialect == "sqlite" else contextlib.nullcontext()
        with lock, _translated(), self.engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only snapshot transaction."""
        with _translated(), self.engine.connect() as conn, conn.begin():
            yield conn

    # -- schema ---------------------------------------------------------------------------
    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
        except SQLAlchemyError:
            return None
        return None if row is None else str(row[0])

    def migrate(self) -> None:
        """Upgrade to the newest schema; cheap when the database is already there.

        Several openings of a fresh store at once (a kernel and the server starting together,
        threads of one process) take turns: the first migrates, the others find it done."""
        if self.current_revision() == HEAD_REVISION:
            return
        # Alembic keeps its migration context in process globals, so two threads may not run
        # it at once even on two databases; other processes wait on a lock on the database.
        with _MIGRATING, _translated(), self._store_lock():
            if self.current_revision() == HEAD_REVISION:
                return
            from jupyter_ext.store import fresh_schema

            with self.engine.connect().execution_options(**{_WRITE: True}) as conn:
                with conn.begin():
                    empty = fresh_schema.is_empty(conn)
                    if empty:  # a new home: the current schema at once, no migration chain
                        fresh_schema.create_current_schema(conn)
                if not empty:
                    from jupyter_ext.store.migrations.runner import upgrade_to_head

                    upgrade_to_head(conn)

    @contextlib.contextmanager
    def _store_lock(self) -> Iterator[None]:
        """A lock every process opening this database honours while it migrates."""
        if self.dialect == "postgresql":
            with self.engine.connect() as conn:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
                try:
                    yield
                finally:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_MIGRATION_LOCK})
                    conn.commit()
            return
        path = _sqlite_path(str(self.engine.url))
        if not path:
            yield  # an in-memory database belongs to one process
            return
        with _file_lock(path + "-migrate.lock"):
            yield


_file_lock = file_lock  # the names other store modules import
_sqlite_path = sqlite_path


@contextlib.contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise Unavailable(f"the metadata store could not be used: {exc.orig}") from exc


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith(("postgresql", "postgres")):
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return create_engine(url, pool_pre_ping=True, future=True)
    raise InvalidArgument(
        f"unsupported store URL {url!r}: use sqlite:///path/to/track.db or postgresql://user@host/db"
    )


def _sqlite_engine(url: str) -> Engine:
    path = _sqlite_path(url)
    if path:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        create_owner_only(path)  # owner-only from the first byte
    engine = create_engine(url, future=True, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin() events decide how transactions start.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if path:
            _wal(cur)
        # NORMAL in WAL mode survives an application crash; only power loss can drop the
        # last commits, which is the trade every embedded tracker makes for speed.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=60000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN"
        conn.exec_driver_sql(mode)

    return engine


def _wal(cur: Any) -> None:
    """Switch the file to WAL (a lasting property of the file, so usually already done).
    Switching needs the database to itself, and SQLite answers "database is locked" at once,
    without waiting, while a second process opening the fresh file does the same: retry."""
    import sqlite3
    import time

    deadline = time.monotonic() + 60
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
