"""One batch of reported events, as a reporter sends it and the store applies it.

Plain data with no store behind it: the reporter thread builds batches without importing
SQLAlchemy (the opener thread may be importing it at that moment), and the HTTP backend and the
spool never need it.
"""
from __future__ import annotations

import dataclasses
from typing import Any


@dataclasses.dataclass
class EventBatch:
    """Everything a reporter sends in one go. Scalars are column arrays per series."""

    # (task_id, title, series, iterations, values, times)
    scalars: list[tuple[str, str, str, Any, Any, Any]] = dataclasses.field(default_factory=list)
    # (task_id, name, value, time)
    single_values: list[tuple[str, str, float, float]] = dataclasses.field(default_factory=list)
    # dicts: task_id, title, series, iteration, figure (JSON text), time
    plots: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # dicts: task_id, title, series, iteration, kind, blob_sha256, size, url, file_name, content_type,
    # time, max_history
    debug_samples: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    # (task_id, level, text, time)
    console: list[tuple[str, int, str, float]] = dataclasses.field(default_factory=list)

    def task_ids(self) -> set[str]:
        ids = {s[0] for s in self.scalars} | {v[0] for v in self.single_values} | {c[0] for c in self.console}
        ids |= {p["task_id"] for p in self.plots} | {d["task_id"] for d in self.debug_samples}
        return ids

    def __len__(self) -> int:
        return (sum(len(s[3]) for s in self.scalars) + len(self.single_values) + len(self.plots)
                + len(self.debug_samples) + len(self.console))


    def halves(self) -> tuple[EventBatch, EventBatch]:
        """Two batches of about half the events each, in order (a long series may be cut in two):
        what a client sends in turn when one request would be too big."""
        quota = len(self) // 2
        first, second = EventBatch(), EventBatch()
        for task_id, title, series, its, values, times in self.scalars:
            take = min(len(its), quota)
            quota -= take
            if take:
                first.scalars.append((task_id, title, series, its[:take], values[:take],
                                      None if times is None else times[:take]))
            if take < len(its):
                second.scalars.append((task_id, title, series, its[take:], values[take:],
                                       None if times is None else times[take:]))
        for kind in ("single_values", "plots", "debug_samples", "console"):
            items = getattr(self, kind)
            take = min(len(items), quota)
            quota -= take
            getattr(first, kind).extend(items[:take])
            getattr(second, kind).extend(items[take:])
        return first, second

    def replace_with(self, other: EventBatch) -> None:
        """Hold ``other``'s events instead of its own (what is left to send after a partial send)."""
        for f in dataclasses.fields(self):
            setattr(self, f.name, getattr(other, f.name))


@dataclasses.dataclass
class BatchResult:
    written: int = 0
    dropped: dict[str, str] = dataclasses.field(default_factory=dict)  # task id -> why
