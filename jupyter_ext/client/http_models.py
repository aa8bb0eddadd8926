"""The model registry calls of :class:`~jupyter_ext.client.http.HttpBackend`, with a model's own metrics."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.wire import codec

if TYPE_CHECKING:
    from jupyter_ext.store.rows import ModelRow, ModelVersionRow


class ModelCalls:
    """Mixed into HttpBackend, whose request helpers these use."""

    if TYPE_CHECKING:
        def _request(self, name: str, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any: ...
        def _post(self, name: str, path: Mapping[str, str] | None, body: Mapping[str, Any]) -> Any: ...
        def _json(self, name: str, path: Mapping[str, str] | None = None, body: Any = None, **kwargs: Any) -> Any: ...

    # -- models -----------------------------------------------------------------------------------
    def create_model(self, spec: Mapping[str, Any]) -> ModelRow:
        return codec.model_in(self._post("create_model", None, dict(spec)))

    def get_model(self, model_id: str, version: int | None = None) -> ModelRow:
        params = {} if version is None else {"version": version}
        return codec.model_in(self._request("get_model", {"model_id": model_id}, params=params))

    def update_model(self, model_id: str, fields: Mapping[str, Any]) -> ModelRow:
        return codec.model_in(self._post("update_model", {"model_id": model_id}, dict(fields)))

    def set_model_metadata(self, model_id: str, items: Mapping[str, Any], *, replace: bool = False
                           ) -> ModelRow:
        body = {"items": dict(items), "replace": replace}
        return codec.model_in(self._post("set_model_metadata", {"model_id": model_id}, body))

    def add_model_version(self, model_id: str, spec: Mapping[str, Any]) -> ModelRow:
        return codec.model_in(self._post("add_model_version", {"model_id": model_id}, dict(spec)))

    def get_model_versions(self, model_id: str) -> list[ModelVersionRow]:
        items = self._request("get_model_versions", {"model_id": model_id})["items"]
        return [codec.model_version_in(v) for v in items]

    def publish_model(self, model_id: str) -> ModelRow:
        return codec.model_in(self._post("publish_model", {"model_id": model_id}, {}))

    def archive_model(self, model_id: str, archived: bool = True) -> ModelRow:
        return codec.model_in(self._post("archive_model", {"model_id": model_id}, {"archived": archived}))

    def remove_model(self, model_id: str, *, force: bool = False, delete_weights: bool = False) -> None:
        self._request("remove_model", {"model_id": model_id}, params={
            "force": "true" if force else "false", "delete_weights": "true" if delete_weights else "false"})

    def query_models(self, **filters: Any) -> list[ModelRow]:
        return [codec.model_in(m) for m in self._post("query_models", None, filters)["items"]]

    def find_model(self, project_name: str | None, model_name: str, version: int | None = None,
                   tags: Sequence[str] | None = None, only_published: bool = False) -> ModelRow:
        params: dict[str, Any] = {"name": model_name, "only_published": "true" if only_published else "false"}
        if project_name is not None:
            params["project"] = project_name
        if version is not None:
            params["version"] = version
        if tags:
            params["tag"] = list(tags)
        return codec.model_in(self._request("find_model", params=params))

    def link_task_model(self, task_id: str, model_id: str, mode: str, name: str | None = None) -> None:
        self._json("link_task_model", {"task_id": task_id}, {"model_id": model_id, "mode": mode, "name": name})

    def get_task_models(self, task_id: str) -> dict[str, list[ModelRow]]:
        got = self._request("get_task_models", {"task_id": task_id})
        return {mode: [codec.model_in(m) for m in rows] for mode, rows in got.items()}

    def report_model_metrics(self, model_id: str, scalars: Sequence[Mapping[str, Any]] = (),
                             single_values: Sequence[Mapping[str, Any]] = (),
                             plots: Sequence[Mapping[str, Any]] = ()) -> dict[str, int]:
        body: dict[str, Any] = {"scalars": list(scalars), "single_values": list(single_values)}
        if plots:  # sent only when there are some, so an older server still takes scalars
            body["plots"] = list(plots)
        return dict(self._post("report_model_metrics", {"model_id": model_id}, body))

    def get_model_metrics(self, model_id: str) -> dict[str, list[dict[str, Any]]]:
        return dict(self._request("get_model_metrics", {"model_id": model_id}))
