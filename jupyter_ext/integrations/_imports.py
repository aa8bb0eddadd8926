"""Run a function when a module is first imported, or at once if it already is.

Hooks are lazy so that a framework the script never imports costs nothing, and importing
``jupyter_ext`` never imports one: ``when_imported("torch", patch)`` only notes the wish. One
finder sits at the front of ``sys.meta_path``; when the import system asks it for a watched
module, it finds the real spec through the finders behind it and chains the loader, so the
callbacks run right after the module's own code, before the importer sees the module.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec

Callback = Callable[[ModuleType], None]

_lock = threading.RLock()
_waiting: dict[str, list[Callback]] = {}
_finder: _PostImportFinder | None = None


def when_imported(name: str, callback: Callback) -> None:
    """Call ``callback(module)`` once ``name`` is imported: now, if it already is."""
    with _lock:
        module = sys.modules.get(name)
        if module is None or _initialising(module):
            _waiting.setdefault(name, []).append(callback)
            _ensure_finder()
            return
    _run(name, module, [callback])


def _initialising(module: ModuleType) -> bool:
    """True while the module's own code still runs (it is in sys.modules half-built)."""
    spec = getattr(module, "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def _ensure_finder() -> None:
    global _finder
    if _finder is None:
        _finder = _PostImportFinder()
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)


def _run(name: str, module: ModuleType, callbacks: Sequence[Callback]) -> None:
    for callback in callbacks:
        try:
            callback(module)
        except Exception as exc:  # noqa: BLE001 - a hook that fails must never break the user's import
            print(f"jupyter-track: could not hook into {name}: {type(exc).__name__}: {exc}", file=sys.stderr)


def _fire(name: str, module: ModuleType) -> None:
    with _lock:
        callbacks = _waiting.pop(name, [])
    _run(name, module, callbacks)


# Plain classes: the import system only needs the methods, and importlib.abc costs an import
# of importlib.resources (milliseconds on the Task.init path).
class _PostImportFinder:
    """Finds nothing itself: it wraps the loader of a watched module found by the others."""

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
                  ) -> ModuleSpec | None:
        if fullname not in _waiting:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            find = getattr(finder, "find_spec", None)
            if find is None:
                continue
            spec: ModuleSpec | None = find(fullname, path, target)
            if spec is None:
                continue
            loader = spec.loader
            if loader is not None and hasattr(loader, "exec_module"):
                spec.loader = _ChainedLoader(loader)  # type: ignore[assignment]
            return spec  # a namespace package or an old-style loader is left alone
        return None


class _ChainedLoader:
    """The real loader, then the callbacks; the module keeps the real loader as ``__loader__``."""

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        # Tools that read __loader__ / __spec__.loader (importlib.resources, pkgutil) must see
        # the real one, not this wrapper.
        module.__loader__ = self.loader
        if module.__spec__ is not None:
            module.__spec__.loader = self.loader
        self.loader.exec_module(module)
        _fire(module.__name__, module)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.loader, name)
