"""Locks every process opening a store honours, and where a SQLite URL's file is (stdlib only)."""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def file_lock(path: str) -> Iterator[None]:
    """An exclusive lock on ``path`` (created if missing), released when the block ends or the
    process dies. The file stays: removing a lock file lets a third process lock a new one."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
            import msvcrt

            while True:
                try:
                    msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                    break
                except OSError:
                    continue  # LK_LOCK gives up after ten seconds; a migration may take longer
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def sqlite_path(url: str) -> str:
    """The absolute path of a ``sqlite:///…`` URL's file; "" for an in-memory database."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return "" if path in ("", ":memory:") else os.path.abspath(path)


def create_owner_only(path: str) -> None:
    """Create the database file owner-only (SQLite gives its -wal and -shm files the database's
    mode), unless it exists. An existing file is never opened here: closing any descriptor of a
    file drops every POSIX lock this process holds on it, SQLite's included, and another process
    could then take the database for unused and delete the WAL this one still writes to."""
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
