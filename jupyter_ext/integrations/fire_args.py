"""python-fire: the arguments of what ``fire.Fire`` calls (a function, a class's constructor, then
the method chosen on the command line) become the ``Args`` section, with their defaults, under
the parameter names (``python train.py --lr 0.1 fit 10`` → ``Args/lr``, ``Args/epochs``).
Fire's own flags (``-- --help``, ``--trace``…) are not the command's and are left out, here and
by the argparse hook. Switched by ``fire``.

Run by an agent, the values stored with the task are the ones the command is called with: the
arguments fire parsed are replaced by ``--name=value`` for each stored value.
"""
from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _cli
from jupyter_ext.integrations._state import patch, warn

KEY = "fire"
SECTION = "Args"


def hook(module: ModuleType) -> None:
    core = module  # fire.core

    def make_call(original: Any) -> Any:
        def call_and_update_trace(component: Any, args: Any, component_trace: Any, treatment: str = "class",
                                  target: Any = None) -> Any:
            try:
                args = _captured(core, component, list(args), treatment)
            except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                warn("reading fire's arguments", exc)
            return original(component, args, component_trace, treatment, target)
        return call_and_update_trace

    patch(core, "_CallAndUpdateTrace", make_call)


def _captured(core: Any, component: Any, args: list[str], treatment: str) -> list[str]:
    fn = component.__call__ if treatment == "callable" else component
    try:
        signature = inspect.signature(fn)
        parse = core._MakeParseFn(fn, core.decorators.GetMetadata(component))
        (varargs, kwargs), _consumed, remaining, _capacity = parse(args)
        bound = signature.bind_partial(*varargs, **kwargs)
    except Exception:  # noqa: BLE001 - fire reports a command line it cannot use, with its own message
        return args
    bound.apply_defaults()
    values: dict[str, Any] = {}
    rest_positional = False
    for name, value in bound.arguments.items():
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            values.update(value)
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            rest_positional = bool(value)
        elif kind is not inspect.Parameter.POSITIONAL_ONLY:
            values[name] = value
    if not values:
        return args
    stored = _cli.stored_section(SECTION)
    if stored and not rest_positional:
        args = _replaced(values, stored, remaining)
    final = dict(values)
    _cli.record(KEY, lambda task: task._store_section(SECTION, final))
    return args


def _replaced(values: dict[str, Any], stored: Any, remaining: list[str]) -> list[str]:
    """The command line fire parses instead: the stored values as ``--name=value``, then what
    the next component in the chain consumes."""
    from jupyter_ext.sdk.tasks.remote import cast_like

    for name, value in list(values.items()):
        if name in stored and not _unedited(value, stored[name]):
            values[name] = cast_like(value, stored[name])
    # A default fire cannot read back (an object, a function) is left out: it stays the default.
    return [f"--{name}={value!r}" for name, value in values.items() if _literal(value)] + list(remaining)


def _unedited(local: Any, stored: Any) -> bool:
    """A value fire cannot read back was stored as its text: that text means "as it was"."""
    return bool(stored == local) or (not _literal(local) and stored == str(local))


def _literal(value: Any) -> bool:
    import ast

    try:
        return bool(ast.literal_eval(repr(value)) == value)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
