"""``Dataset``: versioned sets of files, with ClearML's ``clearml.Dataset`` names.

    ds = Dataset.create(dataset_name="cifar_dataset", dataset_project="Datasets/CIFAR10")
    ds.add_files(path="data/cifar-10-python.tar.gz")
    ds.upload()
    ds.finalize()
    path = Dataset.get(dataset_name="cifar_dataset", dataset_project="Datasets/CIFAR10",
                       dataset_version=1).get_local_copy()

A version stores only the bytes it changed: files are content-addressed blobs, and a child
lists its parents' files without storing them again. The rules live in
:mod:`jupyter_ext.core.datasets`; file moving in :mod:`jupyter_ext.sdk.datasets.files`.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import glob
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules.dataset_paths import check_folder
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound, TrackError, Unavailable
from jupyter_ext.sdk import _notebook
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as file_cache
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.datasets import files as df
from jupyter_ext.sdk.datasets.local_copy import DatasetLocalCopies
from jupyter_ext.sdk.datasets.registry import DatasetRegistry
from jupyter_ext.sdk.datasets.registry import id_of as _id_of

if TYPE_CHECKING:
    from jupyter_ext.client.backend import Backend
    from jupyter_ext.sdk.logging.logger import Logger
    from jupyter_ext.sdk.tasks.task import Task
    from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow

FINAL = "final"  # core.datasets.FINAL; not imported from there, which would load the store
PREVIEW_ROWS = 20
PREVIEW_FILES = 3


@dataclasses.dataclass(frozen=True)
class FileEntry:
    """One file of a version: stored bytes (``hash``) or an external ``link``."""
    relative_path: str
    hash: str | None
    size: int
    link: str | None = None
    state: str = "added"  # inherited | added | modified
    local_path: str | None = None  # the local file while it waits for upload()


class Dataset(DatasetLocalCopies, DatasetRegistry):
    """A version of a dataset. Made by :meth:`create`, :meth:`get` or :meth:`squash`."""

    def __init__(self, row: DatasetVersionRow) -> None:
        self._row = row

    def __repr__(self) -> str:
        return f"<Dataset {self.id} {self.name!r} v{self.version} project={self.project!r} {self._row.status}>"

    def preview(self) -> None:
        """Display the version in a notebook: its fields and its first files."""
        _notebook.show_preview(self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return _notebook.dataset_bundle(self)

    def _reload(self) -> None:
        self._row = _backend().get_dataset(self.id)

    # -- making and finding versions -----------------------------------------------------------
    @classmethod
    def create(cls, dataset_name: str | None = None, dataset_project: str | None = None,
               dataset_tags: Sequence[str] | None = None, parent_datasets: Sequence[str | Dataset] | None = None,
               use_current_task: bool = False, dataset_version: str | int | None = None,
               output_uri: str | None = None, description: str | None = None) -> Dataset:
        """A new draft version. ``parent_datasets`` (finalized) are merged in order, a later
        parent winning; the version number continues 1, 2, 3 … (or 1.0.0, 1.0.1 …) unless given.
        ``use_current_task=True`` names the dataset after the running task and records the new
        version's id under its "Datasets" parameters (a version always has a task of its own).
        A task running in this process becomes the parent of the version's task, so the code
        that prepared a version can be found from it (as in ClearML).

        >>> ds = Dataset.create(dataset_name="cifar_dataset", dataset_project="Datasets/CIFAR10")
        """
        parents = [_id_of(p) for p in parent_datasets or []]
        if parents and (dataset_name is None or dataset_project is None):
            first = _backend().get_dataset(parents[0])
            dataset_name = dataset_name or first.name
            dataset_project = dataset_project or first.project_name
        running = session.main_task()
        current = running if use_current_task else None
        if use_current_task and current is None:
            raise InvalidArgument("use_current_task=True needs a running task (Task.init) in this process")
        if current is not None:
            dataset_name = dataset_name or current.name
            dataset_project = dataset_project or current.get_project_name()
        row = _backend().create_dataset({
            "name": dataset_name, "project": dataset_project, "parents": parents, "tags": list(dataset_tags or []),
            "version": None if dataset_version is None else str(dataset_version), "description": description,
            "location": file_cache.destination(output_uri), "user": session.getpid_user(),
            "created_by": running.id if running is not None else None,
        })
        if current is not None:  # the running task records which version it made
            current.set_parameter(f"Datasets/{row.name}", row.id)
        return cls(row)

    @classmethod
    def get(cls, dataset_id: str | None = None, dataset_project: str | None = None, dataset_name: str | None = None,
            dataset_tags: Sequence[str] | None = None, only_completed: bool = False, only_published: bool = False,
            include_archived: bool = False, auto_create: bool = False, writable_copy: bool = False,
            dataset_version: str | int | None = None, alias: str | None = None, overridable: bool = False,
            shallow_search: bool = False, **_kwargs: Any) -> Dataset:
        """A version by id, or the newest (highest version number) of ``dataset_name`` in
        ``dataset_project``; ``dataset_version=1`` picks one. ``writable_copy=True`` returns a
        new draft child of it; ``auto_create=True`` creates the dataset when there is none;
        ``alias`` records the id under the running task's "Datasets" parameters."""
        ignored("Dataset.get", shallow_search=shallow_search)
        current = session.main_task() if alias else None
        if alias and overridable and current is not None:
            dataset_id = current.get_parameter(f"Datasets/{alias}") or dataset_id
        try:
            if dataset_id:
                row = _backend().get_dataset(str(dataset_id))
            elif only_published:
                published = next((r for r in _backend().query_datasets(
                                      project=dataset_project, name=dataset_name, tags=dataset_tags, only_final=True,
                                      include_archived=include_archived, exact_name=True, recursive=False)
                                  if session.backend().get_task(r.id).status == "published"
                                  and (dataset_version is None or r.version == str(dataset_version))), None)
                if published is None:
                    raise NotFound(f"no published version of dataset {dataset_name!r} in {dataset_project!r}")
                row = published
            else:
                row = _backend().find_dataset(project=dataset_project, name=dataset_name,
                                              version=None if dataset_version is None else str(dataset_version),
                                              tags=dataset_tags, only_final=only_completed,
                                              include_archived=include_archived)
        except NotFound:
            if not auto_create or dataset_id:
                raise
            return cls.create(dataset_name=dataset_name, dataset_project=dataset_project, dataset_tags=dataset_tags)
        found = cls(row)
        if alias and current is not None:
            current.set_parameter(f"Datasets/{alias}", found.id)
        if writable_copy:
            return cls.create(dataset_name=found.name, dataset_project=found.project, parent_datasets=[found])
        return found

    # -- properties ------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The version's id. It is also the id of the task that backs the version."""
        return self._row.id

    @property
    def name(self) -> str:
        """The dataset's name, shared by all its versions, e.g. ``"cifar_dataset"``."""
        return self._row.name

    @property
    def project(self) -> str:
        """The name of the dataset's project, e.g. ``"Datasets/CIFAR10"``."""
        return self._row.project_name

    @property
    def version(self) -> str:
        """The version as a string: ``"1"``, ``"2"`` … (or ``"1.0.1"`` after ``"1.0.0"``) when numbered
        automatically, else the ``dataset_version`` given to :meth:`create`."""
        return self._row.version

    @property
    def description(self) -> str:
        """The version's description; :meth:`set_description` changes it."""
        return self._row.description

    @property
    def tags(self) -> list[str]:
        """The version's tags. Assigning a list replaces them in the store:

        >>> ds.tags = ["raw", "2024"]
        """
        return list(self._row.tags)

    @tags.setter
    def tags(self, values: Sequence[str]) -> None:
        self._row = _backend().update_dataset(self.id, {"tags": list(values)})

    @property
    def parent_ids(self) -> list[str]:
        """The ids of the versions this one was made from (``parent_datasets`` of :meth:`create`), in merge order."""
        return list(self._row.parents)

    @property
    def file_entries(self) -> list[FileEntry]:
        """Every stored file of the version (inherited ones included; links are in :attr:`link_entries`),
        as :class:`FileEntry` objects with ``relative_path``, ``hash`` (sha256), ``size`` and ``state``.
        Read from the store on each access."""
        return [e for e in self._entries() if e.link is None]

    @property
    def file_entries_dict(self) -> dict[str, FileEntry]:
        """:attr:`file_entries` by their path in the dataset."""
        return {e.relative_path: e for e in self.file_entries}

    @property
    def link_entries(self) -> list[FileEntry]:
        """The version's external files (:meth:`add_external_files`), each with its ``link`` URL."""
        return [e for e in self._entries() if e.link is not None]

    @property
    def link_entries_dict(self) -> dict[str, FileEntry]:
        """:attr:`link_entries` by their path in the dataset."""
        return {e.relative_path: e for e in self.link_entries}

    def _entries(self) -> list[FileEntry]:
        return [FileEntry(f.path, f.sha256, f.size, f.url, f.state, f.source)
                for f in _backend().get_dataset_files(self.id)]

    def is_final(self) -> bool:
        """True once finalized (read-only)."""
        self._reload()
        return self._row.status == FINAL

    def set_description(self, description: str) -> None:
        """Replace the version's description."""
        self._row = _backend().update_dataset(self.id, {"description": str(description)})

    # -- changing a draft --------------------------------------------------------------------------
    def add_files(self, path: str | os.PathLike[str], wildcard: str | Sequence[str] | None = None,
                  local_base_folder: str | None = None, dataset_path: str | None = None, recursive: bool = True,
                  verbose: bool = False, max_workers: int | None = None) -> int:
        """Add a file or a folder's files (matching ``wildcard``) under ``dataset_path``; returns
        how many were added or changed. Files are hashed now, in parallel, and stored by
        :meth:`upload`; files whose bytes the version already holds are skipped. With the local
        default store, each file is copied into its staging area in the same read that hashes
        it, so that :meth:`upload` only moves it into place (a file changed in between is read
        again then; copies never uploaded are freed by garbage collection after an hour).

        >>> dataset.add_files(path="data/images_folder", wildcard="*.jpg", dataset_path="imgs")
        """
        counts = self._add_local(path, wildcard, local_base_folder, dataset_path, recursive, max_workers)
        if verbose:
            print(f"dataset {self.name}: {counts['added']} added, {counts['modified']} modified, "
                  f"{counts['unchanged']} unchanged")
        return counts["added"] + counts["modified"]

    def _add_local(self, path: str | os.PathLike[str], wildcard: str | Sequence[str] | None,
                   local_base_folder: str | None, dataset_path: str | None, recursive: bool,
                   max_workers: int | None) -> dict[str, int]:
        self._check_draft()
        found = df.scan_local(path, df.wildcards(wildcard), local_base_folder, dataset_path, recursive)
        hashes = df.hash_files([local for _, local in found], max_workers, "hash",
                               stage=df.staging_store(self._row.location or ""))
        entries = [{"path": rel, "sha256": sha, "size": size, "source": local}
                   for (rel, local), (sha, size) in zip(found, hashes, strict=True)]
        counts = _backend().add_dataset_files(self.id, entries)
        self._reload()
        return counts

    def add_external_files(self, source_url: str | Sequence[str], wildcard: str | Sequence[str] | None = None,
                           dataset_path: str | Sequence[str] | None = None, recursive: bool = True,
                           verbose: bool = False, max_workers: int | None = None, read_hash: bool = False) -> int:
        """Register files that stay where they are (``s3://…``, ``https://…``, a local folder):
        links, not copies. :meth:`get_local_copy` fetches them. Returns how many were added."""
        ignored("Dataset.add_external_files", max_workers=max_workers)
        self._check_draft()
        urls = [source_url] if isinstance(source_url, str) else list(source_url)
        paths = dataset_path if isinstance(dataset_path, (list, tuple)) else [dataset_path] * len(urls)
        if len(paths) != len(urls):
            raise InvalidArgument("give one dataset_path per source_url")
        entries = [e for url, dp in zip(urls, paths, strict=True)
                   for e in df.external_entries(str(url), df.wildcards(wildcard), dp, recursive, read_hash)]
        counts = _backend().add_dataset_files(self.id, entries)
        self._reload()
        if verbose:
            print(f"dataset {self.name}: {counts['added']} links added, {counts['modified']} changed")
        return int(counts["added"] + counts["modified"])

    def remove_files(self, dataset_path: str | None = None, recursive: bool = True, verbose: bool = False) -> int:
        """Remove files by dataset path, folder or wildcard (``"imgs/bad_*.jpg"``), or links by
        their URL; returns how many were removed."""
        if not dataset_path:
            raise InvalidArgument("remove_files needs dataset_path= (a path, folder or wildcard such as 'imgs/*.jpg')")
        self._check_draft()
        if "://" in dataset_path:
            gone = [e.relative_path for e in self.link_entries if e.link and fnmatch.fnmatch(e.link, dataset_path)]
            count = sum(_backend().remove_dataset_files(self.id, glob.escape(p)) for p in gone)
        else:
            count = _backend().remove_dataset_files(self.id, dataset_path, recursive=recursive)
        self._reload()
        if verbose:
            print(f"dataset {self.name}: {count} file(s) removed")
        return count

    def sync_folder(self, local_path: str | os.PathLike[str], dataset_path: str | None = None,
                    verbose: bool = False) -> tuple[int, int, int]:
        """Make the files under ``dataset_path`` match a local folder; (added, modified, removed)."""
        self._check_draft()
        prefix = check_folder(dataset_path)
        local = set(rel for rel, _ in df.scan_local(local_path, None, None, dataset_path, True))
        removed = 0
        for f in _backend().get_dataset_files(self.id, prefix or None):
            if f.path not in local and f.url is None:
                removed += _backend().remove_dataset_files(self.id, glob.escape(f.path))
        counts = self._add_local(local_path, None, None, dataset_path, True, None)
        if verbose:
            print(f"dataset {self.name}: {counts['added']} added, {counts['modified']} modified, {removed} removed")
        return counts["added"], counts["modified"], removed

    def upload(self, show_progress: bool = True, verbose: bool = False, output_url: str | None = None,
               compression: str | None = None, chunk_size: int | None = None, max_workers: int | None = None,
               retries: int = 3, preview: bool = True, upload_as_external_links: bool = False) -> bool:
        """Store the files added since the last upload, each as one content-addressed blob
        (``max_workers`` at a time); bytes already stored are not sent again. ``compression``
        and ``chunk_size`` are accepted for ClearML code and ignored: files are never zipped,
        so one file can be fetched alone. Raises if any file could not be stored."""
        ignored("Dataset.upload", compression=compression, chunk_size=chunk_size,
                                  upload_as_external_links=upload_as_external_links)
        self._check_draft()
        pending = _backend().get_pending_dataset_uploads(self.id)
        location = file_cache.destination(output_url) if output_url else self._row.location or ""
        stored, errors = df.upload_pending(pending, location, max_workers=max_workers, retries=retries,
                                           show_progress=show_progress)
        if stored:
            _backend().mark_dataset_files_stored(self.id, stored)
        if preview and stored:
            stored_paths = {s["path"] for s in stored}
            self._report_previews([e for e in pending if e.path in stored_paths])
        self._reload()
        if verbose:
            print(f"dataset {self.name}: {len(stored)} file(s) uploaded")
        if errors:
            raise Unavailable(f"{len(errors)} file(s) of dataset {self.name!r} were not uploaded: "
                             f"{'; '.join(errors[:3])}")
        return True

    def _report_previews(self, uploaded: Sequence[DatasetFileRow]) -> None:
        """A table of the first rows of a few CSV/Parquet files, on the backing task."""
        tables = [e for e in uploaded if e.path.lower().endswith((".csv", ".parquet", ".tsv"))][:PREVIEW_FILES]
        if not tables:
            return
        try:
            import pandas as pd
        except ImportError:
            return
        logger = self.get_logger()
        for e in tables:
            src = str(e.source)
            try:
                if src.lower().endswith(".parquet"):
                    import pyarrow.parquet as pq

                    batch = next(pq.ParquetFile(src).iter_batches(batch_size=PREVIEW_ROWS), None)
                    frame = batch.to_pandas() if batch is not None else pd.DataFrame()
                else:
                    frame = pd.read_csv(src, nrows=PREVIEW_ROWS, sep="\t" if src.lower().endswith(".tsv") else ",")
            except Exception as exc:  # noqa: BLE001 - a preview is a courtesy: an unreadable table must not fail the upload
                print(f"dataset {self.name}: no preview of {e.path}: {exc}")
                continue
            logger.report_table("Dataset preview", e.path, iteration=0, table_plot=frame)
        logger.flush()

    def finalize(self, verbose: bool = False, raise_on_error: bool = True, auto_upload: bool = False) -> bool:
        """Close the version: read-only from here on. Files not uploaded yet make it fail,
        unless ``auto_upload=True`` uploads them first."""
        try:
            if auto_upload and not self.is_final():
                self.upload(show_progress=verbose)
            self._row = _backend().finalize_dataset(self.id)
        except TrackError:
            if raise_on_error:
                raise
            return False
        return True

    def publish(self, raise_on_error: bool = True) -> bool:
        """Mark a finalized version published (its backing task too)."""
        if not self.is_final():
            if raise_on_error:
                raise Conflict(f"dataset {self.name!r} v{self.version} is not finalized; call finalize() first")
            return False
        session.backend().set_task_status(self.id, "published")
        return True

    def _check_draft(self) -> None:
        if self._row.status == FINAL:
            raise Conflict(f"dataset {self.name!r} version {self.version} ({self.id}) is finalized and read-only; "
                           f"make a new version with Dataset.create(..., parent_datasets=[{self.id!r}])")

    # -- reading ---------------------------------------------------------------------------------
    def list_files(self, dataset_path: str | None = None, recursive: bool = True,
                   dataset_id: str | None = None) -> list[str]:
        """Paths of the version's files, optionally under a folder or matching a wildcard
        (``"imgs/*.jpg"``); ``dataset_id`` keeps only files whose current bytes that version added."""
        paths = [f.path for f in _backend().get_dataset_files(self.id)]
        if dataset_path and dataset_path not in (".", "/", "*"):
            pattern = dataset_path.replace("\\", "/").strip("/")
            if any(c in pattern for c in "*?["):
                paths = [p for p in paths if fnmatch.fnmatch(p, pattern)]
            else:
                paths = [p for p in paths if p == pattern or p.startswith(pattern + "/")]
            depth = pattern.count("/") + (0 if any(c in pattern for c in "*?[") else 1)
        else:
            depth = 0
        if not recursive:
            paths = [p for p in paths if p.count("/") <= depth]
        if dataset_id:
            mine = {(f.path, f.sha256, f.url) for f in _backend().get_dataset_files(self.id)}
            theirs = {f.path for f in _backend().get_dataset_files(dataset_id)
                      if f.state != "inherited" and (f.path, f.sha256, f.url) in mine}
            paths = [p for p in paths if p in theirs]
        return paths

    def list_added_files(self, dataset_id: str | None = None) -> list[str]:
        """Paths of the files this version (or the version ``dataset_id``) added: paths its parents did not have."""
        return [f.path for f in _backend().get_dataset_files(dataset_id or self.id) if f.state == "added"]

    def list_modified_files(self, dataset_id: str | None = None) -> list[str]:
        """Paths this version (or the version ``dataset_id``) took from its parents with other content."""
        return [f.path for f in _backend().get_dataset_files(dataset_id or self.id) if f.state == "modified"]

    def list_removed_files(self, dataset_id: str | None = None) -> list[str]:
        """Paths its parents had that this version (or the version ``dataset_id``) removed."""
        return _backend().get_removed_dataset_files(dataset_id or self.id)

    def get_dependency_graph(self) -> dict[str, list[str]]:
        """``{version id: [parent ids]}`` for this version and its ancestors."""
        return _backend().get_dataset_graph(self.id)

    def diff(self, other: str | Dataset) -> dict[str, list[str]]:
        """What this version added, removed and modified compared with ``other``."""
        return _backend().diff_datasets(_id_of(other), self.id)

    # -- metadata, logger ------------------------------------------------------------------------
    @property
    def _task(self) -> Task:
        """The task backing this version. A property, as ClearML's attribute of that name: its own
        examples call ``dataset._task.upload_artifact(...)``."""
        from jupyter_ext.sdk.tasks.task import Task

        return Task.get_task(task_id=self.id)

    def get_logger(self) -> Logger:
        """The Logger of the task backing this version (plots, tables, text)."""
        return self._task.get_logger()

    def set_metadata(self, metadata: Any, metadata_name: str = "metadata", ui_visible: bool = True) -> None:
        """Attach something to this version under ``metadata_name``: a dict, DataFrame or array,
        or a file such as the script that prepared the data (anything ``Task.upload_artifact``
        takes; it becomes an artifact of the version's backing task). A name used again is
        replaced. Each version has its own: a child does not inherit its parents'.

        >>> ds.set_metadata({"rows": 50000, "source": "kaggle"})
        >>> ds.set_metadata("prepare_data.py", metadata_name="script")
        """
        task = self._task
        if not task.upload_artifact(metadata_name, metadata, wait_on_upload=True):
            raise Unavailable(f"could not store metadata {metadata_name!r} of dataset {self.name!r}")
        if ui_visible and type(metadata).__name__ == "DataFrame":
            task.get_logger().report_table("Metadata", metadata_name, iteration=0, table_plot=metadata)
            task.get_logger().flush()

    def get_metadata(self, metadata_name: str = "metadata") -> Any:
        """What :meth:`set_metadata` stored under ``metadata_name`` in its original form (a
        file comes back as the path of a cached local copy), or None if nothing is."""
        artifact = self._task.artifacts.get(metadata_name)
        return None if artifact is None else artifact.get()


def _backend() -> Backend:
    """Wherever the store is (the dataset rules are :mod:`jupyter_ext.core.datasets`)."""
    return session.backend()
