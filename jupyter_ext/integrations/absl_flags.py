"""abseil: the flags a script defines become the task's ``TF_DEFINE`` section, as ClearML records
them (switched by ``auto_connect_arg_parser``, with argparse's ``{"name": False}`` and
``{"*": False}`` filters).

An abseil script calls ``Task.init`` inside ``main``, after ``app.run`` has parsed the flags:
``attach`` then reads the flags the script itself defined (not those every library registers
with abseil). Run by an agent, as in ClearML, the values stored with the task replace what was
parsed, so a clone edited in the UI runs with the edited values.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations._state import warn

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

SECTION = "TF_DEFINE"


def attach(task: Task, switch: bool | Mapping[str, bool]) -> None:
    """Record the script's own parsed flags, after applying a clone's stored values."""
    flags = sys.modules.get("absl.flags")
    if flags is None:
        return
    try:
        values = flags.FLAGS
        if not values.is_parsed():
            return
        own = _script_flags(values)
        _apply_stored(own, switch)
        recorded = {f.name: f.value for f in own if _wanted(switch, f.name)}
        if recorded and not task._closed:
            task._store_section(SECTION, recorded)
    except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
        warn("reading abseil's flags", exc)


def _script_flags(values: Any) -> list[Any]:
    """The flags defined by the script being run (abseil files them under its path or ``__main__``)."""
    by_module = values.flags_by_module_dict()
    main = sys.modules.get("__main__")
    names = [sys.argv[0] if sys.argv else "", getattr(main, "__file__", "") or "", "__main__"]
    for name in names:
        if name and name in by_module:
            return list(by_module[name])
    return []


def _wanted(switch: bool | Mapping[str, bool], name: str) -> bool:
    if not isinstance(switch, Mapping) or not switch:
        return bool(switch)
    return bool(switch.get(name, switch.get("*", True)))


def _apply_stored(own: list[Any], switch: bool | Mapping[str, bool]) -> None:
    from jupyter_ext.integrations import _cli

    stored = _cli.stored_section(SECTION)
    if not stored:
        return
    from jupyter_ext.sdk.tasks.remote import cast_like

    for flag in own:
        if flag.name in stored and _wanted(switch, flag.name):
            flag.value = cast_like(flag.value, stored[flag.name])
