"""The route table of the REST API: every path under ``{base_url}track/api/v1/``, once.

The server builds its handlers from it, the HTTP client builds its URLs from it and the
OpenAPI document is generated from it, so the three cannot drift apart. Path parameters are
written ``{name}``; literal paths are matched before parameterised ones.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

from jupyter_ext.core.rules import limits
from jupyter_ext.core.rules.status import STATUSES
from jupyter_ext.core.rules.task_types import TASK_TYPES
from jupyter_ext.store.rows import (
    ArtifactRow,
    CellRunRow,
    ChangeRow,
    ConfigRow,
    DatasetFileRow,
    DatasetVersionRow,
    ModelRow,
    ModelVersionRow,
    NotebookSnapshotRow,
    ParamRow,
    PipelineRunRow,
    ProjectRow,
    QueueRow,
    TaskRow,
    WorkerRow,
)
from jupyter_ext.wire.event_shapes import EventsIn
from jupyter_ext.wire.shapes import (
    BINARY,
    JSON,
    AccessPut,
    Archived,
    ArtifactPut,
    AuditEntry,
    Caller,
    CellRunPut,
    Collected,
    ConfigurationPut,
    DatasetCreate,
    DatasetEdit,
    DatasetQuery,
    DatasetSquash,
    Deleted,
    Enqueue,
    EntryMove,
    FileCounts,
    FilesAdd,
    FilesRemove,
    FilesStored,
    Force,
    GcRequest,
    Grant,
    Heartbeat,
    Items,
    MapOf,
    MetadataPut,
    MetricsReport,
    ModelCreate,
    ModelEdit,
    ModelLink,
    ModelMetrics,
    ModelQuery,
    NotebookOpen,
    NotebookRerun,
    ParametersPut,
    Partial,
    PathDiff,
    PopNext,
    ProjectCreate,
    ProjectEdit,
    ProjectName,
    QueueCreate,
    Removed,
    Reusable,
    SnapshotAdd,
    StatusChange,
    Stored,
    StoredCount,
    TaskClone,
    TaskCreate,
    TaskEdit,
    Token,
    TokenRequest,
    User,
    UserCreate,
    UserEdit,
    VersionAdd,
    Where,
    With,
    WorkerRegister,
    WorkerStatus,
    Written,
)
from jupyter_ext.wire.table_shapes import SearchResults, StatusCounts, TableColumns

API_PREFIX = "track/api/v1/"

MiB = 1 << 20
TASK_ORDER_FIELDS = ("completed", "created", "id", "last_iteration", "last_update", "name", "project_name", "started",
                     "status", "type", "user")
"""What a task list may be ordered by (the store's own list; a test keeps the two equal)."""
MAX_POINTS = 10_000_000
"""The most points per series a downsampled read may ask for (``max_points``)."""
MAX_JSON_BYTES = 16 * MiB
"""The largest JSON request body: the server refuses more (413) before parsing, and the SDK splits
an events batch to stay under it. Parsed, 16 MiB of JSON takes about ten times that in memory."""
MAX_SYNC_RECORD_BYTES = 64 * MiB
"""``sync/import`` takes one task's whole record (its console, plots, …): an administrator's bulk copy."""


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    type: str = "string"  # string | integer | number | boolean | array (repeat the parameter or use commas)
    description: str = ""
    required: bool = False
    pattern: str = ""  # what the server accepts, as a regular expression (documented in openapi.json)
    minimum: float | None = None  # an integer's or number's range (checked before the operation runs)
    maximum: float | None = None
    enum: tuple[str, ...] = ()  # the values a string (or each item of an array) may take
    min_items: int = 0  # an array's fewest items


# Path parameters whose values the server checks by pattern (the rest are ids or names: any segment).
PATH_PATTERNS = {"sha256": "^[0-9a-f]{64}$", "worker_id": limits.PART, "queue": limits.PART}


@dataclasses.dataclass(frozen=True)
class Route:
    method: str
    path: str
    name: str  # the operation id: one server function, one client call
    summary: str
    query: tuple[Param, ...] = ()
    body: str | None = None  # "json", "binary" (streamed) or None
    status: int = 200
    tag: str = "tasks"
    websocket: bool = False
    request: Any = None  # the JSON body's type (wire/shapes.py, JSON: free-form); None: no fields
    response: Any = None  # a row of store/rows.py, a shape, or a container of them (Items, MapOf, ...)
    max_body: int | None = None  # a JSON body's own cap, when not the server's (MAX_JSON_BYTES)

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    def url(self, **values: str) -> str:
        """The path with its parameters filled in, each quoted as one path segment."""
        from urllib.parse import quote

        return re.sub(r"{(\w+)}", lambda m: quote(str(values[m.group(1)]), safe=""), self.path)


_P = Param
def _page(most: int) -> tuple[Param, Param]:
    return (_P("limit", "integer", "at most this many items", minimum=1, maximum=most),
            _P("offset", "integer", "skip this many items", minimum=0, maximum=2**62))


_PAGE = _page(10_000)
_PAGE_MANY = _page(100_000)  # models and dataset versions
_PROJECT_Q = _P("project", pattern=limits.PROJECT)
_NUMBER = "(-?[0-9]+([.][0-9]*)?([eE][-+]?[0-9]+)?)?"
_RANGE = (f"^(created|last_update|started|completed|last_iteration|(metric|metric_min|metric_max|param):[^/=]+/[^=]+)"
          f"={_NUMBER}[.][.]{_NUMBER}$")
_TASK_FILTER = (
    _P("id", "array", "task ids"), _P("project", "array", "project names (subprojects included)",
                                      pattern=limits.PROJECT),
    _P("subprojects", "boolean", "include subprojects (default true)"),
    _P("name", "string", "regular expression on the task name"),
    _P("search", "string", "case-insensitive text in the name"),
    _P("status", "array", enum=STATUSES), _P("type", "array", enum=TASK_TYPES),
    _P("tag", "array", "ClearML tag filter: -tag excludes, __$all first requires every tag"),
    _P("user", "array", "only tasks of these users (their owner, stamped by the server); me: the caller's"),
    _P("range", "array", "<column>=<low>..<high>, either bound optional: created, last_update, started, "
       "completed, last_iteration (dates in seconds since the epoch), metric:<title>/<series> (metric_min:, "
       "metric_max:) or param:<section>/<name>", pattern=_RANGE),
    _P("parts", "boolean", "include dataset versions' and pipeline steps' tasks and hidden projects' tasks "
       "(default true; a table of every project asks false)"),
    _P("archived", "string", "true (default: include), false (exclude) or only",
       enum=("true", "false", "only", "1", "0")),
)
_FORCE = (_P("force", "boolean", "bypass the status rule (an administrator's override)"),)

# A project as listed: its row, its path and the number of tasks directly in it.
_PROJECT = With(ProjectRow, (("path", str), ("parent", str | None), ("basename", str), ("tasks", int)))

ROUTES: tuple[Route, ...] = (
    # -- auth and meta -------------------------------------------------------------------------
    Route("POST", "auth/token", "issue_token", "Trade an access key (HTTP Basic) for a short-lived bearer token",
          tag="auth", body="json",
          request=TokenRequest, response=Token),
    Route("GET", "auth/whoami", "whoami", "Who the credentials of this request belong to", tag="auth",
          response=Caller),
    Route("GET", "where", "where", "Which store or team server this API shows, and who the caller is there",
          tag="auth", response=Where),
    Route("GET", "openapi.json", "openapi", "This API as an OpenAPI 3 document", tag="meta",
          response=JSON),
    Route("GET", "changes", "changes", "WebSocket: one JSON message per changed task, model or dataset",
          tag="meta", websocket=True),
    Route("GET", "changes/since", "list_changes", "The change feed read once: tasks (dataset versions included), "
          "models, queues and workers stamped after `since`, oldest first (ask again with the newest stamp)",
          tag="meta", query=(_P("since", "number", "a stamp (seconds since the epoch, the store's clock)"),
                             _P("kind", "array", "only these kinds: task, model, queue, worker",
                                enum=("task", "model", "queue", "worker"))),
          response=Items(ChangeRow)),
    Route("POST", "admin/gc", "collect_garbage", "Delete stored files nothing refers to any more", tag="meta",
          body="json",
          request=GcRequest, response=Collected),
    Route("POST", "sync/import", "sync_import", "Apply one record of `jupyter track sync` (ids kept; a second "
          "copy is a no-op)", tag="meta", body="json",
          request=JSON, response=JSON, max_body=MAX_SYNC_RECORD_BYTES),
    # -- teams: users, access, audit -------------------------------------------------------------
    Route("GET", "users", "list_users", "The users of this server (names, display names, groups)", tag="teams",
          response=Items(User)),
    Route("POST", "users", "create_user", "Add a user (a server administrator's act; the first user is one)",
          tag="teams", body="json", status=201,
          request=UserCreate, response=User),
    Route("PATCH", "users/{name}", "update_user", "Edit a user: display name, email, groups, admin, disabled "
          "(a disabled user's keys and tokens are refused at once)", tag="teams", body="json",
          request=UserEdit, response=User),
    Route("GET", "projects/{project_id}/access", "get_project_access", "Who holds which role on a project "
          "(its own grants and those inherited from its ancestors)", tag="teams",
          response=Items(Grant)),
    Route("PUT", "projects/{project_id}/access", "set_project_access", "Give a user or group a role on the "
          "project's subtree ({principal, role}), or take it away (role null)", tag="teams", body="json",
          request=AccessPut, response=Items(Grant)),
    Route("GET", "audit", "get_audit", "The audit log, newest first: deletions, publications, moves, access "
          "and key changes", tag="teams", query=(
              _P("since", "number", "only entries from this time on (epoch seconds)"), _P("actor"), _P("action"),
              _P("target"), _P("limit", "integer", "at most this many (default 100)", minimum=1, maximum=10_000)),
          response=Items(AuditEntry)),
    # -- projects --------------------------------------------------------------------------------
    Route("GET", "projects", "list_projects", "Every project as a flat list with path, parent and task count",
          tag="projects",
          response=Items(_PROJECT)),
    Route("POST", "projects", "create_project", "Create a project (and its missing parents)", tag="projects",
          body="json", status=201,
          request=ProjectCreate, response=_PROJECT),
    Route("PATCH", "projects/{project_id}", "update_project", "Rename ({name}), move ({parent}; null: to the top) "
          "or describe ({description}, markdown)",
          tag="projects", body="json",
          request=ProjectEdit, response=_PROJECT),
    Route("DELETE", "projects/{project_id}", "delete_project", "Delete an empty project (and empty subprojects)",
          tag="projects",
          response=With(JSON, (('deleted', list[str]),))),
    # -- tasks -----------------------------------------------------------------------------------
    Route("GET", "tasks", "list_tasks", "One page of the tasks matching the filters, and their total", query=(
        *_TASK_FILTER,
        _P("order_by", "string", "a field or metric:<title>/<series> (metric_min:, metric_max:, param:<section>/"
           "<name>), '-' first for descending (default -created)",
           pattern=f"^-?({'|'.join(TASK_ORDER_FIELDS)}|(metric|metric_min|metric_max|param):[^/]+/.+)$"),
        _P("columns", "array", "task fields: return only these (and id); metric:<title>/<series> (last value), "
           "metric_min:, metric_max: and param:<section>/<name> (typed value) add a \"columns\" object to each "
           "task"), *_PAGE),
          response=Items(Partial(TaskRow))),
    Route("GET", "tasks/counts", "count_task_statuses", "How many of the tasks matching the filters are in each "
          "status", query=_TASK_FILTER,
          response=StatusCounts),
    Route("GET", "tasks/columns", "list_task_columns", "The metrics and parameters the tasks matching the filters "
          "report: the choices of a table's column picker", query=_TASK_FILTER,
          response=TableColumns),
    Route("GET", "search", "search", "Projects, tasks, models and datasets whose name holds the text, whose id "
          "starts with it, or with it as a tag", tag="meta",
          query=(_P("q", "string", "the text", required=True), _P("limit", "integer", "at most this many of each "
                 "kind (default 8)", minimum=1, maximum=100)),
          response=SearchResults),
    Route("POST", "tasks", "create_task", "Create a task from a spec", body="json", status=201,
          request=TaskCreate, response=TaskRow),
    Route("GET", "tasks/{task_id}", "get_task", "One task",
          response=TaskRow),
    Route("PATCH", "tasks/{task_id}", "update_task", "Edit name, comment, tags, type, ...", body="json",
          request=TaskEdit, response=TaskRow),
    Route("DELETE", "tasks/{task_id}", "delete_task", "Delete a task and its results",
          query=(*_FORCE, _P("delete_models", "boolean", "also delete the models it made (default true)")),
          response=Deleted),
    Route("POST", "tasks/{task_id}/clone", "clone_task", "A new draft copy of a task", body="json", status=201,
          request=TaskClone, response=TaskRow),
    Route("POST", "tasks/{task_id}/reset", "reset_task", "Back to draft, results cleared", body="json",
          request=Force, response=TaskRow),
    Route("POST", "tasks/{task_id}/publish", "publish_task", "Publish (results become final)", body="json",
          request=Force, response=TaskRow),
    Route("POST", "tasks/{task_id}/archive", "archive_task", "Archive", body="json",
          response=TaskRow),
    Route("POST", "tasks/{task_id}/unarchive", "unarchive_task", "Restore from the archive", body="json",
          response=TaskRow),
    Route("POST", "tasks/{task_id}/status", "set_task_status", "Change the status (the status rules apply)",
          body="json",
          request=StatusChange, response=TaskRow),
    Route("POST", "tasks/{task_id}/move", "move_task", "Move to another project", body="json",
          request=ProjectName, response=TaskRow),
    Route("GET", "tasks/{task_id}/reusable", "is_task_reusable", "Whether Task.init may reuse this task",
          query=(_P("project"), _P("name"), _P("type")),
          response=Reusable),
    Route("GET", "tasks/{task_id}/parameters", "get_parameters", "Hyperparameters with their types",
          response=Items(ParamRow)),
    Route("PUT", "tasks/{task_id}/parameters", "set_parameters", "Set hyperparameters (drafts only)", body="json",
          request=ParametersPut, response=JSON),
    Route("GET", "tasks/{task_id}/configurations", "get_configurations", "Configuration objects",
          response=Items(ConfigRow)),
    Route("PUT", "tasks/{task_id}/configurations/{name}", "set_configuration", "Set one configuration object",
          body="json",
          request=ConfigurationPut, response=JSON),
    # -- queues and workers ----------------------------------------------------------------------
    Route("POST", "tasks/{task_id}/enqueue", "enqueue_task", "Queue a draft, stopped or failed task ({queue?, "
          "force?, create_queue?}; the default queue when none)", tag="queues", body="json",
          request=Enqueue, response=TaskRow),
    Route("POST", "tasks/{task_id}/dequeue", "dequeue_task", "Take a queued task out of its queue (back to draft)",
          tag="queues", body="json",
          response=TaskRow),
    Route("POST", "tasks/{task_id}/abort", "abort_task", "Stop a queued task, or ask the worker running it to stop",
          tag="queues", body="json",
          response=TaskRow),
    Route("GET", "queues", "list_queues", "Every queue with its entries in order and the workers listening",
          tag="queues",
          response=Items(QueueRow)),
    Route("POST", "queues", "create_queue", "Create a queue ({name, tags?})", tag="queues", body="json",
          status=201,
          request=QueueCreate, response=QueueRow),
    Route("POST", "queues/next", "pop_next_task", "A worker takes the next task ({worker, queues}, in priority "
          "order): {\"task\": row or null}", tag="queues", body="json",
          request=PopNext, response=With(JSON, (('task', TaskRow | None),))),
    Route("GET", "queues/{queue}", "get_queue", "One queue (by name or id)", tag="queues",
          response=QueueRow),
    Route("DELETE", "queues/{queue}", "delete_queue", "Delete a queue (one with entries only with force: its "
          "tasks go back to draft)", tag="queues", query=_FORCE,
          response=Deleted),
    Route("POST", "queues/{queue}/entries/{task_id}/move", "move_queue_entry", "Move a queued task ({position: "
          "top|bottom|index|before:<id>, queue?: another queue}); the queue it ends in", tag="queues",
          body="json",
          request=EntryMove, response=QueueRow),
    Route("GET", "workers", "list_workers", "Workers seen in the last 10 minutes, with state and current task",
          tag="workers",
          response=Items(WorkerRow)),
    Route("POST", "workers", "register_worker", "Register a worker ({id, queues, info})", tag="workers",
          body="json",
          request=WorkerRegister, response=WorkerRow),
    Route("POST", "workers/{worker_id}/status", "worker_heartbeat", "A worker's heartbeat ({task?, stats}): "
          "{\"abort\": bool}", tag="workers", body="json",
          request=WorkerStatus, response=Heartbeat),
    Route("DELETE", "workers/{worker_id}", "unregister_worker", "Unregister a worker", tag="workers",
          response=Deleted),
    # -- results ---------------------------------------------------------------------------------
    Route("POST", "events", "write_events", "A batch of events for any number of tasks, in one transaction",
          tag="events", body="json",
          request=EventsIn, response=Written),
    Route("POST", "tasks/{task_id}/events", "write_task_events", "A batch of events of one task",
          tag="events", body="json",
          request=EventsIn, response=Written),
    Route("GET", "tasks/{task_id}/scalars", "get_scalars", "Scalar series, min/max-downsampled", tag="events",
          query=(_P("max_points", "integer", "at most this many points per series (every point if absent)",
                    minimum=2, maximum=MAX_POINTS),
                 _P("x_axis", "string", "iter, timestamp or iso_time"),
                 _P("series", "array", "only these title/series (or title) names"),
                 _P("x_min", "number", "only points from this x on (an iteration, or epoch seconds on the time "
                    "axes): a zoomed chart re-fetches its window, downsampled on its own"),
                 _P("x_max", "number", "only points up to this x (as x_min)"),
                 _P("encoding", "string", "json (default) or b64: arrays packed as base64 little-endian")),
          response=JSON),
    Route("GET", "scalars", "compare_scalars", "Scalar series of several tasks, for comparison", tag="events",
          query=(_P("tasks", "array", "task ids", required=True, min_items=1, pattern=limits.ID_PATTERN),
                 _P("max_points", "integer", minimum=2, maximum=MAX_POINTS), _P("x_axis"),
                 _P("metrics", "array", "only these titles (or title/series)")),
          response=JSON),
    Route("GET", "tasks/{task_id}/metrics/last", "get_last_metrics", "Last, min and max of every series",
          tag="events",
          response=JSON),
    Route("GET", "tasks/{task_id}/single-values", "get_single_values", "Single values", tag="events",
          response=MapOf(float | None)),
    Route("GET", "tasks/{task_id}/plots", "get_plots", "Plots (plotly JSON)", tag="events",
          response=Items(JSON)),
    Route("GET", "tasks/{task_id}/debug-samples", "get_debug_samples", "Debug samples", tag="events",
          query=(_P("title"), _P("series")),
          response=Items(JSON)),
    Route("GET", "tasks/{task_id}/console", "get_console", "Console output", tag="events",
          query=(_P("tail", "integer", "only the last N entries", minimum=1, maximum=1_000_000),
                 _P("search", "string", "only lines containing")),
          response=Items(JSON)),
    # -- files -----------------------------------------------------------------------------------
    Route("HEAD", "blobs/{sha256}", "has_blob", "Whether the blob is stored (200) or not (404)", tag="files"),
    Route("GET", "blobs/{sha256}", "get_blob", "Download a blob (streamed; Range supported)", tag="files",
          response=BINARY),
    Route("PUT", "blobs/{sha256}", "put_blob", "Upload a blob (streamed; the server checks its sha256)",
          tag="files", body="binary", status=201,
          request=BINARY, response=JSON),
    # -- artifacts -------------------------------------------------------------------------------
    Route("GET", "tasks/{task_id}/artifacts", "get_artifacts", "Artifacts of a task", tag="artifacts",
          response=Items(ArtifactRow)),
    Route("POST", "tasks/{task_id}/artifacts", "put_artifact", "Register an artifact (its blob uploaded first)",
          tag="artifacts", body="json", status=201,
          request=ArtifactPut, response=ArtifactRow),
    Route("DELETE", "tasks/{task_id}/artifacts/{name}", "remove_artifact", "Remove an artifact", tag="artifacts",
          response=With(JSON, (('removed', str),))),
    # -- notebooks -------------------------------------------------------------------------------
    Route("POST", "tasks/{task_id}/notebook/cell-runs", "record_cell_run",
          "Record one cell execution of a notebook run (or complete it: duration, raised)", tag="notebooks",
          body="json", request=CellRunPut, response=JSON),
    Route("GET", "tasks/{task_id}/notebook/cell-runs", "get_cell_runs", "The cells' executions, in the order they ran",
          tag="notebooks", response=Items(CellRunRow)),
    Route("POST", "tasks/{task_id}/notebook/snapshots", "add_notebook_snapshot",
          "Store a new version of the task's notebook (its blobs uploaded first)", tag="notebooks", body="json",
          status=201, request=SnapshotAdd, response=NotebookSnapshotRow),
    Route("GET", "tasks/{task_id}/notebook/snapshots", "get_notebook_snapshots", "Every version of the notebook",
          tag="notebooks", response=Items(NotebookSnapshotRow)),
    Route("GET", "tasks/{task_id}/notebook/snapshots/{version}", "get_notebook_snapshot",
          "One version: the .ipynb, its HTML with each cell marked with what it reported, or the notebook to "
          "open again (outputs kept, parameters injected with the task's stored values)", tag="notebooks",
          query=(_P("format", "string", "ipynb (default), html or open"),), response=JSON),
    Route("POST", "tasks/{task_id}/notebook/open", "open_notebook",
          "Write the run's notebook (outputs kept, parameters injected) into the Jupyter workspace; its path",
          tag="notebooks", body="json", status=201, request=NotebookOpen, response=JSON),
    Route("GET", "tasks/{task_id}/notebook/provenance", "get_notebook_provenance",
          "Which cell execution each result came from, the executions and the out-of-order warnings",
          tag="notebooks", response=JSON),
    Route("POST", "tasks/{task_id}/notebook/rerun", "rerun_notebook",
          "Clone the run with its notebook and edited parameters, and enqueue the clone", tag="notebooks",
          body="json", status=201, request=NotebookRerun, response=TaskRow),
    Route("GET", "notebooks/diff", "diff_notebooks", "Cell-by-cell diff of two runs' notebooks (nbdime)",
          tag="notebooks", query=(_P("a", required=True, description="task id"),
                                  _P("b", required=True, description="task id"),
                                  _P("a_version", "integer"), _P("b_version", "integer")),
          response=JSON),
    # -- models ----------------------------------------------------------------------------------
    Route("GET", "tasks/{task_id}/models", "get_task_models", "Input and output models of a task", tag="models",
          response=MapOf(list[ModelRow])),
    Route("POST", "tasks/{task_id}/models", "link_task_model", "Link a model to a task as input or output",
          tag="models", body="json",
          request=ModelLink, response=MapOf(list[ModelRow])),
    Route("GET", "models", "list_models", "Models newest first", tag="models", query=(
        _PROJECT_Q, _P("name", "string", "regular expression"), _P("tag", "array"),
        _P("framework"), _P("task"), _P("published", "boolean", "only published"),
        _P("archived", "boolean", "include archived"), *_PAGE_MANY),
          response=Items(ModelRow)),
    Route("POST", "models/query", "query_models", "Models matching filters given as a JSON body", tag="models",
          body="json",
          request=ModelQuery, response=Items(ModelRow)),
    Route("GET", "models/find", "find_model", "One model by exact name, at a version", tag="models",
          query=(_PROJECT_Q, _P("name", required=True, pattern=limits.NAME),
                 _P("version", "integer", minimum=1, maximum=2**62),
                 _P("tag", "array"),
                 _P("only_published", "boolean")),
          response=ModelRow),
    Route("POST", "models", "create_model", "Register a model", tag="models", body="json", status=201,
          request=ModelCreate, response=ModelRow),
    Route("GET", "models/{model_id}", "get_model", "A model with the weights of one version", tag="models",
          query=(_P("version", "integer", "the latest by default", minimum=1, maximum=2**62),),
          response=ModelRow),
    Route("PATCH", "models/{model_id}", "update_model", "Edit a model", tag="models", body="json",
          request=ModelEdit, response=ModelRow),
    Route("DELETE", "models/{model_id}", "remove_model", "Remove a model", tag="models", query=(
        _P("force", "boolean", "remove it even when tasks use it as their input model"),
        _P("delete_weights", "boolean", "also delete the stored files that no other row names")),
          response=Deleted),
    Route("PUT", "models/{model_id}/metadata", "set_model_metadata", "Set typed metadata", tag="models",
          body="json",
          request=MetadataPut, response=ModelRow),
    Route("GET", "models/{model_id}/versions", "get_model_versions", "Every version of a model", tag="models",
          response=Items(ModelVersionRow)),
    Route("POST", "models/{model_id}/versions", "add_model_version", "Add a version (new weights)",
          tag="models", body="json", status=201,
          request=VersionAdd, response=ModelRow),
    Route("POST", "models/{model_id}/publish", "publish_model", "Publish a model", tag="models", body="json",
          response=ModelRow),
    Route("POST", "models/{model_id}/archive", "archive_model", "Archive or restore a model", tag="models",
          body="json",
          request=Archived, response=ModelRow),
    Route("GET", "models/{model_id}/metrics", "get_model_metrics", "The model's own scalars, single values and plots",
          tag="models",
          response=ModelMetrics),
    Route("POST", "models/{model_id}/metrics", "report_model_metrics", "Report scalars, single values and plots "
          "of a model (a point or plot reported again is replaced)", tag="models", body="json",
          request=MetricsReport, response=StoredCount),
    # -- pipelines -------------------------------------------------------------------------------
    Route("GET", "pipelines", "list_pipelines", "Pipeline runs newest first, with step counts by status",
          tag="pipelines", query=(_P("project", "string", "project name (subprojects included)",
                                     pattern=limits.PROJECT),
                                  _P("status", "string", "status of the run", enum=STATUSES), *_PAGE),
          response=Items(PipelineRunRow)),
    Route("GET", "pipelines/{task_id}", "get_pipeline", "A run's DAG: nodes with live step statuses, and edges",
          tag="pipelines",
          response=JSON),
    # -- datasets --------------------------------------------------------------------------------
    Route("GET", "datasets", "list_datasets", "Dataset versions", tag="datasets",
          query=(_P("project"), _P("name", "string", "text in the name"), _P("tag", "array"),
                 _P("final", "boolean", "only finalized versions"), *_PAGE_MANY),
          response=Items(DatasetVersionRow)),
    Route("POST", "datasets/query", "query_datasets", "Dataset versions matching filters given as a JSON body",
          tag="datasets", body="json",
          request=DatasetQuery, response=Items(DatasetVersionRow)),
    Route("GET", "datasets/find", "find_dataset", "The newest version of a dataset by exact name, or the given "
          "version", tag="datasets", query=(_P("project"), _P("name"), _P("version"), _P("tag", "array"),
                                             _P("only_final", "boolean"), _P("include_archived", "boolean")),
          response=DatasetVersionRow),
    Route("POST", "datasets", "create_dataset", "A new draft version", tag="datasets", body="json", status=201,
          request=DatasetCreate, response=DatasetVersionRow),
    Route("POST", "datasets/squash", "squash_datasets", "One finalized version holding the merged files of "
          "several (no bytes copied)", tag="datasets", body="json", status=201,
          request=DatasetSquash, response=DatasetVersionRow),
    Route("GET", "datasets/{dataset_id}", "get_dataset", "One dataset version", tag="datasets",
          response=DatasetVersionRow),
    Route("PATCH", "datasets/{dataset_id}", "update_dataset", "Edit a version (description, tags, metadata, "
          "archived, name)", tag="datasets", body="json",
          request=DatasetEdit, response=DatasetVersionRow),
    Route("DELETE", "datasets/{dataset_id}", "delete_dataset", "Delete a version (a parent only with force)",
          tag="datasets", query=(_P("force", "boolean", "delete it even when other versions are its children"),),
          response=Deleted),
    Route("GET", "datasets/{dataset_id}/files", "get_dataset_files", "Files of a version (inherited included)",
          tag="datasets", query=(_P("folder"), *_PAGE),
          response=Items(DatasetFileRow)),
    Route("POST", "datasets/{dataset_id}/files", "add_dataset_files", "Record files by their dataset path "
          "(unchanged ones are skipped)", tag="datasets", body="json",
          request=FilesAdd, response=FileCounts),
    Route("POST", "datasets/{dataset_id}/files/remove", "remove_dataset_files", "Remove the files matching a "
          "wildcard or under a folder", tag="datasets", body="json",
          request=FilesRemove, response=Removed),
    Route("GET", "datasets/{dataset_id}/removed", "get_removed_dataset_files", "Paths removed from the parents' "
          "files", tag="datasets",
          response=Items(str)),
    Route("GET", "datasets/{dataset_id}/pending", "get_pending_dataset_uploads", "Files whose bytes are not "
          "uploaded yet", tag="datasets",
          response=Items(DatasetFileRow)),
    Route("POST", "datasets/{dataset_id}/stored", "mark_dataset_files_stored", "Record that files' bytes are "
          "stored", tag="datasets", body="json",
          request=FilesStored, response=Stored),
    Route("POST", "datasets/{dataset_id}/finalize", "finalize_dataset", "Make a version read-only", tag="datasets",
          body="json",
          response=DatasetVersionRow),
    Route("POST", "datasets/{dataset_id}/move", "move_dataset", "Move a version to another project",
          tag="datasets", body="json",
          request=ProjectName, response=DatasetVersionRow),
    Route("GET", "datasets/{dataset_id}/graph", "get_dataset_graph", "The version and its ancestors: {id: "
          "[parent ids]}", tag="datasets",
          response=MapOf(list[str])),
    Route("GET", "datasets/{dataset_id}/diff/{other_id}", "diff_datasets", "Files added, removed and changed",
          tag="datasets",
          response=PathDiff),
)


def by_name() -> dict[str, Route]:
    return {r.name: r for r in ROUTES}


ROUTE = by_name()


def path_regex(path: str) -> str:
    """The tornado pattern of a route path: a parameter is one path segment."""
    return re.sub(r"{(\w+)}", lambda m: f"(?P<{m.group(1)}>[^/]+)", path)


def paths_in_match_order() -> list[str]:
    """Distinct paths, the more literal first at the first segment where two differ, so that
    ``models/find`` wins over ``models/{model_id}``."""
    seen: list[str] = []
    for r in ROUTES:
        if r.path not in seen:
            seen.append(r.path)
    return sorted(seen, key=lambda p: tuple(seg.startswith("{") for seg in p.split("/")))
