"""What a command-line library (fire, Hydra, jsonargparse) parsed, recorded on the task even when
it parsed before ``Task.init``, and the values a clone run by an agent stored, applied back.

A CLI often calls ``Task.init`` inside the command it runs (Hydra's app, a fire command), so its
values are parsed before there is a task: they wait here until ``Task.init`` (see
:func:`jupyter_ext.integrations.install`), which records those whose framework is switched on.
Run by an agent, the values the task stored are read from the store before that, when the CLI
parses, as ClearML does: the switches given to ``Task.init`` are not known yet at that point.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations._state import switches, task_for, warn

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.remote import RemoteValues
    from jupyter_ext.sdk.tasks.task import Task

Write = Callable[["Task"], None]

_lock = threading.Lock()
_pending: list[tuple[str, Write]] = []
_remote: list[RemoteValues | None] = []


def record(key: str, write: Write) -> None:
    """``write(task)`` now if there is a live task with ``key`` on, else at the next ``Task.init``."""
    from jupyter_ext.sdk import _session as session

    current = session.main_task()
    if current is None or current._closed:  # e.g. the next job of a Hydra sweep, before its Task.init
        with _lock:
            _pending.append((key, write))
        return
    task = task_for(key)
    if task is not None:
        _run(key, write, task)


def flush(task: Task) -> None:
    """Record what was parsed before ``Task.init`` (called by it, the switches already set)."""
    with _lock:
        waiting = list(_pending)
        _pending.clear()
    for key, write in waiting:
        if switches().on(key):
            _run(key, write, task)


def _run(key: str, write: Write, task: Task) -> None:
    try:
        write(task)
    except Exception as exc:  # noqa: BLE001 - recording must never break the user's program
        warn(f"recording the {key} arguments", exc)


def stored_section(section: str) -> Mapping[str, Any] | None:
    """Run by an agent: the parameters the task stored in ``section``; None when run locally."""
    values = _remote_values()
    return values.section(section) if values is not None else None


def stored_configuration(name: str) -> str | None:
    """Run by an agent: the text of the configuration object ``name`` the task stored."""
    values = _remote_values()
    if values is None or name not in values.configs:
        return None
    return values.configs[name][1]


def _remote_values() -> RemoteValues | None:
    """The attached task's stored values, or, before ``Task.init``, those of the task the agent
    named, read once."""
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.sdk.tasks import remote

    task = session.main_task()
    if task is not None and task._remote is not None:
        attached: RemoteValues = task._remote
        return attached
    task_id = remote.remote_task_id()
    if not task_id:
        return None
    with _lock:
        if not _remote:
            _remote.append(remote.RemoteValues.load(session.backend(), task_id))
        return _remote[0]
