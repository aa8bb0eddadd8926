"""``Task.init(auto_connect_frameworks=...)``: which integrations are on, and their file filters.

As in ClearML: ``True`` (all on), ``False`` or ``{}`` (all off), or a dict keyed by framework
whose missing keys mean on. A value is a bool, a wildcard or a list of wildcards (model files
to capture, e.g. ``{"pytorch": "*.pt"}``; other saves are left alone), or, for ``tensorboard``,
``{"report_hparams": bool}``. Unlike ClearML, a misspelt key is an error rather than ignored.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from jupyter_ext.errors import InvalidArgument

# ClearML's keys (some have nothing to hook here: accepted so ClearML code runs unchanged),
# then ours.
CLEARML_KEYS = ("matplotlib", "tensorflow", "tensorboard", "pytorch", "xgboost", "scikit", "fastai", "lightgbm",
                "hydra", "detect_repository", "tfdefines", "joblib", "megengine", "catboost", "gradio", "fire",
                "jsonargparse")
OWN_KEYS = ("transformers", "keras")
KNOWN_KEYS = CLEARML_KEYS + OWN_KEYS


class Switches:
    """What ``auto_connect_frameworks`` asked for, checked once at ``Task.init``."""

    __slots__ = ("off", "filters", "options")

    def __init__(self, off: frozenset[str] = frozenset(), filters: Mapping[str, tuple[str, ...]] | None = None,
                 options: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        self.off = off
        self.filters = filters or {}
        self.options = options or {}

    def on(self, key: str) -> bool:
        return key not in self.off

    def wants_file(self, key: str, path: Any) -> bool:
        """Is a model saved to ``path`` by framework ``key`` to be captured?"""
        if key in self.off:
            return False
        patterns = self.filters.get(key)
        if not patterns:
            return True
        import fnmatch

        text = os.fspath(path) if isinstance(path, (str, os.PathLike)) else str(path)
        name = os.path.basename(text)
        return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(text, p) for p in patterns)

    def option(self, key: str, name: str, default: Any) -> Any:
        return self.options.get(key, {}).get(name, default)


ALL_ON = Switches()
ALL_OFF = Switches(off=frozenset(KNOWN_KEYS))


def parse(value: Any) -> Switches:
    """Check ``auto_connect_frameworks`` and turn it into :class:`Switches`."""
    if value is True or value is None:
        return ALL_ON
    if value is False:
        return ALL_OFF
    if not isinstance(value, Mapping):
        raise InvalidArgument(f"auto_connect_frameworks must be True, False or a dict such as "
                              f"{{'matplotlib': False, 'pytorch': '*.pt'}}; got {type(value).__name__}")
    if not value:
        return ALL_OFF  # as in ClearML: an empty dict turns everything off
    unknown = sorted(str(k) for k in value if k not in KNOWN_KEYS)
    if unknown:
        raise InvalidArgument(f"auto_connect_frameworks: unknown framework {', '.join(map(repr, unknown))}; "
                              f"known ones: {', '.join(KNOWN_KEYS)}")
    off: set[str] = set()
    filters: dict[str, tuple[str, ...]] = {}
    options: dict[str, Mapping[str, Any]] = {}
    for key, setting in value.items():
        if isinstance(setting, bool):
            if not setting:
                off.add(key)
        elif isinstance(setting, str):
            filters[key] = (setting,)
        elif isinstance(setting, (list, tuple)) and all(isinstance(p, str) for p in setting):
            if setting:
                filters[key] = tuple(setting)
            else:
                off.add(key)
        elif isinstance(setting, Mapping) and key == "tensorboard":
            bad = sorted(set(setting) - {"report_hparams"})
            if bad:
                raise InvalidArgument(f"auto_connect_frameworks['tensorboard'] takes only 'report_hparams'; got {bad}")
            options[key] = dict(setting)
        else:
            raise InvalidArgument(f"auto_connect_frameworks[{key!r}] must be a bool, a wildcard such as '*.pt', "
                                  f"or a list of wildcards; got {setting!r}")
    return Switches(off=frozenset(off), filters=filters, options=options)
