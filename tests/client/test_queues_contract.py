"""Queues and workers through the Backend interface: the same answers in process and over HTTP."""
from __future__ import annotations

import time
from typing import Any

import pytest

from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store.rows import WorkerTaskRow


def _task(backend: Any, name: str = "t", **spec: Any) -> Any:
    return backend.create_task({"project": "Q", "name": name, **spec})


def _entry_ids(backend: Any, queue: str = "default") -> list[str]:
    return [e.task_id for e in backend.get_queue(queue).entries]


def _age_worker(db_url: str, worker_id: str, seconds: float) -> None:
    """Pretend the worker was last seen ``seconds`` ago (both backends share this file)."""
    from sqlalchemy import update

    from jupyter_ext.store.meta import MetaStore
    from jupyter_ext.store.schema import workers

    store = MetaStore.open(db_url)
    try:
        with store.write() as conn:
            conn.execute(update(workers).where(workers.c.id == worker_id)
                         .values(last_seen=time.time() - seconds))
    finally:
        store.close()


def test_enqueue_puts_a_draft_in_the_default_queue_made_on_first_use(backend: Any) -> None:
    assert backend.list_queues() == []
    task = _task(backend, system_tags=["development", "keep"])
    row = backend.enqueue_task(task.id)
    assert (row.status, row.queue) == ("queued", "default")
    assert row.system_tags == ("keep",)  # enqueue drops "development", as ClearML does
    queues = backend.list_queues()
    assert [q.name for q in queues] == ["default"]
    queue = queues[0]
    assert queue.num_entries == 1 and queue.workers == () and queue.tags == ()
    entry = queue.entries[0]
    assert (entry.task_id, entry.name, entry.project, entry.status) == (task.id, "t", "Q", "queued")
    assert isinstance(entry.added, float) and isinstance(queue.created, float)
    assert backend.get_queue(queue.id).name == "default"  # by id as well as by name
    assert backend.get_task(task.id).queue == "default"


def test_other_queues_must_exist_unless_asked_to_create(backend: Any) -> None:
    task = _task(backend)
    with pytest.raises(NotFound, match="jupyter track queues create gpu"):
        backend.enqueue_task(task.id, "gpu")
    assert backend.get_task(task.id).status == "created"  # nothing half-done
    assert backend.enqueue_task(task.id, "gpu", create_queue=True).queue == "gpu"
    assert _entry_ids(backend, "gpu") == [task.id]


def test_queue_names_are_checked_and_unique(backend: Any) -> None:
    made = backend.create_queue("cpu", ["fast"])
    assert (made.name, made.tags, made.entries, made.num_entries) == ("cpu", ("fast",), (), 0)
    with pytest.raises(AlreadyExists):
        backend.create_queue("cpu")
    for bad in ("", "a/b", "x" * 201, "tab\there", "next"):
        with pytest.raises(InvalidArgument):
            backend.create_queue(bad)
    with pytest.raises(NotFound):
        backend.get_queue("nope")


@pytest.mark.parametrize(("status", "advice"), [("completed", "reset"), ("in_progress", "abort"),
                                                ("published", "clone")])
def test_enqueue_refuses_finished_running_and_published_tasks(backend: Any, status: str, advice: str) -> None:
    task = _task(backend)
    backend.set_task_status(task.id, status, force=True)
    with pytest.raises(Conflict, match=advice):
        backend.enqueue_task(task.id)
    assert backend.get_task(task.id).status == status
    assert backend.list_queues() == [] or _entry_ids(backend) == []


@pytest.mark.parametrize("status", ["stopped", "failed"])
def test_stopped_and_failed_tasks_may_be_enqueued(backend: Any, status: str) -> None:
    task = _task(backend)
    backend.set_task_status(task.id, status, force=True)
    assert backend.enqueue_task(task.id).status == "queued"


