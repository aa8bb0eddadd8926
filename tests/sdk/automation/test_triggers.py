"""TriggerScheduler: each kind of trigger fires once on its event, also with two services."""
from __future__ import annotations

import threading
from typing import Any

import pytest

from jupyter_ext.automation import TriggerScheduler
from jupyter_ext.errors import InvalidArgument

from .conftest import backend

deployed: list[str] = []
lock = threading.Lock()


def deploy(model_id: str) -> None:
    with lock:
        deployed.append(model_id)


@pytest.fixture
def target(Task: Any) -> Any:
    backend().create_queue("default")
    return Task.create(project_name="Jobs", task_name="retrain")


def _queued_clones(target_id: str) -> list[Any]:
    return [r for r in backend().query_tasks(project_name="Jobs", statuses=["queued"]) if r.id != target_id]


def test_dataset_trigger_fires_once_on_a_tagged_version_even_with_two_services(target: Any) -> None:
    from jupyter_ext import Dataset

    def service() -> TriggerScheduler:
        trig = TriggerScheduler(force_create_task_name="data watch")
        trig.add_dataset_trigger(schedule_task_id=target.id, schedule_queue="default", name="new data",
                                 trigger_project="Datasets/Titanic", trigger_on_tags=["ready"])
        return trig

    old = Dataset.create(dataset_project="Datasets/Titanic", dataset_name="titanic", dataset_tags=["ready"])
    old.finalize()
    one, two = service(), service()
    one.begin()
    two.begin()
    assert one.run_pending() == two.run_pending() == 0  # what held at start does not fire
    fresh = Dataset.create(dataset_project="Datasets/Titanic", dataset_name="titanic")
    fresh.finalize()
    assert one.run_pending() + two.run_pending() == 0  # not tagged yet
    fresh.tags = ["ready"]
    fired = one.run_pending() + two.run_pending() + one.run_pending()
    assert fired == 1
    clones = _queued_clones(target.id)
    assert len(clones) == 1 and "new data" in clones[0].tags
    assert [h["what"] for h in two.history] == ["already fired"]
    assert one.id == two.id  # one service task, its state stored
    stored = {c.name: c.text for c in backend().get_configurations(one.id)}
    assert "new data" in stored["Automation State"]


def test_model_trigger_calls_a_function_once_when_a_model_is_published(Task: Any, tmp_path: Any) -> None:
    from jupyter_ext import OutputModel

    deployed.clear()
    trig = TriggerScheduler()
    trig.add_model_trigger(schedule_function=deploy, trigger_project="Titanic", trigger_on_publish=True)
    weights = tmp_path / "model.cbm"
    weights.write_bytes(b"weights")
    model = OutputModel(task=Task.create(project_name="Titanic", task_name="train"), name="catboost")
    model.update_weights(weights_filename=str(weights))
    trig.begin()
    assert trig.run_pending() == 0
    model.publish()
    assert trig.run_pending() == 1
    assert trig.run_pending() == 0
    trig._threads["model trigger 1"].join(timeout=30)
    assert deployed == [model.id]
    run = backend().get_task(trig.history[0]["task"])
    assert run.status == "completed" and run.project_name == "DevOps/.runs"


