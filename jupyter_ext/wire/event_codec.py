"""Reported events on the wire: a batch of scalars, single values, plots, debug samples and
console lines in JSON (``POST events``), checked against the event rules as it is read, and
the answer saying what was written."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import events
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.wire.codec import epoch, pack, unpack

if TYPE_CHECKING:
    import numpy as np

    from jupyter_ext.core.event_batch import BatchResult, EventBatch


def batch_out(batch: EventBatch) -> dict[str, Any]:
    """The request body of one batch; scalar columns packed."""
    return {
        "scalars": [{"task_id": t, "title": ti, "series": se, "iter": pack(it), "value": pack(va), "time": pack(tm)}
                    for t, ti, se, it, va, tm in batch.scalars],
        "single_values": [{"task_id": t, "name": n, "value": v, "time": tm} for t, n, v, tm in batch.single_values],
        "plots": list(batch.plots),
        "debug_samples": list(batch.debug_samples),
        "console": [{"task_id": t, "level": lv, "text": tx, "time": tm} for t, lv, tx, tm in batch.console],
    }


def batch_in(data: Any, task_id: str | None = None) -> EventBatch:
    """A batch from a request body. With ``task_id`` (the task's own events route) an event may
    leave ``task_id`` out, and naming another task is refused."""
    from jupyter_ext.core.event_batch import EventBatch

    if not isinstance(data, dict):
        raise InvalidArgument("the events body is an object with lists: scalars, single_values, plots, "
                              "debug_samples, console")
    unknown = set(data) - {"scalars", "single_values", "plots", "debug_samples", "console"}
    if unknown:
        raise InvalidArgument(f"unknown event kinds: {', '.join(sorted(unknown))}")

    def owner(item: Any, kind: str) -> str:
        if not isinstance(item, dict):
            raise InvalidArgument(f"each of {kind} is an object")
        tid = item.get("task_id")
        if tid is None:  # left out, or null: the route's own task
            tid = task_id
        if not isinstance(tid, str) or not tid:
            raise InvalidArgument(f"an event in {kind} names no task_id")
        if task_id is not None and tid != task_id:
            raise InvalidArgument(f"an event in {kind} names task {tid!r} on the events route of task {task_id!r}")
        return tid

    def when(item: dict[str, Any], kind: str) -> float:
        value = epoch(item.get("time"))
        return 0.0 if value is None else events.check_time(value, f"time of an event in {kind}")

    batch = EventBatch()
    for s in _items(data, "scalars"):
        tid = owner(s, "scalars")
        it, va = _iterations(s.get("iter")), unpack(s.get("value"))
        tm = _times(unpack(s["time"])) if s.get("time") is not None else None
        if len(it) != len(va) or (tm is not None and len(tm) != len(it)):
            raise InvalidArgument(f"scalars {s.get('title')!r}/{s.get('series')!r}: iter, value and time differ "
                                  f"in length")
        if tm is None:
            import time

            import numpy as np
            tm = np.full(len(it), time.time())
        batch.scalars.append((tid, _label(s, "title", "scalars"), _label(s, "series", "scalars"), it, va, tm))
    for v in _items(data, "single_values"):
        batch.single_values.append((owner(v, "single_values"), _label(v, "name", "single_values"),
                                    events.check_value(v.get("value"), "a single value's value"),
                                    when(v, "single_values")))
    for p in _items(data, "plots"):
        batch.plots.append({"task_id": owner(p, "plots"), "title": _label(p, "title", "plots"),
                            "series": _label(p, "series", "plots"), "iteration": _int(p, "iteration"),
                            "figure": _text(p, "figure"), "time": when(p, "plots")})
    for d in _items(data, "debug_samples"):
        batch.debug_samples.append(_sample(d, owner(d, "debug_samples"), when(d, "debug_samples")))
    for c in _items(data, "console"):
        batch.console.append((owner(c, "console"), events.check_level(c.get("level")),
                              events.check_text(c.get("text"), "a console line's text"), when(c, "console")))
    return batch


def _sample(d: dict[str, Any], tid: str, time: float) -> dict[str, Any]:
    sample = {k: d.get(k) for k in _SAMPLE_KEYS}
    if not isinstance(d.get("file_name"), str):
        raise InvalidArgument("a debug sample needs file_name, a string (the name shown under it)")
    sample.update(task_id=tid, title=_label(d, "title", "debug_samples"), series=_label(d, "series", "debug_samples"),
                  iteration=_int(d, "iteration"), time=time,
                  file_name=events.check_label(d["file_name"], "a debug sample's file_name"),
                  url=events.check_url(d.get("url"), "a debug sample's url"))
    if sample["content_type"] is None:
        sample["content_type"] = "application/octet-stream"
    if sample["kind"] is None:
        sample["kind"] = "image"
    for key in ("kind", "content_type"):
        if sample[key] is not None:
            events.check_label(sample[key], f"a debug sample's {key}", limit=256)
    for key in ("size", "max_history"):
        if sample[key] is not None:
            _int(sample, key)
    if sample["blob_sha256"] is not None:
        from jupyter_ext.store.blobs import check_sha256

        check_sha256(str(sample["blob_sha256"]))
    return sample


def _iterations(value: Any) -> np.ndarray:
    """Scalar iterations: packed int64, or a JSON list of whole numbers in int64 (1.5 is refused, not cut)."""
    import numpy as np

    if isinstance(value, list):
        try:
            return np.array([events.check_iteration(v, "a scalar's iter") for v in value], dtype="<i8")
        except (TypeError, ValueError) as exc:
            raise InvalidArgument(str(exc)) from None
    return unpack(value, "<i8")


def _times(tm: np.ndarray) -> np.ndarray:
    import numpy as np

    bad = ~(np.isfinite(tm) & (tm >= events.EARLIEST_TIME) & (tm <= events.LATEST_TIME))
    if bad.any():
        events.check_time(float(tm[bad][0]), "a scalar's time")
    return tm


def _items(data: dict[str, Any], kind: str) -> list[Any]:
    items = data.get(kind) or []
    if not isinstance(items, list):
        raise InvalidArgument(f"{kind} must be a list")
    return items


_SAMPLE_KEYS = ("kind", "blob_sha256", "size", "url", "file_name", "content_type", "max_history")


def _int(item: dict[str, Any], key: str) -> int:
    value = item.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidArgument(f"{key} must be an integer, got {value!r:.60}")
    try:
        return events.check_iteration(value, key)
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None


def _label(item: dict[str, Any], key: str, kind: str) -> str:
    return events.check_label(item.get(key), f"{key} of an event in {kind}")


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key)
    if not isinstance(value, str):
        raise InvalidArgument(f"{key} must be a string, got {value!r}")
    return value


def result_out(result: BatchResult) -> dict[str, Any]:
    return {"written": result.written, "dropped": dict(result.dropped)}


def result_in(data: Mapping[str, Any]) -> BatchResult:
    from jupyter_ext.core.event_batch import BatchResult

    return BatchResult(written=int(data.get("written", 0)), dropped=dict(data.get("dropped") or {}))
