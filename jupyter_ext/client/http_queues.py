"""The queue, worker and pipeline calls of :class:`~jupyter_ext.client.http.HttpBackend`."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.wire import codec

if TYPE_CHECKING:
    from jupyter_ext.store.rows import ChangeRow, PipelineRunRow, QueueRow, TaskRow, WorkerRow


class QueueCalls:
    """Mixed into HttpBackend, whose request helpers these use."""

    if TYPE_CHECKING:
        def _request(self, name: str, path: Mapping[str, str] | None = None, **kwargs: Any) -> Any: ...
        def _post(self, name: str, path: Mapping[str, str] | None, body: Mapping[str, Any]) -> Any: ...
        def _task_post(self, name: str, task_id: str, body: Mapping[str, Any]) -> TaskRow: ...
        def get_task(self, task_id: str) -> TaskRow: ...

    # -- queues and workers -----------------------------------------------------------------------
    def enqueue_task(self, task_id: str, queue: str | None = None, *, force: bool = False,
                     create_queue: bool = False) -> TaskRow:
        body: dict[str, Any] = {"force": force, "create_queue": create_queue}
        if queue is not None:
            body["queue"] = queue
        return self._task_post("enqueue_task", task_id, body)

    def dequeue_task(self, task_id: str) -> TaskRow:
        return self._task_post("dequeue_task", task_id, {})

    def abort_task(self, task_id: str) -> TaskRow:
        return self._task_post("abort_task", task_id, {})

    def list_queues(self) -> list[QueueRow]:
        return [codec.queue_in(q) for q in self._request("list_queues")["items"]]

    def get_queue(self, name_or_id: str) -> QueueRow:
        return codec.queue_in(self._request("get_queue", {"queue": name_or_id}))

    def create_queue(self, name: str, tags: Sequence[str] = ()) -> QueueRow:
        return codec.queue_in(self._post("create_queue", None, {"name": name, "tags": list(tags)}))

    def delete_queue(self, name_or_id: str, *, force: bool = False) -> None:
        self._request("delete_queue", {"queue": name_or_id}, params={"force": "true" if force else "false"})

    def move_queue_entry(self, task_id: str, *, queue: str | None = None,
                         position: str | int = "bottom") -> QueueRow:
        current = self.get_task(task_id).queue or "default"  # the route names the queue it is in now
        body: dict[str, Any] = {"position": position}
        if queue is not None:
            body["queue"] = queue
        return codec.queue_in(self._post("move_queue_entry", {"queue": current, "task_id": task_id}, body))

    def pop_next_task(self, worker_id: str, queues: Sequence[str]) -> TaskRow | None:
        names = [queues] if isinstance(queues, str) else list(queues)
        got = self._post("pop_next_task", None, {"worker": worker_id, "queues": names})
        return None if got["task"] is None else codec.task_in(got["task"])

    def register_worker(self, worker_id: str, queues: Sequence[str], info: Mapping[str, Any]) -> WorkerRow:
        names = [queues] if isinstance(queues, str) else list(queues)
        body = {"id": worker_id, "queues": names, "info": dict(info)}
        return codec.worker_in(self._post("register_worker", None, body))

    def worker_heartbeat(self, worker_id: str, task_id: str | None, stats: Mapping[str, Any]) -> dict[str, bool]:
        body = {"task": task_id, "stats": dict(stats)}
        return dict(self._post("worker_heartbeat", {"worker_id": worker_id}, body))

    def unregister_worker(self, worker_id: str) -> None:
        self._request("unregister_worker", {"worker_id": worker_id})

    def list_workers(self) -> list[WorkerRow]:
        return [codec.worker_in(w) for w in self._request("list_workers")["items"]]

    # -- the change feed, read once -----------------------------------------------------------------
    def changes_since(self, since: float, kinds: Sequence[str] = ()) -> list[ChangeRow]:
        from jupyter_ext.store.rows import ChangeRow

        params: dict[str, Any] = {"since": repr(float(since))}
        if kinds:
            params["kind"] = list(kinds)
        return [ChangeRow.from_dict(c) for c in self._request("list_changes", params=params)["items"]]

    # -- pipelines --------------------------------------------------------------------------------
    def list_pipelines(self, *, project: str | None = None, status: str | None = None, limit: int | None = None,
                       offset: int = 0) -> list[PipelineRunRow]:
        params: dict[str, Any] = {"offset": offset}
        if project:
            params["project"] = project
        if status:
            params["status"] = status
        if limit is not None:
            params["limit"] = limit
        return [codec.pipeline_run_in(i) for i in self._request("list_pipelines", params=params)["items"]]

    def get_pipeline(self, task_id: str) -> dict[str, Any]:
        return _pipeline_in(self._request("get_pipeline", {"task_id": task_id}))


def _pipeline_in(item: dict[str, Any]) -> dict[str, Any]:
    """Times back to epoch seconds, except under keys that hold counts or the user's values."""
    kept: dict[str, Any] = {k: item[k] for k in ("step_status", "parameters") if k in item}
    out: dict[str, Any] = codec.times_to_epoch({k: v for k, v in item.items() if k not in kept})
    out.update(kept)
    return out