def test_task_trigger_on_status_and_metric(target: Any, Task: Any) -> None:
    trig = TriggerScheduler()
    trig.add_task_trigger(schedule_task_id=target.id, schedule_queue="default", trigger_project="Train",
                          trigger_on_status=["failed"], name="on failure")
    trig.add_task_trigger(schedule_task_id=target.id, schedule_queue="default", trigger_project="Train",
                          trigger_on_metric="ROC AUC", trigger_on_variant="Test", trigger_on_threshold=0.9,
                          trigger_on_sign="max", name="good model")
    trig.begin()
    run = Task.create(project_name="Train", task_name="run 1")
    backend().set_task_status(run.id, "in_progress", force=True)
    assert trig.run_pending() == 0
    from jupyter_ext.sdk.logging.logger import Logger

    logger = Logger(Task.get_task(task_id=run.id))
    logger.report_scalar("ROC AUC", "Test", 0.8, 0)
    Task.get_task(task_id=run.id).flush()
    assert trig.run_pending() == 0  # below the threshold
    logger.report_scalar("ROC AUC", "Test", 0.93, 1)
    Task.get_task(task_id=run.id).flush()
    assert trig.run_pending() == 1 and trig.history[-1]["trigger"] == "good model"
    backend().set_task_status(run.id, "failed", reason="boom")
    assert trig.run_pending() == 1 and trig.history[-1]["trigger"] == "on failure"
    assert trig.run_pending() == 0
    # the same task run again and failing again is a new event
    backend().reset_task(run.id, force=True)
    backend().set_task_status(run.id, "in_progress", force=True)
    backend().set_task_status(run.id, "failed", reason="boom again")
    assert trig.run_pending() == 1
    assert len(_queued_clones(target.id)) == 3


def test_bad_triggers_are_refused(target: Any) -> None:
    trig = TriggerScheduler()
    with pytest.raises(InvalidArgument, match="exactly one of"):
        trig.add_task_trigger(trigger_on_status=["failed"])
    with pytest.raises(InvalidArgument, match="schedule_queue"):
        trig.add_task_trigger(schedule_task_id=target.id, trigger_on_status=["failed"])
    with pytest.raises(InvalidArgument, match="unknown status|status"):
        trig.add_task_trigger(schedule_function=deploy, trigger_on_status=["exploded"])
    with pytest.raises(InvalidArgument, match="together"):
        trig.add_task_trigger(schedule_function=deploy, trigger_on_metric="loss")
    with pytest.raises(InvalidArgument, match="trigger_on_sign"):
        trig.add_task_trigger(schedule_function=deploy, trigger_on_metric="loss", trigger_on_variant="v",
                              trigger_on_threshold=1, trigger_on_sign="above")
    with pytest.raises(InvalidArgument, match="no triggers"):
        trig.start()


def test_a_restarted_service_fires_what_happened_while_it_was_down_once(target: Any, Task: Any) -> None:
    def service() -> TriggerScheduler:
        trig = TriggerScheduler(force_create_task_name="restartable")
        trig.add_task_trigger(schedule_task_id=target.id, schedule_queue="default", trigger_project="Train",
                              trigger_on_status=["failed"], name="on failure")
        return trig

    before = Task.create(project_name="Train", task_name="failed before the first start")
    backend().set_task_status(before.id, "failed", force=True)
    first = service()
    assert first.begin() == 0 and first.run_pending() == 0  # what held at the first start never fires
    down = Task.create(project_name="Train", task_name="failed while down")
    backend().set_task_status(down.id, "failed", force=True)
    second = service()
    assert second.begin() == 1  # the event of the downtime fires at start, once
    assert second.history[-1]["object"] == down.id and second.run_pending() == 0
    third = service()
    assert third.begin() == 0  # and a further restart neither repeats it nor fires the old failure
    assert len(_queued_clones(target.id)) == 1


def test_a_trigger_may_name_a_task_that_does_not_exist_yet(target: Any, Task: Any) -> None:
    # ClearML's trigger example passes schedule_task_id='add_task_id_here': accepted with a warning,
    # and a firing while the task is missing is noted instead of stopping the service.
    trig = TriggerScheduler()
    with pytest.warns(UserWarning, match="'add_task_id_here': there is no such task yet"):
        trig.add_task_trigger(schedule_task_id="add_task_id_here", schedule_queue="default", trigger_project="Train",
                              trigger_on_status=["failed"], name="placeholder")
    trig.begin()
    run = Task.create(project_name="Train", task_name="run 1")
    backend().set_task_status(run.id, "failed", force=True)
    assert trig.run_pending() == 0
    assert trig.history[-1]["trigger"] == "placeholder"
    assert trig.history[-1]["what"] == "failed: there is no task 'add_task_id_here' to launch"
    assert _queued_clones(target.id) == []
