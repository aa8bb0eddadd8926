"""What a reported event may hold: iterations in int64, times in a sane range, labels without
control characters and of bounded length, sample URLs of safe schemes only."""
from __future__ import annotations

import math
import re
from typing import Any

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import InvalidArgument

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# 1970-01-01 .. 9999-12-31T23:59:59Z: every time in it has an ISO-8601 form and fits epoch milliseconds in int64.
EARLIEST_TIME, LATEST_TIME = 0.0, 253402300799.0
MAX_LABEL = limits.LABEL  # a title, series, single-value name
MAX_TEXT = 16 * 1024 * 1024  # one console line
URL_SCHEMES = ("http", "https", "s3", "gs", "azure", "az", "file", "store")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def check_iteration(value: Any, what: str = "iteration") -> int:
    """An int64 integer (a float with no fraction counts); the SDK and the REST API share this."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}: {value!r:.60}")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise TypeError(f"{what} must be a whole number, got {value!r}")
        value = int(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise ValueError(f"{what} {value} is outside the 64-bit integer range")
    return int(value)


def check_time(value: Any, what: str = "time") -> float:
    """Epoch seconds between 1970 and 9999; anything else is a mistake (ms for s, a NaN, ...)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(f"{what} must be epoch seconds or an ISO-8601 time, got {value!r:.60}")
    if not (math.isfinite(value) and EARLIEST_TIME <= value <= LATEST_TIME):
        raise InvalidArgument(f"{what} {value!r} is not a time between 1970 and 9999 in epoch seconds")
    return float(value)


def check_label(value: Any, what: str, *, limit: int = MAX_LABEL, allow_empty: bool = True) -> str:
    """A short text a user sees as a name: no control characters, at most ``limit`` characters."""
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__}")
    if not value and not allow_empty:
        raise InvalidArgument(f"{what} must not be empty")
    if len(value) > limit:
        raise InvalidArgument(f"{what} is {len(value):,} characters long; the limit is {limit:,}")
    found = _CONTROL_OR_NEWLINE.search(value)
    if found:
        raise InvalidArgument(f"{what} contains the control character {found.group()!r}; names are plain text")
    return value


def check_text(value: Any, what: str) -> str:
    """Free text (a console line): newlines and tabs welcome, NUL and other controls refused."""
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__}")
    if len(value) > MAX_TEXT:
        raise InvalidArgument(f"{what} is {len(value):,} characters long; the limit is {MAX_TEXT:,}")
    if "\x00" in value:
        raise InvalidArgument(f"{what} contains a NUL character")
    return value


def check_url(value: Any, what: str = "url") -> str | None:
    """A link a browser may follow: only the schemes of stored files (no ``javascript:``, ``data:``)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise InvalidArgument(f"{what} must be a string, got {type(value).__name__}")
    scheme = value.split(":", 1)[0].lower() if ":" in value else ""
    if scheme not in URL_SCHEMES or _CONTROL.search(value):
        raise InvalidArgument(f"{what} {value[:60]!r} is refused: allowed are {', '.join(URL_SCHEMES)} URLs")
    return value


def check_level(value: Any) -> int:
    """A console level: a logging level number 0..100."""
    if value is None:
        return 20
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or int(value) != value or not 0 <= value <= 100:
        raise InvalidArgument(f"console level must be a logging level 0..100 (e.g. 20 for INFO), got {value!r:.60}")
    return int(value)


def check_value(value: Any, what: str) -> float:
    """A reported number: int or float (null read as NaN)."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgument(f"{what} must be a number, got {type(value).__name__}: {value!r:.60}")
    try:
        return float(value)
    except OverflowError:
        raise InvalidArgument(f"{what} {value} is too large for a 64-bit float") from None
