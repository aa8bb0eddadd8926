"""One launcher per name and home: a second one with the same worker id refuses to start.

Two launchers under one name would both follow the same jobs (and both end their tasks); a
file lock beside the home's other state makes the second say so instead. Launchers on other
machines have other worker ids (the host name is part of it).
"""
from __future__ import annotations

import os
import re
from types import TracebackType
from typing import IO

from jupyter_ext.errors import Conflict


class LauncherLock:
    """``with LauncherLock(home, worker_id):`` holds ``<home>/glue/<worker id>.lock``."""

    def __init__(self, home: str, worker_id: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.+-]", "_", worker_id)
        self.path = os.path.join(home, "glue", f"{safe}.lock")
        self.worker_id = worker_id
        self._fh: IO[str] | None = None

    def __enter__(self) -> LauncherLock:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fh = open(self.path, "a+")  # noqa: SIM115 - held open for the launcher's whole life
        try:
            import fcntl
        except ImportError:  # no flock (Windows): the name is not guarded there
            self._fh = fh
            return self
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.seek(0)
            holder = fh.read().strip()
            fh.close()
            raise Conflict(f"a launcher named {self.worker_id!r} already runs here (pid {holder or '?'}); stop it "
                           f"first, or give this one another --name") from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
