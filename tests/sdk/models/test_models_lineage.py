"""Lineage (input models, parents), task.models, and what another process reads back."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument, NotFound


def test_input_model_connect_then_the_next_model_descends_from_it(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import InputModel, Model, OutputModel

    train = Task.init(project_name="Lineage", task_name="train")
    base = OutputModel(task=train, name="Base", framework="pytorch")
    base.update_weights(weights_filename=weights(b"base"))
    train.close()

    tune = Task.init(project_name="Lineage", task_name="fine-tune")
    start = InputModel(model_id=base.id)
    assert start.connect(tune) is None
    assert tune.models["input"][0].id == base.id and tune.models["input"]["Base"].id == base.id
    tuned = OutputModel(task=tune, name="Tuned")  # parent: the task's input model
    none = OutputModel(task=train, name="NoInputs")
    assert Model(tuned.id).parent == base.id  # base_model_id= continues a model: test_clearml_behaviour.py
    assert none.parent is None and Model(base.id).parent is None
    assert [m.id for m in tune.models["output"]] == [tuned.id]
    assert Model(tuned.id).task == tune.id and Model(base.id).task == train.id
    with pytest.raises(NotFound):
        OutputModel(task=tune, name="Orphan", base_model_id="no-such-model")
    tune.close()


def test_input_model_by_name_and_project(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import InputModel, OutputModel

    task = Task.init(project_name="Lineage", task_name="by name")
    out = OutputModel(task=task, name="Named", tags=["cv"])
    out.update_weights(weights_filename=weights(b"w"))
    assert InputModel(name="Named").id == out.id
    assert InputModel(name="Named", project="Lineage", tags=["cv"]).id == out.id
    with pytest.raises(NotFound):
        InputModel(name="Named", project="Lineage", only_published=True)
    with pytest.raises(NotFound):
        InputModel(model_id=out.id, only_published=True)
    out.publish()
    assert InputModel(name="Named", only_published=True).published
    with pytest.raises(InvalidArgument, match="model_id= or name="):
        InputModel()
    task.close()


def test_connect_names_and_output_connect(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import InputModel, OutputModel

    task = Task.init(project_name="Lineage", task_name="names")
    standalone = InputModel.import_model(weights(b"w", "pretrained.pt"), name="Pretrained")
    standalone.connect(task, name="backbone")
    assert task.models["input"]["backbone"].id == standalone.id
    assert task.models["input"]["Pretrained"].id == standalone.id
    other = Task.create(project_name="Lineage", task_name="other")
    out = OutputModel(task=task, name="Made")
    out.connect(other, name="borrowed")
    assert other.models["output"]["borrowed"].id == out.id
    assert out.task == task.id  # the task that made it stays its task
    task.close()


def test_task_models_is_empty_for_a_task_without_models(task: Any) -> None:
    models = task.models
    assert models == {"input": [], "output": []} and task.get_models() == models
    assert models["output"].keys() == []


@pytest.mark.slow
def test_a_new_process_reads_what_the_first_wrote(run_py: Any, tmp_path: Path) -> None:
    first = run_py.run("""
        import os
        from jupyter_ext import Task, OutputModel, InputModel
        task = Task.init(project_name="Demo Project", task_name="writer")
        with open("best_model.pth", "wb") as fh:
            fh.write(b"first version")
        out = OutputModel(task=task, name="MyModel", framework="pytorch", tags=["best"],
                          config_dict={"layers": 2}, label_enumeration={"cat": 0})
        out.update_weights(weights_filename="best_model.pth")
        with open("best_model.pth", "wb") as fh:
            fh.write(b"second version")
        task.update_output_model(filepath="best_model.pth", model_name="MyModel")
        os.makedirs("pkg", exist_ok=True)
        with open("pkg/a.txt", "w") as fh:
            fh.write("A")
        packaged = OutputModel(task=task, name="Packaged")
        packaged.update_weights_package(weights_path="pkg")
        out.set_metadata("accuracy", 0.93)
        out.publish()
        print("MODEL_ID=" + out.id)
        print("TASK_ID=" + task.id)
        # no close(): the exit hook finishes the task
    """)
    assert first.returncode == 0, first.stderr
    model_id = next(ln.split("=", 1)[1] for ln in first.stdout.splitlines() if ln.startswith("MODEL_ID="))
    task_id = next(ln.split("=", 1)[1] for ln in first.stdout.splitlines() if ln.startswith("TASK_ID="))
    second = run_py.run(f"""
        import os
        from jupyter_ext import Task, Model
        m = Model.get(model_id="{model_id}")
        assert (m.name, m.version, m.framework, m.tags, m.published) == ("MyModel", 2, "pytorch", ["best"], True)
        assert m.config_dict == {{"layers": 2}} and m.labels == {{"cat": 0}} and m.task == "{task_id}"
        assert m.get_metadata("accuracy") == 0.93
        assert open(m.get_local_copy(), "rb").read() == b"second version"
        v1 = Model.get(project_name="Demo Project", model_name="MyModel", version=1)
        assert open(v1.get_local_copy(), "rb").read() == b"first version"
        task = Task.get_task(task_id="{task_id}")
        assert task.get_status() == "completed", task.get_status()
        outputs = task.models["output"]
        assert [o.name for o in outputs] == ["MyModel", "Packaged"]
        folder = outputs["Packaged"].get_local_copy()
        assert sorted(os.listdir(folder)) == ["a.txt"]
        print("OK")
    """)
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip().endswith("OK")


def test_public_names_import_lazily(run_py: Any) -> None:
    out = run_py.run("""
        import sys
        import jupyter_ext
        assert "jupyter_ext.sdk.models.model" not in sys.modules
        from jupyter_ext import Model, InputModel, OutputModel
        from jupyter_ext.sdk.models.model import OutputModel as Same, Framework
        assert Same is OutputModel and issubclass(InputModel, Model) and Framework.pytorch == "pytorch"
        import jupyter_ext.sdk.tasks.task
        assert "sqlalchemy" not in sys.modules, "importing the SDK must not open the store"
        print("OK")
    """)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "OK"


def test_empty_input_model_carries_design_and_labels_without_weights(Task: Any) -> None:
    from jupyter_ext import InputModel

    task = Task.init(project_name="Lineage", task_name="from scratch")
    start = InputModel.empty(config_dict={"layers": [64, 32], "activation": "relu"},
                             label_enumeration={"cat": 0, "dog": 1})
    start.connect(task)
    again = InputModel(model_id=start.id)
    assert again.config_dict == {"layers": [64, 32], "activation": "relu"}
    assert again.labels == {"cat": 0, "dog": 1}
    assert again.url == "" and task.models["input"][0].id == start.id
    with pytest.raises(InvalidArgument):
        InputModel.empty(config_text="a: 1", config_dict={"a": 1})
    task.close()


def test_task_connect_takes_a_model_as_clearml_does(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import InputModel, Model, OutputModel

    train = Task.init(project_name="Lineage", task_name="train for connect")
    base = OutputModel(task=train, name="Base for connect", framework="pytorch")
    base.update_weights(weights_filename=weights(b"base"))
    train.close()
    tune = Task.init(project_name="Lineage", task_name="tune with connect")
    start = InputModel(model_id=base.id)
    assert tune.connect(start) is start  # an input of the task, not a set of hyperparameters
    assert [m.id for m in tune.models["input"]] == [base.id]
    assert tune.get_parameters() == {}
    tuned = OutputModel(name="Tuned by connect")
    assert tune.connect(tuned, name="tuned") is tuned
    assert [m.id for m in tune.models["output"]] == [tuned.id] and Model(tuned.id).task == tune.id
    tune.close()
