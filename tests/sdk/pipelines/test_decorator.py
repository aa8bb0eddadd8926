"""PipelineDecorator: the guide's example with no agent running, parallel components,
failures seen through the lazy results, and debug_pipeline (no tasks at all)."""
from __future__ import annotations

import json
import pathlib
from typing import Any

import pytest

pytestmark = pytest.mark.slow

# The guide's example, only the import changed; the "# ... code ..." placeholders filled in.
GUIDE = '''
from jupyter_ext import PipelineDecorator

@PipelineDecorator.component(return_values=["result_data"])
def step_prepare_data():
    # ... код подготовки данных ...
    import json, os, tempfile
    prepared_data_path = os.path.join(tempfile.mkdtemp(), "prepared.json")
    with open(prepared_data_path, "w") as fh:
        json.dump([1, 2, 3], fh)
    return prepared_data_path

@PipelineDecorator.component()
def step_train_model(data_path):
    # ... код обучения, использует data_path ...
    import json
    with open(data_path) as fh:
        best_model_path = "model-%d.bin" % sum(json.load(fh))
    return best_model_path

@PipelineDecorator.pipeline(name="Training Pipeline", project="ML Pipelines")
def pipeline_flow():
    data = step_prepare_data()
    model = step_train_model(data)

pipeline_flow()
print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
'''


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def test_guide_example_runs_with_no_agent(run_py: Any) -> None:
    done = run_py.run(GUIDE, timeout=120)
    assert done.returncode == 0, done.stderr
    run_id = next(line.split("=", 1)[1] for line in done.stdout.splitlines() if line.startswith("RUN_ID="))
    view = _backend().get_pipeline(run_id)
    assert view["task"]["status"] == "completed" and view["task"]["name"] == "Training Pipeline"
    assert [(n["name"], n["status"]) for n in view["nodes"]] == [("step_prepare_data", "completed"),
                                                                  ("step_train_model", "completed")]
    assert view["edges"] == [["step_prepare_data", "step_train_model"]]
    from jupyter_ext import Task

    prep, train = (Task.get_task(task_id=n["task_id"]) for n in view["nodes"])
    path = prep.artifacts["result_data"].get()
    assert path.endswith("prepared.json") and json.loads(pathlib.Path(path).read_text()) == [1, 2, 3]
    assert train.artifacts["return_object"].get() == "model-6.bin"
    assert train.get_parameters()["kwargs_artifacts/data_path"] == f"{prep.id}.result_data"
    assert "@PipelineDecorator" not in train.data["script"]["diff"]
    assert prep.parent == run_id and "pipeline-step" in prep.data["system_tags"]


def test_independent_components_run_in_parallel_and_results_are_lazy(run_py: Any) -> None:
    code = '''
    import time
    from jupyter_ext import PipelineDecorator

    @PipelineDecorator.component(return_values=["span"])
    def slow(label, seconds):
        import time
        start = time.time()
        time.sleep(seconds)
        return (label, start, time.time())

    @PipelineDecorator.component(return_values=["total", "labels"])
    def join(a, b):
        return a[2] - a[1] + b[2] - b[1], [a[0], b[0]]

    @PipelineDecorator.pipeline(name="Parallel", project="ML Pipelines")
    def flow(seconds=2.0):
        a = slow("a", seconds)
        b = slow("b", seconds)
        total, labels = join(a, b)
        print("LABELS", list(labels), "A", a[0], "TOTAL>=", total >= 2 * seconds)
        return a, b

    a, b = flow()
    print("OVERLAP", a[1] < b[2] and b[1] < a[2])
    print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
    '''
    done = run_py.run(code, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "LABELS ['a', 'b'] A a TOTAL>= True" in done.stdout
    assert "OVERLAP True" in done.stdout  # the two slow steps ran at the same time
    run_id = next(line.split("=", 1)[1] for line in done.stdout.splitlines() if line.startswith("RUN_ID="))
    view = _backend().get_pipeline(run_id)
    assert [n["name"] for n in view["nodes"]] == ["slow", "slow_1", "join"]
    assert sorted(view["edges"]) == [["slow", "join"], ["slow_1", "join"]]


def test_a_failed_component_fails_the_run_and_its_result_says_why(run_py: Any) -> None:
    code = '''
    from jupyter_ext import PipelineDecorator

    @PipelineDecorator.component()
    def broken():
        raise ValueError("no data today")

    @PipelineDecorator.component()
    def after(x):
        return x

    @PipelineDecorator.pipeline(name="Broken", project="ML Pipelines")
    def flow():
        value = after(broken())
        try:
            print(value + 1)
        except RuntimeError as exc:
            print("CAUGHT", exc)

    flow()
    print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
    '''
    done = run_py.run(code, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "CAUGHT pipeline step 'after' skipped: not run: step 'broken' failed" in done.stdout
    run_id = next(line.split("=", 1)[1] for line in done.stdout.splitlines() if line.startswith("RUN_ID="))
    view = _backend().get_pipeline(run_id)
    assert view["task"]["status"] == "failed"
    assert {n["name"]: n["status"] for n in view["nodes"]} == {"broken": "failed", "after": "skipped"}
    assert "no data today" in view["nodes"][0]["status_reason"]


def test_debug_pipeline_runs_plain_functions_and_creates_no_tasks() -> None:
    from jupyter_ext import PipelineDecorator

    calls: list[str] = []

    @PipelineDecorator.component(return_values=["doubled"])
    def double(x: int) -> int:
        calls.append("double")
        return x * 2

    @PipelineDecorator.pipeline(name="Debug", project="ML Pipelines")
    def flow(x: int = 4) -> int:
        return double(double(x)) + 1

    assert double(3) == 6  # outside a pipeline a component is a plain function
    PipelineDecorator.debug_pipeline()
    try:
        assert flow() == 17
    finally:
        PipelineDecorator._debug = False
    assert calls == ["double", "double", "double"]
    assert _backend().query_tasks() == []


# ClearML's tabular pipeline example: a component connects a model to its task under the name "best"
# and monitor_models=["best"] puts that model on the pipeline's own task.
MONITORED_MODEL = '''
from jupyter_ext import PipelineDecorator

@PipelineDecorator.component(monitor_models=["best"])
def select_best_model():
    from jupyter_ext import OutputModel, Task
    with open("weights.bin", "wb") as fh:
        fh.write(b"weights")
    model = OutputModel(name="xgb model")
    model.update_weights(weights_filename="weights.bin")
    model.connect(task=Task.current_task(), name="best")
    return model.id

@PipelineDecorator.pipeline(name="Monitored", project="ML Pipelines")
def flow():
    print("MODEL_ID=" + str(select_best_model()))

PipelineDecorator.run_locally()
flow()
print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
'''


def test_monitor_models_finds_a_model_by_the_name_its_step_gave_it(run_py: Any) -> None:
    done = run_py.run(MONITORED_MODEL, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = dict(line.split("=", 1) for line in done.stdout.splitlines() if "_ID=" in line)
    from jupyter_ext import Task

    run = Task.get_task(task_id=lines["RUN_ID"])
    assert [m.id for m in run.models["output"]] == [lines["MODEL_ID"]]
    assert run.models["output"]["best"].id == lines["MODEL_ID"]
