"""Checks a JSON request body against the type its route declares, before any handler runs.

The same dataclass fields, types and ``metadata`` ranges make the OpenAPI schema
(``wire/schemas.py``), so what the document promises and what the server accepts agree.
Unknown fields are left to the operation (older and newer clients send a few more).
"""
from __future__ import annotations

import dataclasses
import functools
import math
import re
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.wire import shapes

MAX_DEPTH = 64  # of a declared field's value; free-form (Any) values are bounded by the JSON parser


def check_query(params: Sequence[Any], query: Mapping[str, Sequence[bytes]]) -> None:
    """Refuse a number outside the range its route declares (``routes.Param``), with the same words
    as the operations' own reading of it."""
    for p in params:
        values = [v.decode("utf-8", "replace") for v in query.get(p.name, ())]
        values = [v for v in values if v != ""]
        if not values:
            continue
        if p.type in ("integer", "number") and (p.minimum is not None or p.maximum is not None):
            try:
                value = float(values[-1]) if p.type == "number" else int(values[-1])
            except ValueError:
                kind = "a number" if p.type == "number" else "an integer"
                raise InvalidArgument(f"query parameter {p.name} must be {kind}, got {values[-1]!r}") from None
            lo = -math.inf if p.minimum is None else p.minimum
            hi = math.inf if p.maximum is None else p.maximum
            if not lo <= value <= hi:
                raise InvalidArgument(f"query parameter {p.name} must be between {lo:g} and {hi:g}, got {value}")
        # a value outside an enum is refused by the operation, in its own words (the same an SDK
        # call on the embedded store gets)


def check_body(kind: Any, body: Any) -> None:
    """Raise :class:`InvalidArgument` naming the first field that does not fit ``kind``."""
    if kind is None or kind == shapes.JSON or kind == shapes.BINARY:
        return
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if getattr(kind, "CHECKED_BY_CODEC", False):
            return
        if not isinstance(body, dict):
            raise InvalidArgument("the request body must be a JSON object")
        _check_object(kind, body, "")


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, Any, bool, tuple[tuple[str, Any], ...]], ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        out.append((f.name, hints[f.name], required, tuple(f.metadata.items())))
    return tuple(out)


def _check_object(cls: type, body: dict[str, Any], where: str) -> None:
    for name, tp, required, ranges in _fields(cls):
        field = f"{where}{name}"
        if name not in body or (body[name] is None and not required):  # null: as if left out (older clients)
            if required:
                raise InvalidArgument(f"body field {field} is required")
            continue
        _check(tp, body[name], field, 0)
        if ranges:
            _check_ranges(dict(ranges), body[name], field)


def _check(tp: Any, value: Any, field: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise InvalidArgument(f"body field {field} nests too deeply")
    if tp is Any or tp is object or tp == shapes.JSON:
        return
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                _check(option, value, field, depth)
                return
            except InvalidArgument as exc:
                errors.append(str(exc))
        raise InvalidArgument(errors[0] if len(errors) == 1 else
                              f"body field {field} must be {' or '.join(_name(a) for a in args)}, got {_got(value)}")
    if origin is typing.Literal:
        if value not in args:
            raise InvalidArgument(f"body field {field} must be one of {', '.join(map(repr, args))}, got {value!r:.60}")
        return
    if origin in (list, tuple) or tp in (list, tuple):
        if not isinstance(value, list):
            raise InvalidArgument(f"body field {field} must be a list, got {_got(value)}")
        item = args[0] if args else Any
        for i, v in enumerate(value):
            _check(item, v, f"{field}[{i}]", depth + 1)
        return
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise InvalidArgument(f"body field {field} must be an object, got {_got(value)}")
        return
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(value, dict):
            raise InvalidArgument(f"body field {field} must be an object, got {_got(value)}")
        _check_object(tp, value, f"{field}.")
        return
    if tp is bool:
        if not isinstance(value, bool):
            raise InvalidArgument(f"body field {field} must be true or false, got {_got(value)}")
    elif tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidArgument(f"body field {field} must be an integer, got {_got(value)}")
        if not -(2**63) <= value < 2**63:
            raise InvalidArgument(f"body field {field} is outside the 64-bit integer range")
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidArgument(f"body field {field} must be a number, got {_got(value)}")
        if isinstance(value, float) and not math.isfinite(value) or isinstance(value, int) and abs(value) > 2**1000:
            raise InvalidArgument(f"body field {field} must be a finite number")
    elif tp is str:
        if not isinstance(value, str):
            raise InvalidArgument(f"body field {field} must be a string, got {_got(value)}")
        if "\x00" in value:
            raise InvalidArgument(f"body field {field} contains a NUL character")


def _check_ranges(ranges: dict[str, Any], value: Any, field: str) -> None:
    if value is None:
        return
    if "enum" in ranges and value not in ranges["enum"]:
        raise InvalidArgument(f"body field {field} must be one of {', '.join(map(str, ranges['enum']))}, "
                              f"got {value!r:.60}")
    if isinstance(value, list):
        if "minItems" in ranges and len(value) < ranges["minItems"]:
            raise InvalidArgument(f"body field {field} needs at least {ranges['minItems']} item(s)")
        if "items" in ranges:
            for i, item in enumerate(value):
                _check_ranges(ranges["items"], item, f"{field}[{i}]")
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in ranges and value < ranges["minimum"]:
            raise InvalidArgument(f"body field {field} must be at least {ranges['minimum']}, got {value}")
        if "maximum" in ranges and value > ranges["maximum"]:
            raise InvalidArgument(f"body field {field} must be at most {ranges['maximum']}, got {value}")
    if isinstance(value, str):
        if "minLength" in ranges and len(value) < ranges["minLength"]:
            raise InvalidArgument(f"body field {field} must have at least {ranges['minLength']} characters")
        if "maxLength" in ranges and len(value) > ranges["maxLength"]:
            raise InvalidArgument(f"body field {field} is {len(value):,} characters long; the limit is "
                                  f"{ranges['maxLength']:,}")
        if "pattern" in ranges and not re.search(ranges["pattern"], value):
            raise InvalidArgument(_pattern_refusal(field, value, ranges["pattern"]))


def _pattern_refusal(field: str, value: str, pattern: str) -> str:
    """Why ``value`` does not fit ``pattern``, in words for the patterns of core/rules/limits.py."""
    shown = f"{value[:60]!r}"
    if "\x00" in value:
        return f"body field {field} contains a NUL character"
    if pattern in (limits.NAME, limits.PART, limits.PROJECT, limits.NO_CONTROL):
        bad = limits.first_control(value)
        if bad is not None:
            return f"body field {field} {shown} contains the control character {bad!r}; names are plain text"
        if pattern == limits.PART and "/" in value:
            return f"body field {field} {shown} may not contain '/'"
        if pattern == limits.PROJECT:
            return f"body field {field} {shown} is not a project path: use 'Team/Project/Sub', no empty parts"
        return f"body field {field} must not be blank"
    return f"body field {field} {shown} does not match {pattern}"


def _got(value: Any) -> str:
    return "null" if value is None else f"{type(value).__name__} {value!r:.40}"


def _name(tp: Any) -> str:
    return "null" if tp is type(None) else getattr(tp, "__name__", None) or str(tp)
