"""Packages forced into, or left out of, a task's recorded requirements (ClearML's
``Task.add_requirements`` / ``Task.ignore_requirements``, called before ``Task.init``).

The task records the installed packages as ``name==version`` lines; an added package replaces
its line (or is added), an ignored one is dropped. An agent building a ``--venv`` environment
installs what is recorded, so this is how a script asks for a package it imports indirectly.
"""
from __future__ import annotations

import os
import re
import threading
import warnings
from collections.abc import Mapping

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session

_lock = threading.Lock()
_forced: dict[str, str] = {}  # normalised name -> the requirement line
_ignored: set[str] = set()
_LINE = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*?)\s*(?:;\s*(.*))?$")
_INSTALLED = "\0installed"
_OPERATOR = re.compile(r"^\s*(===|==|!=|~=|>=|<=|>|<)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


class RequirementsMixin:
    @classmethod
    def add_requirements(cls, package_name: str, package_version: str | None = None) -> None:
        """Record ``package_name`` in the requirements of tasks created from now on, before
        ``Task.init``: ``package_version`` None → the installed version (or the bare name if it is
        not installed), ``""`` → no version limit, ``"2.4.0"`` → ``==2.4.0``, ``">=2.4"`` as given.
        A path to a requirements file adds each of its requirements (markers that do not apply
        here are skipped)."""
        if not isinstance(package_name, str | os.PathLike) or not str(package_name).strip():
            raise InvalidArgument(f"package_name must be a package name or a requirements file, not {package_name!r}")
        _warn_if_running("add_requirements")
        name = os.fspath(package_name)
        if os.path.isfile(name):
            lines = _read_requirements_file(name)
            with _lock:
                for key, line in lines.items():
                    _forced[key] = line
                    _ignored.discard(key)
            return
        if package_version is None:
            key = normalise(name.strip())
            with _lock:
                _forced[key] = _INSTALLED  # resolved against what is installed when a task captures it
                _ignored.discard(key)
            return
        version = str(package_version).strip()
        line = name.strip() + ("" if not version else version if _OPERATOR.match(version) else "==" + version)
        with _lock:
            _forced[normalise(name)] = line
            _ignored.discard(normalise(name))

    @classmethod
    def ignore_requirements(cls, package_name: str) -> None:
        """Leave ``package_name`` out of the requirements of tasks created from now on."""
        _warn_if_running("ignore_requirements")
        with _lock:
            _ignored.add(normalise(str(package_name)))
            _forced.pop(normalise(str(package_name)), None)


def apply(packages: Mapping[str, str]) -> str:
    """The requirements text of a task: the installed ``packages`` (name → version) as
    ``name==version`` lines, with the added requirements in place and the ignored ones left out."""
    with _lock:
        forced, ignored = dict(_forced), set(_ignored)
    lines = {normalise(name): f"{name}=={version}" for name, version in packages.items()}
    installed = {normalise(name): (name, version) for name, version in packages.items()}
    for key, line in forced.items():
        if line == _INSTALLED:
            found = installed.get(key)
            lines[key] = f"{found[0]}=={found[1]}" if found else key
        else:
            lines[key] = line
    kept = [line for key, line in sorted(lines.items()) if key not in ignored]
    return "\n".join(kept) + "\n" if kept else ""


def forget_for_tests() -> None:
    with _lock:
        _forced.clear()
        _ignored.clear()


def _warn_if_running(what: str) -> None:
    if session.main_task() is not None:
        warnings.warn(f"Task.{what}() after Task.init(): the running task keeps the requirements captured when it "
                      f"started; this applies to tasks created later in this process. Call it before Task.init().",
                      stacklevel=3)


def _read_requirements_file(path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for number, raw in enumerate(fh, 1):
            text = raw.split(" #", 1)[0].strip()
            if not text or text.startswith("#"):
                continue
            if text.startswith("-") or "://" in text or text.startswith((".", "/")):
                found[text] = text  # pip options, editable installs and URLs go in as written
                continue
            match = _LINE.match(text)
            if match is None:
                raise InvalidArgument(f"{path}, line {number}: {text!r} is not a requirement")
            name, extras, spec, marker = match.groups()
            if marker and not _marker_applies(marker):
                continue
            found[normalise(name)] = name + (extras or "") + spec.replace(" ", "")
    return found


def _marker_applies(marker: str) -> bool:
    try:
        from packaging.markers import InvalidMarker, Marker
    except ImportError:
        return True  # cannot tell here: keep the requirement, as pip would decide at install
    try:
        return bool(Marker(marker).evaluate())
    except InvalidMarker as exc:
        raise InvalidArgument(f"the environment marker {marker!r} is not valid: {exc}") from exc
