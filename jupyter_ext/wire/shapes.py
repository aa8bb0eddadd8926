"""The request bodies and small answers of the REST API, as types the route table names.

Rows (``store/rows.py``) are what the API hands out; these are what it takes in, and the few
answers that are not rows. ``wire/openapi.py`` turns each into a JSON Schema, and the
TypeScript types of the JupyterLab face are generated from that document.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Literal

from jupyter_ext.core.rules import limits as L
from jupyter_ext.core.rules.events import LATEST_TIME, URL_SCHEMES
from jupyter_ext.core.rules.names import framework_pattern
from jupyter_ext.core.rules.status import STATUSES
from jupyter_ext.core.rules.task_types import TASK_TYPES

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
class Where:
    """Which store or server a JupyterLab (or this API) shows, and as whom."""

    mode: Literal["local", "server"]  # the embedded store, or a team server
    location: str  # the store's URL (credentials hidden) or the team server's address
    user: str  # who the shown server takes the caller for
    via: Literal["jupyter", "key", "token"]


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
# Each field's ranges come from core/rules/limits.py (the one table of limits): what this document
# promises is what the core services check, for the SDK and the REST API alike. A request body
# takes no fields but its own (additionalProperties false), and null is as if a field were left out.

_ID = {"pattern": L.ID_PATTERN}
_SHA = {"pattern": "^[0-9a-f]{64}$"}
_INT64 = {"minimum": -(2**63), "maximum": 2**63 - 1}
_EPOCH = {"minimum": 0, "maximum": LATEST_TIME, "epoch": True}
_PROJECT = L.name_field(L.PROJECT_NAME, L.PROJECT)
_TAGS = {"items": L.name_field(L.TAG)}
_URL_SCHEMES = "|".join(URL_SCHEMES)


@dataclasses.dataclass(frozen=True)
class TokenRequest:
    ttl: float | None = dataclasses.field(default=None, metadata={"minimum": 1, "maximum": L.TOKEN_TTL})


@dataclasses.dataclass(frozen=True)
class GcRequest:
    grace_seconds: float = dataclasses.field(default=0.0, metadata=_min0)
    dry_run: bool = False


@dataclasses.dataclass(frozen=True)
class ProjectCreate:
    name: str = dataclasses.field(metadata=_PROJECT)
    description: str | None = dataclasses.field(default=None, metadata=L.text_field(L.DESCRIPTION))


@dataclasses.dataclass(frozen=True)
class ProjectEdit:
    """``name``: the project's own (last) name part; ``parent``: the path to move it under;
    ``description``: markdown shown on its dashboard. Nothing: no change."""

    name: str | None = dataclasses.field(default=None, metadata=L.name_field(L.PROJECT_NAME, L.PART))
    parent: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    description: str | None = dataclasses.field(default=None, metadata=L.text_field(L.DESCRIPTION))


_TASK_NAME = L.name_field(L.TASK_NAME)
_TASK_TYPE = {"enum": list(TASK_TYPES)}


@dataclasses.dataclass(frozen=True)
class TaskCreate:
    """A new task: its ``name`` and ``project`` (a path, created if missing), and what else is known."""

    name: str = dataclasses.field(metadata=_TASK_NAME)
    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    id: str | None = dataclasses.field(default=None, metadata=_ID)
    type: str | None = dataclasses.field(default=None, metadata=_TASK_TYPE)
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    system_tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    comment: str | None = dataclasses.field(default=None, metadata=L.text_field(L.COMMENT))
    parent_id: str | None = dataclasses.field(default=None, metadata=_ID)
    user: str | None = dataclasses.field(default=None, metadata=L.label_field(L.USER))
    status: Literal["created", "in_progress"] | None = None
    script: dict[str, Any] | None = None
    runtime: dict[str, Any] | None = None
    output_uri: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))


@dataclasses.dataclass(frozen=True)
class TaskEdit:
    """The fields to change; those left out (or null) keep their value, but ``parent_id`` and
    ``output_uri``, which null clears."""

    name: str | None = dataclasses.field(default=None, metadata=_TASK_NAME)
    comment: str | None = dataclasses.field(default=None, metadata=L.text_field(L.COMMENT))
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    system_tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    type: str | None = dataclasses.field(default=None, metadata=_TASK_TYPE)
    parent_id: str | None = dataclasses.field(default=None, metadata=_ID)
    script: dict[str, Any] | None = None
    runtime: dict[str, Any] | None = None
    output_uri: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))
    last_iteration: int | None = dataclasses.field(default=None, metadata=_INT64)
    status_message: str | None = dataclasses.field(default=None, metadata=L.text_field(L.STATUS_MESSAGE))


@dataclasses.dataclass(frozen=True)
class TaskClone:
    name: str | None = dataclasses.field(default=None, metadata=_TASK_NAME)
    comment: str | None = dataclasses.field(default=None, metadata=L.text_field(L.COMMENT))
    parent_id: str | None = dataclasses.field(default=None, metadata=_ID)
    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)


@dataclasses.dataclass(frozen=True)
class Force:
    force: bool = False


@dataclasses.dataclass(frozen=True)
class StatusChange:
    status: str = dataclasses.field(metadata={"enum": list(STATUSES)})
    force: bool = False
    message: str = dataclasses.field(default="", metadata=L.text_field(L.STATUS_MESSAGE))
    reason: str = dataclasses.field(default="", metadata=L.text_field(L.STATUS_MESSAGE))


@dataclasses.dataclass(frozen=True)
class ProjectName:
    project: str = dataclasses.field(metadata=_PROJECT)


@dataclasses.dataclass(frozen=True)
class ParamIn:
    """One hyperparameter: ``section/name`` = ``value`` of ``type`` (a Python type name, or empty)."""

    section: str = dataclasses.field(metadata=L.label_field(L.PARAM_NAME))
    name: str = dataclasses.field(metadata=L.label_field(L.PARAM_NAME))
    type: str = dataclasses.field(metadata=L.label_field(L.PARAM_NAME))
    value: Any = None
    description: str = dataclasses.field(default="", metadata=L.text_field(L.DESCRIPTION))


@dataclasses.dataclass(frozen=True)
class ParametersPut:
    parameters: list[ParamIn]
    replace: bool = False
    force: bool = False


@dataclasses.dataclass(frozen=True)
class ConfigurationPut:
    text: str = dataclasses.field(metadata=L.text_field(L.CONFIG_TEXT))
    type: str = dataclasses.field(default="", metadata=L.label_field(L.PARAM_NAME))
    description: str = dataclasses.field(default="", metadata=L.text_field(L.DESCRIPTION))
    force: bool = False


_QUEUE = L.name_field(L.QUEUE_NAME, L.PART)
_WORKER = L.name_field(L.WORKER_ID, L.PART)


@dataclasses.dataclass(frozen=True)
class Enqueue:
    queue: str | None = dataclasses.field(default=None, metadata=_QUEUE)
    force: bool = False
    create_queue: bool = False


@dataclasses.dataclass(frozen=True)
class QueueCreate:
    name: str = dataclasses.field(metadata=_QUEUE)
    tags: list[str] = dataclasses.field(default_factory=list, metadata=_TAGS)


@dataclasses.dataclass(frozen=True)
class PopNext:
    worker: str = dataclasses.field(metadata=_WORKER)
    queues: list[str] = dataclasses.field(default_factory=list, metadata={"items": _QUEUE})


@dataclasses.dataclass(frozen=True)
class EntryMove:
    """``position``: ``top``, ``bottom``, an index (0 is the top), ``before:<id>`` or ``after:<id>``."""

    position: str | int = dataclasses.field(default="bottom", metadata={
        "pattern": "^(top|bottom|(before|after):[0-9A-Za-z_-]{1,64})$", "minimum": 0})
    queue: str | None = dataclasses.field(default=None, metadata=_QUEUE)


@dataclasses.dataclass(frozen=True)
class WorkerRegister:
    id: str = dataclasses.field(metadata=_WORKER)
    queues: list[str] = dataclasses.field(default_factory=list, metadata={"items": _QUEUE})
    info: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class WorkerStatus:
    task: str | None = dataclasses.field(default=None, metadata=_ID)
    stats: dict[str, Any] = dataclasses.field(default_factory=dict)


_ARTIFACT_NAME = L.name_field(L.ARTIFACT_NAME)


@dataclasses.dataclass(frozen=True)
class ArtifactPut:
    """An artifact's row: its stored bytes (``blob_sha256``, uploaded first) or a ``url`` it links to."""

    SCHEMA = {"anyOf": [{"required": ["blob_sha256"], "properties": {"blob_sha256": {"type": "string"}}},
                        {"required": ["url"], "properties": {"url": {"type": "string", "minLength": 1}}}]}

    name: str = dataclasses.field(metadata=_ARTIFACT_NAME)
    type: str = dataclasses.field(default="custom", metadata=L.label_field(L.LABEL))
    mode: Literal["output", "input"] = "output"
    location: str = dataclasses.field(default="", metadata=L.text_field(L.URL))
    blob_sha256: str | None = dataclasses.field(default=None, metadata=_SHA)
    url: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))
    file_name: str = dataclasses.field(default="", metadata=L.label_field(L.LABEL))
    content_type: str = dataclasses.field(default="application/octet-stream", metadata=L.label_field(L.LABEL))
    size: int = dataclasses.field(default=0, metadata={"minimum": 0, "maximum": 2**63 - 1})
    preview: str = dataclasses.field(default="", metadata=L.text_field(L.COMMENT))
    metadata: dict[str, str] = dataclasses.field(default_factory=dict)
    user: str = dataclasses.field(default="", metadata=L.label_field(L.USER))
    time: float | None = dataclasses.field(default=None, metadata=_EPOCH)


