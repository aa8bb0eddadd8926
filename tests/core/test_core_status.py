"""The task status machine of clearml-api.md §4, exercised through core.tasks.set_status."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.core import tasks
from jupyter_ext.core.rules import status
from jupyter_ext.errors import Conflict, InvalidArgument
from jupyter_ext.store.meta import MetaStore

# Written out from the reference (clearml-server's state machine), not copied from core/rules/status.py.
ALLOWED = {
    "created": {"queued", "in_progress"},
    "queued": {"created", "in_progress", "stopped"},
    "in_progress": {"stopped", "failed", "created", "completed"},
    "stopped": {"closed", "created", "failed", "queued", "in_progress", "published", "publishing", "completed"},
    "closed": {"created", "failed", "published", "publishing", "stopped"},
    "failed": {"created", "stopped", "published", "queued"},
    "publishing": {"published"},
    "published": set(),
    "completed": {"published", "in_progress", "created"},
}
ALL = sorted(ALLOWED)
ALLOWED_PAIRS = sorted((a, b) for a, targets in ALLOWED.items() for b in targets)
REFUSED_PAIRS = sorted((a, b) for a in ALL for b in ALL if a != b and b not in ALLOWED[a])


def _task_in(store: MetaStore, make_task: Any, current: str) -> str:
    task = make_task()
    if current != "created":
        tasks.set_status(store, task.id, current, force=True)
    assert tasks.get(store, task.id).status == current
    return str(task.id)


def test_core_table_is_the_reference_table() -> None:
    assert {k: set(v) for k, v in status.TRANSITIONS.items()} == ALLOWED


@pytest.mark.parametrize(("current", "target"), ALLOWED_PAIRS)
def test_allowed_transition(store: MetaStore, make_task: Any, current: str, target: str) -> None:
    task_id = _task_in(store, make_task, current)
    row = tasks.set_status(store, task_id, target)
    assert row.status == target
    assert tasks.get(store, task_id).status == target


@pytest.mark.parametrize(("current", "target"), REFUSED_PAIRS)
def test_refused_transition(store: MetaStore, make_task: Any, current: str, target: str) -> None:
    task_id = _task_in(store, make_task, current)
    with pytest.raises(Conflict) as err:
        tasks.set_status(store, task_id, target)
    message = str(err.value)
    assert repr(current) in message and repr(target) in message
    assert "force=True" in message
    assert ("reset" in message or "clone" in message)
    assert tasks.get(store, task_id).status == current  # nothing changed


@pytest.mark.parametrize(("current", "target"), [("published", "created"), ("created", "completed"),
                                                 ("completed", "failed"), ("publishing", "in_progress")])
def test_force_skips_the_table(store: MetaStore, make_task: Any, current: str, target: str) -> None:
    task_id = _task_in(store, make_task, current)
    assert tasks.set_status(store, task_id, target, force=True).status == target


@pytest.mark.parametrize("same", ALL)
def test_same_status_is_allowed(store: MetaStore, make_task: Any, same: str) -> None:
    task_id = _task_in(store, make_task, same)
    assert tasks.set_status(store, task_id, same).status == same


def test_published_refusal_says_to_clone(store: MetaStore, make_task: Any) -> None:
    task_id = _task_in(store, make_task, "published")
    with pytest.raises(Conflict, match="final.*clone it"):
        tasks.set_status(store, task_id, "in_progress")


def test_unknown_status_is_invalid(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    with pytest.raises(InvalidArgument, match="unknown task status"):
        tasks.set_status(store, task.id, "running")


def test_times_follow_the_status(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    assert task.started is None and task.completed is None
    running = tasks.set_status(store, task.id, "in_progress")
    assert running.started is not None and running.completed is None
    done = tasks.set_status(store, task.id, "completed")
    assert done.completed is not None and done.completed >= running.started
    assert done.started == running.started
    draft = tasks.set_status(store, task.id, "created")
    assert draft.started is None and draft.completed is None


def test_message_and_reason_are_stored(store: MetaStore, make_task: Any) -> None:
    task = make_task(status="in_progress")
    row = tasks.set_status(store, task.id, "failed", message="m", reason="Exception: boom")
    assert (row.status_message, row.status_reason) == ("m", "Exception: boom")


def test_enqueueing_removes_the_development_tag(store: MetaStore, make_task: Any) -> None:
    task = make_task(system_tags=["development", "other"])
    row = tasks.set_status(store, task.id, "queued")
    assert row.system_tags == ("other",)


def test_expected_status_guards_a_race(store: MetaStore, make_task: Any) -> None:
    task = make_task(status="in_progress")
    with pytest.raises(Conflict, match="reload it and retry"):
        tasks.set_status(store, task.id, "stopped", expected="queued")
    assert tasks.get(store, task.id).status == "in_progress"
