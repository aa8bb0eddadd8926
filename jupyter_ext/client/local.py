"""LocalBackend: the embedded default. Calls ``core/`` in process on a SQLite file and a
blob folder under ``JUPYTER_TRACK_HOME``; nothing to start, works in a plain script.

Opening the store imports SQLAlchemy and may create or migrate the schema (~0.2 s), so it can
start in a background thread the moment ``Task.init`` is called, and every call that reads or
writes metadata waits for it; blob transfers do not.
"""
from __future__ import annotations

import errno
import functools
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import TrackError, Unavailable
from jupyter_ext.store.file_lock import sqlite_path

if TYPE_CHECKING:
    from jupyter_ext.core.event_batch import BatchResult, EventBatch
    from jupyter_ext.core.gc import Collected
    from jupyter_ext.store.blobs import BlobStore
    from jupyter_ext.store.embedded import EmbeddedDB
    from jupyter_ext.store.meta import MetaStore
    from jupyter_ext.store.rows import (
        ArtifactRow,
        CellRunRow,
        ChangeRow,
        ConfigRow,
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

from jupyter_ext.client.backend import Backend
from jupyter_ext.client.local_datasets import LocalDatasetCalls


class LocalBackend(LocalDatasetCalls, Backend):
    # The reporter may hand scalar columns as ``array`` objects: the embedded writes take them as
    # they are, the SQLAlchemy ones through numpy's buffer protocol.
    plain_columns = True

    def __init__(self, store_url: str, blob_url: str,
                 storage_options: Callable[[str], dict[str, Any]] | None = None) -> None:
        self.store_url = store_url
        self.blob_url = blob_url
        # fsspec options per URL (the certificate settings reach s3:// and https:// transfers too)
        self._storage_options = storage_options or (lambda url: {})
        self._store: MetaStore | None = None
        self._embedded: EmbeddedDB | None = None  # the SQLite file through the stdlib (store/embedded.py)
        self._full_lock = threading.Lock()
        self._blobs: BlobStore | None = None
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._opened = threading.Event()
        self._opener: threading.Thread | None = None
        self._elsewhere: dict[str, BlobStore] = {}

    @classmethod
    def from_config(cls, config: Any) -> LocalBackend:
        return cls(config.store_url, config.blob_url, getattr(config, "storage_options", None))

    # -- opening ---------------------------------------------------------------------------------
    def open_in_background(self, warm_up: bool = True) -> None:
        """``warm_up``: also import what reporting scalars needs (Task.init asks for it; a
        process that only touches datasets never needs numpy)."""
        with self._lock:
            if self._opener is not None or self._opened.is_set():
                return
            self._opener = threading.Thread(target=self._open, args=(warm_up,), name="jupyter-track-open",
                                            daemon=True)
            self._opener.start()

    def _open(self, warm_up: bool = True) -> None:
        try:
            path = sqlite_path(self.store_url) if self.store_url.startswith("sqlite") else ""
            if path:
                self._open_embedded(path, warm_up)
            else:
                self._open_full(warm_up)
        except BaseException as exc:  # noqa: BLE001 - handed to every waiting caller
            self._error = exc
        finally:
            self._opened.set()
        if warm_up and self._error is None and self._embedded is None:
            # Scalars are written and read with numpy (~0.1 s to import). The store is usable
            # meanwhile (task rows, artifacts need no numpy); a thread that needs it waits at its
            # own top-level ``import numpy`` for this one to finish, and an import that fails here
            # fails there again, with its error, for the caller that needs it.
            try:
                import numpy  # noqa: F401
            except ImportError:
                pass

    def _open_embedded(self, path: str, warm_up: bool) -> None:
        """The SQLite file through the stdlib alone: the hot writes need no SQLAlchemy. A file at an
        older revision is migrated (by the SQLAlchemy store) first."""
        from jupyter_ext.store.embedded import EmbeddedDB

        db = EmbeddedDB.open(path)
        if db is None:
            with self._full_lock:
                self._open_full(warm_up=False)
            db = EmbeddedDB.open(path)
            if db is None:
                raise Unavailable(f"the store {path} is at a newer schema revision than this jupyter-ext knows; "
                                  "upgrade jupyter-ext")
        self._embedded = db
        if warm_up:
            import jupyter_ext.core.embedded_writes  # noqa: F401

    def _open_full(self, warm_up: bool) -> None:
        MetaStore = _import_meta_store(warm_up)  # noqa: N806 - a class
        self._store = MetaStore.open(self.store_url)
        # The first writes go through these rules: imported here, on this background thread,
        # not in the first flush (close()) or the first read.
        if warm_up:
            import jupyter_ext.core.params
            import jupyter_ext.core.tasks  # noqa: F401

    def finish_opening(self, timeout: float) -> None:
        """Wait for the opening thread, imports included: a process forked while it imports
        would wait forever for the import locks that thread holds."""
        opener = self._opener
        if opener is not None and opener is not threading.current_thread():
            opener.join(timeout)

    def _wait_opened(self) -> None:
        """Wait for the opening (starting it if nobody did) and raise its error."""
        if not self._opened.is_set():
            self.open_in_background(warm_up=False)
            self._opened.wait()
        if self._error is not None:
            if isinstance(self._error, TrackError):
                raise self._error
            raise Unavailable(f"cannot open the store at {self.store_url}: {self._error}") from self._error

    @property
    def store(self) -> MetaStore:
        """The SQLAlchemy store (for everything but the embedded file's hot writes), opened on first use."""
        self._wait_opened()
        if self._store is None:
            with self._full_lock:
                if self._store is None:
                    try:
                        self._open_full(warm_up=False)
                    except TrackError:
                        raise
                    except Exception as exc:  # noqa: BLE001 - said in the error's terms
                        raise Unavailable(f"cannot open the store at {self.store_url}: {exc}") from exc
        assert self._store is not None
        return self._store

    def _fast(self) -> EmbeddedDB | None:
        """The stdlib connection to the embedded file, when the store is one (after the opening)."""
        return self._embedded

    @property
    def blobs(self) -> BlobStore:
        """The default blob folder. It needs nothing of the metadata store, so a file is hashed and
        copied while the store is still opening (a fresh process's first upload overlaps it)."""
        if self._blobs is None:
            with self._lock:
                if self._blobs is None:
                    from jupyter_ext.store.blobs import BlobStore

                    self._blobs = BlobStore(self.blob_url, self._storage_options(self.blob_url))
        return self._blobs

    def stop_orphaned_runs(self, task_timeout: float, exclude: Collection[str] = ()) -> list[str]:
        """End as ``stopped`` the in_progress runs of this store whose process is gone (core/orphans.py):
        with no server watching an embedded store, the first process to open it does."""
        db = self._fast()
        if db is None:
            from jupyter_ext.core import orphans

            return orphans.stop_orphans(self.store, task_timeout=task_timeout, exclude=exclude)
        from jupyter_ext.core import embedded_writes
        from jupyter_ext.core.rules import orphans as rule
        from jupyter_ext.core.rules.status import IN_PROGRESS, STOPPED

        def stop(task_id: str, message: str) -> None:
            embedded_writes.set_status(db, task_id, STOPPED, message=message, reason=rule.ORPHAN_REASON,
                                       expected=IN_PROGRESS)

        return rule.stop_all(self.query_tasks(statuses=[IN_PROGRESS]), stop, task_timeout=task_timeout,
                             exclude=exclude)

    def close(self) -> None:
        if self._opened.is_set():
            if self._store is not None:
                self._store.close()
            if self._embedded is not None:
                self._embedded.close()

    # -- tasks -----------------------------------------------------------------------------------
    def create_task(self, spec: Mapping[str, Any]) -> TaskRow:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.create_task(db, spec)
        from jupyter_ext.core import tasks
        return tasks.create(self.store, spec)

    def get_task(self, task_id: str) -> TaskRow:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.get_task(db, task_id)
        from jupyter_ext.core import tasks
        return tasks.get(self.store, task_id)

    def query_tasks(self, **filters: Any) -> list[TaskRow]:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            try:
                return embedded_writes.query_tasks(db, **filters)
            except embedded_writes.NeedsFullStore:
                self.store  # noqa: B018 - opened before core/ is imported (see _wait_for_the_store)
        from jupyter_ext.core import tasks
        return tasks.query(self.store, **filters)

    def update_task(self, task_id: str, fields: Mapping[str, Any]) -> TaskRow:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.update_task(db, task_id, fields)
        from jupyter_ext.core import tasks
        return tasks.update(self.store, task_id, fields)

    def set_task_status(self, task_id: str, status: str, *, force: bool = False, message: str = "",
                        reason: str = "") -> TaskRow:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            try:
                return embedded_writes.set_status(db, task_id, status, force=force, message=message, reason=reason)
            except embedded_writes.NeedsFullStore:
                self.store  # noqa: B018 - opened before core/ is imported (see _wait_for_the_store)
        from jupyter_ext.core import tasks
        return tasks.set_status(self.store, task_id, status, force=force, message=message, reason=reason)

    def reset_task(self, task_id: str, *, force: bool = False) -> TaskRow:
        from jupyter_ext.core import tasks
        return tasks.reset(self.store, task_id, force=force)

    def clone_task(self, source_id: str, *, name: str | None = None, comment: str | None = None,
                   parent_id: str | None = None, project: str | None = None) -> TaskRow:
        from jupyter_ext.core import tasks
        return tasks.clone(self.store, source_id, name=name, comment=comment, parent_id=parent_id, project=project)

    def move_task(self, task_id: str, project: str) -> TaskRow:
        from jupyter_ext.core import tasks
        return tasks.move(self.store, task_id, project)

    def archive_task(self, task_id: str, archived: bool = True) -> TaskRow:
        from jupyter_ext.core import tasks
        return tasks.archive(self.store, task_id, archived)

    def delete_task(self, task_id: str, *, force: bool = False, delete_models: bool = True) -> None:
        from jupyter_ext.core import tasks
        tasks.delete(self.store, task_id, force=force, delete_models=delete_models)

    def is_task_reusable(self, task_id: str, *, project: str, name: str, task_type: str) -> bool:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.is_reusable(db, task_id, project=project, name=name, task_type=task_type)
        from jupyter_ext.core import tasks
        return tasks.is_reusable(self.store, task_id, project=project, name=name, task_type=task_type)

    def list_projects(self) -> list[ProjectRow]:
        from jupyter_ext.store import projects
        with self.store.read() as conn:
            return projects.list_all(conn)

    # -- queues and workers ----------------------------------------------------------------------
    def enqueue_task(self, task_id: str, queue: str | None = None, *, force: bool = False,
                     create_queue: bool = False) -> TaskRow:
        from jupyter_ext.core import queues
        return queues.enqueue(self.store, task_id, queue, force=force, create_queue=create_queue)

    def dequeue_task(self, task_id: str) -> TaskRow:
        from jupyter_ext.core import queues
        return queues.dequeue(self.store, task_id)

    def abort_task(self, task_id: str) -> TaskRow:
        from jupyter_ext.core import queues
        return queues.abort(self.store, task_id)

    def list_queues(self) -> list[QueueRow]:
        from jupyter_ext.core import queues
        return queues.list_all(self.store)

    def get_queue(self, name_or_id: str) -> QueueRow:
        from jupyter_ext.core import queues
        return queues.get(self.store, name_or_id)

    def create_queue(self, name: str, tags: Sequence[str] = ()) -> QueueRow:
        from jupyter_ext.core import queues
        return queues.create(self.store, name, tags)

    def delete_queue(self, name_or_id: str, *, force: bool = False) -> None:
        from jupyter_ext.core import queues
        queues.delete(self.store, name_or_id, force=force)

    def move_queue_entry(self, task_id: str, *, queue: str | None = None,
                         position: str | int = "bottom") -> QueueRow:
        from jupyter_ext.core import queues
        return queues.move_entry(self.store, task_id, queue=queue, position=position)

    def pop_next_task(self, worker_id: str, queues: Sequence[str]) -> TaskRow | None:
        from jupyter_ext.core import queues as core_queues
        return core_queues.pop_next(self.store, worker_id, queues)

    def register_worker(self, worker_id: str, queues: Sequence[str], info: Mapping[str, Any]) -> WorkerRow:
        from jupyter_ext.core import workers
        return workers.register(self.store, worker_id, queues, info)

    def worker_heartbeat(self, worker_id: str, task_id: str | None, stats: Mapping[str, Any]) -> dict[str, bool]:
        from jupyter_ext.core import workers
        return dict(workers.heartbeat(self.store, worker_id, task_id, stats))

    def unregister_worker(self, worker_id: str) -> None:
        from jupyter_ext.core import workers
        workers.unregister(self.store, worker_id)

    def list_workers(self) -> list[WorkerRow]:
        from jupyter_ext.core import workers
        return workers.list_all(self.store)

    # -- parameters ------------------------------------------------------------------------------
    def set_parameters(self, task_id: str, rows: Sequence[ParamRow], *, replace: bool = False,
                       force: bool = False) -> None:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            embedded_writes.set_parameters(db, task_id, list(rows), replace=replace, force=force)
            return
        from jupyter_ext.core import params
        params.set_parameters(self.store, task_id, list(rows), replace=replace, force=force)

    def get_parameters(self, task_id: str) -> list[ParamRow]:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.get_parameters(db, task_id)
        from jupyter_ext.core import params
        return params.get_parameters(self.store, task_id)

    def set_configuration(self, task_id: str, config: ConfigRow, *, force: bool = False) -> None:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            embedded_writes.set_configuration(db, task_id, config, force=force)
            return
        from jupyter_ext.core import params
        params.set_configuration(self.store, task_id, config, force=force)

    def get_configurations(self, task_id: str) -> list[ConfigRow]:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.get_configurations(db, task_id)
        from jupyter_ext.core import params
        return params.get_configurations(self.store, task_id)

    # -- events ----------------------------------------------------------------------------------
    def write_events(self, batch: EventBatch) -> BatchResult:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            try:
                return embedded_writes.write_events(db, batch)
            except embedded_writes.NeedsFullStore:
                self.store  # noqa: B018 - opened before core/ is imported (see _wait_for_the_store)
        from jupyter_ext.core import reporting
        return reporting.apply(self.store, batch)

    def put_blob(self, data: bytes) -> tuple[str, int]:
        return self.blobs.put_bytes(data)

    def get_blob(self, sha256: str) -> bytes:
        return self.blobs.get_bytes(sha256)

    def get_scalars(self, task_id: str, *, max_samples: int | None, x_axis: str = "iter",
                    as_numpy: bool = False) -> dict[str, Any]:
        from jupyter_ext.core import scalars, tasks
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return scalars.read_series(conn, task_id, max_samples=max_samples, x_axis=x_axis, as_numpy=as_numpy)

    def get_last_metrics(self, task_id: str) -> dict[str, Any]:
        from jupyter_ext.core import scalars, tasks
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return scalars.last_metrics(conn, task_id)

    def get_single_values(self, task_id: str) -> dict[str, float | None]:
        from jupyter_ext.core import tasks
        from jupyter_ext.store import events
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return events.get_single_values(conn, task_id)

    def get_plots(self, task_id: str) -> list[dict[str, Any]]:
        from jupyter_ext.core import tasks
        from jupyter_ext.store import events
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return events.get_plots(conn, task_id)

    def get_debug_samples(self, task_id: str, title: str | None = None,
                          series: str | None = None) -> list[dict[str, Any]]:
        from jupyter_ext.core import tasks
        from jupyter_ext.store import events
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return events.get_debug_samples(conn, task_id, title, series)

    def get_console(self, task_id: str, last: int | None = None) -> list[dict[str, Any]]:
        from jupyter_ext.core import tasks
        from jupyter_ext.store import events
        with self.store.read() as conn:
            tasks._get(conn, task_id)
            return events.get_console(conn, task_id, last)

    # -- files -----------------------------------------------------------------------------------
    def blobs_at(self, location: str) -> BlobStore:
        """The blob store at ``location`` ("" is the default folder under the tracker's home)."""
        if not location:
            return self.blobs
        with self._lock:
            found = self._elsewhere.get(location)
            if found is None:
                from jupyter_ext.store.blobs import BlobStore

                found = self._elsewhere[location] = BlobStore(location, self._storage_options(location))
            return found

    def put_blob_file(self, path: str, location: str = "", progress: Callable[[int], object] | None = None,
                      known_sha256: str | None = None) -> tuple[str, int]:
        if known_sha256:
            return self.blobs_at(location).put_file_known(path, known_sha256, progress)
        return self.blobs_at(location).put_file(path, progress)

    def download_blob(self, sha256: str, dest: str, location: str = "",
                      progress: Callable[[int], object] | None = None) -> str:
        return self.blobs_at(location).download(sha256, dest, progress)

    def collect_garbage(self, *, grace_seconds: float = 0.0, dry_run: bool = False) -> Collected:
        from jupyter_ext.core import gc
        return gc.collect(self.store, self.blobs, grace_seconds=grace_seconds, dry_run=dry_run,
                          open_location=self.blobs_at)

    # -- artifacts -------------------------------------------------------------------------------
    def put_artifact(self, task_id: str, spec: Mapping[str, Any]) -> ArtifactRow:
        db = self._fast()
        if db is not None:
            from jupyter_ext.core import embedded_writes
            return embedded_writes.put_artifact(db, task_id, spec)
        from jupyter_ext.core import artifacts
        return artifacts.put(self.store, task_id, spec)

    def get_artifacts(self, task_id: str) -> list[ArtifactRow]:
        from jupyter_ext.core import artifacts
        return artifacts.list_for_task(self.store, task_id)

    def remove_artifact(self, task_id: str, name: str) -> None:
        from jupyter_ext.core import artifacts
        artifacts.remove(self.store, task_id, name)

    # -- notebooks -------------------------------------------------------------------------------
    def record_cell_run(self, task_id: str, run: Mapping[str, Any]) -> None:
        from jupyter_ext.core import notebook_runs
        notebook_runs.record_cell_run(self.store, task_id, run)

    def get_cell_runs(self, task_id: str) -> list[CellRunRow]:
        from jupyter_ext.core import notebook_runs
        return notebook_runs.cell_runs(self.store, task_id)

    def add_notebook_snapshot(self, task_id: str, fields: Mapping[str, Any]) -> NotebookSnapshotRow:
        from jupyter_ext.core import notebook_runs
        return notebook_runs.add_snapshot(self.store, task_id, fields)

    def get_notebook_snapshots(self, task_id: str) -> list[NotebookSnapshotRow]:
        from jupyter_ext.core import notebook_runs
        return notebook_runs.snapshots(self.store, task_id)

    def get_notebook_provenance(self, task_id: str) -> dict[str, Any]:
        from jupyter_ext.core import notebook_runs
        from jupyter_ext.core.rules import notebook_history

        cells = None
        if notebook_runs.snapshots(self.store, task_id):
            nb = notebook_runs.parse_notebook(self.read_notebook_snapshot(task_id))
            cells = notebook_history.cells_of(nb)
        return notebook_runs.provenance(self.store, task_id, cells)

    # -- models ----------------------------------------------------------------------------------
    def create_model(self, spec: Mapping[str, Any]) -> ModelRow:
        from jupyter_ext.core import models
        return models.create(self.store, spec)

    def get_model(self, model_id: str, version: int | None = None) -> ModelRow:
        from jupyter_ext.core import models
        return models.get_version(self.store, model_id, version)

    def update_model(self, model_id: str, fields: Mapping[str, Any]) -> ModelRow:
        from jupyter_ext.core import models
        return models.update(self.store, model_id, fields)

    def set_model_metadata(self, model_id: str, items: Mapping[str, Any], *, replace: bool = False
                           ) -> ModelRow:
        from jupyter_ext.core import models
        return models.set_metadata(self.store, model_id, items, replace=replace)

    def add_model_version(self, model_id: str, spec: Mapping[str, Any]) -> ModelRow:
        from jupyter_ext.core import models
        return models.add_version(self.store, model_id, spec)

    def get_model_versions(self, model_id: str) -> list[ModelVersionRow]:
        from jupyter_ext.core import models
        return models.versions(self.store, model_id)

    def publish_model(self, model_id: str) -> ModelRow:
        from jupyter_ext.core import models
        return models.publish(self.store, model_id)

    def archive_model(self, model_id: str, archived: bool = True) -> ModelRow:
        from jupyter_ext.core import models
        return models.archive(self.store, model_id, archived)

    def remove_model(self, model_id: str, *, force: bool = False, delete_weights: bool = False) -> None:
        from jupyter_ext.core import gc, models
        held = models.remove(self.store, model_id, force=force)
        if delete_weights and held:
            try:
                gc.collect_these(self.store, self.blobs, held, open_location=self.blobs_at)
            except (FileNotFoundError, NotADirectoryError):
                pass  # nothing is stored where the version said: nothing to delete
            except (OSError, ImportError, ValueError) as exc:  # a remote store refusing (no credentials...)
                if getattr(exc, "errno", None) == errno.ENAMETOOLONG:
                    return  # no such file can exist: nothing to delete
                raise Unavailable(f"model {model_id} was removed, but its stored weights could not be deleted "
                                  f"({type(exc).__name__}: {exc}); `jupyter track gc` frees them once the store "
                                  "where they are can be reached") from exc

    def query_models(self, **filters: Any) -> list[ModelRow]:
        from jupyter_ext.core import models
        return models.query(self.store, **filters)

    def find_model(self, project_name: str | None, model_name: str, version: int | None = None,
                   tags: Sequence[str] | None = None, only_published: bool = False) -> ModelRow:
        from jupyter_ext.core import models
        return models.find(self.store, project_name, model_name, version, tags=tags, only_published=only_published)

    def link_task_model(self, task_id: str, model_id: str, mode: str, name: str | None = None) -> None:
        from jupyter_ext.core import models
        models.link_task(self.store, task_id, model_id, mode, name)

    def get_task_models(self, task_id: str) -> dict[str, list[ModelRow]]:
        from jupyter_ext.core import models
        return models.task_models(self.store, task_id)

    def report_model_metrics(self, model_id: str, scalars: Sequence[Mapping[str, Any]] = (),
                             single_values: Sequence[Mapping[str, Any]] = (),
                             plots: Sequence[Mapping[str, Any]] = ()) -> dict[str, int]:
        from jupyter_ext.core import model_metrics
        return model_metrics.report(self.store, model_id, scalars, single_values, plots)

    def get_model_metrics(self, model_id: str) -> dict[str, list[dict[str, Any]]]:
        from jupyter_ext.core import model_metrics
        return model_metrics.get(self.store, model_id)

    # -- pipelines -------------------------------------------------------------------------------
    def list_pipelines(self, *, project: str | None = None, status: str | None = None, limit: int | None = None,
                       offset: int = 0) -> list[PipelineRunRow]:
        from jupyter_ext.core import pipeline_runs
        return pipeline_runs.list_runs(self.store, project=project, status=status, limit=limit, offset=offset)

    def get_pipeline(self, task_id: str) -> dict[str, Any]:
        from jupyter_ext.core import pipeline_runs
        return pipeline_runs.get(self.store, task_id)

    # -- copying between stores ------------------------------------------------------------------
    def has_blob(self, sha256: str) -> bool:
        return self.blobs.exists(sha256)

    def changes_since(self, since: float, kinds: Sequence[str] = ()) -> list[ChangeRow]:
        from jupyter_ext.core import changes
        return changes.rows_since(self.store, since, frozenset(kinds) or None)

    def sync_inventory(self) -> dict[str, list[str]]:
        from jupyter_ext.core import sync
        return sync.inventory(self.store)

    def sync_export(self, kind: str, ident: str = "") -> Iterator[dict[str, Any]]:
        from jupyter_ext.core import sync
        return sync.export(self.store, kind, ident)

    def sync_import(self, record: Mapping[str, Any]) -> dict[str, Any]:
        from jupyter_ext.core import sync
        return sync.import_record(self.store, record)


def _import_meta_store(reporting: bool) -> type[MetaStore]:
    """``MetaStore`` (importing SQLAlchemy). Two threads importing SQLAlchemy at once can meet it
    half-initialised (an ImportError about a circular import): a user's thread may be importing it
    while this one opens the store, so a failed import is tried again once it has settled.

    ``reporting``: the reporter's first cycle imports ``core.reporting`` itself before it calls
    the backend; importing it here first makes that thread wait for this one's import instead of
    entering SQLAlchemy's from a second point at the same time."""
    for attempt in range(3):
        try:
            if reporting:
                import jupyter_ext.core.reporting  # noqa: F401
            from jupyter_ext.store.meta import MetaStore

            return MetaStore
        except ImportError:
            if attempt == 2:
                raise
            time.sleep(0.05)
    raise AssertionError("unreachable")


# Calls that only move bytes: they never need the metadata store, so they do not wait for it.
_BLOB_ONLY = frozenset({"put_blob", "get_blob", "has_blob", "blobs_at", "put_blob_file", "download_blob"})


def _after_opening(method: Callable[..., Any], embedded: bool) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: LocalBackend, *args: Any, **kwargs: Any) -> Any:
        if not self._opened.is_set() or self._error is not None:
            self._wait_opened()  # opens, or waits for the opening thread, and raises its error
        if self._store is None and not (embedded and self._embedded is not None):
            self.store  # noqa: B018 - SQLAlchemy's store, opened (under a lock) before the method imports core/
        return method(self, *args, **kwargs)

    return call


