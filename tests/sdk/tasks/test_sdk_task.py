"""Task in this process: init re-entrancy, lookup, editing, status calls, clone."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound


def test_second_init_with_another_name_closes_the_first(Task: Any, capsys: pytest.CaptureFixture[str]) -> None:
    first = Task.init(project_name="Nb", task_name="cell v1", reuse_last_task_id=False)
    first.get_logger().report_scalar("a", "b", 1.0, 0)
    second = Task.init(project_name="Nb", task_name="cell v2", reuse_last_task_id=False)
    assert second.id != first.id
    assert Task.current_task() is second
    assert first.get_status() == "completed"
    assert second.get_status() == "in_progress"
    assert first.get_last_scalar_metrics()["a"]["b"]["last"] == 1.0
    assert "closing task" in capsys.readouterr().err
    second.close()
    assert second.get_status() == "completed"


def test_second_init_with_the_same_name_returns_the_same_task(Task: Any) -> None:
    first = Task.init(project_name="Nb", task_name="same", reuse_last_task_id=False)
    assert Task.init(project_name="Nb", task_name="same") is first
    assert Task.init() is first  # no names: this run's task
    assert Task.current_task() is first
    assert first.get_status() == "in_progress"


def test_another_type_is_another_task(Task: Any) -> None:
    first = Task.init(project_name="Nb", task_name="same", reuse_last_task_id=False)
    other = Task.init(project_name="Nb", task_name="same", task_type=Task.TaskTypes.testing,
                      reuse_last_task_id=False)
    assert other is not first and other.task_type == "testing"


def test_init_stores_the_row(Task: Any) -> None:
    task = Task.init(project_name="Image Classification/Cats vs Dogs", task_name="Experiment 1",
                     tags=["baseline"], task_type="training", reuse_last_task_id=False)
    got = Task.get_task(task_id=task.id)
    assert (got.name, got.get_project_name(), got.get_tags(), got.task_type) == (
        "Experiment 1", "Image Classification/Cats vs Dogs", ["baseline"], "training")
    assert got.get_status() == "in_progress"
    assert "development" in got.data["system_tags"]


@pytest.mark.parametrize("kwargs", [{"task_type": "nope"}, {"project_name": "a//b"}, {"tags": [1]},
                                    {"task_name": "  "}, {"output_uri": 5}])
def test_init_refuses_bad_arguments(Task: Any, kwargs: dict[str, Any]) -> None:
    args = {"project_name": "P", "task_name": "t", **kwargs}
    with pytest.raises(InvalidArgument):
        Task.init(**args)
    assert Task.current_task() is None


def test_close_then_connect_is_refused(task: Any) -> None:
    task.close()
    assert task.get_status() == "completed"
    with pytest.raises(ValueError, match="closed"):
        task.connect({"a": 1})
    task.close()  # twice is harmless


def test_get_task_by_project_and_name_matches_the_whole_name(Task: Any) -> None:
    a = Task.create(project_name="Find", task_name="exp")
    Task.create(project_name="Find", task_name="exp 2")
    Task.create(project_name="Elsewhere", task_name="exp")
    dotted = Task.create(project_name="Find", task_name="v1.0 (base)")
    Task.create(project_name="Find", task_name="v1x0 (base)")
    # As ClearML: "exp" is the task named exp, not the newer "exp 2"; regex characters are literal
    assert Task.get_task(project_name="Find", task_name="exp").id == a.id
    assert Task.get_task(project_name="Find", task_name="v1.0 (base)").id == dotted.id
    with pytest.raises(NotFound):
        Task.get_task(project_name="Find", task_name="ex")
    with pytest.raises(InvalidArgument):
        Task.get_task()


def test_get_task_prefers_a_task_that_is_not_archived(Task: Any) -> None:
    kept = Task.create(project_name="Find", task_name="base")
    archived = Task.create(project_name="Find", task_name="base")
    archived.set_archived(True)
    assert Task.get_task(project_name="Find", task_name="base").id == kept.id
    kept.set_archived(True)
    assert Task.get_task(project_name="Find", task_name="base").id == archived.id
    with pytest.raises(NotFound):
        Task.get_task(project_name="Find", task_name="base", allow_archived=False)


def test_get_tasks_and_query_tasks(Task: Any) -> None:
    a = Task.create(project_name="Q", task_name="alpha")
    a.add_tags(["x"])
    b = Task.create(project_name="Q/sub", task_name="beta")
    Task.create(project_name="R", task_name="alpha")
    assert {t.id for t in Task.get_tasks(project_name="Q")} == {a.id, b.id}
    assert [t.id for t in Task.get_tasks(project_name="Q", tags=["x"])] == [a.id]
    assert [t.id for t in Task.get_tasks(task_ids=[b.id])] == [b.id]
    assert set(Task.query_tasks(project_name="Q")) == {a.id, b.id}
    rows = Task.query_tasks(project_name="Q", task_name="alpha",
                            additional_return_fields=["name", "status", "project_name", "tags"])
    assert rows == [{"id": a.id, "name": "alpha", "status": "created", "project_name": "Q", "tags": ["x"]}]
    with pytest.raises(InvalidArgument, match="unknown task fields"):
        Task.query_tasks(additional_return_fields=["bogus"])
    created = Task.query_tasks(task_filter={"status": ["created"], "order_by": ["created"]})
    assert created[0] == a.id and len(created) == 3


def test_own_writes_are_visible_to_lookups(task: Any, Task: Any) -> None:
    """The row is created by the reporter thread: a lookup right after Task.init must see it."""
    assert Task.get_task(task_id=task.id).name == task.name
    assert task.id in Task.query_tasks(project_name="SDK Tests")


def test_edit_fields(task: Any, Task: Any) -> None:
    task.set_name("renamed")
    task.set_comment("a comment")
    task.add_tags("t1")
    task.add_tags(["t2", "t1"])
    task.set_task_type("testing")
    got = Task.get_task(task_id=task.id)
    assert (got.name, got.comment, got.get_tags(), got.task_type) == ("renamed", "a comment", ["t1", "t2"], "testing")
    task.set_tags(["only"])
    assert Task.get_task(task_id=task.id).get_tags() == ["only"]


def test_status_calls(Task: Any) -> None:
    t = Task.create(project_name="S", task_name="draft")
    assert t.get_status() == "created"
    t.mark_started()
    assert t.status == "in_progress"
    t.mark_stopped(status_message="enough")
    assert t.get_status() == "stopped" and t.get_status_message() == "enough"
    t.mark_completed()
    t.publish()
    assert t.get_status() == "published"
    with pytest.raises(Conflict):
        t.mark_started()
    t.mark_failed(force=True, status_reason="forced")
    assert t.get_status() == "failed"


def test_wait_for_status(Task: Any) -> None:
    t = Task.create(project_name="S", task_name="w")
    t.mark_started()
    t.mark_completed()
    t.wait_for_status(check_interval_sec=0.01)
    f = Task.create(project_name="S", task_name="f")
    f.mark_started()
    f.mark_failed(status_reason="boom")
    with pytest.raises(RuntimeError, match="boom"):
        f.wait_for_status(check_interval_sec=0.01)


def test_clone_reset_move_archive_delete(task: Any, Task: Any) -> None:
    task.connect({"lr": 0.1})
    task.get_logger().report_scalar("a", "b", 1.0, 0)
    task.close()

    clone = Task.clone(source_task=task, name="the clone")
    assert clone.get_status() == "created" and clone.parent == task.id
    assert clone.get_parameters()["General/lr"] == 0.1
    assert clone.get_reported_scalars() == {}

    task.reset()
    assert task.get_status() == "created"
    assert task.get_reported_scalars() == {}
    assert task.get_parameters()["General/lr"] == 0.1

    assert task.move_to_project(new_project_name="Moved/Here")
    assert Task.get_task(task_id=task.id).get_project_name() == "Moved/Here"
    task.set_archived(True)
    assert Task.get_task(task_id=task.id).get_archived() is True
    assert [t.id for t in Task.get_tasks(project_name="Moved", allow_archived=False)] == []

    assert task.delete() is True
    with pytest.raises(NotFound):
        Task.get_task(task_id=task.id)


def test_clone_into_a_project_by_id(Task: Any) -> None:
    src = Task.create(project_name="From", task_name="src")
    target = Task.create(project_name="To", task_name="anchor")
    clone = Task.clone(src, project=target.project)
    assert clone.get_project_name() == "To"


def test_a_new_session_sees_the_same_store(task: Any, Task: Any, fresh_session: Any) -> None:
    task.get_logger().report_scalar("a", "b", 2.0, 3)
    task.close()
    fresh_session()
    again = Task.get_task(task_id=task.id)
    assert again.get_last_scalar_metrics()["a"]["b"]["last"] == 2.0
    assert again.get_last_iteration() == 3


def test_task_create_is_a_draft(Task: Any, tmp_path: Any) -> None:
    script = tmp_path / "train.py"
    script.write_text("print('hi')\n")
    t = Task.create(project_name="Drafts", task_name="d", script=str(script), packages=["numpy"],
                    argparse_args=[("--lr", "0.1")])
    assert t.get_status() == "created"
    assert t.data["script"]["entry_point"] == "train.py"
    assert t.data["script"]["requirements"] == ["numpy"]
    assert t.get_parameters() == {"Args/lr": "0.1"}
    with pytest.raises(InvalidArgument):
        Task.create(project_name="Drafts", task_name="d", script=str(tmp_path / "missing.py"))
