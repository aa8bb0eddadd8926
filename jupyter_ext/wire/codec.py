"""JSON codecs of the REST API, used by both ends.

- Output is strict JSON (browsers refuse ``NaN``): a non-finite float becomes ``null``, except
  in packed arrays, which keep every bit.
- Times of resources (``created``, ``last_update``, ...) are ISO-8601 strings in UTC on the
  wire and epoch seconds in Python rows. Times of ingested events may be either.
- Numeric arrays travel as JSON lists or, packed, as ``{"dtype": "<f8", "b64": "..."}``
  (little-endian bytes in base64): a million floats pack in milliseconds, where a JSON list
  takes a second to write and read.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument

if TYPE_CHECKING:
    import numpy as np

    from jupyter_ext.store.rows import (
        ArtifactRow,
        ConfigRow,
        DatasetFileRow,
        DatasetVersionRow,
        ModelRow,
        ModelVersionRow,
        ParamRow,
        PipelineRunRow,
        ProjectRow,
        QueueRow,
        TaskRow,
        WorkerRow,
    )

TIME_FIELDS = frozenset({"created", "started", "completed", "last_update", "last_time", "time", "finalized",
                         "last_used", "revoked"})
# Keys whose values belong to the user (free-form dicts): their contents are never converted.
_OPAQUE = frozenset({"script", "runtime", "metadata", "meta", "labels", "figure", "config", "spec", "design",
                     "value", "args", "kwargs"})
_DTYPES = frozenset({"<f8", "<i8", "<f4", "<i4"})


# -- JSON ---------------------------------------------------------------------------------------
def dumps(value: Any) -> bytes:
    try:
        return json.dumps(value, allow_nan=False, separators=(",", ":"), default=_default).encode()
    except ValueError:  # a NaN or an infinity somewhere: rare, so the walk is paid only then
        return json.dumps(_finite(value), allow_nan=False, separators=(",", ":"), default=_default).encode()


def _no_constant(name: str) -> Any:
    raise InvalidArgument(f"the request body holds {name}, not a finite number: JSON has no NaN or Infinity; "
                          "send null for a missing number")


def loads(data: bytes | bytearray | str) -> Any:
    """Strict JSON: no NaN or Infinity, no lone surrogate (it cannot be stored as UTF-8), bounded depth."""
    if not data:
        return None
    try:
        value = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise InvalidArgument("the request body nests too deeply; keep JSON under a few hundred levels") from None
    except InvalidArgument:
        raise
    except ValueError as exc:
        raise InvalidArgument(f"the request body is not valid JSON: {exc}") from exc
    escaped = "\\u" in data if isinstance(data, str) else b"\\u" in data
    if escaped:  # an escape may spell a lone surrogate
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidArgument(f"the request body holds a lone UTF-16 surrogate ({exc.object[exc.start:exc.end]!r}"
                                  "); text must be valid Unicode") from None
        except RecursionError:
            raise InvalidArgument("the request body nests too deeply") from None
    return value


def _default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _finite(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if hasattr(value, "tolist"):
        return _finite(value.tolist())
    return value


# -- times --------------------------------------------------------------------------------------
# "YYYY-MM-DDTHH:MM:SS" of whole seconds met lately: a task table repeats the same times
# request after request, and building a datetime per time was a tenth of a page's cost.
_SECONDS: dict[int, str] = {}
_LAST_SECOND = 253402300799  # 9999-12-31T23:59:59Z, the last second datetime can show


def iso(t: float | None) -> str | None:
    """``datetime.fromtimestamp(t, timezone.utc).isoformat()``, the same text to the character
    (microseconds rounded half-even, left out when zero)."""
    if t is None:
        return None
    frac, whole = math.modf(t)
    micro = round(frac * 1e6)  # as datetime rounds: the fraction alone, half to even
    if micro >= 1_000_000:
        whole, micro = whole + 1, micro - 1_000_000
    elif micro < 0:
        whole, micro = whole - 1, micro + 1_000_000
    if not 0 <= whole <= _LAST_SECOND:
        try:
            return _dt.datetime.fromtimestamp(t, _dt.timezone.utc).isoformat()
        except (OverflowError, ValueError, OSError):  # stored before times were checked at the door
            return None
    second = int(whole)
    head = _SECONDS.get(second)
    if head is None:
        if len(_SECONDS) >= 65536:
            _SECONDS.clear()
        head = _SECONDS[second] = _dt.datetime.fromtimestamp(second, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{head}.{micro:06d}+00:00" if micro else head + "+00:00"


def epoch(text: Any) -> float | None:
    if text is None or isinstance(text, (int, float)):
        return None if text is None else float(text)
    try:
        parsed = _dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidArgument(f"{text!r} is not an ISO-8601 time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_dt.timezone.utc)
    return parsed.timestamp()


def times_to_iso(value: Any) -> Any:
    """A copy with every time field (at any depth, outside user content) as ISO-8601."""
    if isinstance(value, dict):
        return {k: (iso(v) if k in TIME_FIELDS and isinstance(v, (int, float)) and not isinstance(v, bool)
                    else v if k in _OPAQUE else times_to_iso(v)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [times_to_iso(v) for v in value]
    return value


def times_to_epoch(value: Any) -> Any:
    """The inverse of :func:`times_to_iso`."""
    if isinstance(value, dict):
        return {k: (epoch(v) if k in TIME_FIELDS and isinstance(v, str)
                    else v if k in _OPAQUE else times_to_epoch(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [times_to_epoch(v) for v in value]
    return value


# -- arrays -------------------------------------------------------------------------------------
def pack(array: Any) -> dict[str, str]:
    import numpy as np

    arr = np.asarray(array)
    dtype = "<i8" if arr.dtype.kind in "iub" else "<f8"
    return {"dtype": dtype, "b64": base64.b64encode(np.ascontiguousarray(arr, dtype=dtype).tobytes()).decode()}


def unpack(value: Any, dtype: str = "<f8") -> np.ndarray:
    """A numpy array from a packed dict or a JSON list (``null`` read as NaN in float arrays)."""
    import numpy as np

    if isinstance(value, dict):
        kind = value.get("dtype", dtype)
        if kind not in _DTYPES:
            raise InvalidArgument(f"packed array dtype must be one of {sorted(_DTYPES)}, got {kind!r}")
        try:
            raw = base64.b64decode(value.get("b64", ""), validate=True)
        except ValueError as exc:
            raise InvalidArgument(f"packed array is not valid base64: {exc}") from exc
        if len(raw) % np.dtype(kind).itemsize:
            raise InvalidArgument("packed array length is not a whole number of items")
        return np.frombuffer(raw, dtype=kind)
    if not isinstance(value, list):
        raise InvalidArgument(f"expected a list of numbers or a packed array, got {type(value).__name__}")
    try:
        if dtype == "<f8":
            return np.array([math.nan if v is None else v for v in value], dtype="<f8")
        return np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"array items must be numbers: {exc}") from exc


# -- rows ---------------------------------------------------------------------------------------
_TASK_TIMES = ("created", "started", "completed", "last_update")


def task_out(row: TaskRow) -> dict[str, Any]:
    # By hand, not dataclasses.asdict: that deep-copies script and runtime, 10x the cost in a list.
    d = dict(row.__dict__)
    d["tags"], d["system_tags"] = list(row.tags), list(row.system_tags)
    for key in _TASK_TIMES:
        d[key] = iso(d[key])
    return d


def task_in(data: Mapping[str, Any]) -> TaskRow:
    from jupyter_ext.store.rows import TaskRow

    return TaskRow.from_dict(times_to_epoch(dict(data)))


def project_out(row: ProjectRow, tasks: int = 0) -> dict[str, Any]:
    d = times_to_iso(row.to_dict())
    d.update(path=row.name, parent=row.parent_id, basename=row.basename, tasks=tasks)
    return d  # type: ignore[no-any-return]


def project_in(data: Mapping[str, Any]) -> ProjectRow:
    import dataclasses

    from jupyter_ext.store.rows import ProjectRow

    names = {f.name for f in dataclasses.fields(ProjectRow)}
    return ProjectRow(**{k: v for k, v in times_to_epoch(dict(data)).items() if k in names})


def param_out(row: ParamRow) -> dict[str, Any]:
    return {"section": row.section, "name": row.name, "value": row.value, "type": row.type,
            "description": row.description}


def param_in(data: Any) -> ParamRow:
    from jupyter_ext.store.rows import ParamRow

    if not isinstance(data, dict) or not {"section", "name", "type"} <= set(data):
        raise InvalidArgument("a parameter is an object with section, name, value, type (and description)")
    return ParamRow(str(data["section"]), str(data["name"]), data.get("value"), str(data["type"]),
                    str(data.get("description") or ""))


def config_out(row: ConfigRow) -> dict[str, Any]:
    return {"name": row.name, "type": row.type, "text": row.text, "description": row.description}


def config_in(name: str, data: Any) -> ConfigRow:
    from jupyter_ext.store.rows import ConfigRow

    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise InvalidArgument("a configuration is an object with text (a string), type and description")
    return ConfigRow(name, str(data.get("type") or ""), data["text"], str(data.get("description") or ""))


# -- scalar reads -------------------------------------------------------------------------------
def series_out(series: Mapping[str, Mapping[str, Mapping[str, Any]]], packed: bool) -> dict[str, Any]:
    """``{title: {series: {"x", "y"}}}`` from numpy columns: packed, or as lists with NaN as null."""
    import numpy as np

    out: dict[str, Any] = {}
    for title, by_series in series.items():
        for name, xy in by_series.items():
            x, y = xy["x"], np.asarray(xy["y"], dtype="<f8")
            if packed:
                cell = {"x": pack(x) if isinstance(x, np.ndarray) else list(x), "y": pack(y)}
            else:
                ys: list[Any] = y.tolist()
                if not np.isfinite(y).all():
                    ys = [v if math.isfinite(v) else None for v in ys]
                cell = {"x": x.tolist() if isinstance(x, np.ndarray) else list(x), "y": ys}
            out.setdefault(title, {})[name] = cell
    return out


def series_in(data: Mapping[str, Any], as_numpy: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for title, by_series in data.items():
        for name, xy in by_series.items():
            x = xy["x"]
            if isinstance(x, dict):
                x = unpack(x, x.get("dtype", "<i8"))
            y = unpack(xy["y"])
            if not as_numpy:
                x = x.tolist() if hasattr(x, "tolist") else x
                y = y.tolist()
            elif isinstance(x, list) and (not x or not isinstance(x[0], str)):
                import numpy as np
                x = np.asarray(x)
            out.setdefault(title, {})[name] = {"x": x, "y": y}
    return out


# -- rows of the registry (models, datasets, artifacts, pipeline runs) ---------------------------
def row_out(row: Any) -> dict[str, Any]:
    """A row of :mod:`jupyter_ext.store.rows` as JSON: its ``to_dict()``, times as ISO-8601."""
    return times_to_iso(row.to_dict())  # type: ignore[no-any-return]


def rows_out(rows: Any) -> list[dict[str, Any]]:
    return [row_out(r) for r in rows]


def model_in(data: Mapping[str, Any]) -> ModelRow:
    from jupyter_ext.store.rows import ModelRow

    return ModelRow.from_dict(times_to_epoch(dict(data)))


def model_version_in(data: Mapping[str, Any]) -> ModelVersionRow:
    from jupyter_ext.store.rows import ModelVersionRow

    return ModelVersionRow.from_dict(times_to_epoch(dict(data)))


def dataset_in(data: Mapping[str, Any]) -> DatasetVersionRow:
    from jupyter_ext.store.rows import DatasetVersionRow

    return DatasetVersionRow.from_dict(times_to_epoch(dict(data)))


def dataset_file_in(data: Mapping[str, Any]) -> DatasetFileRow:
    from jupyter_ext.store.rows import DatasetFileRow

    return DatasetFileRow.from_dict(data)  # no times in a file row


def artifact_in(data: Mapping[str, Any]) -> ArtifactRow:
    from jupyter_ext.store.rows import ArtifactRow

    return ArtifactRow.from_dict(times_to_epoch(dict(data)))


def pipeline_run_in(data: Mapping[str, Any]) -> PipelineRunRow:
    """Times back to epoch seconds, except under keys that hold counts."""
    from jupyter_ext.store.rows import PipelineRunRow

    kept = {k: data[k] for k in ("step_status",) if k in data}
    return PipelineRunRow.from_dict({**times_to_epoch({k: v for k, v in data.items() if k not in kept}), **kept})


# -- queues and workers ---------------------------------------------------------------------------
# Their time keys are converted here, by name, not through TIME_FIELDS: "added" is a count in a
# dataset version, and a generic walk cannot tell the two apart.
def queue_out(queue: QueueRow) -> dict[str, Any]:
    d = queue.to_dict()
    d["created"] = iso(d.get("created"))
    d["entries"] = [{**e, "added": iso(e.get("added"))} for e in d.get("entries") or ()]
    return d


def queue_in(data: Mapping[str, Any]) -> QueueRow:
    from jupyter_ext.store.rows import QueueRow

    d = dict(data)
    d["created"] = epoch(d.get("created"))
    d["entries"] = [{**e, "added": epoch(e.get("added"))} for e in d.get("entries") or ()]
    return QueueRow.from_dict(d)


def worker_out(worker: WorkerRow) -> dict[str, Any]:
    d = worker.to_dict()
    d.update(last_seen=iso(worker.last_seen), registered=iso(worker.registered))
    return d


def worker_in(data: Mapping[str, Any]) -> WorkerRow:
    from jupyter_ext.store.rows import WorkerRow

    return WorkerRow.from_dict({**data, "last_seen": epoch(data.get("last_seen")),
                                "registered": epoch(data.get("registered"))})
