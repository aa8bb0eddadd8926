"""PipelineController with steps run here as child processes (start_locally(run_pipeline_steps_locally=True))."""
from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument, NotFound

from .conftest import console_of

pytestmark = pytest.mark.slow


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def _controller(**kwargs: Any) -> Any:
    from jupyter_ext.automation import PipelineController

    return PipelineController(**{"name": "Training Pipeline", "project": "ML Pipelines", "version": "1.0", **kwargs})


def test_guide_example_runs_locally_and_passes_an_artifact_url(make_template: Any) -> None:
    for name in ("Data Preparation", "Model Training", "Model Evaluation"):
        make_template(name)
    pipe = _controller()
    pipe.add_step(name="prepare_data", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.add_step(name="train_model", base_task_project="Examples", base_task_name="Model Training",
                  parents=["prepare_data"],
                  parameter_override={"General/data_url": "${prepare_data.artifacts.dataset.url}",
                                      "General/rows": 5})
    pipe.add_step(name="evaluate", base_task_project="Examples", base_task_name="Model Evaluation",
                  parents=["train_model"])
    pipe.start_locally(run_pipeline_steps_locally=True)

    assert pipe.is_successful()
    view = _backend().get_pipeline(pipe.id)
    assert view["task"]["type"] == "controller" and view["task"]["status"] == "completed"
    assert "pipeline" in view["task"]["system_tags"]
    nodes = {n["name"]: n for n in view["nodes"]}
    assert [n["status"] for n in view["nodes"]] == ["completed"] * 3
    assert view["edges"] == [["prepare_data", "train_model"], ["train_model", "evaluate"]]
    # each step ran after its parent, as a task of its own under the run
    assert nodes["prepare_data"]["completed"] <= nodes["train_model"]["started"]
    assert nodes["train_model"]["completed"] <= nodes["evaluate"]["started"]
    for n in view["nodes"]:
        row = _backend().get_task(n["task_id"])
        assert row.parent_id == pipe.id and "pipeline-step" in row.system_tags
        assert row.project_name == "ML Pipelines"
        assert n["task_id"] != n["base_task_id"]
    # the child received the parent's artifact URL through the override, and used the new rows
    url = _backend().get_artifacts(nodes["prepare_data"]["task_id"])[0]
    from jupyter_ext import Task

    expected = Task.get_task(task_id=nodes["prepare_data"]["task_id"]).artifacts["dataset"].url
    assert expected.startswith("file://") and url.name == "dataset"
    assert f"data_url={expected}" in console_of(nodes["train_model"]["task_id"])
    trained = Task.get_task(task_id=nodes["train_model"]["task_id"]).artifacts["dataset"].get()
    assert trained == {"rows": [0, 1, 2, 3, 4]}
    story = console_of(pipe.id)  # the run's console tells what the controller did
    assert "step 'prepare_data' launched" in story and "step 'evaluate' completed" in story
    assert story.rstrip().endswith("pipeline completed")
    # the templates themselves were not touched
    template = Task.get_task(project_name="Examples", task_name="Model Training")
    assert template.status == "created" and template.get_parameters() == {}


def test_a_failing_step_stops_its_descendants_but_not_other_branches(make_template: Any) -> None:
    make_template("Data Preparation")
    pipe = _controller(name="Failing")
    pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.add_step(name="bad", base_task_project="Examples", base_task_name="Data Preparation", parents=["a"],
                  parameter_override={"General/fail": True})
    pipe.add_step(name="after_bad", base_task_project="Examples", base_task_name="Data Preparation",
                  parents=["bad"])
    pipe.add_step(name="tolerant", base_task_project="Examples", base_task_name="Data Preparation",
                  parents=["a"], parameter_override={"General/fail": True}, continue_on_fail=True)
    pipe.add_step(name="after_tolerant", base_task_project="Examples", base_task_name="Data Preparation",
                  parents=["tolerant"])
    pipe.start_locally(run_pipeline_steps_locally=True)

    assert not pipe.is_successful()
    view = _backend().get_pipeline(pipe.id)
    status = {n["name"]: n["status"] for n in view["nodes"]}
    assert status == {"a": "completed", "bad": "failed", "after_bad": "skipped", "tolerant": "failed",
                      "after_tolerant": "completed"}
    assert view["task"]["status"] == "failed"
    assert "bad" in view["task"]["status_reason"] and "failing on purpose" in view["task"]["status_reason"]
    skipped = next(n for n in view["nodes"] if n["name"] == "after_bad")
    assert skipped["task_id"] is None and "'bad' failed" in skipped["status_reason"]


@pytest.mark.parametrize("steps, words", [
    ({"a": ["c"], "b": ["a"], "c": ["b"]}, "cycle"),
    ({"a": [], "b": ["nope"]}, "parent 'nope'"),
])
def test_bad_dag_is_refused_before_anything_is_stored(make_template: Any, steps: dict[str, list[str]],
                                                      words: str) -> None:
    make_template("Data Preparation")
    before = {r.id for r in _backend().query_tasks()}
    pipe = _controller(name="Broken")
    for name, parents in steps.items():
        pipe.add_step(name=name, base_task_project="Examples", base_task_name="Data Preparation", parents=parents)
    with pytest.raises(InvalidArgument, match=words):
        pipe.start_locally(run_pipeline_steps_locally=True)
    assert {r.id for r in _backend().query_tasks()} == before
    assert _backend().list_pipelines() == []


def test_bad_steps_are_refused_at_add_step(make_template: Any) -> None:
    make_template("Data Preparation")
    pipe = _controller()
    pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    with pytest.raises(InvalidArgument, match="unique"):
        pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    with pytest.raises(NotFound, match="no task named 'Nope'"):
        pipe.add_step(name="b", base_task_project="Examples", base_task_name="Nope")
    with pytest.raises(InvalidArgument, match="base_task_id="):
        pipe.add_step(name="c")
    pipe.add_step(name="d", base_task_project="Examples", base_task_name="Data Preparation",
                  parameter_override={"General/data_url": "${ghost.id}"})
    with pytest.raises(InvalidArgument, match="names step 'ghost'"):
        pipe.start_locally(run_pipeline_steps_locally=True)
    queued = _controller(name="Queued")
    queued.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    with pytest.raises(InvalidArgument, match="set_default_execution_queue"):
        queued.start_locally()  # steps go to queues, but none is named


def produce(n: int, scale: float = 1.0) -> Any:
    import json

    values = [i * scale for i in range(n)]
    return values, json.dumps({"n": n})


def consume(values: list[float], meta: str, extra: Any) -> float:
    import json

    return sum(values) + json.loads(meta)["n"] + len(extra)


def test_function_steps_pass_return_values_as_artifacts() -> None:
    pipe = _controller(name="Functions")
    pipe.add_parameter("n", 4)
    pipe.add_function_step(name="produce", function=produce, function_kwargs={"n": "${pipeline.n}", "scale": 2.0},
                           function_return=["values", "meta"])
    pipe.add_function_step(name="consume", function=consume,
                           function_kwargs={"values": "${produce.values}", "meta": "${produce.meta}",
                                            "extra": frozenset({1, 2})},
                           function_return=["total"])
    pipe.start_locally(run_pipeline_steps_locally=True)
    assert pipe.is_successful(), [(n.name, n.state, n.message) for n in pipe.get_pipeline_dag().values()]

    from jupyter_ext import Task

    nodes = pipe.get_pipeline_dag()
    assert nodes["consume"].parents == ["produce"]  # a reference makes the parent
    produced = Task.get_task(task_id=nodes["produce"].executed)
    assert produced.artifacts["values"].get() == [0.0, 2.0, 4.0, 6.0]
    assert produced.get_parameters()["kwargs/n"] == 4
    assert "def produce(n: int" in produced.data["script"]["diff"]
    consumed = Task.get_task(task_id=nodes["consume"].executed)
    assert consumed.artifacts["total"].get() == 12.0 + 4 + 2
    params = consumed.get_parameters()
    assert params["kwargs_artifacts/values"] == f"{produced.id}.values"
    assert params["kwargs_artifacts/extra"] == f"{pipe.id}.consume.extra"  # not a basic value: an artifact
    assert [n.name for n in pipe.get_processed_nodes()] == ["produce", "consume"]
    assert pipe.get_running_nodes() == []


def test_aborting_the_run_aborts_its_running_steps(make_template: Any) -> None:
    make_template("Data Preparation")
    pipe = _controller(name="Aborted")
    pipe.add_step(name="slow", base_task_project="Examples", base_task_name="Data Preparation",
                  parameter_override={"General/sleep": 60.0})
    pipe.add_step(name="next", base_task_project="Examples", base_task_name="Data Preparation", parents=["slow"])
    runner = threading.Thread(target=pipe.start_locally, kwargs={"run_pipeline_steps_locally": True})
    runner.start()
    deadline = time.monotonic() + 60
    while not pipe.get_running_nodes() or pipe.get_running_nodes()[0].status != "in_progress":
        assert time.monotonic() < deadline, "the slow step never started"
        time.sleep(0.1)
    started = time.monotonic()
    _backend().set_task_status(pipe.id, "stopped", force=True, reason="aborted by the test")
    runner.join(timeout=60)
    assert not runner.is_alive()
    assert time.monotonic() - started < 30  # not the step's 60 s
    view = _backend().get_pipeline(pipe.id)
    status = {n["name"]: n["status"] for n in view["nodes"]}
    assert status == {"slow": "stopped", "next": "skipped"}
    assert view["task"]["status"] == "stopped"


def test_run_numbers_and_pipeline_tags(make_template: Any) -> None:
    template = make_template("prep")
    ids = []
    for _ in range(2):  # the step, named as its template, lands in the template's project
        pipe = _controller(name="Numbered", project="Examples", add_pipeline_tags=True)
        pipe.add_step(name="prep", base_task_project="Examples", base_task_name="prep")
        pipe.start_locally(run_pipeline_steps_locally=True)
        ids.append(pipe.id)
    runs = _backend().list_pipelines(project="Examples")
    assert [r.task.name for r in runs] == ["Numbered #2", "Numbered"]
    assert runs[0].steps == 1 and runs[0].step_status == {"completed": 1}
    second = _backend().get_pipeline(ids[1])["nodes"][0]
    assert second["base_task_id"] == template.id  # the template again, not the first run's copy
    step = _backend().get_task(second["task_id"])
    assert f"pipe: {ids[1]}" in step.tags


def test_overrides_references_callbacks_monitoring_and_cache(make_template: Any) -> None:
    make_template("Data Preparation")
    seen: list[tuple[str, ...]] = []

    def before_b(pipe: Any, node: Any, params: dict[str, Any]) -> bool:
        # as ClearML: the references arrive resolved, and what the callback changes is what b gets
        seen.append(("pre", node.name, params["General/data_url"]))
        params["General/extra"] = "set by the callback"
        return True

    def build(name: str) -> Any:
        pipe = _controller(name=name)
        pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation",
                      cache_executed_step=True)
        pipe.add_step(name="b", base_task_project="Examples", base_task_name="Data Preparation",
                      parameter_override={"General/data_url": "${a.parameters.General/rows}-${a.id}"},
                      configuration_overrides={"extra": {"from": "${a.id}"}, "note": "plain text"},
                      task_overrides={"comment": "after ${a.id}", "script.branch": "dev"},
                      monitor_artifacts=[("dataset", "b_dataset")],
                      pre_execute_callback=before_b,
                      post_execute_callback=lambda p, node: seen.append(("post", node.name, node.status)),
                      status_change_callback=lambda p, node, old: seen.append(("change", node.name, old,
                                                                               node.state)))
        return pipe

    first = build("Options")
    first.start_locally(run_pipeline_steps_locally=True)
    assert first.is_successful()
    a_id, b_id = (first.get_pipeline_dag()[n].executed for n in ("a", "b"))
    from jupyter_ext import Task

    b = Task.get_task(task_id=b_id)
    assert b.get_parameters()["General/data_url"] == f"3-{a_id}"
    assert f"data_url=3-{a_id}" in console_of(b_id)
    assert b.get_configuration_object_as_dict("extra") == {"from": a_id}
    assert b.get_configuration_object("note") == "plain text"
    assert b.comment == f"after {a_id}" and b.data["script"]["branch"] == "dev"
    assert first.task.artifacts["b_dataset"].get() == {"rows": [0, 1, 2]}  # copied to the run
    assert ("pre", "b", f"3-{a_id}") in seen and ("post", "b", "completed") in seen
    assert b.get_parameters()["General/extra"] == "set by the callback"
    assert ("change", "b", "pending", "launched") in seen and ("change", "b", "launched", "completed") in seen

    second = build("Options")
    second.start_locally(run_pipeline_steps_locally=True)
    assert second.get_pipeline_dag()["a"].state == "cached"
    assert second.get_pipeline_dag()["a"].executed == a_id  # the same step ran once
    assert second.get_pipeline_dag()["b"].executed != b_id  # b is not cached
    view = _backend().get_pipeline(second.id)
    assert view["nodes"][0]["status"] == "cached" and view["nodes"][0]["task_id"] == a_id


