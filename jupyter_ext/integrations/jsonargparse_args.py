"""jsonargparse (and so ``jsonargparse.CLI`` and Lightning's ``LightningCLI``): every value
``ArgumentParser.parse_args`` returns becomes a parameter of the ``Args`` section, nested ones by
their dotted name (``trainer.max_epochs``, ``fit.model.learning_rate``), the config file(s) given
with ``--config`` as their paths. Switched by ``jsonargparse``.

Run by an agent, the values stored with the task replace what was parsed (from the command line
and the config file alike), so a clone edited in the UI trains with the edited values.
"""
from __future__ import annotations

import threading
from types import ModuleType
from typing import Any

from jupyter_ext.integrations import _cli
from jupyter_ext.integrations._state import patch, warn

KEY = "jsonargparse"
SECTION = "Args"
_depth = threading.local()


def hook(module: ModuleType) -> None:
    def make_parse(original: Any) -> Any:
        def parse_args(self: Any, *args: Any, **kwargs: Any) -> Any:
            # jsonargparse parses again inside itself (sub-configs, links): the outer call counts.
            _depth.n = getattr(_depth, "n", 0) + 1
            try:
                parsed = original(self, *args, **kwargs)
            finally:
                _depth.n -= 1
            if _depth.n == 0:
                try:
                    _captured(parsed)
                except Exception as exc:  # noqa: BLE001 - a hook must never break the user's program
                    warn("reading jsonargparse's arguments", exc)
            return parsed
        return parse_args

    patch(module.ArgumentParser, "parse_args", make_parse)


def _captured(parsed: Any) -> None:
    if not hasattr(parsed, "items"):
        return  # parse_args(with_meta=...) variants that return no Namespace
    stored = _cli.stored_section(SECTION)
    if stored:
        _apply(parsed, stored)
    values = {name: _plain(value) for name, value in parsed.items()}
    _cli.record(KEY, lambda task: task._store_section(SECTION, values))


def _apply(parsed: Any, stored: Any) -> None:
    from jupyter_ext.sdk.tasks.remote import cast_like

    for name, value in list(parsed.items()):
        if name not in stored or _is_config(name):
            continue
        plain = _plain(value)
        edited = cast_like(plain, stored[name])
        if edited != plain:  # unedited values keep jsonargparse's own objects (namespaces, paths)
            parsed[name] = edited


def _is_config(name: str) -> bool:
    return name == "config" or name.endswith(".config")


def _plain(value: Any) -> Any:
    """A value as a parameter can hold it: paths as text, namespaces as dicts."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "as_dict") and callable(value.as_dict):
        return value.as_dict()
    if type(value).__module__.startswith("jsonargparse") and hasattr(value, "relative"):
        return str(value.relative)
    if isinstance(value, (str, int, float, bool, dict)) or value is None:
        return value
    return str(value)
