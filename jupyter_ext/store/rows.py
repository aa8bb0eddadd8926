"""Plain frozen rows the store hands out: no ORM objects leave the store."""
from __future__ import annotations

import dataclasses
import json
from typing import Any


@dataclasses.dataclass(frozen=True)
class ProjectRow:
    id: str
    name: str
    parent_id: str | None
    description: str
    default_output_uri: str | None
    created: float
    last_update: float

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class TaskRow:
    id: str
    project_id: str
    project_name: str
    name: str
    type: str
    status: str
    status_message: str
    status_reason: str
    comment: str
    parent_id: str | None
    user: str
    created: float
    started: float | None
    completed: float | None
    last_update: float
    last_iteration: int
    archived: bool
    tags: tuple[str, ...]
    system_tags: tuple[str, ...]
    script: dict[str, Any]
    runtime: dict[str, Any]
    output_uri: str | None
    queue: str | None = None  # the queue it was last enqueued to
    worker: str | None = None  # the worker that runs (or ran) it

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["tags"] = list(self.tags)
        d["system_tags"] = list(self.system_tags)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TaskRow:
        fields = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in d.items() if k in fields}
        values["tags"] = tuple(values.get("tags", ()))
        values["system_tags"] = tuple(values.get("system_tags", ()))
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class ParamRow:
    section: str
    name: str
    value: Any
    type: str
    description: str = ""

    @property
    def key(self) -> str:
        return f"{self.section}/{self.name}"


@dataclasses.dataclass(frozen=True)
class ConfigRow:
    name: str
    type: str
    text: str
    description: str = ""


@dataclasses.dataclass(frozen=True)
class MetricSummary:
    title: str
    series: str
    count: int
    first_value: float | None
    last_value: float | None
    last_iter: int | None
    min_value: float | None
    min_iter: int | None
    max_value: float | None
    max_iter: int | None
    last_time: float | None


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)


def loads(text: str | None, default: Any) -> Any:
    if not text:
        return default
    return json.loads(text)