@dataclasses.dataclass(frozen=True)
class ModelLink:
    model_id: str = dataclasses.field(metadata=_ID)
    mode: Literal["input", "output"]
    name: str | None = dataclasses.field(default=None, metadata=_ARTIFACT_NAME)


@dataclasses.dataclass(frozen=True)
class ModelQuery:
    """Filters of ``Model.query_models``; ``model_name`` is a regular expression (RE2 syntax)."""

    project_name: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    model_name: str | None = dataclasses.field(default=None, metadata={"format": "regex",
                                                                        "maxLength": L.REGEX})
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    only_published: bool = False
    include_archived: bool = False
    max_results: int | None = dataclasses.field(default=None, metadata={"minimum": 1, "maximum": 2**63 - 1})
    metadata: dict[str, Any] | None = None
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    weights_url: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))


_MODEL_NAME = L.name_field(L.MODEL_NAME)


@dataclasses.dataclass(frozen=True)
class ModelCreate:
    name: str = dataclasses.field(metadata=_MODEL_NAME)
    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    framework: str | None = dataclasses.field(default=None, metadata={"pattern": framework_pattern(), "maxLength": 64})
    comment: str = dataclasses.field(default="", metadata=L.text_field(L.COMMENT))
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    parent_id: str | None = dataclasses.field(default=None, metadata=_ID)
    labels: dict[str, int] = dataclasses.field(default_factory=dict)
    design: str = dataclasses.field(default="", metadata=L.text_field(L.CONFIG_TEXT))
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    tags: list[str] = dataclasses.field(default_factory=list, metadata=_TAGS)
    user: str = dataclasses.field(default="", metadata=L.label_field(L.USER))
    id: str | None = dataclasses.field(default=None, metadata=_ID)


