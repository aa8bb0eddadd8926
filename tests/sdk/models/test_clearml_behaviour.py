"""ClearML parameters that change what happens: Task.delete keeping models, OutputModel(base_model_id=...)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jupyter_ext.errors import NotFound


def _task_with_model(Task: Any, name: str, weights: Callable[..., str]) -> tuple[Any, str]:
    from jupyter_ext import OutputModel

    task = Task.init(project_name="SDK Tests", task_name=name, reuse_last_task_id=False)
    out = OutputModel(task=task, name=f"{name} model")
    out.update_weights(weights_filename=weights(name.encode()))
    task.upload_artifact("numbers", artifact_object={"a": 1})
    task.close()
    return task, out.id


def test_delete_keeps_models_when_asked(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model

    kept_task, kept = _task_with_model(Task, "keeps", weights)
    assert kept_task.delete(delete_artifacts_and_models=False) is True
    with pytest.raises(NotFound):
        Task.get_task(task_id=kept_task.id)
    assert Model(kept).id == kept and Model(kept).url.startswith("file://")

    gone_task, gone = _task_with_model(Task, "deletes", weights)
    assert gone_task.delete() is True
    with pytest.raises(NotFound):
        Model(gone).url  # noqa: B018 - reading it is the check


def test_delete_callback_decides_as_in_clearml(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model

    task, model_id = _task_with_model(Task, "asks", weights)
    seen: list[tuple[str, str]] = []

    def keep_models(uri_type: str, uri: str) -> bool:
        seen.append((uri_type, uri))
        return uri_type != "model"

    assert task.delete(callback=keep_models) is True
    assert sorted(kind for kind, _ in seen) == ["artifact", "model"]
    assert all(uri for _, uri in seen)
    assert Model(model_id).id == model_id


def test_output_model_with_base_model_id_continues_that_model(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model, OutputModel

    first = Task.init(project_name="SDK Tests", task_name="first", reuse_last_task_id=False)
    base = OutputModel(task=first, name="shared", framework="pytorch", comment="from the first run")
    base.update_weights(weights_filename=weights(b"v1"))
    first.close()

    second = Task.init(project_name="SDK Tests", task_name="second", reuse_last_task_id=False)
    out = OutputModel(task=second, base_model_id=base.id, tags=["continued"], comment="fine-tuned")
    assert out.id == base.id
    out.update_weights(weights_filename=weights(b"v2"))
    second.close()

    model = Model(base.id)
    assert [v.version for v in model.versions()] == [1, 2]
    assert model.task == second.id and model.name == "second" and "continued" in model.tags
    assert model.comment.startswith("from the first run\nfine-tuned")
    assert [m.id for m in second.models["output"]] == [base.id]


def test_base_model_id_of_a_published_model_makes_its_child(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    base = OutputModel(task=task, name="final")
    base.update_weights(weights_filename=weights(b"v1"))
    base.publish()
    child = OutputModel(task=task, name="next", base_model_id=base.id)
    assert child.id != base.id and child.parent == base.id


def test_base_model_id_that_names_no_model_raises(task: Any) -> None:
    from jupyter_ext import OutputModel

    with pytest.raises(NotFound):
        OutputModel(task=task, base_model_id="no-such-model")
