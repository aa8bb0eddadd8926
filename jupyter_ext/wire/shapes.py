"""The request bodies and small answers of the REST API, as types the route table names.

Rows (``store/rows.py``) are what the API hands out; these are what it takes in, and the few
answers that are not rows. ``wire/openapi.py`` turns each into a JSON Schema, and the
TypeScript types of the JupyterLab face are generated from that document.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Literal

# -- containers of the route table (how a row or a shape travels) ---------------------------------


@dataclasses.dataclass(frozen=True)
class Items:
    """``{"items": [of, ...], "total": n}``: a list, or one page of it."""

    of: Any


@dataclasses.dataclass(frozen=True)
class MapOf:
    """An object whose keys are names (of series, modes, ids) and whose values are ``of``."""

    of: Any


@dataclasses.dataclass(frozen=True)
class Partial:
    """Some of ``of``'s fields (a table asked for columns), plus a ``columns`` object."""

    of: Any


@dataclasses.dataclass(frozen=True)
class With:
    """``base``'s fields and a few more that the answer adds."""

    base: Any
    extra: tuple[tuple[str, Any], ...]


JSON = "json"  # a free-form JSON object (a user's figure, a sync record, an events batch)
BINARY = "binary"  # streamed bytes

_min0 = {"minimum": 0}
_min1 = {"minimum": 1}

# -- small answers --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Token:
    token: str
    token_type: Literal["bearer"]
    expires_in: float = dataclasses.field(metadata={"minimum": 0})


@dataclasses.dataclass(frozen=True)
class Caller:
    user: str
    via: Literal["jupyter", "key", "token"]
    access_key: str | None
    key_name: str | None


@dataclasses.dataclass(frozen=True)
class Deleted:
    deleted: str


@dataclasses.dataclass(frozen=True)
class Reusable:
    reusable: bool


@dataclasses.dataclass(frozen=True)
class Heartbeat:
    abort: bool