@dataclasses.dataclass(frozen=True)
class ModelEdit:
    name: str | None = dataclasses.field(default=None, metadata=_MODEL_NAME)
    comment: str | None = dataclasses.field(default=None, metadata=L.text_field(L.COMMENT))
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    framework: str | None = dataclasses.field(default=None, metadata={"pattern": framework_pattern(), "maxLength": 64})
    labels: dict[str, int] | None = None
    design: str | None = dataclasses.field(default=None, metadata=L.text_field(L.CONFIG_TEXT))
    metadata: dict[str, Any] | None = None
    parent_id: str | None = dataclasses.field(default=None, metadata=_ID)
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)


@dataclasses.dataclass(frozen=True)
class MetadataPut:
    items: dict[str, Any]
    replace: bool = False


@dataclasses.dataclass(frozen=True)
class VersionAdd:
    """New weights: stored bytes (``blob_sha256`` at ``location``) or a registered ``url``."""

    SCHEMA = {"anyOf": [{"required": ["blob_sha256"], "properties": {"blob_sha256": {"type": "string"}}},
                        {"required": ["url"], "properties": {"url": {"type": "string", "minLength": 1}}}]}

    blob_sha256: str | None = dataclasses.field(default=None, metadata=_SHA)
    url: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))
    location: str = dataclasses.field(default="", metadata=L.text_field(L.URL))
    file_name: str = dataclasses.field(default="", metadata=L.label_field(L.LABEL))
    size: int = dataclasses.field(default=0, metadata={"minimum": 0, "maximum": 2**63 - 1})
    is_package: bool = False
    iteration: int | None = dataclasses.field(default=None, metadata=_INT64)


