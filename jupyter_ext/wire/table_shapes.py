"""The answers of the task table's helpers: counts by status, the columns a picker offers,
and the global search."""
from __future__ import annotations

import dataclasses

_min0 = {"minimum": 0}


@dataclasses.dataclass(frozen=True)
class StatusCounts:
    """How many of the matching tasks are in each status, and in all."""

    counts: dict[str, int]
    total: int = dataclasses.field(metadata=_min0)


@dataclasses.dataclass(frozen=True)
class TableColumns:
    """The metric (title, series) and parameter (section, name) pairs the matching tasks hold,
    read from the ``tasks_read`` tasks updated last (``sampled``: there were more)."""

    metrics: list[list[str]]
    params: list[list[str]]
    tasks_read: int = dataclasses.field(metadata=_min0)
    sampled: bool


@dataclasses.dataclass(frozen=True)
class FoundProject:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class FoundTask:
    id: str
    name: str
    status: str
    project: str


@dataclasses.dataclass(frozen=True)
class FoundModel:
    id: str
    name: str
    project: str


@dataclasses.dataclass(frozen=True)
class FoundDataset:
    id: str
    name: str
    version: str
    project: str


@dataclasses.dataclass(frozen=True)
class SearchResults:
    projects: list[FoundProject]
    tasks: list[FoundTask]
    models: list[FoundModel]
    datasets: list[FoundDataset]
