"""The per-machine memory of the last task per (project, name, type), for ``reuse_last_task_id``
and ``continue_last_task``. A small JSON file in the tracker's home; losing it loses nothing."""
from __future__ import annotations

import json
import os
import time
from typing import Any

REUSE_WINDOW_SECONDS = 72 * 3600
_FILE = "session.json"


def _key(project: str, name: str, task_type: str) -> str:
    return f"{project}\x1f{name}\x1f{task_type}"


def _path(home: str) -> str:
    return os.path.join(home, _FILE)


def _read(home: str) -> dict[str, Any]:
    try:
        with open(_path(home), encoding="utf-8") as fh:
            data = json.load(fh)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def last_task(home: str, project: str, name: str, task_type: str) -> dict[str, Any] | None:
    entry = _read(home).get(_key(project, name, task_type))
    if not isinstance(entry, dict) or time.time() - float(entry.get("time", 0)) > REUSE_WINDOW_SECONDS:
        return None
    return entry


def remember(home: str, project: str, name: str, task_type: str, task_id: str, reusable: bool) -> None:
    data = _read(home)
    now = time.time()
    data = {k: v for k, v in data.items()
            if isinstance(v, dict) and now - float(v.get("time", 0)) <= REUSE_WINDOW_SECONDS}
    data[_key(project, name, task_type)] = {"id": task_id, "time": now, "reusable": reusable}
    os.makedirs(home, exist_ok=True)
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=home, prefix=".session-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, _path(home))
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
