"""Running under an agent: ``Task.init`` attaches to the task named by the environment, and the
values stored with that task win over the script's own (the clone → edit → enqueue workflow).

The agent sets ``JUPYTER_TRACK_TASK_ID`` (``CLEARML_TASK_ID`` is read too, so a ClearML-style
launcher works). The stored parameters and configuration objects are read once, when the task
is attached; ``connect``, argparse and ``connect_configuration`` then take their values from that
copy, cast back to the type of the script's own value when the store holds text (a value typed
into a form), and record what the task did not store yet.
"""
from __future__ import annotations

import ast
import json
import os
import sys
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.config import AGENT_CONSOLE_VAR, TASK_ID_VARS
from jupyter_ext.core.rules.param_types import to_sections

if TYPE_CHECKING:
    import argparse


def remote_task_id() -> str | None:
    for name in TASK_ID_VARS:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def agent_records_console() -> bool:
    return os.environ.get(AGENT_CONSOLE_VAR, "") == "1"


class RemoteValues:
    """What the attached task stored when the run began: parameters by section, and configs."""

    def __init__(self, sections: Mapping[str, Mapping[str, Any]], configs: Mapping[str, tuple[str, str]]) -> None:
        self.sections = {k: dict(v) for k, v in sections.items()}
        self.configs = dict(configs)  # name -> (type, text)

    @classmethod
    def load(cls, backend: Any, task_id: str) -> RemoteValues:
        sections = to_sections(backend.get_parameters(task_id))
        configs = {c.name: (c.type, c.text) for c in backend.get_configurations(task_id)}
        return cls(sections, configs)

    def section(self, name: str) -> dict[str, Any]:
        return self.sections.get(name, {})


def cast_like(local: Any, stored: Any) -> Any:
    """``stored`` as the kind of value ``local`` is: a number typed as text becomes a number
    again, "false" a bool, "[1, 2]" a list. What cannot be read that way is kept as stored."""
    if local is None or stored is None or type(stored) is type(local):
        return stored
    if isinstance(local, bool):
        if isinstance(stored, str):
            word = stored.strip().lower()
            if word in ("true", "1", "yes", "on"):
                return True
            if word in ("false", "0", "no", "off", ""):
                return False
            return stored
        return bool(stored) if isinstance(stored, (int, float)) else stored
    if isinstance(local, (int, float)):
        number: Any = stored
        if isinstance(stored, str):
            try:
                number = float(stored.strip()) if any(c in stored for c in ".eE") or isinstance(local, float) \
                    else int(stored.strip())
            except ValueError:
                return stored
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            return stored
        if isinstance(local, int) and isinstance(number, float):
            return int(number) if number.is_integer() else number  # 0.5 for an int default is what was asked
        return float(number) if isinstance(local, float) else number
    if isinstance(local, (list, tuple, dict)):
        value = stored
        if isinstance(stored, str):
            try:
                value = json.loads(stored)
            except ValueError:
                try:
                    value = ast.literal_eval(stored)
                except (ValueError, SyntaxError):
                    return stored
        if isinstance(local, tuple) and isinstance(value, list):
            return tuple(value)
        if isinstance(local, list) and isinstance(value, tuple):
            return list(value)
        return value
    if isinstance(local, str) and not isinstance(stored, str):
        return stored  # the stored type was chosen on purpose
    return stored


def override_mapping(target: MutableMapping[str, Any], stored: Mapping[str, Any], prefix: str = "") -> None:
    """Put the stored values into ``target`` in place. Nested dicts were stored as ``a/b``
    names; stored names the dict does not have are added (a parameter added in the UI)."""
    for key in list(target):
        value = target[key]
        name = f"{prefix}{key}"
        if isinstance(value, MutableMapping) and value:
            override_mapping(value, stored, prefix=name + "/")
        elif name in stored:
            target[key] = cast_like(value, stored[name])
    if not prefix:
        known = set(_flat_names(target))
        for name, value in stored.items():
            if name not in known and "/" not in name:
                target[name] = value


def _flat_names(mapping: Mapping[str, Any], prefix: str = "") -> list[str]:
    names = []
    for key, value in mapping.items():
        if isinstance(value, Mapping) and value:
            names += _flat_names(value, prefix=f"{prefix}{key}/")
        else:
            names.append(f"{prefix}{key}")
    return names


def override_object(obj: Any, stored: Mapping[str, Any], names: list[str]) -> None:
    for name in names:
        if name in stored:
            try:
                setattr(obj, name, cast_like(getattr(obj, name, None), stored[name]))
            except (AttributeError, TypeError) as exc:  # a read-only property: say so, go on
                print(f"jupyter-track: cannot set {name!r} from the task: {exc}", file=sys.stderr)


def override_parser(parser: argparse.ArgumentParser, stored: Mapping[str, Any]) -> None:
    import argparse

    """New defaults for an argument parser, so what it parses next has the stored values."""
    defaults = {}
    for action in parser._actions:
        if action.dest in stored and action.dest not in ("help", argparse.SUPPRESS):
            defaults[action.dest] = cast_like(action.default, stored[action.dest])
    if defaults:
        parser.set_defaults(**defaults)


def stored_configuration(values: RemoteValues, name: str, local: Any) -> tuple[bool, Any]:
    """(found, value): the stored configuration object in the shape the script passed."""
    if name not in values.configs:
        return False, local
    kind, text = values.configs[name]
    if isinstance(local, (dict, list)):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = _yaml(text)
        if not isinstance(parsed, (dict, list)):
            print(f"jupyter-track: configuration {name!r} stored with the task is not a dict or list "
                  f"({kind}); using the script's own", file=sys.stderr)
            return False, local
        if isinstance(local, dict) and isinstance(parsed, dict):
            local.clear()
            local.update(parsed)
            return True, local
        if isinstance(local, list) and isinstance(parsed, list):
            local[:] = parsed
            return True, local
        return True, parsed
    # A file path: the stored text goes to a file of the same kind, whose path is returned.
    suffix = os.path.splitext(os.fspath(local))[1] if isinstance(local, (str, os.PathLike)) else ""
    import tempfile

    fd, path = tempfile.mkstemp(prefix=f"config-{_safe(name)}-", suffix=suffix or ".txt")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True, path


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:40]


def _yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None