def test_retry_on_failure_runs_a_failed_step_again(make_template: Any) -> None:
    make_template("Data Preparation")
    starts: list[float] = []
    pipe = _controller(name="Retry")
    pipe.add_step(name="bad", base_task_project="Examples", base_task_name="Data Preparation",
                  parameter_override={"General/fail": True}, retry_on_failure=1,
                  status_change_callback=lambda p, node, old: starts.append(node.job_started)
                  if node.state == "launched" else None)
    pipe.start_locally(run_pipeline_steps_locally=True)
    node = pipe.get_pipeline_dag()["bad"]
    assert node.state == "failed" and node.retries == 1
    assert len(starts) == 2 and starts[0] < starts[1]  # launched twice
    assert "failing on purpose" in _backend().get_task(str(node.executed)).status_reason


def noop_step() -> int:
    return 1


def test_draft_logger_and_artifacts_of_the_run(make_template: Any) -> None:
    from jupyter_ext.automation import PipelineController

    make_template("Data Preparation")
    draft = _controller(name="Draft")
    draft.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    draft.add_function_step(name="f", function=noop_step, parents=["a"])
    draft.create_draft()
    view = _backend().get_pipeline(draft.id)
    assert view["task"]["status"] == "created" and [n["status"] for n in view["nodes"]] == ["pending", "pending"]

    pipe = _controller(name="Logged")
    pipe.add_function_step(name="f", function=noop_step, function_return=["one"],
                           post_execute_callback=lambda p, node: PipelineController.upload_artifact(
                               "summary", {"step": node.name}))
    pipe.start_locally(run_pipeline_steps_locally=True)
    assert pipe.task.artifacts["summary"].get() == {"step": "f"}  # stored on the run, from the controller
    pipe.get_logger().report_scalar("quality", "score", 0.5, iteration=1)
    pipe.task.flush(wait_for_uploads=True)
    assert pipe.task.get_last_scalar_metrics()["quality"]["score"]["last"] == 0.5
    with pytest.raises(InvalidArgument, match="no pipeline runs in this process"):
        PipelineController.upload_artifact("late", 1)  # the run has ended


