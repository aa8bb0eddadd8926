"""OutputModel and task.update_output_model: versions, uploads, design, the guide's snippets."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound


def test_repeated_update_weights_numbers_versions_1_2_3(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="MyModel", framework="pytorch", tags=["best"])
    assert out.version == 0 and out.url == ""
    urls = []
    for n in (1, 2, 3):
        urls.append(out.update_weights(weights_filename=weights(f"epoch {n}".encode()), iteration=n * 10))
        assert out.version == n
    assert len(set(urls)) == 3 and all(u.startswith("file://") for u in urls)
    assert [v.version for v in Model(out.id).versions()] == [1, 2, 3]
    assert [v.iteration for v in Model(out.id).versions()] == [10, 20, 30]
    assert Model(out.id).url == urls[-1]
    for n, version in enumerate(Model(out.id).versions(), start=1):
        assert Path(version.get_local_copy()).read_bytes() == f"epoch {n}".encode()
    assert out.project_name == "SDK Tests" and out.task == task.id and out.framework == "pytorch"


def test_defaults_name_project_and_lineage_come_from_the_task(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task)
    assert out.name == task.name and out.project_name == task.get_project_name() and out.parent is None
    assert OutputModel().id == out.id  # task=None: the current task, and its model of that name


def test_your_weights_file_is_never_deleted(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    path = weights(b"keep me")
    OutputModel(task=task, name="M").update_weights(weights_filename=path, auto_delete_file=True)
    assert Path(path).read_bytes() == b"keep me"


def test_target_filename_names_the_downloaded_file(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="M")
    out.update_weights(weights_filename=weights(b"x", "tmp123.bin"), target_filename="../../model.pt")
    local = Model(out.id).get_local_copy()
    assert os.path.basename(local) == "model.pt"  # a name, never a path
    assert Path(local).read_bytes() == b"x"


def test_missing_file_and_bad_arguments_are_refused(task: Any, tmp_path: Path) -> None:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task, name="M")
    with pytest.raises(InvalidArgument, match="no_such.pth"):
        out.update_weights(weights_filename=str(tmp_path / "no_such.pth"))
    with pytest.raises(InvalidArgument, match="weights_filename= .* or register_uri="):
        out.update_weights()
    with pytest.raises(InvalidArgument, match="not both"):
        OutputModel(task=task, name="M", config_text="a", config_dict={"a": 1})
    with pytest.raises(InvalidArgument, match="label"):
        OutputModel(task=task, name="M", label_enumeration={"cat": "zero"})  # type: ignore[dict-item]
    assert out.version == 0


def test_framework_names_are_checked_and_any_spelling_of_a_known_one_works(task: Any) -> None:
    from jupyter_ext import OutputModel
    from jupyter_ext.sdk.models.model import Framework

    with pytest.raises(InvalidArgument, match="unknown framework 'Caffe9'.*pytorch"):
        OutputModel(task=task, name="A", framework="Caffe9")
    spellings = {"PyTorch": "pytorch", "scikit-learn": "scikitlearn", "TensorFlow Lite": "tensorflowlite",
                 "MXNet": "mknet", Framework.xgboost: "xgboost"}
    for i, (given, stored) in enumerate(spellings.items()):
        assert OutputModel(task=task, name=f"F{i}", framework=given).framework == stored
    assert "onnx" in Framework.all()


def test_register_uri_records_a_remote_file_without_uploading(task: Any) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="Remote")
    url = out.update_weights(register_uri="s3://bucket/models/model.onnx")
    assert url == "s3://bucket/models/model.onnx" and out.version == 1
    model = Model(out.id)
    assert model.url == url and model.size == 0


def test_design_labels_tags_and_comment(task: Any) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="M", config_dict={"layers": 3, "act": "relu"},
                      label_enumeration={"cat": 0, "dog": 1}, comment="first try")
    model = Model(out.id)
    assert model.config_dict == {"layers": 3, "act": "relu"} and '"layers": 3' in model.config_text
    assert model.labels == {"cat": 0, "dog": 1} and model.comment == "first try"
    out.update_design(config_text="layers: 4\n")
    out.update_labels({"cat": 0, "dog": 1, "bird": 2})
    out.tags = ["best", "v2"]
    out.comment = "second"
    model = Model(out.id)
    assert model.config_text == "layers: 4\n" and model.config_dict == {"layers": 4}
    assert model.labels["bird"] == 2 and model.tags == ["best", "v2"] and model.comment == "second"
    out.update_design(config_text="not a mapping")
    assert Model(out.id).config_dict == {}


def test_update_comment_notes_where_the_newest_weights_came_from(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task, name="M", comment="my notes")
    path = weights(b"1")
    out.update_weights(weights_filename=path)
    out.update_weights(weights_filename=path)
    assert out.comment == f"my notes\nweights from {os.path.abspath(path)} (version 2)"
    out.update_weights(weights_filename=path, update_comment=False)
    assert out.comment.endswith("(version 2)")


def test_a_task_gets_its_unpublished_model_of_the_same_name_back(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    first = OutputModel(task=task, name="MyModel")
    first.update_weights(weights_filename=weights(b"1"))
    again = OutputModel(task=task, name="MyModel", tags=["again"])  # a notebook cell run twice
    assert again.id == first.id and again.tags == ["again"]
    assert again.update_weights(weights_filename=weights(b"2")) and again.version == 2
    assert OutputModel(task=task, name="Other").id != first.id
    again.publish()
    fresh = OutputModel(task=task, name="MyModel")  # a published model is final: a new one
    assert fresh.id != first.id and fresh.version == 0
    assert [m.id for m in task.models["output"]] == [first.id, OutputModel(task=task, name="Other").id, fresh.id]


def test_update_output_model_versions_one_model(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model

    path = weights(b"a")
    url1 = task.update_output_model(model_path=path, model_name="MyModel", iteration=5)
    url2 = task.update_output_model(filepath=weights(b"b"), model_name="MyModel")  # the guide's spelling
    outputs = task.models["output"]
    assert len(outputs) == 1 and outputs["MyModel"].version == 2
    model = Model(outputs[0].id)
    assert [v.url for v in model.versions()] == [url1, url2] and model.versions()[0].iteration == 5
    with pytest.raises(InvalidArgument, match="model_path"):
        task.update_output_model()
    with pytest.raises(InvalidArgument, match="not both"):
        task.update_output_model(model_path=path, filepath=path)


def test_update_output_model_names_like_clearml(task: Any, weights: Callable[..., str], tmp_path: Path) -> None:
    task.update_output_model(model_path=weights(b"x"))
    task.update_output_model(model_path=weights(b"y"), name="encoder", tags=["enc"], comment="c")
    folder = tmp_path / "saved"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"pb")
    (folder / "variables" / "v.data").write_bytes(b"v")
    task.update_output_model(model_path=str(folder), model_name="Folder")
    task.update_output_model(model_path="https://example.com/m.bin", model_name="Remote")
    outputs = task.models["output"]
    assert outputs[task.name].name == task.name
    encoder = outputs["encoder"]  # keyed by the name it was connected with
    assert encoder.name == f"{task.name} - encoder" and encoder.tags == ["enc"] and encoder.comment.startswith("c")
    packaged = outputs["Folder"]
    assert sorted(str(p.relative_to(packaged.get_local_copy())) for p in packaged.get_weights_package()) == \
        ["saved_model.pb", "variables/v.data"]
    assert outputs["Remote"].url == "https://example.com/m.bin"
    assert "encoder" in outputs and "nope" not in outputs and outputs.get("nope") is None
    with pytest.raises(KeyError, match="nope"):
        outputs["nope"]


def test_the_guides_model_snippets(Task: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The guide's code with only the import changed ("from clearml import …").
    monkeypatch.chdir(tmp_path)
    Path("best_model.pth").write_bytes(b"torch weights")
    from jupyter_ext import Model, OutputModel

    task = Task.init(project_name="Demo Project", task_name="Guide models")
    output_model = OutputModel(task=task, name="MyModel")
    output_model.update_weights(weights_filename="best_model.pth")
    task.update_output_model(filepath="best_model.pth", model_name="MyModel")

    model = Model.get(model_id=output_model.id)
    local_path = model.get_local_copy()
    print("Model downloaded to:", local_path)
    assert Path(local_path).read_bytes() == b"torch weights"
    first = Model.get(project_name="Demo Project", model_name="MyModel", version=1)
    assert first.id == output_model.id and first.version == 1 and model.version == 2
    task.close()


def test_lookups_that_find_nothing_say_how_to_find_models(task: Any) -> None:
    from jupyter_ext import Model

    with pytest.raises(NotFound, match="query_models"):
        Model("0" * 32)
    with pytest.raises(NotFound, match="no model named 'Nope' in project 'SDK Tests'"):
        Model.get(project_name="SDK Tests", model_name="Nope")
    with pytest.raises(InvalidArgument):
        Model.get()
    with pytest.raises(InvalidArgument, match="version"):
        Model.get(model_id="x", version=0)


def test_a_model_without_weights_has_nothing_to_download(task: Any) -> None:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task, name="Empty")
    with pytest.raises(NotFound, match="has no weights yet"):
        out.get_local_copy()
    with pytest.raises(Conflict, match="no weights"):
        out.publish()
