"""TaskScheduler with the time passed in (``run_pending(now)``): no sleeps, no timed assertions."""
from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from jupyter_ext.automation import TaskScheduler
from jupyter_ext.errors import InvalidArgument

from .conftest import backend

UTC = dt.timezone.utc
T0 = dt.datetime(2027, 3, 1, 10, 0, 10, tzinfo=UTC)


def _at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


calls: list[str] = []
calls_lock = threading.Lock()


def cleanup() -> None:
    with calls_lock:
        calls.append("cleanup")


def _join_calls(sched: TaskScheduler) -> None:
    for thread in list(sched._threads.values()):
        thread.join(timeout=30)


@pytest.fixture
def template(Task: Any) -> Any:
    base = Task.create(project_name="Sched", task_name="train")
    base.set_parameters({"General/epochs": 1, "General/lr": 0.1})
    backend().create_queue("default")
    return base


def _fires(sched: TaskScheduler, name: str) -> list[dict[str, Any]]:
    entry = next(e for e in sched.get_state()["entries"] if e["name"] == name)
    return [h for h in entry["history"] if h["what"] in ("called",) or h["what"].startswith("enqueued")]


def test_a_per_minute_function_fires_each_minute_once() -> None:
    calls.clear()
    sched = TaskScheduler()
    sched.add_task(schedule_function=cleanup, minute="*")
    sched.begin(_at(0))
    for m in (0.5, 0.8, 1.0, 1.2, 1.9, 2.0, 3.5):
        sched.run_pending(_at(m))
        _join_calls(sched)
    assert calls == ["cleanup"] * 3  # 10:01, 10:02, 10:03
    fires = _fires(sched, "cleanup")
    assert [f["for"] for f in fires] == ["2027-03-01T10:01:00+00:00", "2027-03-01T10:02:00+00:00",
                                         "2027-03-01T10:03:00+00:00"]
    run = backend().get_task(fires[0]["task"])  # each call is recorded as a task
    assert run.type == "service" and run.status == "completed" and run.parent_id == sched.id


def test_a_task_schedule_clones_and_enqueues_with_overrides(template: Any) -> None:
    sched = TaskScheduler(force_create_task_name="nightly", timezone="Europe/Paris")
    sched.add_task(schedule_task_id=template.id, queue="default", hour=2, minute=0,
                   task_overrides={"General/epochs": 5, "comment": "nightly"})
    sched.begin(dt.datetime(2027, 3, 1, 0, 30, tzinfo=UTC))  # 01:30 in Paris
    sched.run_pending(dt.datetime(2027, 3, 1, 0, 59, tzinfo=UTC))
    assert not _fires(sched, f"task {template.id}")
    sched.run_pending(dt.datetime(2027, 3, 1, 1, 0, 5, tzinfo=UTC))  # 02:00:05 in Paris
    fires = _fires(sched, f"task {template.id}")
    assert len(fires) == 1
    row = backend().get_task(fires[0]["task"])
    assert row.status == "queued" and row.queue and row.comment == "nightly" and row.parent_id == template.id
    params = {p.key: p.value for p in backend().get_parameters(row.id)}
    assert params == {"General/epochs": 5, "General/lr": 0.1}
    assert backend().get_task(template.id).status == "created"  # the template itself is untouched
    assert sched.get_state()["entries"][0]["next_fire"] == "2027-03-02T01:00:00+00:00"


def test_a_restart_neither_fires_twice_nor_skips(template: Any) -> None:
    def make() -> TaskScheduler:
        s = TaskScheduler(force_create_task_name="restartable")
        s.add_task(schedule_task_id=template.id, queue="default", minute="*/10", name="every ten")
        return s

    first = make()
    first.begin(_at(0))
    first.run_pending(_at(10))  # 10:10:10 -> the 10:10 fire
    assert len(_fires(first, "every ten")) == 1
    # the same scheduler started again a moment later: 10:10 is not fired again
    second = make()
    second.begin(_at(10.2))
    second.run_pending(_at(10.5))
    assert len(_fires(second, "every ten")) == 1 and second.id == first.id
    # and a second live copy looking at the same minute finds it fired (same task id)
    clash = make()
    clash.begin(_at(19.9))
    clash.run_pending(_at(20))
    second.run_pending(_at(20))
    launched = [h for h in second.get_state()["entries"][0]["history"] if h["for"].endswith("10:20:00+00:00")]
    assert [h["what"] for h in launched] == ["already fired"]
    # down from 10:20 to 10:55: the missed fires (10:30, 10:40, 10:50) run once, at start
    third = make()
    third.begin(_at(55))
    fires = [f for f in _fires(third, "every ten") if f["for"] > "2027-03-01T10:20"]
    assert [f["for"] for f in fires] == ["2027-03-01T10:50:00+00:00"]
    queued = backend().query_tasks(project_name="Sched", statuses=["queued"])
    assert len(queued) == 3  # 10:10, 10:20, 10:50: one task per fire, none twice


def test_single_instance_skips_while_the_last_run_is_queued(template: Any) -> None:
    sched = TaskScheduler()
    sched.add_task(schedule_task_id=template.id, queue="default", minute="*", single_instance=True, name="one")
    sched.begin(_at(0))
    sched.run_pending(_at(1))
    sched.run_pending(_at(2))
    history = sched.get_state()["entries"][0]["history"]
    assert history[0]["what"] == "enqueued in default"
    assert history[1]["what"].startswith("skipped: the last run")
    backend().dequeue_task(history[0]["task"])  # it is no longer waiting: the next minute fires
    sched.run_pending(_at(3))
    assert sched.get_state()["entries"][0]["history"][-1]["what"] == "enqueued in default"


def test_execute_immediately_and_one_off_entries() -> None:
    calls.clear()
    sched = TaskScheduler()
    sched.add_task(schedule_function=cleanup, minute="*", execute_immediately=True, recurring=False)
    sched.begin(_at(0))
    _join_calls(sched)
    for m in (1, 2, 3):
        sched.run_pending(_at(m))
        _join_calls(sched)
    assert calls == ["cleanup", "cleanup"]  # at start, then the first minute only
    assert sched.get_state()["entries"][0]["done"] is True


def test_bad_schedules_are_refused(template: Any) -> None:
    sched = TaskScheduler()
    with pytest.raises(InvalidArgument, match=r"minute=75 is out of range: use 0..59"):
        sched.add_task(schedule_function=cleanup, minute=75)
    with pytest.raises(InvalidArgument, match="exactly one of"):
        sched.add_task(minute=1)
    with pytest.raises(InvalidArgument, match="needs queue"):
        sched.add_task(schedule_task_id=template.id, minute=1)
    with pytest.raises(InvalidArgument, match="no such task"):
        sched.add_task(schedule_task_id="f" * 32, queue="default", minute=1)
    with pytest.raises(InvalidArgument, match="unknown time zone"):
        TaskScheduler(timezone="Nowhere/Else")
    assert backend().query_tasks(types=["service"]) == []  # nothing ran