def test_enqueue_again_is_a_no_op_in_the_same_queue_and_a_conflict_in_another(backend: Any) -> None:
    task = _task(backend)
    backend.create_queue("other")
    backend.enqueue_task(task.id)
    assert backend.enqueue_task(task.id, "default").status == "queued"
    assert _entry_ids(backend) == [task.id]
    with pytest.raises(Conflict, match="already queued"):
        backend.enqueue_task(task.id, "other")
    assert _entry_ids(backend, "other") == []


def test_dequeue_sends_the_task_back_to_draft(backend: Any) -> None:
    task = _task(backend)
    backend.enqueue_task(task.id)
    row = backend.dequeue_task(task.id)
    assert row.status == "created"
    assert _entry_ids(backend) == []
    with pytest.raises(Conflict, match="not queued"):
        backend.dequeue_task(task.id)


def test_pop_takes_the_first_task_of_the_first_non_empty_queue(backend: Any) -> None:
    backend.create_queue("high")
    low = [_task(backend, f"low {i}") for i in range(2)]
    for t in low:
        backend.enqueue_task(t.id)
    high = _task(backend, "high")
    backend.enqueue_task(high.id, "high")
    backend.register_worker("host:0", ["high", "default"], {"host": "host"})
    got = [backend.pop_next_task("host:0", ["high", "default"]) for _ in range(3)]
    assert [r.id for r in got] == [high.id, low[0].id, low[1].id]
    assert backend.pop_next_task("host:0", ["high", "default"]) is None
    first = backend.get_task(high.id)
    assert (first.status, first.worker, first.status_message) == ("in_progress", "host:0", "started by host:0")
    assert first.started is not None
    assert _entry_ids(backend) == [] and _entry_ids(backend, "high") == []
    # unknown queues are simply empty
    assert backend.pop_next_task("host:0", ["no-such-queue"]) is None


def test_move_entries_within_a_queue_and_to_another(backend: Any) -> None:
    ids = []
    for i in range(4):
        t = _task(backend, f"t{i}")
        backend.enqueue_task(t.id)
        ids.append(t.id)
    a, b, c, d = ids
    assert [e.task_id for e in backend.move_queue_entry(d, position="top").entries] == [d, a, b, c]
    assert _entry_ids(backend) == [d, a, b, c]
    backend.move_queue_entry(d, position="bottom")
    assert _entry_ids(backend) == [a, b, c, d]
    backend.move_queue_entry(a, position=2)
    assert _entry_ids(backend) == [b, c, a, d]
    backend.move_queue_entry(d, position=f"before:{b}")
    assert _entry_ids(backend) == [d, b, c, a]
    backend.create_queue("gpu")
    moved = backend.move_queue_entry(c, queue="gpu", position="top")
    assert moved.name == "gpu" and [e.task_id for e in moved.entries] == [c]
    assert _entry_ids(backend) == [d, b, a]
    assert backend.get_task(c).queue == "gpu"
    with pytest.raises(InvalidArgument):
        backend.move_queue_entry(a, position="sideways")
    draft = _task(backend)
    with pytest.raises(Conflict, match="not queued"):
        backend.move_queue_entry(draft.id, position="top")


def test_abort_a_queued_task_stops_it(backend: Any) -> None:
    task = _task(backend)
    backend.enqueue_task(task.id)
    row = backend.abort_task(task.id)
    assert (row.status, row.status_reason) == ("stopped", "aborted while queued")
    assert _entry_ids(backend) == []


def test_abort_a_task_run_by_a_live_worker_asks_the_worker(backend: Any) -> None:
    task = _task(backend)
    backend.enqueue_task(task.id)
    backend.register_worker("host:1", ["default"], {})
    assert backend.pop_next_task("host:1", ["default"]).id == task.id
    assert backend.worker_heartbeat("host:1", task.id, {"cpu_percent": 3.0}) == {"abort": False}
    row = backend.abort_task(task.id)
    assert (row.status, row.status_message) == ("in_progress", "stopping")
    assert backend.worker_heartbeat("host:1", task.id, {}) == {"abort": True}
    # the worker stops the run and reports it
    assert backend.set_task_status(task.id, "stopped").status == "stopped"


