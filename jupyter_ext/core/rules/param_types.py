"""Hyperparameters keep their Python types.

ClearML stores every parameter as a string, so a cloned task reads back ``"3"`` and
``"None"``. Here a parameter is stored as JSON with the name of its type, and comes back
as the same kind of value: an int stays an int, a list a list, None stays None.
"""
from __future__ import annotations

import dataclasses
import enum
import math
import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument

if TYPE_CHECKING:
    from jupyter_ext.store.rows import ParamRow

DEFAULT_SECTION = "General"
ARGS_SECTION = "Args"
# User properties (task.set_user_properties): notes about a run, not how it ran, so they may
# change in any status, as in ClearML.
PROPERTIES_SECTION = "properties"
MAX_NAME = 256

_SCALARS = (bool, int, float, str, type(None))


def encode(value: Any) -> tuple[Any, str]:
    """(JSON-able value, type name) for one parameter value."""
    if isinstance(value, _SCALARS):
        return value, type(value).__name__
    if isinstance(value, enum.Enum):
        return encode(value.value)[0], "str" if isinstance(value.value, str) else type(value.value).__name__
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return encode(item())
    if isinstance(value, tuple):
        return [encode(v)[0] for v in value], "tuple"
    if isinstance(value, (list, set, frozenset)):
        return [encode(v)[0] for v in value], "list"
    if isinstance(value, Mapping):
        return {str(k): encode(v)[0] for k, v in value.items()}, "dict"
    if isinstance(value, os.PathLike):
        return os.fspath(value), "str"
    return str(value), "str"


def decode(value: Any, type_name: str) -> Any:
    if type_name == "tuple" and isinstance(value, list):
        return tuple(value)
    if type_name == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type_name == "int" and isinstance(value, float) and math.isfinite(value):
        return int(value)
    return value


def check_name(section: str, name: str) -> None:
    if not isinstance(name, str) or not name:
        raise InvalidArgument(f"parameter names must be non-empty strings; got {name!r} in section {section!r}")
    if len(name) > MAX_NAME:
        raise InvalidArgument(f"parameter name {name[:40]!r}… is longer than {MAX_NAME} characters")


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested dicts become ``a/b`` names, as ClearML shows them; empty dicts stay values."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            flat.update(flatten(value, prefix=name + "/"))
        else:
            flat[name] = value
    return flat


_SCALAR_NAMES = {t: t.__name__ for t in _SCALARS}


def rows_from_mapping(section: str, mapping: Mapping[str, Any],
                      descriptions: Mapping[str, str] | None = None) -> list[ParamRow]:
    from jupyter_ext.store.rows import ParamRow  # the rows' module is loaded with the first parameters

    if any(isinstance(v, Mapping) and v for v in mapping.values()):
        mapping = flatten(mapping)
    desc = descriptions or {}
    rows = []
    for name, value in mapping.items():
        if name.__class__ is not str or not name or len(name) > MAX_NAME:
            check_name(section, name)
        type_name = _SCALAR_NAMES.get(value.__class__)
        if type_name is None:
            value, type_name = encode(value)
        rows.append(ParamRow(section, name, value, type_name, desc.get(name, "")))
    return rows


def rows_from_flat(values: Mapping[str, Any]) -> list[ParamRow]:
    """``{"Section/name": value}`` (a bare name goes to the General section).

    A bare name and its ``General/`` spelling are one parameter: the later key wins, as when
    ClearML users edit ``task.get_parameters()`` with ``p["lr"] = 0.5`` and write it back."""
    from jupyter_ext.store.rows import ParamRow

    rows: dict[tuple[str, str], ParamRow] = {}
    for key, value in values.items():
        if not isinstance(key, str) or not key:
            raise InvalidArgument(f"parameter keys must be non-empty strings like 'Section/name'; got {key!r}")
        section, _, name = key.partition("/") if "/" in key else (DEFAULT_SECTION, "", key)
        check_name(section, name)
        encoded, type_name = encode(value)
        rows.pop((section, name), None)  # the later spelling also takes the later position
        rows[(section, name)] = ParamRow(section, name, encoded, type_name)
    return list(rows.values())


def object_to_mapping(obj: Any) -> dict[str, Any]:
    """Public fields of a dataclass, an argparse Namespace, or any object or class."""
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    source = vars(obj) if hasattr(obj, "__dict__") else {}
    if isinstance(obj, type):
        source = {k: v for k, v in vars(obj).items()}
    return {
        k: v for k, v in source.items()
        if not k.startswith("_") and not callable(v) and not isinstance(v, (staticmethod, classmethod, property))
    }


def to_flat_dict(rows: Iterable[ParamRow]) -> dict[str, Any]:
    return {r.key: decode(r.value, r.type) for r in rows}


def to_sections(rows: Iterable[ParamRow]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        out.setdefault(r.section, {})[r.name] = decode(r.value, r.type)
    return out

