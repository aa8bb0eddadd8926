"""The dataset calls of :class:`~jupyter_ext.client.http.HttpBackend`: one route per operation."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.wire import codec

if TYPE_CHECKING:
    from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow


class DatasetCalls:
    """Mixed into HttpBackend, whose request helpers these use."""

    if TYPE_CHECKING:
        def _request(self, name: str, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any: ...
        def _post(self, name: str, path: Mapping[str, str] | None, body: Mapping[str, Any]) -> Any: ...

    def create_dataset(self, spec: Mapping[str, Any]) -> DatasetVersionRow:
        return codec.dataset_in(self._post("create_dataset", None, dict(spec)))

    def get_dataset(self, dataset_id: str) -> DatasetVersionRow:
        return codec.dataset_in(self._request("get_dataset", {"dataset_id": dataset_id}))

    def find_dataset(self, *, project: str | None, name: str | None, version: str | None = None,
                     tags: Sequence[str] | None = None, only_final: bool = False,
                     include_archived: bool = False) -> DatasetVersionRow:
        params: dict[str, Any] = {"only_final": _flag(only_final), "include_archived": _flag(include_archived)}
        for key, value in (("project", project), ("name", name), ("version", version)):
            if value is not None:
                params[key] = str(value)
        if tags:
            params["tag"] = list(tags)
        return codec.dataset_in(self._request("find_dataset", params=params))

    def query_datasets(self, *, project: str | None = None, name: str | None = None,
                       tags: Sequence[str] | None = None, ids: Sequence[str] | None = None,
                       only_final: bool = False, include_archived: bool = True, exact_name: bool = False,
                       recursive: bool = True) -> list[DatasetVersionRow]:
        body = {"project": project, "name": name, "tags": None if tags is None else list(tags),
                "ids": None if ids is None else list(ids), "only_final": only_final,
                "include_archived": include_archived, "exact_name": exact_name, "recursive": recursive}
        return [codec.dataset_in(d) for d in self._post("query_datasets", None, body)["items"]]

    def get_dataset_files(self, dataset_id: str, folder: str | None = None) -> list[DatasetFileRow]:
        params = {} if folder is None else {"folder": folder}
        got = self._request("get_dataset_files", {"dataset_id": dataset_id}, params=params)
        return [codec.dataset_file_in(f) for f in got["items"]]

    def get_removed_dataset_files(self, dataset_id: str) -> list[str]:
        return list(self._request("get_removed_dataset_files", {"dataset_id": dataset_id})["items"])

    def add_dataset_files(self, dataset_id: str, entries: Sequence[Mapping[str, Any]]) -> dict[str, int]:
        got = self._post("add_dataset_files", {"dataset_id": dataset_id}, {"entries": [dict(e) for e in entries]})
        return {k: int(v) for k, v in got.items()}

    def remove_dataset_files(self, dataset_id: str, pattern: str, recursive: bool = True) -> int:
        body = {"pattern": pattern, "recursive": recursive}
        return int(self._post("remove_dataset_files", {"dataset_id": dataset_id}, body)["removed"])

    def get_pending_dataset_uploads(self, dataset_id: str) -> list[DatasetFileRow]:
        got = self._request("get_pending_dataset_uploads", {"dataset_id": dataset_id})
        return [codec.dataset_file_in(f) for f in got["items"]]

    def mark_dataset_files_stored(self, dataset_id: str, stored: Sequence[Mapping[str, Any]]) -> None:
        self._post("mark_dataset_files_stored", {"dataset_id": dataset_id}, {"stored": [dict(s) for s in stored]})

    def finalize_dataset(self, dataset_id: str) -> DatasetVersionRow:
        return codec.dataset_in(self._post("finalize_dataset", {"dataset_id": dataset_id}, {}))

    def update_dataset(self, dataset_id: str, fields: Mapping[str, Any]) -> DatasetVersionRow:
        return codec.dataset_in(self._post("update_dataset", {"dataset_id": dataset_id}, dict(fields)))

    def move_dataset(self, dataset_id: str, project: str) -> DatasetVersionRow:
        return codec.dataset_in(self._post("move_dataset", {"dataset_id": dataset_id}, {"project": project}))

    def get_dataset_graph(self, dataset_id: str) -> dict[str, list[str]]:
        got = self._request("get_dataset_graph", {"dataset_id": dataset_id})
        return {str(k): list(v) for k, v in got.items()}

    def diff_datasets(self, source_id: str, target_id: str) -> dict[str, list[str]]:
        got = self._request("diff_datasets", {"dataset_id": source_id, "other_id": target_id})
        return {str(k): list(v) for k, v in got.items()}

    def squash_datasets(self, name: str, dataset_ids: Sequence[str], *, project: str | None = None,
                        location: str = "") -> DatasetVersionRow:
        body = {"name": name, "dataset_ids": list(dataset_ids), "project": project, "location": location}
        return codec.dataset_in(self._post("squash_datasets", None, body))

    def delete_dataset(self, dataset_id: str, *, force: bool = False) -> None:
        self._request("delete_dataset", {"dataset_id": dataset_id}, params={"force": _flag(force)})


def _flag(value: bool) -> str:
    return "true" if value else "false"
