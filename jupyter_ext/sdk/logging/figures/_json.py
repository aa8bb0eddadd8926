"""Turn whatever a user hands the Logger into strict JSON values.

Stored plots must survive ``json.dumps(..., allow_nan=False)`` and be readable by any JSON parser,
so numpy scalars and arrays become Python lists and numbers, NaN and infinities become ``None``
(JSON has no NaN), dates become ISO strings. numpy and pandas are never imported here: an object
can only be a numpy or pandas value if the user already imported them, so ``sys.modules`` tells.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any, TypeAlias, cast

JSONValue: TypeAlias = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]
"""A value ``json.dumps(value, allow_nan=False)`` accepts."""


def to_jsonable(obj: object) -> JSONValue:
    """Return a strictly JSON-serialisable copy of ``obj``.

    Mappings keep their keys (as strings); lists, tuples, sets and arrays become lists;
    numpy scalars become Python numbers; NaN, infinities, ``pd.NA`` and ``NaT`` become ``None``;
    dates and times become ISO 8601 strings. Objects with ``to_plotly_json()`` (plotly graph
    objects) are expanded. Anything else is turned into its ``str()``.
    """
    if obj is None or type(obj) is bool or type(obj) is str:
        return obj
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, str):
        return str(obj)
    if _is_missing(obj):
        return None
    if isinstance(obj, Mapping):
        return {k if isinstance(k, str) else str(to_jsonable(k)): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset, range)):
        return [to_jsonable(item) for item in obj]
    numpy_value = _from_numpy(obj)
    if numpy_value is not _NOT_NUMPY:
        return cast(JSONValue, numpy_value)
    return _from_other(obj)


_NOT_NUMPY: Any = object()


def _is_missing(obj: object) -> bool:
    """True for pandas' missing-value singletons (``pd.NA``, ``pd.NaT``)."""
    pd = sys.modules.get("pandas")
    return pd is not None and (obj is getattr(pd, "NA", _NOT_NUMPY) or obj is getattr(pd, "NaT", _NOT_NUMPY))


def _from_numpy(obj: object) -> Any:
    """Convert numpy arrays and scalars, or return ``_NOT_NUMPY``."""
    np = sys.modules.get("numpy")
    if np is None or not isinstance(obj, (np.ndarray, np.generic)):
        return _NOT_NUMPY
    kind = obj.dtype.kind
    if kind == "f":
        finite = np.isfinite(obj)
        if isinstance(obj, np.generic):
            return float(obj) if finite else None
        if finite.all():
            return obj.tolist()  # Python floats, nothing else to clean
        cleaned = obj.astype(object)
        cleaned[~finite] = None
        return cleaned.tolist()
    if kind in "biu":
        return obj.tolist()
    if kind == "M":  # datetime64: .tolist() would give int nanoseconds for ns precision
        text = np.datetime_as_string(obj)
        if isinstance(obj, np.generic):
            return None if str(text) == "NaT" else str(text)
        strings = text.astype(object)
        strings[text == "NaT"] = None
        return strings.tolist()
    return to_jsonable(obj.tolist())


def _from_other(obj: object) -> JSONValue:
    """Dates, decimals, enums, bytes, pandas/plotly objects and, last, ``str(obj)``."""
    if isinstance(obj, (datetime, date, time)):
        return obj.isoformat()
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, Decimal):
        return to_jsonable(float(obj))
    if isinstance(obj, Enum):
        return to_jsonable(obj.value)
    if isinstance(obj, (bytes, bytearray)):
        return bytes(obj).decode("utf-8", errors="replace")
    if isinstance(obj, complex):
        return str(obj)
    for method in ("to_plotly_json", "tolist"):  # plotly objects; pandas Series/Index
        convert = getattr(obj, method, None)
        if callable(convert):
            return to_jsonable(convert())
    return str(obj)