@dataclasses.dataclass(frozen=True)
class Archived:
    archived: bool = True


@dataclasses.dataclass(frozen=True)
class MetricScalar:
    title: str = dataclasses.field(metadata=L.name_field(L.LABEL))
    series: str = dataclasses.field(metadata=L.name_field(L.LABEL))
    iteration: int = dataclasses.field(metadata=_INT64)
    value: float


@dataclasses.dataclass(frozen=True)
class MetricValue:
    name: str = dataclasses.field(metadata=L.name_field(L.LABEL))
    value: float


@dataclasses.dataclass(frozen=True)
class MetricPlot:
    """A figure: a plotly object, or its JSON text."""

    title: str = dataclasses.field(metadata=L.name_field(L.LABEL))
    figure: dict[str, Any] | str
    series: str = dataclasses.field(default="", metadata=L.label_field())
    iteration: int = dataclasses.field(default=0, metadata=_INT64)


@dataclasses.dataclass(frozen=True)
class MetricsReport:
    scalars: list[MetricScalar] = dataclasses.field(default_factory=list)
    single_values: list[MetricValue] = dataclasses.field(default_factory=list)
    plots: list[MetricPlot] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class DatasetQuery:
    """``name`` is text in the name unless ``exact_name``."""

    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    name: str | None = dataclasses.field(default=None, metadata=L.label_field(L.DATASET_NAME))
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    ids: list[str] | None = dataclasses.field(default=None, metadata={"items": _ID})
    only_final: bool = False
    include_archived: bool = True
    exact_name: bool = False
    recursive: bool = True


_DATASET_NAME = L.name_field(L.DATASET_NAME)


@dataclasses.dataclass(frozen=True)
class DatasetCreate:
    name: str = dataclasses.field(metadata=_DATASET_NAME)
    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    parents: list[str] = dataclasses.field(default_factory=list, metadata={"items": _ID})
    version: str | None = dataclasses.field(default=None, metadata=L.name_field(64, L.PART))
    description: str | None = dataclasses.field(default=None, metadata=L.text_field(L.DESCRIPTION))
    tags: list[str] = dataclasses.field(default_factory=list, metadata=_TAGS)
    location: str = dataclasses.field(default="", metadata=L.text_field(L.URL))
    user: str = dataclasses.field(default="", metadata=L.label_field(L.USER))
    created_by: str | None = dataclasses.field(default=None, metadata=_ID)
    id: str | None = dataclasses.field(default=None, metadata=_ID)


@dataclasses.dataclass(frozen=True)
class DatasetSquash:
    name: str = dataclasses.field(metadata=_DATASET_NAME)
    dataset_ids: list[str] = dataclasses.field(metadata={"items": _ID, "minItems": 1})
    project: str | None = dataclasses.field(default=None, metadata=_PROJECT)
    location: str = dataclasses.field(default="", metadata=L.text_field(L.URL))