@dataclasses.dataclass(frozen=True)
class Written:
    written: int = dataclasses.field(metadata=_min0)
    dropped: dict[str, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Collected:
    blobs: int = dataclasses.field(metadata=_min0)
    bytes: int = dataclasses.field(metadata=_min0)
    orphans: int = dataclasses.field(metadata=_min0)


@dataclasses.dataclass(frozen=True)
class FileCounts:
    added: int = dataclasses.field(metadata=_min0)
    modified: int = dataclasses.field(metadata=_min0)
    unchanged: int = dataclasses.field(metadata=_min0)


@dataclasses.dataclass(frozen=True)
class Removed:
    removed: int = dataclasses.field(metadata=_min0)


@dataclasses.dataclass(frozen=True)
class Stored:
    stored: bool


@dataclasses.dataclass(frozen=True)
class StoredCount:
    stored: int = dataclasses.field(metadata=_min0)


@dataclasses.dataclass(frozen=True)
class PathDiff:
    """Dataset paths ``target`` has added, removed and holds with other bytes than ``source``."""

    added: list[str]
    removed: list[str]
    modified: list[str]


@dataclasses.dataclass(frozen=True)
class ModelScalar:
    title: str
    series: str
    iterations: list[int]
    values: list[float | None]


@dataclasses.dataclass(frozen=True)
class NamedValue:
    name: str
    value: float | None


@dataclasses.dataclass(frozen=True)
class ModelPlot:
    title: str
    series: str
    iteration: int
    figure: dict[str, Any]


@dataclasses.dataclass(frozen=True)
class ModelMetrics:
    scalars: list[ModelScalar]
    single_values: list[NamedValue]
    plots: list[ModelPlot]


# -- request bodies ---------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class TokenRequest:
    ttl: float | None = dataclasses.field(default=None, metadata={"minimum": 1})


@dataclasses.dataclass(frozen=True)
class GcRequest:
    grace_seconds: float = dataclasses.field(default=0.0, metadata=_min0)
    dry_run: bool = False


@dataclasses.dataclass(frozen=True)
class ProjectCreate:
    name: str
    description: str | None = None


@dataclasses.dataclass(frozen=True)
class ProjectEdit:
    name: str | None = None
    parent: str | None = None


_TASK_NAME = {"minLength": 1, "maxLength": 1024, "pattern": "^[^\\x00-\\x1f\\x7f]*$"}
_LABEL = {"maxLength": 1024, "pattern": "^[^\\x00-\\x1f\\x7f]*$"}
_INT64 = {"minimum": -(2**63), "maximum": 2**63 - 1}


@dataclasses.dataclass(frozen=True)
class TaskCreate:
    """A new task: its ``name`` and ``project`` (a path, created if missing), and what else is known."""

    name: str = dataclasses.field(metadata=_TASK_NAME)
    project: str | None = dataclasses.field(default=None, metadata=_LABEL)
    id: str | None = dataclasses.field(default=None, metadata={"pattern": "^[0-9A-Za-z_-]{1,64}$"})
    type: str | None = None
    tags: list[str] | None = None
    system_tags: list[str] | None = None
    comment: str | None = None
    parent_id: str | None = None
    user: str | None = dataclasses.field(default=None, metadata=_LABEL)
    status: Literal["created", "in_progress"] | None = None
    script: dict[str, Any] | None = None
    runtime: dict[str, Any] | None = None
    output_uri: str | None = None


@dataclasses.dataclass(frozen=True)
class TaskEdit:
    """The fields to change; those left out keep their value."""

    name: str | None = dataclasses.field(default=None, metadata=_TASK_NAME)
    comment: str | None = None
    tags: list[str] | None = None
    system_tags: list[str] | None = None
    type: str | None = None
    parent_id: str | None = None
    script: dict[str, Any] | None = None
    runtime: dict[str, Any] | None = None
    output_uri: str | None = None
    last_iteration: int | None = dataclasses.field(default=None, metadata=_INT64)
    status_message: str | None = None


@dataclasses.dataclass(frozen=True)
class TaskClone:
    name: str | None = None
    comment: str | None = None
    parent_id: str | None = None
    project: str | None = None


@dataclasses.dataclass(frozen=True)
class Force:
    force: bool = False


@dataclasses.dataclass(frozen=True)
class StatusChange:
    status: str
    force: bool = False
    message: str = ""
    reason: str = ""


@dataclasses.dataclass(frozen=True)
class ProjectName:
    project: str


@dataclasses.dataclass(frozen=True)
class ParametersPut:
    parameters: list[Any]  # ParamRow as JSON (section, name, value, type, description)
    replace: bool = False
    force: bool = False


@dataclasses.dataclass(frozen=True)
class ConfigurationPut:
    text: str
    type: str = ""
    description: str = ""
    force: bool = False


@dataclasses.dataclass(frozen=True)
class Enqueue:
    queue: str | None = None
    force: bool = False
    create_queue: bool = False


@dataclasses.dataclass(frozen=True)
class QueueCreate:
    name: str
    tags: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class PopNext:
    worker: str
    queues: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class EntryMove:
    """``position``: ``top``, ``bottom``, an index (0 is the top), ``before:<id>`` or ``after:<id>``."""

    position: str | int = "bottom"
    queue: str | None = None


@dataclasses.dataclass(frozen=True)
class WorkerRegister:
    id: str
    queues: list[str] = dataclasses.field(default_factory=list)
    info: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class WorkerStatus:
    task: str | None = None
    stats: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class ArtifactPut:
    name: str
    type: str = "custom"
    mode: Literal["output", "input"] = "output"
    location: str = ""
    blob_sha256: str | None = dataclasses.field(default=None, metadata={"pattern": "^[0-9a-f]{64}$"})
    url: str | None = None
    file_name: str = ""
    content_type: str = "application/octet-stream"
    size: int = dataclasses.field(default=0, metadata=_min0)
    preview: str = ""
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)
    user: str = ""
    time: float | None = None


@dataclasses.dataclass(frozen=True)
class ModelLink:
    model_id: str
    mode: Literal["input", "output"]
    name: str | None = None


@dataclasses.dataclass(frozen=True)
class ModelQuery:
    """Filters of ``Model.query_models``; ``model_name`` is a regular expression."""

    project_name: str | None = None
    model_name: str | None = None
    tags: list[str] | None = None
    only_published: bool = False
    include_archived: bool = False
    max_results: int | None = dataclasses.field(default=None, metadata={"minimum": 1})
    metadata: dict[str, Any] | None = None
    task_id: str | None = None
    weights_url: str | None = None


@dataclasses.dataclass(frozen=True)
class ModelCreate:
    name: str
    project: str | None = None
    framework: str | None = None
    comment: str = ""
    task_id: str | None = None
    parent_id: str | None = None
    labels: dict[str, int] = dataclasses.field(default_factory=dict)
    design: str = ""
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    tags: list[str] = dataclasses.field(default_factory=list)
    user: str = ""
    id: str | None = None


@dataclasses.dataclass(frozen=True)
class ModelEdit:
    name: str | None = None
    comment: str | None = None
    tags: list[str] | None = None
    framework: str | None = None
    labels: dict[str, int] | None = None
    design: str | None = None
    metadata: dict[str, Any] | None = None
    parent_id: str | None = None
    task_id: str | None = None


