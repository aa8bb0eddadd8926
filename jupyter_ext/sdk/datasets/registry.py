"""Finding and managing whole datasets: ``Dataset.list_datasets``, ``squash``, ``delete``,
``rename``, ``move_to_project`` (a mixin of :class:`jupyter_ext.sdk.datasets.dataset.Dataset`)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_ext.errors import AlreadyExists, InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as file_cache
from jupyter_ext.sdk._compat import ignored

if TYPE_CHECKING:
    from jupyter_ext.sdk.datasets.dataset import Dataset
    from jupyter_ext.store.rows import DatasetVersionRow


def id_of(ds: str | Dataset) -> str:
    return str(getattr(ds, "id", ds))


_D = TypeVar("_D", bound="DatasetRegistry")


class DatasetRegistry:
    if TYPE_CHECKING:
        def __init__(self, row: DatasetVersionRow) -> None: ...

        @property
        def id(self) -> str: ...

        @classmethod
        def get(cls: type[_D], dataset_id: str | None = None, dataset_project: str | None = None,
                dataset_name: str | None = None, **kwargs: Any) -> _D: ...

    @classmethod
    def list_datasets(cls, dataset_project: str | None = None, partial_name: str | None = None,
                      tags: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                      only_completed: bool = True, recursive_project_search: bool = True,
                      include_archived: bool = True) -> list[dict[str, Any]]:
        """Versions as dicts (``id, name, project, version, tags, created, status, file_count …``),
        newest version first."""
        found = session.backend().query_datasets(project=dataset_project, name=partial_name, tags=tags, ids=ids,
                                                 only_final=only_completed, include_archived=include_archived,
                                                 recursive=recursive_project_search)
        return [{"id": r.id, "name": r.name, "project": r.project_name, "version": r.version,
                 "tags": list(r.tags), "created": r.created, "status": r.status, "description": r.description,
                 "file_count": r.file_count, "total_size": r.total_size, "parents": list(r.parents)}
                for r in found]

    @classmethod
    def squash(cls: type[_D], dataset_name: str, dataset_ids: Sequence[str | Dataset] | None = None,
               dataset_project_name_pairs: Sequence[tuple[str, str]] | None = None,
               output_url: str | None = None) -> _D:
        """One standalone, finalized version holding the merged files of several (a later one
        winning). No bytes are copied."""
        ids = [id_of(d) for d in dataset_ids or []]
        ids += [cls.get(dataset_project=p, dataset_name=n).id for p, n in dataset_project_name_pairs or []]
        if not ids:
            raise InvalidArgument("squash needs dataset_ids=[...] or dataset_project_name_pairs=[(project, name), ...]")
        return cls(session.backend().squash_datasets(dataset_name, ids, location=file_cache.destination(output_url)))

    @classmethod
    def delete(cls, dataset_id: str | None = None, dataset_project: str | None = None,
               dataset_name: str | None = None, force: bool = False, dataset_version: str | int | None = None,
               entire_dataset: bool = False, shallow_search: bool = False, delete_files: bool = True,
               delete_external_files: bool = False) -> None:
        """Delete a version (or, with ``entire_dataset=True``, every version of the dataset).
        A version that is the parent of another is kept unless ``force=True``. Stored files
        that no other version shares are freed by the next garbage collection."""
        ignored("Dataset.delete", shallow_search=shallow_search, delete_files=delete_files,
                                  delete_external_files=delete_external_files)
        backend = session.backend()
        if dataset_id:
            backend.delete_dataset(str(dataset_id), force=force)
            return
        if not entire_dataset:
            backend.delete_dataset(cls.get(dataset_project=dataset_project, dataset_name=dataset_name,
                                           dataset_version=dataset_version, include_archived=True).id, force=force)
            return
        versions = backend.query_datasets(project=dataset_project, name=dataset_name, exact_name=True,
                                          recursive=False)
        if not versions:
            raise NotFound(f"no dataset {dataset_name!r} in {dataset_project!r}")
        for row in versions:  # newest first: children go before their parents
            backend.delete_dataset(row.id, force=True)

    @classmethod
    def rename(cls, new_dataset_name: str, dataset_project: str, dataset_name: str) -> None:
        """Give every version of a dataset a new name."""
        versions = cls._all_versions(dataset_project, dataset_name)
        backend = session.backend()
        if backend.query_datasets(project=dataset_project, name=new_dataset_name, exact_name=True, recursive=False):
            raise AlreadyExists(f"a dataset {new_dataset_name!r} already exists in {dataset_project!r}")
        for row in versions:
            backend.update_dataset(row.id, {"name": new_dataset_name})
            backend.update_task(row.id, {"name": new_dataset_name})
            backend.move_task(row.id, f"{row.project_name}/.datasets/{new_dataset_name}")

    @classmethod
    def move_to_project(cls, new_dataset_project: str, dataset_project: str, dataset_name: str) -> None:
        """Move every version of a dataset to another project."""
        versions = cls._all_versions(dataset_project, dataset_name)
        backend = session.backend()
        if backend.query_datasets(project=new_dataset_project, name=dataset_name, exact_name=True, recursive=False):
            raise AlreadyExists(f"a dataset {dataset_name!r} already exists in {new_dataset_project!r}")
        for row in versions:
            backend.move_dataset(row.id, new_dataset_project)
            backend.move_task(row.id, f"{new_dataset_project}/.datasets/{dataset_name}")

    @staticmethod
    def _all_versions(project: str, name: str) -> list[DatasetVersionRow]:
        versions = session.backend().query_datasets(project=project, name=name, exact_name=True, recursive=False)
        if not versions:
            raise NotFound(f"no dataset {name!r} in {project!r}")
        return versions