def test_time_limit_aborts_a_step_and_fails_the_run(make_template: Any) -> None:
    make_template("Data Preparation")
    pipe = _controller(name="Limited")
    pipe.add_step(name="slow", base_task_project="Examples", base_task_name="Data Preparation",
                  parameter_override={"General/sleep": 60.0}, time_limit=0.05)  # minutes, as in ClearML
    started = time.monotonic()
    pipe.start_locally(run_pipeline_steps_locally=True)
    assert time.monotonic() - started < 40
    node = pipe.get_pipeline_dag()["slow"]
    assert node.state == "aborted" and "time limit of 0.05 min exceeded" in node.message
    assert _backend().get_task(pipe.id).status == "failed"


@pytest.mark.parametrize("target, where", [("Other/Steps", "Other/Steps"), (False, "Examples"),
                                           (True, "ML Pipelines")])
def test_target_project_says_where_step_tasks_go(make_template: Any, target: Any, where: str) -> None:
    make_template("Data Preparation")
    pipe = _controller(name="Placed", target_project=target)
    pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.start_locally(run_pipeline_steps_locally=True)
    step = _backend().get_task(str(pipe.get_pipeline_dag()["a"].executed))
    assert step.project_name == where and pipe.task.get_project_name() == "ML Pipelines"
