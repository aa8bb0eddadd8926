"""The model registry calls of :class:`~jupyter_ext.client.http.HttpBackend`, with a model's own metrics."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any


class ModelCalls:
    """Mixed into HttpBackend, whose request helpers these use."""

    if TYPE_CHECKING:
        def _request(self, name: str, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any: ...
        def _post(self, name: str, path: Mapping[str, str] | None, body: Mapping[str, Any]) -> Any: ...
        def _json(self, name: str, path: Mapping[str, str] | None = None, body: Any = None, **kwargs: Any) -> Any: ...

    # -- models -----------------------------------------------------------------------------------
    def create_model(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        return self._json("create_model", body=dict(spec))  # type: ignore[no-any-return]

    def get_model(self, model_id: str, version: int | None = None) -> dict[str, Any]:
        params = {} if version is None else {"version": version}
        return self._json("get_model", {"model_id": model_id}, params=params)  # type: ignore[no-any-return]

    def update_model(self, model_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        return self._json("update_model", {"model_id": model_id}, dict(fields))  # type: ignore[no-any-return]

    def set_model_metadata(self, model_id: str, items: Mapping[str, Any], *, replace: bool = False
                           ) -> dict[str, Any]:
        body = {"items": dict(items), "replace": replace}
        return self._json("set_model_metadata", {"model_id": model_id}, body)  # type: ignore[no-any-return]

    def add_model_version(self, model_id: str, spec: Mapping[str, Any]) -> dict[str, Any]:
        return self._json("add_model_version", {"model_id": model_id}, dict(spec))  # type: ignore[no-any-return]

    def get_model_versions(self, model_id: str) -> list[dict[str, Any]]:
        return self._json("get_model_versions", {"model_id": model_id})["items"]  # type: ignore[no-any-return]

    def publish_model(self, model_id: str) -> dict[str, Any]:
        return self._json("publish_model", {"model_id": model_id}, {})  # type: ignore[no-any-return]

    def archive_model(self, model_id: str, archived: bool = True) -> dict[str, Any]:
        body = {"archived": archived}
        return self._json("archive_model", {"model_id": model_id}, body)  # type: ignore[no-any-return]

    def remove_model(self, model_id: str, *, force: bool = False, delete_weights: bool = False) -> None:
        self._request("remove_model", {"model_id": model_id}, params={
            "force": "true" if force else "false", "delete_weights": "true" if delete_weights else "false"})

    def query_models(self, **filters: Any) -> list[dict[str, Any]]:
        return self._json("query_models", body=filters)["items"]  # type: ignore[no-any-return]

    def find_model(self, project_name: str | None, model_name: str, version: int | None = None,
                   tags: Sequence[str] | None = None, only_published: bool = False) -> dict[str, Any]:
        params: dict[str, Any] = {"name": model_name, "only_published": "true" if only_published else "false"}
        if project_name is not None:
            params["project"] = project_name
        if version is not None:
            params["version"] = version
        if tags:
            params["tag"] = list(tags)
        return self._json("find_model", params=params)  # type: ignore[no-any-return]

    def link_task_model(self, task_id: str, model_id: str, mode: str, name: str | None = None) -> None:
        self._json("link_task_model", {"task_id": task_id}, {"model_id": model_id, "mode": mode, "name": name})

    def get_task_models(self, task_id: str) -> dict[str, list[dict[str, Any]]]:
        return self._json("get_task_models", {"task_id": task_id})  # type: ignore[no-any-return]

    def report_model_metrics(self, model_id: str, scalars: Sequence[Mapping[str, Any]] = (),
                             single_values: Sequence[Mapping[str, Any]] = ()) -> dict[str, int]:
        body = {"scalars": list(scalars), "single_values": list(single_values)}
        return dict(self._post("report_model_metrics", {"model_id": model_id}, body))

    def get_model_metrics(self, model_id: str) -> dict[str, list[dict[str, Any]]]:
        return dict(self._request("get_model_metrics", {"model_id": model_id}))
