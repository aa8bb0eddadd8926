"""What every hook asks before it reports: is there a live task, and is this framework on?

Patches stay in place for the life of the process (a library's functions are replaced once);
whether they report is decided at each call from the current task and the switches of the
latest ``Task.init``, so a closed task, or a later ``Task.init(auto_connect_frameworks=False)``,
silences them.
"""
from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations._switches import ALL_ON, Switches
from jupyter_ext.sdk import _session as session

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

_switches: list[Switches] = [ALL_ON]
_inside = threading.local()


def set_switches(switches: Switches) -> None:
    _switches[0] = switches


def switches() -> Switches:
    return _switches[0]


def task_for(key: str) -> Task | None:
    """The live main task if framework ``key`` is on and no hook of ours is already reporting
    on this thread (a library calling itself, or our own reporting calling the library)."""
    if getattr(_inside, "depth", 0) or not _switches[0].on(key):
        return None
    task = session.main_task()
    if task is None or task._closed:
        return None
    return task


@contextmanager
def reporting() -> Iterator[None]:
    """Marks this thread as inside a hook: nested patched calls pass straight through."""
    _inside.depth = getattr(_inside, "depth", 0) + 1
    try:
        yield
    finally:
        _inside.depth -= 1


def warn(what: str, exc: BaseException) -> None:
    """Our failure is reported, never raised into the user's training code."""
    print(f"jupyter-track: {what} failed: {type(exc).__name__}: {exc}", file=sys.stderr)


def patch(owner: Any, name: str, make: Callable[[Any], Any]) -> None:
    """Replace ``owner.name`` by ``make(original)``, once: a second patch of the same attribute
    (the same function reached through another module) is skipped."""
    original = getattr(owner, name, None)
    if original is None or getattr(original, "__jupyter_track_original__", None) is not None:
        return
    wrapper = make(original)
    try:
        functools.update_wrapper(wrapper, original)
    except (AttributeError, TypeError):
        pass
    wrapper.__jupyter_track_original__ = original
    setattr(owner, name, wrapper)


def patch_aliases(owners: list[Any], name: str, make: Callable[[Any], Any]) -> None:
    """Patch one function reached under several names (``xgboost.train`` and the
    ``xgboost.training.train`` it re-exports): one wrapper, set wherever the original is."""
    originals = [getattr(o, name, None) for o in owners]
    first = next((f for f in originals if f is not None and not hasattr(f, "__jupyter_track_original__")), None)
    if first is None:
        return
    wrapper = make(first)
    try:
        functools.update_wrapper(wrapper, first)
    except (AttributeError, TypeError):
        pass
    wrapper.__jupyter_track_original__ = first
    for owner, current in zip(owners, originals, strict=True):
        if current is first:
            setattr(owner, name, wrapper)

