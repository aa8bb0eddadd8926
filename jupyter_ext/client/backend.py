"""Backend: everything the SDK needs from wherever the data lives.

``LocalBackend`` calls ``core/`` in process on the embedded store; ``HttpBackend`` speaks the
REST API. Both pass the same contract tests (``tests/client/test_backend_contract.py``).
"""
from __future__ import annotations

import abc
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # at run time these load with the store, off the caller's path
    from jupyter_ext.core.event_batch import BatchResult, EventBatch
    from jupyter_ext.core.gc import Collected
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


class Backend(abc.ABC):
    # -- tasks --------------------------------------------------------------------------------
    @abc.abstractmethod
    def create_task(self, spec: Mapping[str, Any]) -> TaskRow: ...

    @abc.abstractmethod
    def get_task(self, task_id: str) -> TaskRow: ...

    @abc.abstractmethod
    def query_tasks(self, **filters: Any) -> list[TaskRow]:
        """Filters of :func:`jupyter_ext.core.tasks.query`."""

    @abc.abstractmethod
    def update_task(self, task_id: str, fields: Mapping[str, Any]) -> TaskRow: ...

    @abc.abstractmethod
    def set_task_status(self, task_id: str, status: str, *, force: bool = False, message: str = "",
                        reason: str = "") -> TaskRow: ...

    @abc.abstractmethod
    def reset_task(self, task_id: str, *, force: bool = False) -> TaskRow: ...

    @abc.abstractmethod
    def clone_task(self, source_id: str, *, name: str | None = None, comment: str | None = None,
                   parent_id: str | None = None, project: str | None = None) -> TaskRow: ...

    @abc.abstractmethod
    def move_task(self, task_id: str, project: str) -> TaskRow: ...

    @abc.abstractmethod
    def archive_task(self, task_id: str, archived: bool = True) -> TaskRow: ...

    @abc.abstractmethod
    def delete_task(self, task_id: str, *, force: bool = False, delete_models: bool = True) -> None: ...

    @abc.abstractmethod
    def is_task_reusable(self, task_id: str, *, project: str, name: str, task_type: str) -> bool: ...

    @abc.abstractmethod
    def list_projects(self) -> list[ProjectRow]: ...

    # -- queues and workers (core/queues.py, core/workers.py) -----------------------------------
    @abc.abstractmethod
    def enqueue_task(self, task_id: str, queue: str | None = None, *, force: bool = False,
                     create_queue: bool = False) -> TaskRow:
        """Put a draft, stopped or failed task at the bottom of ``queue`` (``default`` when None)."""

    @abc.abstractmethod
    def dequeue_task(self, task_id: str) -> TaskRow: ...

    @abc.abstractmethod
    def abort_task(self, task_id: str) -> TaskRow:
        """Queued: stopped at once. Running under a live worker: marked ``stopping`` for it to stop."""

    @abc.abstractmethod
    def list_queues(self) -> list[QueueRow]:
        """Each queue: id, name, tags, created, entries (task_id, name, project, status, added,
        position) in order, num_entries, workers (ids of the workers listening)."""

    @abc.abstractmethod
    def get_queue(self, name_or_id: str) -> QueueRow: ...

    @abc.abstractmethod
    def create_queue(self, name: str, tags: Sequence[str] = ()) -> QueueRow: ...

    @abc.abstractmethod
    def delete_queue(self, name_or_id: str, *, force: bool = False) -> None: ...

    @abc.abstractmethod
    def move_queue_entry(self, task_id: str, *, queue: str | None = None,
                         position: str | int = "bottom") -> QueueRow:
        """Move a queued task (``top``, ``bottom``, an index, ``before:<id>``); the queue it ends in."""

    @abc.abstractmethod
    def pop_next_task(self, worker_id: str, queues: Sequence[str]) -> TaskRow | None:
        """Atomically take the first task of the first non-empty queue, now running on ``worker_id``."""

    @abc.abstractmethod
    def register_worker(self, worker_id: str, queues: Sequence[str], info: Mapping[str, Any]) -> WorkerRow: ...

    @abc.abstractmethod
    def worker_heartbeat(self, worker_id: str, task_id: str | None, stats: Mapping[str, Any]) -> dict[str, bool]:
        """``{"abort": bool}``: True when the task the worker runs should be stopped."""

    @abc.abstractmethod
    def unregister_worker(self, worker_id: str) -> None: ...

    @abc.abstractmethod
    def list_workers(self) -> list[WorkerRow]:
        """Workers seen in the last 10 minutes: id, queues, state (running/idle/lost), last_seen,
        registered, info, stats, task ({id, name, status} or None)."""

    # -- parameters and configuration ----------------------------------------------------------
    @abc.abstractmethod
    def set_parameters(self, task_id: str, rows: Sequence[ParamRow], *, replace: bool = False,
                       force: bool = False) -> None: ...

    @abc.abstractmethod
    def get_parameters(self, task_id: str) -> list[ParamRow]: ...

    @abc.abstractmethod
    def set_configuration(self, task_id: str, config: ConfigRow, *, force: bool = False) -> None: ...

    @abc.abstractmethod
    def get_configurations(self, task_id: str) -> list[ConfigRow]: ...

    # -- reported events -----------------------------------------------------------------------
    @abc.abstractmethod
    def write_events(self, batch: EventBatch) -> BatchResult: ...

    @abc.abstractmethod
    def put_blob(self, data: bytes) -> tuple[str, int]: ...

    @abc.abstractmethod
    def get_blob(self, sha256: str) -> bytes: ...

    @abc.abstractmethod
    def get_scalars(self, task_id: str, *, max_samples: int | None, x_axis: str = "iter",
                    as_numpy: bool = False) -> dict[str, Any]: ...

    @abc.abstractmethod
    def get_last_metrics(self, task_id: str) -> dict[str, Any]: ...

    @abc.abstractmethod
    def get_single_values(self, task_id: str) -> dict[str, float | None]: ...

    @abc.abstractmethod
    def get_plots(self, task_id: str) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def get_debug_samples(self, task_id: str, title: str | None = None,
                          series: str | None = None) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def get_console(self, task_id: str, last: int | None = None) -> list[dict[str, Any]]: ...

    # -- files ---------------------------------------------------------------------------------
    @abc.abstractmethod
    def put_blob_file(self, path: str, location: str = "", progress: Callable[[int], object] | None = None,
                      known_sha256: str | None = None) -> tuple[str, int]:
        """Store a file (streamed) at ``location`` ("" = the default store); (sha256, size).
        ``known_sha256``: the caller hashed the file a moment ago and checked it is unchanged."""

    @abc.abstractmethod
    def download_blob(self, sha256: str, dest: str, location: str = "",
                      progress: Callable[[int], object] | None = None) -> str:
        """Copy stored bytes to ``dest``, checked against their sha256."""

    @abc.abstractmethod
    def collect_garbage(self, *, grace_seconds: float = 0.0, dry_run: bool = False) -> Collected: ...

    # -- artifacts -----------------------------------------------------------------------------
    @abc.abstractmethod
    def put_artifact(self, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow: ...

    @abc.abstractmethod
    def get_artifacts(self, task_id: str) -> list[ArtifactRow]: ...

    @abc.abstractmethod
    def remove_artifact(self, task_id: str, name: str) -> None: ...

    # -- models --------------------------------------------------------------------------------
    @abc.abstractmethod
    def create_model(self, spec: Mapping[str, Any]) -> ModelRow: ...

    @abc.abstractmethod
    def get_model(self, model_id: str, version: int | None = None) -> ModelRow:
        """The model with the weights of ``version`` (the latest by default) under ``weights``."""

    @abc.abstractmethod
    def update_model(self, model_id: str, fields: Mapping[str, Any]) -> ModelRow: ...

    @abc.abstractmethod
    def set_model_metadata(self, model_id: str, items: Mapping[str, Any], *, replace: bool = False
                           ) -> ModelRow: ...

    @abc.abstractmethod
    def add_model_version(self, model_id: str, spec: Mapping[str, Any]) -> ModelRow:
        """The model at its new version (``version``, ``weights`` set)."""

    @abc.abstractmethod
    def get_model_versions(self, model_id: str) -> list[ModelVersionRow]: ...

    @abc.abstractmethod
    def publish_model(self, model_id: str) -> ModelRow: ...

    @abc.abstractmethod
    def archive_model(self, model_id: str, archived: bool = True) -> ModelRow: ...

    @abc.abstractmethod
    def remove_model(self, model_id: str, *, force: bool = False, delete_weights: bool = False) -> None:
        """``delete_weights``: also delete the stored files only this model's versions named."""

    @abc.abstractmethod
    def query_models(self, **filters: Any) -> list[ModelRow]:
        """Filters of :func:`jupyter_ext.core.models.query`."""

    @abc.abstractmethod
    def find_model(self, project_name: str | None, model_name: str, version: int | None = None,
                   tags: Sequence[str] | None = None, only_published: bool = False) -> ModelRow: ...

    @abc.abstractmethod
    def link_task_model(self, task_id: str, model_id: str, mode: str, name: str | None = None) -> None: ...

    @abc.abstractmethod
    def get_task_models(self, task_id: str) -> dict[str, list[ModelRow]]:
        """``{"input": [...], "output": [...]}``, each model with its ``link_name``."""

    @abc.abstractmethod
    def report_model_metrics(self, model_id: str, scalars: Sequence[Mapping[str, Any]] = (),
                             single_values: Sequence[Mapping[str, Any]] = (),
                             plots: Sequence[Mapping[str, Any]] = ()) -> dict[str, int]:
        """Store a model's own scalars (``{"title", "series", "iteration", "value"}``) and single
        values (``{"name", "value"}``) and plots (``{"title", "series", "iteration", "figure"}``) in
        one go: ``{"stored": n}`` (:mod:`jupyter_ext.core.model_metrics`)."""

    @abc.abstractmethod
    def get_model_metrics(self, model_id: str) -> dict[str, list[dict[str, Any]]]:
        """``{"scalars": [{"title", "series", "iterations", "values"}], "single_values": [{"name", "value"}],
        "plots": [{"title", "series", "iteration", "figure"}]}``."""

    # -- datasets ------------------------------------------------------------------------------
    # The rules are :mod:`jupyter_ext.core.datasets`; each method is one of its functions.
    @abc.abstractmethod
    def create_dataset(self, spec: Mapping[str, Any]) -> DatasetVersionRow:
        """A new draft version (``name``, ``project``, ``parents``, ``version``, ``description``,
        ``tags``, ``location``, ``created_by``)."""

    @abc.abstractmethod
    def get_dataset(self, dataset_id: str) -> DatasetVersionRow: ...

    @abc.abstractmethod
    def find_dataset(self, *, project: str | None, name: str | None, version: str | None = None,
                     tags: Sequence[str] | None = None, only_final: bool = False,
                     include_archived: bool = False) -> DatasetVersionRow:
        """The newest version matching (or the given ``version``)."""

    @abc.abstractmethod
    def query_datasets(self, *, project: str | None = None, name: str | None = None,
                       tags: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                       only_final: bool = False, include_archived: bool = True, exact_name: bool = False,
                       recursive: bool = True) -> list[DatasetVersionRow]:
        """Versions, newest first; ``name`` is text in the name unless ``exact_name``."""

    @abc.abstractmethod
    def get_dataset_files(self, dataset_id: str, folder: str | None = None) -> list[DatasetFileRow]: ...

    @abc.abstractmethod
    def get_removed_dataset_files(self, dataset_id: str) -> list[str]: ...

    @abc.abstractmethod
    def add_dataset_files(self, dataset_id: str, entries: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        """``{"added", "modified", "unchanged"}`` counts."""

    @abc.abstractmethod
    def remove_dataset_files(self, dataset_id: str, pattern: str, recursive: bool = True) -> int: ...

    @abc.abstractmethod
    def get_pending_dataset_uploads(self, dataset_id: str) -> list[DatasetFileRow]: ...

    @abc.abstractmethod
    def mark_dataset_files_stored(self, dataset_id: str, stored: Sequence[Mapping[str, Any]]) -> None: ...

    @abc.abstractmethod
    def finalize_dataset(self, dataset_id: str) -> DatasetVersionRow: ...

    @abc.abstractmethod
    def update_dataset(self, dataset_id: str, fields: Mapping[str, Any]) -> DatasetVersionRow: ...

    @abc.abstractmethod
    def move_dataset(self, dataset_id: str, project: str) -> DatasetVersionRow: ...

    @abc.abstractmethod
    def get_dataset_graph(self, dataset_id: str) -> dict[str, list[str]]:
        """``{id: [parent ids]}`` for the version and all its ancestors."""

    @abc.abstractmethod
    def diff_datasets(self, source_id: str, target_id: str) -> dict[str, list[str]]:
        """Paths ``target`` has ``added``, ``removed`` and ``modified`` relative to ``source``."""

    @abc.abstractmethod
    def squash_datasets(self, name: str, dataset_ids: Sequence[str], *, project: str | None = None,
                        location: str = "") -> DatasetVersionRow: ...

    @abc.abstractmethod
    def delete_dataset(self, dataset_id: str, *, force: bool = False) -> None: ...

    # -- pipelines (core/rules/pipelines.py, core/pipeline_runs.py) ----------------------------------
    @abc.abstractmethod
    def list_pipelines(self, *, project: str | None = None, status: str | None = None, limit: int | None = None,
                       offset: int = 0) -> list[PipelineRunRow]:
        """Pipeline runs newest first, with ``steps`` and ``step_status``."""

    @abc.abstractmethod
    def get_pipeline(self, task_id: str) -> dict[str, Any]:
        """``{"task": {...}, "nodes": [...], "edges": [[parent, child], ...]}`` with live step statuses."""

    # -- notebooks (core/notebook_runs.py) -----------------------------------------------------
    @abc.abstractmethod
    def record_cell_run(self, task_id: str, run: Mapping[str, Any]) -> None:
        """Record one cell execution (``seq`` and what is known of it), or complete it."""

    @abc.abstractmethod
    def get_cell_runs(self, task_id: str) -> list[CellRunRow]:
        """The task's cell executions, in the order they ran."""

    @abc.abstractmethod
    def add_notebook_snapshot(self, task_id: str, fields: Mapping[str, Any]) -> NotebookSnapshotRow:
        """Store the next version of the task's notebook (its blobs stored first)."""

    @abc.abstractmethod
    def get_notebook_snapshots(self, task_id: str) -> list[NotebookSnapshotRow]:
        """Every stored version of the task's notebook, oldest first."""

    @abc.abstractmethod
    def get_notebook_provenance(self, task_id: str) -> dict[str, Any]:
        """The executions, warnings and each result's origin (see core/notebook_runs.provenance)."""

    def read_notebook_snapshot(self, task_id: str, version: int | None = None, what: str = "ipynb") -> bytes:
        """The bytes of one version's ``ipynb`` or ``html`` (the newest version when None)."""
        import os
        import tempfile

        from jupyter_ext.errors import InvalidArgument, NotFound

        found = self.get_notebook_snapshots(task_id)
        if not found:
            raise NotFound(f"task {task_id} has no notebook snapshot")
        from jupyter_ext.core.rules.notebook_history import default_version

        row = default_version(found) if version is None else next((r for r in found if r.version == version), None)
        if row is None:
            raise NotFound(f"task {task_id} has no notebook snapshot version {version} "
                           f"(it has 1..{found[-1].version})")
        if what not in ("ipynb", "html"):
            raise InvalidArgument(f"a snapshot is read as ipynb or html, not {what!r}")
        sha = row.ipynb_sha256 if what == "ipynb" else row.html_sha256
        if not sha:
            raise NotFound(f"version {row.version} of task {task_id}'s notebook has no {what}")
        if not row.location:
            return self.get_blob(sha)
        with tempfile.TemporaryDirectory(prefix="jupyter-track-nb-") as folder:
            dest = self.download_blob(sha, os.path.join(folder, "snapshot"), row.location)
            with open(dest, "rb") as fh:
                return fh.read()

    # -- copying between stores (jupyter track sync; core/sync.py) ------------------------------
    def has_blob(self, sha256: str) -> bool:
        """Whether the default store holds these bytes (False when the backend cannot tell)."""
        return False

    @abc.abstractmethod
    def changes_since(self, since: float, kinds: Sequence[str] = ()) -> list[ChangeRow]:
        """The change feed read once: each task (dataset versions included), model, queue or
        worker stamped after ``since`` (the store's clock; ask again with the newest ``stamp``
        seen), oldest first; ``kinds`` keeps only those kinds."""

    def sync_inventory(self) -> dict[str, list[str]]:
        """Names of projects and ids of tasks, models and dataset versions, oldest first."""
        from jupyter_ext.errors import InvalidArgument

        raise InvalidArgument(f"{type(self).__name__} cannot be the source of a sync")

    def sync_export(self, kind: str, ident: str = "") -> Iterator[dict[str, Any]]:
        """The records that copy one item (``projects``, ``task``, ``model``, ``dataset``)."""
        from jupyter_ext.errors import InvalidArgument

        raise InvalidArgument(f"{type(self).__name__} cannot be the source of a sync")

    def sync_import(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """Apply one record of :func:`sync_export`, ids kept, idempotently: ``{"created": bool}``."""
        from jupyter_ext.errors import InvalidArgument

        raise InvalidArgument(f"{type(self).__name__} cannot receive a sync")

    # -- lifecycle -----------------------------------------------------------------------------
    def open_in_background(self) -> None:  # noqa: B027 - optional: most backends open at once
        """Start whatever slow opening the backend needs, without waiting for it."""

    def finish_opening(self, timeout: float) -> None:  # noqa: B027 - optional, as open_in_background
        """Wait (at most ``timeout`` seconds) for the opening started by :meth:`open_in_background`."""

    def close(self) -> None:  # noqa: B027 - optional: a backend without connections has nothing to do
        """Release connections."""
