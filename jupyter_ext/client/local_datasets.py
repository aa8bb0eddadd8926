"""The dataset calls of :class:`~jupyter_ext.client.local.LocalBackend`: each one function of
:mod:`jupyter_ext.core.datasets`, in process on the embedded store."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jupyter_ext.store.meta import MetaStore
    from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow


class LocalDatasetCalls:
    """Mixed into LocalBackend, whose opened store these use."""

    if TYPE_CHECKING:
        @property
        def store(self) -> MetaStore: ...

    def create_dataset(self, spec: Mapping[str, Any]) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.create(self.store, spec)

    def get_dataset(self, dataset_id: str) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.get(self.store, dataset_id)

    def find_dataset(self, *, project: str | None, name: str | None, version: str | None = None,
                     tags: Sequence[str] | None = None, only_final: bool = False,
                     include_archived: bool = False) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.find(self.store, project=project, name=name, version=version, tags=tags,
                             only_final=only_final, include_archived=include_archived)

    def query_datasets(self, *, project: str | None = None, name: str | None = None,
                       tags: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                       only_final: bool = False, include_archived: bool = True, exact_name: bool = False,
                       recursive: bool = True) -> list[DatasetVersionRow]:
        from jupyter_ext.core import datasets
        return datasets.list_versions(self.store, project=project, name=name, tags=tags, ids=ids,
                                      only_final=only_final, include_archived=include_archived,
                                      exact_name=exact_name, recursive=recursive)

    def get_dataset_files(self, dataset_id: str, folder: str | None = None) -> list[DatasetFileRow]:
        from jupyter_ext.core import datasets
        return datasets.files(self.store, dataset_id, folder)

    def get_removed_dataset_files(self, dataset_id: str) -> list[str]:
        from jupyter_ext.core import datasets
        return datasets.removed_files(self.store, dataset_id)

    def add_dataset_files(self, dataset_id: str, entries: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        from jupyter_ext.core import datasets
        return datasets.add_files(self.store, dataset_id, entries)

    def remove_dataset_files(self, dataset_id: str, pattern: str, recursive: bool = True) -> int:
        from jupyter_ext.core import datasets
        return datasets.remove_files(self.store, dataset_id, pattern, recursive)

    def get_pending_dataset_uploads(self, dataset_id: str) -> list[DatasetFileRow]:
        from jupyter_ext.core import datasets
        return datasets.pending_uploads(self.store, dataset_id)

    def mark_dataset_files_stored(self, dataset_id: str, stored: Sequence[Mapping[str, Any]]) -> None:
        from jupyter_ext.core import datasets
        datasets.mark_stored(self.store, dataset_id, stored)

    def finalize_dataset(self, dataset_id: str) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.finalize(self.store, dataset_id)

    def update_dataset(self, dataset_id: str, fields: Mapping[str, Any]) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.update(self.store, dataset_id, fields)

    def move_dataset(self, dataset_id: str, project: str) -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.move(self.store, dataset_id, project)

    def get_dataset_graph(self, dataset_id: str) -> dict[str, list[str]]:
        from jupyter_ext.core import datasets
        return datasets.dependency_graph(self.store, dataset_id)

    def diff_datasets(self, source_id: str, target_id: str) -> dict[str, list[str]]:
        from jupyter_ext.core import datasets
        return datasets.diff(self.store, source_id, target_id)

    def squash_datasets(self, name: str, dataset_ids: Sequence[str], *, project: str | None = None,
                        location: str = "") -> DatasetVersionRow:
        from jupyter_ext.core import datasets
        return datasets.squash(self.store, name=name, dataset_ids=dataset_ids, project=project, location=location)

    def delete_dataset(self, dataset_id: str, *, force: bool = False) -> None:
        from jupyter_ext.core import datasets
        datasets.delete(self.store, dataset_id, force=force)
