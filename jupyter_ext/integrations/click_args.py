"""click: the parameters of the command being run become the task's ``Args`` section, as
argparse's do (switched by ``auto_connect_arg_parser``, with the same ``{"name": False}`` and
``{"*": False}`` filters).

A click script usually calls ``Task.init`` inside its command, after click has parsed the
command line: ``attach`` then reads the running command's context (and its parent groups').
Commands invoked after ``Task.init`` are caught by a hook on ``Command.invoke``.

Run by an agent, as in ClearML, the values stored with the task replace what click parsed before
the command runs, so a clone edited in the UI runs with the edited values: ``Command.invoke`` is
hooked from the import of ``jupyter_ext`` on (``integrations.watch_clis``), since the command
runs, and calls ``Task.init``, before there is a task.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations import _imports
from jupyter_ext.integrations._state import patch, warn

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

SECTION = "Args"
_switch: list[Any] = [True]


def attach(task: Task, switch: bool | Mapping[str, bool]) -> None:
    """Connect what click parsed for the running command, and hook later commands."""
    _switch[0] = switch
    click = sys.modules.get("click")
    if click is not None:
        try:
            ctx = click.get_current_context(silent=True)
            if ctx is not None:
                _connect(task, _params_of(ctx))
        except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
            warn("reading click's parameters", exc)
    _imports.when_imported("click", _patch)


def _params_of(ctx: Any) -> dict[str, Any]:
    chain = []
    while ctx is not None:
        chain.append(ctx)
        ctx = ctx.parent
    params: dict[str, Any] = {}
    for level in reversed(chain):  # the command's own values win over its groups'
        params.update(level.params or {})
    return params


def _wanted(name: str) -> bool:
    flt = _switch[0]
    if not isinstance(flt, Mapping) or not flt:
        return bool(flt)
    return bool(flt.get(name, flt.get("*", True)))


def _connect(task: Task, params: Mapping[str, Any]) -> None:
    values = {k: v for k, v in params.items() if _wanted(k)}
    if values and not task._closed:
        task._store_section(SECTION, values)


def _apply_stored(ctx: Any) -> None:
    from jupyter_ext.integrations import _cli  # loaded only when a click command runs

    stored = _cli.stored_section(SECTION)
    if not stored or not isinstance(ctx.params, dict):
        return
    from jupyter_ext.sdk.tasks.remote import cast_like

    for name, value in list(ctx.params.items()):
        if name in stored and _wanted(name):
            ctx.params[name] = cast_like(value, stored[name])


def _patch(module: ModuleType) -> None:
    def make_invoke(original: Any) -> Any:
        def invoke(self: Any, ctx: Any) -> Any:
            from jupyter_ext.sdk import _session as session

            if _switch[0]:
                try:
                    _apply_stored(ctx)
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                    warn("applying the task's values to click's parameters", exc)
            task = session.main_task()
            if task is not None and not task._closed and _switch[0]:
                try:
                    _connect(task, _params_of(ctx))
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                    warn("connecting click's parameters", exc)
            return original(self, ctx)
        return invoke

    patch(module.core.Command, "invoke", make_invoke)
