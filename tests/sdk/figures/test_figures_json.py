"""to_jsonable: the one place values become strict JSON."""

from __future__ import annotations

import datetime as dt
import json
import math
from decimal import Decimal
from enum import Enum

import numpy as np
import pandas as pd

from jupyter_ext.sdk.logging.figures import to_jsonable


class Colour(Enum):
    RED = "red"


def test_plain_values_pass_through() -> None:
    value = {"a": [1, 2.5, "x", None, True], "b": {"c": (1, 2)}}
    assert to_jsonable(value) == {"a": [1, 2.5, "x", None, True], "b": {"c": [1, 2]}}


def test_nan_and_infinities_become_none() -> None:
    assert to_jsonable([math.nan, math.inf, -math.inf, 1.0]) == [None, None, None, 1.0]


def test_numpy_arrays_and_scalars_become_python() -> None:
    result = to_jsonable(
        {
            "f": np.array([[1.0, np.nan], [np.inf, 2.0]]),
            "i": np.int64(3),
            "b": np.bool_(True),
            "f32": np.float32(0.5),
            "u": np.arange(3, dtype=np.uint8),
            "s": np.str_("t"),
        }
    )
    assert result == {
        "f": [[1.0, None], [None, 2.0]],
        "i": 3,
        "b": True,
        "f32": 0.5,
        "u": [0, 1, 2],
        "s": "t",
    }
    assert type(result["i"]) is int and type(result["f32"]) is float and type(result["s"]) is str
    assert to_jsonable(np.float64("nan")) is None


def test_dates_and_missing_values() -> None:
    stamps = np.array(["2024-01-02T03:04:05", "NaT"], dtype="datetime64[ns]")
    result = to_jsonable([dt.date(2024, 1, 2), pd.Timestamp("2024-01-02 03:04"), pd.NaT, pd.NA, stamps])
    assert result[:4] == ["2024-01-02", "2024-01-02T03:04:00", None, None]
    assert result[4][0].startswith("2024-01-02T03:04:05") and result[4][1] is None


def test_other_objects() -> None:
    result = to_jsonable(
        {1: Decimal("1.5"), "e": Colour.RED, "by": b"ok", "c": 1 + 2j, "s": pd.Series([1.0, None])}
    )
    assert result == {"1": 1.5, "e": "red", "by": "ok", "c": "(1+2j)", "s": [1.0, None]}
    json.dumps(result, allow_nan=False)
