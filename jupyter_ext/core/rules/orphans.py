"""Runs whose process is gone end as ``stopped``, with a status message saying why (the rule;
core/orphans.py applies it to a store).

A run records its host and pid (``runtime.process``) and its reporter touches the task now
and then (a heartbeat: ``last_update``). A task still ``in_progress`` with such a record is an
orphan when, on this host, its pid no longer exists (a kill -9, a crash), or nothing was heard of
it for ``task_timeout`` seconds (a lost machine, a hung process). A task without the record
made no promise to beat and is left alone. ClearML's watchdog does the second after two hours;
the default here is ten minutes, and the reporter beats every minute.
"""
from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable, Collection
from typing import Any

from jupyter_ext.core.rules import status
from jupyter_ext.errors import Conflict, NotFound
from jupyter_ext.store.rows import TaskRow

DEFAULT_TASK_TIMEOUT = 600.0
ORPHAN_REASON = "orphaned"


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine."""
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) there sends CTRL_C_EVENT: never; the heartbeat rule still applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    except OSError:
        return True  # cannot tell (Windows without the process): never stop a run on a guess
    return True


def process_of(row: TaskRow) -> dict[str, Any]:
    process = (row.runtime or {}).get("process")
    return process if isinstance(process, dict) else {}


def why_orphaned(row: TaskRow, *, host: str, now: float, task_timeout: float,
                 alive: Callable[[int], bool] = pid_alive) -> str | None:
    """The status message for an orphaned run, or None while it may still be running."""
    if row.status != status.IN_PROGRESS:
        return None
    process = process_of(row)
    if not process:
        return None  # no run promised a heartbeat (a task set running by hand, an in-process pipeline step)
    pid, where = process.get("pid"), str(process.get("host") or "")
    if where == host and isinstance(pid, int) and not isinstance(pid, bool) and not alive(pid):
        return (f"stopped: its process {pid} on {host} is gone (killed or crashed); "
                "continue it with Task.init(continue_last_task=...) or reset it")
    silent = now - (row.last_update or row.started or row.created or now)
    if silent > task_timeout:
        return (f"stopped: nothing heard from its process{f' on {where}' if where else ''} for "
                f"{silent / 60:.0f} min (task_timeout {task_timeout / 60:.0f} min); the machine or process was lost")
    return None


def stop_all(in_progress: Collection[TaskRow], stop: Callable[[str, str], Any], *, task_timeout: float,
             host: str | None = None, now: float | None = None, alive: Callable[[int], bool] = pid_alive,
             exclude: Collection[str] = ()) -> list[str]:
    """Call ``stop(task_id, message)`` for each orphan among ``in_progress`` (but those in
    ``exclude``: the caller's own runs); the ids of those stopped. A run that moved on (or went)
    meanwhile (``Conflict``/``NotFound`` from ``stop``) was not an orphan after all."""
    host = platform.node() if host is None else host
    now = time.time() if now is None else now
    stopped = []
    for row in in_progress:
        if row.id in exclude:
            continue
        message = why_orphaned(row, host=host, now=now, task_timeout=task_timeout, alive=alive)
        if message is None:
            continue
        try:
            stop(row.id, message)
        except (Conflict, NotFound):
            continue
        stopped.append(row.id)
    return stopped