# Calls the embedded file serves through the stdlib (core/embedded_writes.py); the rest need SQLAlchemy.
_EMBEDDED = frozenset({"create_task", "get_task", "update_task", "set_task_status", "is_task_reusable",
                       "set_parameters", "get_parameters", "set_configuration", "get_configurations",
                       "write_events", "put_artifact", "query_tasks", "stop_orphaned_runs"})


def _wait_for_the_store(cls: type[LocalBackend]) -> None:
    """Every metadata call waits until the store is open *before* it imports ``core/``: that
    import pulls in SQLAlchemy, and a second thread importing it while the opening thread does
    (the reporter's first write, a ``Task.get_tasks`` right after ``Task.init``) could leave it
    half-initialised and the store unopenable for the whole process. The calls mixed in from the
    other ``client/local_*`` modules (datasets) are wrapped too. A call the embedded file serves
    waits for the stdlib connection only."""
    members: dict[str, Any] = {}
    for klass in reversed(cls.__mro__):
        if klass is cls or klass.__module__.startswith(__name__ + "_"):
            members.update(vars(klass))
    for name, member in members.items():
        if name.startswith("_") or name in _BLOB_ONLY or name in ("open_in_background", "close"):
            continue
        if callable(member) and not isinstance(member, (classmethod, staticmethod)):
            setattr(cls, name, _after_opening(member, name in _EMBEDDED))


_wait_for_the_store(LocalBackend)