@dataclasses.dataclass(frozen=True)
class MetadataPut:
    items: dict[str, Any]
    replace: bool = False


@dataclasses.dataclass(frozen=True)
class VersionAdd:
    """New weights: stored bytes (``blob_sha256`` at ``location``) or a registered ``url``."""

    blob_sha256: str | None = dataclasses.field(default=None, metadata={"pattern": "^[0-9a-f]{64}$"})
    url: str | None = None
    location: str = ""
    file_name: str = ""
    size: int = dataclasses.field(default=0, metadata=_min0)
    is_package: bool = False
    iteration: int | None = None


@dataclasses.dataclass(frozen=True)
class Archived:
    archived: bool = True


@dataclasses.dataclass(frozen=True)
class MetricsReport:
    scalars: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # {title, series, iteration, value}
    single_values: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # {name, value}
    plots: list[dict[str, Any]] = dataclasses.field(default_factory=list)  # {title, series, iteration, figure}


@dataclasses.dataclass(frozen=True)
class DatasetQuery:
    """``name`` is text in the name unless ``exact_name``."""

    project: str | None = None
    name: str | None = None
    tags: list[str] | None = None
    ids: list[str] | None = None
    only_final: bool = False
    include_archived: bool = True
    exact_name: bool = False
    recursive: bool = True


@dataclasses.dataclass(frozen=True)
class DatasetCreate:
    name: str
    project: str | None = None
    parents: list[str] = dataclasses.field(default_factory=list)
    version: str | None = None
    description: str | None = None
    tags: list[str] = dataclasses.field(default_factory=list)
    location: str = ""
    user: str = ""
    created_by: str | None = None
    id: str | None = None


@dataclasses.dataclass(frozen=True)
class DatasetSquash:
    name: str
    dataset_ids: list[str]
    project: str | None = None
    location: str = ""


@dataclasses.dataclass(frozen=True)
class DatasetEdit:
    name: str | None = None
    description: str | None = None
    tags: list[str] | None = None
    metadata: dict[str, Any] | None = None
    archived: bool | None = None


@dataclasses.dataclass(frozen=True)
class FileEntry:
    """A file by its dataset path: bytes to upload (``sha256``, ``size``, ``source``) or a link (``url``)."""

    path: str
    sha256: str | None = None
    url: str | None = None
    size: int = dataclasses.field(default=0, metadata=_min0)
    source: str | None = None


@dataclasses.dataclass(frozen=True)
class FilesAdd:
    entries: list[FileEntry]


@dataclasses.dataclass(frozen=True)
class FilesRemove:
    pattern: str
    recursive: bool = True


@dataclasses.dataclass(frozen=True)
class StoredFile:
    path: str
    sha256: str = dataclasses.field(metadata={"pattern": "^[0-9a-f]{64}$"})
    size: int = dataclasses.field(metadata=_min0)
    location: str = ""


@dataclasses.dataclass(frozen=True)
class FilesStored:
    stored: list[StoredFile]


# -- notebooks: execution history, snapshot versions, re-runs ------------------------------------
@dataclasses.dataclass(frozen=True)
class CellRunPut:
    seq: int = dataclasses.field(metadata=_min1)
    cell_id: str = ""
    execution_count: int | None = None
    source_sha: str = ""
    kernel: str = ""
    started: float | None = None
    duration: float | None = None
    raised: str | None = None


@dataclasses.dataclass(frozen=True)
class SnapshotAdd:
    ipynb_sha256: str = dataclasses.field(metadata={"pattern": "^[0-9a-f]{64}$"})
    taken: float
    source: str = ""
    path: str = ""
    digest: str = ""
    location: str = ""
    ipynb_size: int = dataclasses.field(default=0, metadata=_min0)
    html_sha256: str | None = dataclasses.field(default=None, metadata={"pattern": "^[0-9a-f]{64}$"})
    html_size: int = dataclasses.field(default=0, metadata=_min0)
    cells: int = dataclasses.field(default=0, metadata=_min0)
    executed: int = dataclasses.field(default=0, metadata=_min0)


@dataclasses.dataclass(frozen=True)
class NotebookOpen:
    version: int | None = None
    folder: str = ""  # relative to the workspace
    name: str = ""  # a stem for the file name; the task's name when empty


@dataclasses.dataclass(frozen=True)
class NotebookRerun:
    queue: str | None = None
    parameters: dict[str, Any] = dataclasses.field(default_factory=dict)
    version: int | None = None
    name: str | None = None
