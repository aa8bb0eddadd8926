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


@dataclasses.dataclass
class BatchResult:
    written: int = 0
    dropped: dict[str, str] = dataclasses.field(default_factory=dict)  # task id -> why
