"""The metadata schema: one set of SQLAlchemy Core tables for SQLite and PostgreSQL.

Nothing here is dialect-specific: text is ``Text``, times are epoch seconds in ``Float``,
structured fields are JSON in ``Text``. Migrations in ``store/migrations`` build exactly
these tables; a test compares the two.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

projects = Table(
    "projects",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),  # full path, "a/b/c"
    Column("parent_id", Text, ForeignKey("projects.id", ondelete="CASCADE"), nullable=True),
    Column("description", Text, nullable=False, default=""),
    Column("default_output_uri", Text, nullable=True),
    Column("created", Float, nullable=False),
    Column("last_update", Float, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("status_message", Text, nullable=False, default=""),
    Column("status_reason", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    Column("parent_id", Text, nullable=True),
    Column("user", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("started", Float, nullable=True),
    Column("completed", Float, nullable=True),
    Column("last_update", Float, nullable=False),
    Column("last_iteration", BigInteger, nullable=False, default=0),
    Column("archived", Boolean, nullable=False, default=False),
    Column("system_tags", Text, nullable=False, default="[]"),  # JSON list
    Column("script", Text, nullable=False, default="{}"),  # JSON: repo, commit, entry point, diff…
    Column("runtime", Text, nullable=False, default="{}"),  # JSON: environment capture
    Column("output_uri", Text, nullable=True),
    Column("queue", Text, nullable=True),  # name of the queue it was last enqueued to
    Column("worker", Text, nullable=True),  # id of the worker that runs (or ran) it
    Index("ix_tasks_project", "project_id"),
    Index("ix_tasks_created", "created"),
    Index("ix_tasks_project_last_update", "project_id", "last_update", "id"),
    Index("ix_tasks_project_created", "project_id", "created", "id"),
)

task_tags = Table(
    "task_tags",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", Text, primary_key=True),
    Index("ix_task_tags_tag", "tag"),
)

params = Table(
    "params",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("section", Text, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),  # JSON-encoded, so an int comes back an int
    Column("type", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False, default=0),
)

configurations = Table(
    "configurations",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("type", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("description", Text, nullable=False, default=""),
)

# One row per (task, title, series), carrying the running summary that
# get_last_scalar_metrics and experiment tables read without touching the points.
metrics = Table(
    "metrics",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("count", BigInteger, nullable=False, default=0),
    Column("first_value", Float, nullable=True),
    Column("last_value", Float, nullable=True),
    Column("last_iter", BigInteger, nullable=True),
    Column("min_value", Float, nullable=True),
    Column("min_iter", BigInteger, nullable=True),
    Column("max_value", Float, nullable=True),
    Column("max_iter", BigInteger, nullable=True),
    Column("last_time", Float, nullable=True),
    UniqueConstraint("task_id", "title", "series", name="uq_metrics_task_title_series"),
    # A task table sorted by a metric column walks one of these in order (migration 0010).
    Index("ix_metrics_series_last", "title", "series", "last_value", "task_id"),
    Index("ix_metrics_series_min", "title", "series", "min_value", "task_id"),
    Index("ix_metrics_series_max", "title", "series", "max_value", "task_id"),
)

# Points live in column chunks: little-endian int64 iterations, float64 values and
# float64 timestamps, a few thousand points a row. 10 M points are ~1,200 rows, not 10 M.
scalar_chunks = Table(
    "scalar_chunks",
    metadata,
    Column("metric_id", Integer, ForeignKey("metrics.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("iter_min", BigInteger, nullable=False),
    Column("iter_max", BigInteger, nullable=False),
    Column("iters", LargeBinary, nullable=False),
    Column("values", LargeBinary, nullable=False),
    Column("times", LargeBinary, nullable=False),
    # min and max (iteration, value) of every BLOCK points, when the chunk's iterations increase
    Column("summary", LargeBinary, nullable=True),
)

single_values = Table(
    "single_values",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("name", Text, primary_key=True),
    Column("value", Float, nullable=True),
    Column("time", Float, nullable=False),
)

plots = Table(
    "plots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("iteration", BigInteger, nullable=False),
    Column("figure", Text, nullable=False),  # plotly JSON
    Column("time", Float, nullable=False),
    Index("ix_plots_task", "task_id", "title", "series"),
)

blobs = Table(
    "blobs",
    metadata,
    Column("sha256", Text, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("created", Float, nullable=False),
)

debug_samples = Table(
    "debug_samples",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("title", Text, nullable=False),
    Column("series", Text, nullable=False),
    Column("iteration", BigInteger, nullable=False),
    Column("kind", Text, nullable=False),  # image | media
    Column("blob_sha256", Text, ForeignKey("blobs.sha256"), nullable=True),
    Column("url", Text, nullable=True),  # set when the user registered a URL instead of bytes
    Column("file_name", Text, nullable=False, default=""),
    Column("content_type", Text, nullable=False, default="application/octet-stream"),
    Column("time", Float, nullable=False),
    Index("ix_debug_samples_task", "task_id", "title", "series"),
)

console = Table(
    "console",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("level", Integer, nullable=False, default=20),
    Column("text", Text, nullable=False),
    Column("time", Float, nullable=False),
    Index("ix_console_task", "task_id", "id"),
)

# Files stored outside the default blob folder (a task's output_uri: another folder, s3://…),
# by destination and sha256. The default folder's files are the ``blobs`` table.
blob_copies = Table(
    "blob_copies",
    metadata,
    Column("location", Text, primary_key=True),
    Column("sha256", Text, primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("created", Float, nullable=False),
)

artifacts = Table(
    "artifacts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("mode", Text, nullable=False, default="output"),
    Column("location", Text, nullable=False, default=""),  # "" is the default blob folder
    Column("blob_sha256", Text, nullable=True),
    Column("url", Text, nullable=True),  # a remote URI registered, not uploaded
    Column("file_name", Text, nullable=False, default=""),
    Column("content_type", Text, nullable=False, default="application/octet-stream"),
    Column("size", BigInteger, nullable=False, default=0),
    Column("preview", Text, nullable=False, default=""),
    Column("metadata", Text, nullable=False, default="{}"),
    Column("user", Text, nullable=False, default=""),
    Column("time", Float, nullable=False),
    UniqueConstraint("task_id", "name", name="uq_artifacts_task_name"),
)

models = Table(
    "models",
    metadata,
    Column("id", Text, primary_key=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("framework", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    Column("task_id", Text, nullable=True),  # the task that made it
    Column("parent_id", Text, nullable=True),  # the model it was trained from
    Column("labels", Text, nullable=False, default="{}"),
    Column("design", Text, nullable=False, default=""),
    Column("metadata", Text, nullable=False, default="{}"),
    Column("published", Boolean, nullable=False, default=False),
    Column("archived", Boolean, nullable=False, default=False),
    Column("latest_version", Integer, nullable=False, default=0),
    Column("user", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
    Column("last_update", Float, nullable=False),
    Index("ix_models_project_name", "project_id", "name"),
)

model_tags = Table(
    "model_tags",
    metadata,
    Column("model_id", Text, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", Text, primary_key=True),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("model_id", Text, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("location", Text, nullable=False, default=""),
    Column("blob_sha256", Text, nullable=True),
    Column("url", Text, nullable=True),
    Column("file_name", Text, nullable=False, default=""),
    Column("size", BigInteger, nullable=False, default=0),
    Column("is_package", Boolean, nullable=False, default=False),
    Column("iteration", BigInteger, nullable=True),
    Column("created", Float, nullable=False),
)

task_models = Table(
    "task_models",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("model_id", Text, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("mode", Text, primary_key=True),  # input | output
    Column("name", Text, nullable=False, default=""),
)

# A model's own reported metrics (OutputModel.report_scalar / report_single_value). Single
# values are stored as ClearML stores them: title "Summary", the name as series, iteration -2**31.
model_metrics = Table(
    "model_metrics",
    metadata,
    Column("model_id", Text, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("title", Text, primary_key=True),
    Column("series", Text, primary_key=True),
    Column("iteration", BigInteger, primary_key=True, autoincrement=False),
    Column("value", Float, nullable=False),
    Column("reported", Float, nullable=False),
)

# A model's own plots (OutputModel.report_table, report_line_plot, …): one plotly figure per
# (title, series, iteration); a second report of the same key replaces it.
model_plots = Table(
    "model_plots",
    metadata,
    Column("model_id", Text, ForeignKey("models.id", ondelete="CASCADE"), primary_key=True),
    Column("title", Text, primary_key=True),
    Column("series", Text, primary_key=True),
    Column("iteration", BigInteger, primary_key=True, autoincrement=False),
    Column("figure", Text, nullable=False),  # plotly JSON
    Column("reported", Float, nullable=False),
)

# A dataset version is backed by a task (type data_processing, system tag "dataset"), which
# gives it a logger and artifacts; these tables hold what makes it a dataset.
dataset_versions = Table(
    "dataset_versions",
    metadata,
    Column("id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", Text, ForeignKey("projects.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("version", Text, nullable=False),
    Column("version_key", Text, nullable=False),  # sortable form of the version
    Column("status", Text, nullable=False, default="draft"),  # draft | final
    Column("description", Text, nullable=False, default=""),
    Column("parents", Text, nullable=False, default="[]"),  # JSON list of dataset ids, merge order
    Column("location", Text, nullable=False, default=""),
    Column("file_count", BigInteger, nullable=False, default=0),
    Column("total_size", BigInteger, nullable=False, default=0),
    Column("added", BigInteger, nullable=False, default=0),
    Column("modified", BigInteger, nullable=False, default=0),
    Column("removed", BigInteger, nullable=False, default=0),
    Column("metadata", Text, nullable=False, default="{}"),
    Column("archived", Boolean, nullable=False, default=False),
    Column("created", Float, nullable=False),
    Column("finalized", Float, nullable=True),
    Index("ix_dataset_versions_name", "project_id", "name"),
)

dataset_tags = Table(
    "dataset_tags",
    metadata,
    Column("dataset_id", Text, ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("tag", Text, primary_key=True),
)

# The full file list of each version (inherited rows included, so a version reads alone);
# the bytes of inherited files are the parent's blobs, never stored again.
dataset_files = Table(
    "dataset_files",
    metadata,
    Column("dataset_id", Text, ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),  # relative, "/"-separated
    Column("sha256", Text, nullable=True),
    Column("size", BigInteger, nullable=False, default=0),
    Column("location", Text, nullable=False, default=""),
    Column("url", Text, nullable=True),  # an external link instead of stored bytes
    Column("state", Text, nullable=False),  # inherited | added | modified
    Column("source", Text, nullable=True),  # local file to upload; cleared once stored
)

dataset_removed = Table(
    "dataset_removed",
    metadata,
    Column("dataset_id", Text, ForeignKey("dataset_versions.id", ondelete="CASCADE"), primary_key=True),
    Column("path", Text, primary_key=True),
)

# A notebook run's cell executions, in the order they ran (``seq`` from 1 per task). Each is
# also the origin of what was reported while it ran: results are attributed to the execution
# that started last before their time (core/rules/notebook_history.py), so no event row carries
# a column for it and the reporting path does no extra work.
cell_runs = Table(
    "cell_runs",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("cell_id", Text, nullable=False, default=""),  # the notebook cell's id, when the frontend sent it
    Column("execution_count", Integer, nullable=True),
    Column("source_sha", Text, nullable=False, default=""),  # of the source as it ran: edited-after-run checks
    Column("kernel", Text, nullable=False, default=""),  # the kernel session: counts restart with a kernel
    Column("started", Float, nullable=False),
    Column("duration", Float, nullable=True),  # null while the cell runs
    Column("raised", Text, nullable=True),  # "Type: message" when the cell raised
)

# Every stored snapshot of a task's notebook, as a version: a later, poorer copy (a re-opened
# notebook's near-empty document) never replaces an earlier one.
notebook_snapshots = Table(
    "notebook_snapshots",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("taken", Float, nullable=False),  # when its content was read: cells ended before are in it
    Column("source", Text, nullable=False, default=""),  # frontend | file
    Column("path", Text, nullable=False, default=""),
    Column("digest", Text, nullable=False, default=""),  # sha256 of the redacted JSON
    Column("location", Text, nullable=False, default=""),
    Column("ipynb_sha256", Text, nullable=False),
    Column("ipynb_size", BigInteger, nullable=False, default=0),
    Column("html_sha256", Text, nullable=True),
    Column("html_size", BigInteger, nullable=False, default=0),
    Column("cells", Integer, nullable=False, default=0),
    Column("executed", Integer, nullable=False, default=0),  # code cells with an execution count
)

# API keys for SDKs and agents on other machines. Only a salted HMAC-SHA256 of the secret is
# kept: secrets are 288 random bits, so a slow KDF would add latency to every request and no
# safety (there is nothing to guess).
api_keys = Table(
    "api_keys",
    metadata,
    Column("access_key", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("user", Text, nullable=False, default=""),
    Column("salt", Text, nullable=False),
    Column("secret_digest", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("last_used", Float, nullable=True),
    Column("revoked", Float, nullable=True),
    # What the key may do beyond its user's roles: "full" (all of them), "read" (reads only), "agent"
    # (pop queues, run and report to the tasks it is given).
    Column("scope", Text, nullable=False, default="full", server_default="full"),
)

# The people of a team server. Keys belong to them; a disabled user's keys and tokens are refused.
users = Table(
    "users",
    metadata,
    Column("name", Text, primary_key=True),
    Column("display_name", Text, nullable=False, default=""),
    Column("email", Text, nullable=False, default=""),
    Column("admin", Boolean, nullable=False, default=False),  # administrator of the whole server
    Column("created", Float, nullable=False),
    Column("disabled", Float, nullable=True),
)

# Named sets of users, granted roles as one.
group_members = Table(
    "group_members",
    metadata,
    Column("group_name", Text, primary_key=True),
    Column("user_name", Text, ForeignKey("users.name", ondelete="CASCADE"), primary_key=True),
)

# A role on a project and its subprojects, given to "user:<name>" or "group:<name>".
grants = Table(
    "grants",
    metadata,
    Column("project_id", Text, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("principal", Text, primary_key=True),
    Column("role", Text, nullable=False),  # viewer | editor | admin
    Column("granted_by", Text, nullable=False, default=""),
    Column("created", Float, nullable=False),
)

# Who deleted, published, moved, changed access, created or revoked keys: one row per act.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", Float, nullable=False),
    Column("actor", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("target", Text, nullable=False, default=""),
    Column("detail", Text, nullable=False, default="{}"),  # JSON
    Index("ix_audit_log_at", "at"),
)

# Random keys the server makes once (the bearer-token signing key); in the store so that every
# replica of a server over one database signs and checks tokens alike.
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),
    Column("created", Float, nullable=False),
)

# Execution queues: a task waits in at most one (its entry exists exactly while it is queued).
queues = Table(
    "queues",
    metadata,
    Column("id", Text, primary_key=True),
    Column("name", Text, nullable=False, unique=True),
    Column("tags", Text, nullable=False, default="[]"),  # JSON list
    Column("created", Float, nullable=False),
)

queue_entries = Table(
    "queue_entries",
    metadata,
    Column("task_id", Text, ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    Column("queue_id", Text, ForeignKey("queues.id", ondelete="CASCADE"), nullable=False),
    Column("position", Float, nullable=False),  # order within the queue: a float, so a move is one update
    Column("added", Float, nullable=False),
    Index("ix_queue_entries_queue_position", "queue_id", "position"),
)

# Machines (agents) that take tasks from queues; last_seen is refreshed by each heartbeat.
workers = Table(
    "workers",
    metadata,
    Column("id", Text, primary_key=True),  # "<hostname>:<name>"
    Column("queues", Text, nullable=False, default="[]"),  # JSON list of queue names, in priority order
    Column("task_id", Text, nullable=True),
    Column("info", Text, nullable=False, default="{}"),  # JSON: host, pid, user, python, cpu_count, …
    Column("stats", Text, nullable=False, default="{}"),  # JSON: the last heartbeat's figures
    Column("registered", Float, nullable=False),
    Column("last_seen", Float, nullable=False),
)

# Rows that hold blob references, as (table, sha256 column, location column or None for
# the default folder); garbage collection keeps what any of them names.
BLOB_REFERENCES: list[tuple[Table, str, str | None]] = [
    (debug_samples, "blob_sha256", None),
    (artifacts, "blob_sha256", "location"),
    (model_versions, "blob_sha256", "location"),
    (dataset_files, "sha256", "location"),
    (notebook_snapshots, "ipynb_sha256", "location"),
    (notebook_snapshots, "html_sha256", "location"),
]
