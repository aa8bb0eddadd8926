"""Whether the tracker's home (its spool) and a local store's folder can be written, asked once
when a run starts, so that a run whose results could not be kept stops at once saying why."""
from __future__ import annotations

import os
import tempfile

from jupyter_ext.errors import Unavailable


def check_writable(folder: str, what: str, fix: str) -> None:
    """Create ``folder`` if needed and write a probe file in it; :class:`Unavailable` if that fails."""
    try:
        os.makedirs(folder, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise Unavailable(f"{what} {folder} cannot be written ({exc.strerror or exc}), so nothing of this run "
                          f"could be stored: {fix}") from exc


def check_home(home: str, store_url: str | None, remote: bool) -> None:
    """The home (spool for reports that wait) and, for a local SQLite store, the store's folder."""
    fix = "set JUPYTER_TRACK_HOME to a folder you can write (or home in ~/.jupyter/track.toml)"
    check_writable(home, "the tracker home", fix)
    if not remote and store_url and store_url.startswith("sqlite") and ":///" in store_url:
        path = store_url.split(":///", 1)[1]
        if path and path != ":memory:":
            check_writable(os.path.dirname(os.path.abspath(path)) or ".", "the store's folder",
                           "set JUPYTER_TRACK_STORE_URL to a writable sqlite:///path, or JUPYTER_TRACK_HOME")
