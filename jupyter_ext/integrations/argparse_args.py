"""argparse auto-connect: what a script parses becomes the ``Args`` section of its task.

``parse_known_args`` is wrapped once. Arguments parsed before ``Task.init`` are connected
when it runs; arguments parsed after are connected as they are parsed.
"""
from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.integrations import _imports

if TYPE_CHECKING:
    import argparse

    from jupyter_ext.sdk.tasks.task import Task

_state: dict[str, Any] = {"installed": False, "last": None, "task": None, "filter": None}


def install() -> None:
    if _state["installed"]:
        return
    _state["installed"] = True
    import argparse

    original = argparse.ArgumentParser.parse_known_args

    def parse_known_args(self: argparse.ArgumentParser, args: Any = None, namespace: Any = None) -> Any:
        parsed, extra = original(self, args, namespace)
        if getattr(self, OWN_PARSER, False) or _parsed_by_tooling():
            return parsed, extra
        _state["last"] = parsed
        task = _state["task"]
        if task is not None and not task._closed:
            _connect(task, parsed)
        return parsed, extra

    argparse.ArgumentParser.parse_known_args = parse_known_args  # type: ignore[method-assign]


# Parsers that are not the user's: our own magics and commands, IPython's (``%matplotlib``
# parses its options with argparse), and traitlets' (every Jupyter application, e.g. a server
# started from a script, parses its command line through it); their options are no hyperparameters.
# The command-line libraries built on argparse parse their own flags with it (fire's ``--trace``,
# Hydra's ``--multirun``) or are captured by their own hook (jsonargparse, LightningCLI).
_TOOLING = ("jupyter_ext.", "IPython.", "ipykernel.", "matplotlib_inline.", "traitlets.", "fire.", "hydra.",
            "jsonargparse.")


# Set on the `jupyter track` command's parser: whoever calls it, its options are no hyperparameters.
OWN_PARSER = "_jupyter_track_own_parser"


def _parsed_by_tooling() -> bool:
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") == "argparse":
        frame = frame.f_back  # type: ignore[assignment]
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    return str(module).startswith(_TOOLING)


def attach(task: Task, switch: bool | Mapping[str, bool]) -> None:
    install()
    _state["task"] = task
    _state["filter"] = switch if isinstance(switch, Mapping) else None
    if _state["last"] is not None:
        _connect(task, _state["last"])


def _wanted(name: str) -> bool:
    flt = _state["filter"]
    if not flt:
        return True
    return bool(flt.get(name, flt.get("*", True)))


def _connect(task: Task, namespace: argparse.Namespace) -> None:
    if task._remote is not None:  # run by an agent: the task's stored Args win, in the user's namespace
        from jupyter_ext.sdk.tasks.remote import override_object

        override_object(namespace, task._remote.section("Args"), [k for k in vars(namespace) if _wanted(k)])
    values = {k: v for k, v in vars(namespace).items() if _wanted(k)}
    if values:
        task._store_section("Args", values)


# Scripts usually parse their arguments before Task.init: be there when they do (as argparse is
# imported, or now if it is; a script that never imports it does not pay for its import).
_imports.when_imported("argparse", lambda _module: install())
