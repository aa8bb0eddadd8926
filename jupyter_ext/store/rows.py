"""Plain frozen rows the store hands out: no ORM objects leave the store."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
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


# -- the rows the Backend hands out (one per entity; wire/codec.py turns them into JSON and back) --
def _plain(value: Any) -> Any:
    """A row's value as plain JSON-able data: nested rows as dicts, tuples as lists."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if to_dict is not None else value


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    """The items of ``data`` that are fields of ``cls`` (a newer server may send more)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return {k: v for k, v in data.items() if k in names}


_FIELDS: dict[type, frozenset[str]] = {}
# Ranges a field keeps, read by wire/schemas.py into the OpenAPI document.
_FROM_0 = {"minimum": 0}
_FROM_1 = {"minimum": 1}


@dataclasses.dataclass(frozen=True, slots=True)
class ModelVersionRow:
    """One numbered version of a model's weights: stored bytes (``blob_sha256`` at ``location``)
    or a registered ``url``."""

    model_id: str
    version: int = dataclasses.field(metadata=_FROM_1)
    location: str
    blob_sha256: str | None
    url: str | None
    file_name: str
    size: int = dataclasses.field(metadata=_FROM_0)
    is_package: bool
    iteration: int | None
    created: float

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelVersionRow:
        return cls(**_known(cls, data))


@dataclasses.dataclass(frozen=True, slots=True)
class ModelRow:
    """A registered model. ``version`` and ``weights`` are set when it was read at a version
    (``get_model``, ``find_model``); ``link_name`` when read as a task's input or output."""

    id: str
    project_id: str
    project_name: str
    name: str
    framework: str
    comment: str
    task_id: str | None
    parent_id: str | None
    labels: dict[str, int]
    design: str
    metadata: dict[str, Any]
    published: bool
    archived: bool
    latest_version: int = dataclasses.field(metadata=_FROM_0)
    user: str
    created: float
    last_update: float
    tags: tuple[str, ...] = ()
    version: int | None = None
    weights: ModelVersionRow | None = None
    link_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d = {f: _plain(getattr(self, f)) for f in self.__slots__}
        if self.version is None:  # read without a version: no version keys, as before
            del d["version"], d["weights"]
        if self.link_name is None:
            del d["link_name"]
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelRow:
        values = _known(cls, data)
        values["tags"] = tuple(values.get("tags") or ())
        if values.get("weights") is not None:
            values["weights"] = ModelVersionRow.from_dict(values["weights"])
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class DatasetVersionRow:
    """One version of a dataset, with the counts of its file list."""

    id: str
    project_id: str
    project_name: str
    name: str
    version: str
    version_key: str
    status: str  # draft | final
    description: str
    parents: tuple[str, ...]
    location: str
    file_count: int = dataclasses.field(metadata=_FROM_0)
    total_size: int = dataclasses.field(metadata=_FROM_0)
    added: int = dataclasses.field(metadata=_FROM_0)
    modified: int = dataclasses.field(metadata=_FROM_0)
    removed: int = dataclasses.field(metadata=_FROM_0)
    metadata: dict[str, Any]
    archived: bool
    created: float
    finalized: float | None
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {f: _plain(getattr(self, f)) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetVersionRow:
        values = _known(cls, data)
        values["tags"] = tuple(values.get("tags") or ())
        values["parents"] = tuple(values.get("parents") or ())
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class DatasetFileRow:
    """One file of a dataset version: its bytes (``sha256`` at ``location``) or an external
    ``url``; ``source`` is the local file still to upload (None once stored)."""

    dataset_id: str
    path: str
    sha256: str | None
    size: int = dataclasses.field(metadata=_FROM_0)
    location: str
    url: str | None
    state: str  # inherited | added | modified
    source: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetFileRow:
        return cls(**_known(cls, data))


@dataclasses.dataclass(frozen=True, slots=True)
class ArtifactRow:
    """A task's artifact: stored bytes (``blob_sha256`` at ``location``) or a registered ``url``."""

    id: int
    task_id: str
    name: str
    type: str
    mode: str  # output | input
    location: str
    blob_sha256: str | None
    url: str | None
    file_name: str
    content_type: str
    size: int = dataclasses.field(metadata=_FROM_0)
    preview: str
    metadata: dict[str, str]
    user: str
    time: float

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ArtifactRow:
        return cls(**_known(cls, data))


@dataclasses.dataclass(frozen=True, slots=True)
class QueueEntryRow:
    """A task waiting in a queue, in order (``position`` 0 is the top)."""

    task_id: str
    name: str
    project: str
    status: str
    added: float
    position: float

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueueEntryRow:
        return cls(**_known(cls, data))


@dataclasses.dataclass(frozen=True, slots=True)
class QueueRow:
    """A queue. Read for a listing it carries its ``entries`` in order and the ids of the
    ``workers`` listening to it."""

    id: str
    name: str
    tags: tuple[str, ...]
    created: float
    entries: tuple[QueueEntryRow, ...] = ()
    num_entries: int = dataclasses.field(default=0, metadata=_FROM_0)
    workers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {f: _plain(getattr(self, f)) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> QueueRow:
        values = _known(cls, data)
        values["tags"] = tuple(values.get("tags") or ())
        values["workers"] = tuple(values.get("workers") or ())
        values["entries"] = tuple(QueueEntryRow.from_dict(e) for e in values.get("entries") or ())
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerTaskRow:
    """The task a worker runs, as its listing shows it."""

    id: str
    name: str | None
    status: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}


@dataclasses.dataclass(frozen=True, slots=True)
class WorkerRow:
    """An agent listening to ``queues`` (in priority order). Read for a listing it carries its
    ``state`` (running, idle or lost) and ``task``."""

    id: str
    queues: tuple[str, ...]
    task_id: str | None
    info: dict[str, Any]
    stats: dict[str, Any]
    registered: float
    last_seen: float
    state: str = ""
    task: WorkerTaskRow | None = None

    def to_dict(self) -> dict[str, Any]:
        return {f: _plain(getattr(self, f)) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkerRow:
        values = _known(cls, data)
        values["queues"] = tuple(values.get("queues") or ())
        values.setdefault("task_id", (data.get("task") or {}).get("id"))
        if values.get("task") is not None:
            values["task"] = WorkerTaskRow(**values["task"])
        return cls(**values)


@dataclasses.dataclass(frozen=True, slots=True)
class PipelineRunRow:
    """A pipeline run: its controller task, the pipeline's version, how many steps it has and
    how many show each status. On the wire the task's fields are at the top level."""

    task: TaskRow
    version: str
    steps: int = dataclasses.field(metadata=_FROM_0)
    step_status: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {**self.task.to_dict(), "version": self.version, "steps": self.steps,
                "step_status": dict(self.step_status)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PipelineRunRow:
        return cls(task=TaskRow.from_dict(dict(data)), version=str(data.get("version") or ""),
                   steps=int(data.get("steps") or 0), step_status=dict(data.get("step_status") or {}))


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeRow:
    """A task (dataset versions are tasks), model, queue or worker stamped at ``stamp``, by the
    store's clock: one entry of the change feed. Readers ask again with the newest ``stamp``
    they saw, so their own clock never matters."""

    kind: str
    id: str
    stamp: float

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "id": self.id, "stamp": self.stamp}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ChangeRow:
        return cls(kind=str(data["kind"]), id=str(data["id"]), stamp=float(data["stamp"]))


@dataclasses.dataclass(frozen=True, slots=True)
class CellRunRow:
    """One execution of a notebook cell in a task's run, in the order cells ran (``seq`` from 1).
    Results reported while it ran have it as their origin."""

    task_id: str
    seq: int = dataclasses.field(metadata=_FROM_1)
    cell_id: str
    execution_count: int | None
    source_sha: str
    kernel: str
    started: float
    duration: float | None
    raised: str | None

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CellRunRow:
        return cls(**_known(cls, data))


@dataclasses.dataclass(frozen=True, slots=True)
class NotebookSnapshotRow:
    """One stored version of a task's notebook: the redacted ``.ipynb`` and its HTML (blobs at
    ``location``), when its content was read, and how many of its code cells had run."""

    task_id: str
    version: int = dataclasses.field(metadata=_FROM_1)
    taken: float
    source: str
    path: str
    digest: str
    location: str
    ipynb_sha256: str
    ipynb_size: int = dataclasses.field(metadata=_FROM_0)
    html_sha256: str | None
    html_size: int = dataclasses.field(metadata=_FROM_0)
    cells: int = dataclasses.field(metadata=_FROM_0)
    executed: int = dataclasses.field(metadata=_FROM_0)

    def to_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__slots__}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NotebookSnapshotRow:
        return cls(**_known(cls, data))