@dataclasses.dataclass(frozen=True)
class DatasetEdit:
    name: str | None = dataclasses.field(default=None, metadata=_DATASET_NAME)
    description: str | None = dataclasses.field(default=None, metadata=L.text_field(L.DESCRIPTION))
    tags: list[str] | None = dataclasses.field(default=None, metadata=_TAGS)
    metadata: dict[str, Any] | None = None
    archived: bool | None = None


_PATH = {"minLength": 1, "maxLength": 4096, "pattern": L.NO_CONTROL}


@dataclasses.dataclass(frozen=True)
class FileEntry:
    """A file by its dataset path: bytes to upload (``sha256``, ``size``, ``source``) or a link (``url``)."""

    SCHEMA = {"anyOf": [{"required": ["sha256"], "properties": {"sha256": {"type": "string"}}},
                        {"required": ["url"], "properties": {"url": {"type": "string", "minLength": 1}}}]}

    path: str = dataclasses.field(metadata=_PATH)
    sha256: str | None = dataclasses.field(default=None, metadata=_SHA)
    url: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))
    size: int = dataclasses.field(default=0, metadata={"minimum": 0, "maximum": L.FILE_SIZE})
    source: str | None = dataclasses.field(default=None, metadata=L.text_field(L.URL))


@dataclasses.dataclass(frozen=True)
class FilesAdd:
    entries: list[FileEntry]


@dataclasses.dataclass(frozen=True)
class FilesRemove:
    pattern: str = dataclasses.field(metadata={"maxLength": 4096, "pattern": L.NO_CONTROL})
    recursive: bool = True


@dataclasses.dataclass(frozen=True)
class StoredFile:
    path: str = dataclasses.field(metadata=_PATH)
    sha256: str = dataclasses.field(metadata=_SHA)
    size: int = dataclasses.field(metadata={"minimum": 0, "maximum": L.FILE_SIZE})
    location: str = dataclasses.field(default="", metadata=L.text_field(L.URL))


@dataclasses.dataclass(frozen=True)
class FilesStored:
    stored: list[StoredFile]


# -- teams: users, access per project, the audit log ----------------------------------------------
_PERSON = {"pattern": "^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$"}


@dataclasses.dataclass(frozen=True)
class User:
    name: str
    display_name: str
    email: str
    admin: bool  # an administrator of the whole server
    created: float
    disabled: float | None
    groups: list[str]


@dataclasses.dataclass(frozen=True)
class UserCreate:
    name: str = dataclasses.field(metadata=_PERSON)
    display_name: str | None = dataclasses.field(default=None, metadata=L.label_field(L.USER))
    email: str | None = dataclasses.field(default=None, metadata=L.label_field(L.USER))
    admin: bool | None = None
    groups: list[str] | None = None


@dataclasses.dataclass(frozen=True)
class UserEdit:
    """The fields to change; ``disabled: true`` refuses the user's keys and tokens at once."""

    display_name: str | None = dataclasses.field(default=None, metadata=L.label_field(L.USER))
    email: str | None = dataclasses.field(default=None, metadata=L.label_field(L.USER))
    admin: bool | None = None
    groups: list[str] | None = None
    disabled: bool | None = None


@dataclasses.dataclass(frozen=True)
class Grant:
    principal: str  # user:<name> or group:<name>
    role: Literal["viewer", "editor", "admin"]
    project_id: str
    project: str
    inherited: bool  # given on an ancestor project
    granted_by: str
    created: float


@dataclasses.dataclass(frozen=True)
class AccessPut:
    """Give ``principal`` a role on the project's subtree, or (``role: null``) take their grant away."""

    principal: str = dataclasses.field(metadata={"pattern": "^((user|group):)?[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$"})
    role: Literal["viewer", "editor", "admin"] | None = None


@dataclasses.dataclass(frozen=True)
class AuditEntry:
    id: int
    at: float
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
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
