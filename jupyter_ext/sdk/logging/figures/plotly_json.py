"""Figures the user built with plotly: ``Logger.report_plotly``."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Any, cast

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import PlotDict
from jupyter_ext.sdk.logging.figures._json import to_jsonable


def figure_from_plotly(figure: Any) -> PlotDict:
    """Return a plotly figure as a strict JSON dict with ``data`` and ``layout``.

    ``figure`` is a dict such as ``{"data": [...], "layout": {...}}`` or a
    ``plotly.graph_objects.Figure`` (read through ``to_plotly_json()`` or ``to_dict()``; plotly
    itself is never imported here). numpy arrays inside become lists and NaN becomes ``None``;
    the base64 typed arrays plotly 6+ emits (``{"dtype": "f8", "bdata": ...}``) are decoded into
    plain lists too, so every stored plot reads the same way.
    """
    raw: Any = figure
    if not isinstance(raw, Mapping):
        for method in ("to_plotly_json", "to_dict"):
            convert = getattr(figure, method, None)
            if callable(convert):
                raw = convert()
                break
    if not isinstance(raw, Mapping):
        raise InvalidArgument(
            f"figure must be a plotly Figure or a dict like {{'data': [...], 'layout': {{...}}}}; "
            f"got {type(figure).__name__}"
        )
    result = cast(dict[str, Any], to_jsonable(_decode_typed_arrays(raw)))
    data = result.get("data", [])
    if isinstance(data, dict):  # a single trace
        data = [data]
    if not isinstance(data, list) or not all(isinstance(trace, dict) for trace in data):
        raise InvalidArgument(
            "figure['data'] must be a list of trace dicts, each like {'type': 'scatter', ...}"
        )
    layout = result.get("layout") or {}
    if not isinstance(layout, dict):
        raise InvalidArgument(
            f"figure['layout'] must be a dict of layout options; got {type(layout).__name__}"
        )
    result["data"], result["layout"] = data, layout
    return result


_TYPED_ARRAY_KEYS = frozenset({"dtype", "bdata"})
_TYPED_ARRAY_DTYPES = {
    "f8": "<f8",
    "f4": "<f4",
    "i4": "<i4",
    "u4": "<u4",
    "i2": "<i2",
    "u2": "<u2",
    "i1": "i1",
    "u1": "u1",
    "u1c": "u1",
}


def _decode_typed_arrays(value: Any) -> Any:
    """Replace plotly's ``{"dtype", "bdata", "shape"}`` typed arrays, at any depth, by numpy arrays."""
    if isinstance(value, Mapping):
        if (
            _TYPED_ARRAY_KEYS <= set(value) <= _TYPED_ARRAY_KEYS | {"shape"}
            and value["dtype"] in _TYPED_ARRAY_DTYPES
        ):
            return _typed_array(value)
        return {key: _decode_typed_arrays(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decode_typed_arrays(item) for item in value]
    return value


def _typed_array(spec: Mapping[str, Any]) -> Any:
    import numpy as np

    try:
        array = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=_TYPED_ARRAY_DTYPES[spec["dtype"]])
        shape = spec.get("shape")
        if shape is not None:
            dims = [int(n) for n in shape.split(",")] if isinstance(shape, str) else [int(n) for n in shape]
            array = array.reshape(dims)
    except (binascii.Error, ValueError, TypeError) as exc:
        raise InvalidArgument(
            f"figure holds a malformed plotly typed array ({spec['dtype']}): {exc}"
        ) from exc
    return array