def test_abort_a_task_whose_worker_is_lost_or_absent_stops_it_at_once(backend: Any, db_url: str) -> None:
    notebook = _task(backend, status="in_progress")
    row = backend.abort_task(notebook.id)
    assert row.status == "stopped" and row.status_reason.startswith("aborted by ")
    task = _task(backend)
    backend.enqueue_task(task.id)
    backend.register_worker("host:2", ["default"], {})
    backend.pop_next_task("host:2", ["default"])
    _age_worker(db_url, "host:2", 120)
    assert backend.abort_task(task.id).status == "stopped"
    with pytest.raises(Conflict, match="only a queued or running task"):
        backend.abort_task(task.id)


def test_heartbeat_tells_the_worker_to_stop_when_its_task_moved_on(backend: Any) -> None:
    task = _task(backend)
    backend.enqueue_task(task.id)
    backend.register_worker("host:3", ["default"], {})
    backend.pop_next_task("host:3", ["default"])
    backend.set_task_status(task.id, "stopped", force=True)
    assert backend.worker_heartbeat("host:3", task.id, {})["abort"] is True
    backend.delete_task(task.id, force=True)
    assert backend.worker_heartbeat("host:3", task.id, {})["abort"] is True
    assert backend.worker_heartbeat("host:3", None, {})["abort"] is False


def test_workers_register_list_and_unregister(backend: Any, db_url: str) -> None:
    with pytest.raises(NotFound):
        backend.register_worker("host:4", ["gpu"], {})
    made = backend.register_worker("host:4", [], {"host": "host", "pid": 42, "cpu_count": 2})
    assert made.queues == ("default",) and made.state == "idle" and made.task is None
    assert made.info["pid"] == 42
    assert backend.get_queue("default").workers == ("host:4",)
    task = _task(backend, "run me")
    backend.enqueue_task(task.id)
    backend.pop_next_task("host:4", ["default"])
    backend.worker_heartbeat("host:4", task.id, {"cpu_percent": 50.0, "memory_used": 1024})
    (listed,) = backend.list_workers()
    assert listed.state == "running" and listed.task == WorkerTaskRow(id=task.id, name="run me",
                                                                      status="in_progress")
    assert listed.stats == {"cpu_percent": 50.0, "memory_used": 1024}
    assert isinstance(listed.last_seen, float) and isinstance(listed.registered, float)
    _age_worker(db_url, "host:4", 90)
    assert backend.list_workers()[0].state == "lost"
    _age_worker(db_url, "host:4", 700)
    assert backend.list_workers() == []
    backend.unregister_worker("host:4")
    backend.unregister_worker("host:4")  # twice is fine
    with pytest.raises(NotFound, match="register"):
        backend.worker_heartbeat("host:4", None, {})
    with pytest.raises(InvalidArgument):
        backend.register_worker("", ["default"], {})


def test_delete_queue_refuses_a_non_empty_queue_unless_forced(backend: Any) -> None:
    backend.create_queue("tmp")
    task = _task(backend)
    backend.enqueue_task(task.id, "tmp")
    with pytest.raises(Conflict, match="force"):
        backend.delete_queue("tmp")
    backend.delete_queue("tmp", force=True)
    assert backend.get_task(task.id).status == "created"
    assert [q.name for q in backend.list_queues()] == []
    with pytest.raises(NotFound):
        backend.delete_queue("tmp")


def test_every_way_out_of_queued_removes_the_entry(backend: Any) -> None:
    tasks = [_task(backend, f"t{i}") for i in range(4)]
    for t in tasks:
        backend.enqueue_task(t.id)
    backend.set_task_status(tasks[0].id, "stopped")
    backend.reset_task(tasks[1].id)
    backend.delete_task(tasks[2].id)
    backend.set_task_status(tasks[3].id, "in_progress")
    assert _entry_ids(backend) == []
    # and a task set to queued directly gets an entry in its last queue
    backend.set_task_status(tasks[0].id, "queued")
    assert _entry_ids(backend) == [tasks[0].id]
