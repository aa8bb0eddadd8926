"""Operations on queues and workers: parse, call ``core/queues.py`` / ``core/workers.py``,
serialise, and announce the change on the ``changes`` feed (kinds ``queue``, ``worker``, ``task``).
A queue is announced by its name (``id`` of the message), as the store poller knows it."""
from __future__ import annotations

from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call, Reply
from jupyter_ext.wire import codec


# -- tasks in and out of queues -------------------------------------------------------------------
def enqueue_task(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import queues

    row = queues.enqueue(call.backend.store, call.path["task_id"], call.b("queue", kind=str),
                         force=_flag(call, "force"), create_queue=_flag(call, "create_queue"))
    return _task_changed(call, row)


def dequeue_task(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import queues

    task_id = call.path["task_id"]
    before = queues.waiting_in(call.backend.store, task_id)  # the queue it leaves, for the announcement
    row = queues.dequeue(call.backend.store, task_id)
    return _task_changed(call, row, before)


def abort_task(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import queues

    row = queues.abort(call.backend.store, call.path["task_id"], user=call.user.username)
    return _task_changed(call, row)


def _task_changed(call: Call, row: Any, queue: str | None = None) -> dict[str, Any]:
    call.announce("task", row.id, ["status", "queue"], status=row.status)
    if queue or row.queue:
        call.announce("queue", queue or row.queue, ["entries"], name=queue or row.queue)
    return codec.task_out(row)


# -- queues ---------------------------------------------------------------------------------------
def list_queues(call: Call) -> dict[str, Any]:
    items = [codec.queue_out(q) for q in call.backend.list_queues()]
    return {"items": items, "total": len(items)}


def create_queue(call: Call) -> dict[str, Any]:
    name = call.b("name", kind=str)
    if not name:
        raise errors.InvalidArgument('give the queue a name: {"name": "gpu"}')
    tags = call.b("tags", [], list)
    made = call.backend.create_queue(name, tags)
    call.announce("queue", made.name, ["created"], name=made.name, queue_id=made.id)
    return codec.queue_out(made)


def get_queue(call: Call) -> dict[str, Any]:
    return codec.queue_out(call.backend.get_queue(call.path["queue"]))


def delete_queue(call: Call) -> Reply:
    from jupyter_ext.core import queues

    found, waiting = queues.find_with_tasks(call.backend.store, call.path["queue"])
    if found is None:
        raise errors.NotFound(f"no queue named (or with id) {call.path['queue']!r}")
    call.backend.delete_queue(found.id, force=bool(call.q_bool("force", False)))
    call.announce("queue", found.name, [], deleted=True, name=found.name, queue_id=found.id)
    for task_id in waiting:
        call.announce("task", task_id, ["status", "queue"], status="created")
    return Reply({"deleted": found.id})


def move_queue_entry(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import queues

    task_id = call.path["task_id"]
    source, entry = queues.find_with_entry(call.backend.store, call.path["queue"], task_id)
    position = call.b("position", "bottom", (str, int))
    if entry is not None and (source is None or entry.queue_id != source.id):  # not queued at all: core says so
        raise errors.NotFound(f"task {task_id} is not waiting in queue {call.path['queue']!r}; reload the queue")
    target = call.backend.move_queue_entry(task_id, queue=call.b("queue", kind=str), position=position)
    assert source is not None  # the task was queued in it
    call.announce("queue", source.name, ["entries"], name=source.name, queue_id=source.id)
    if target.id != source.id:
        call.announce("queue", target.name, ["entries"], name=target.name, queue_id=target.id)
        call.announce("task", task_id, ["queue"])
    return codec.queue_out(target)


def pop_next_task(call: Call) -> dict[str, Any]:
    worker = call.b("worker", kind=str)
    if not worker:
        raise errors.InvalidArgument('name the worker taking the task: {"worker": "host:0", "queues": ["default"]}')
    names = call.b("queues", [], list)
    row = call.backend.pop_next_task(worker, names)
    if row is None:
        return {"task": None}
    _task_changed(call, row)
    call.announce("worker", worker, ["task", "state"])
    return {"task": codec.task_out(row)}


# -- workers --------------------------------------------------------------------------------------
def list_workers(call: Call) -> dict[str, Any]:
    items = [codec.worker_out(w) for w in call.backend.list_workers()]
    return {"items": items, "total": len(items)}


def register_worker(call: Call) -> dict[str, Any]:
    worker_id = call.b("id", kind=str)
    if not worker_id:
        raise errors.InvalidArgument('give the worker id: {"id": "host:0", "queues": ["default"], "info": {}}')
    made = call.backend.register_worker(worker_id, call.b("queues", [], list), call.b("info", {}, dict))
    call.announce("worker", made.id, ["registered", "queues", "state"])
    return codec.worker_out(made)


def worker_heartbeat(call: Call) -> dict[str, Any]:
    worker_id = call.path["worker_id"]
    task = call.b("task", kind=str)
    answer = call.backend.worker_heartbeat(worker_id, task, call.b("stats", {}, dict))
    call.announce("worker", worker_id, ["last_seen", "task", "stats"], task=task)
    return answer


def unregister_worker(call: Call) -> Reply:
    worker_id = call.path["worker_id"]
    call.backend.unregister_worker(worker_id)
    call.announce("worker", worker_id, [], deleted=True)
    return Reply({"deleted": worker_id})


def _flag(call: Call, name: str) -> bool:
    return bool(call.b(name, False, bool)) or bool(call.q_bool(name, False))


OPERATIONS = {f.__name__: f for f in (
    enqueue_task, dequeue_task, abort_task, list_queues, create_queue, get_queue, delete_queue, move_queue_entry,
    pop_next_task, list_workers, register_worker, worker_heartbeat, unregister_worker,
)}
