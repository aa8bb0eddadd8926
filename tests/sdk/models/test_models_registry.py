"""Model and the registry: lookups, queries, typed metadata, publish, archive, remove + GC."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound

from .conftest import sha_of


def _model(task: Any, weights: Callable[..., str], name: str, data: bytes = b"w", **kwargs: Any) -> Any:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task, name=name, **kwargs)
    out.update_weights(weights_filename=weights(data + name.encode()))
    return out


def test_model_get_by_id_and_by_project_name_version(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model

    out = _model(task, weights, "MyModel", b"v1")
    out.update_weights(weights_filename=weights(b"v2"))
    by_id = Model.get(model_id=out.id)
    assert by_id.id == out.id and by_id.version == 2 and Model(model_id=out.id).version == 2
    pinned = Model.get(model_id=out.id, version=1)
    assert pinned.version == 1 and Path(pinned.get_local_copy()).read_bytes() == b"v1MyModel"
    v1 = Model.get(project_name="SDK Tests", model_name="MyModel", version=1)
    assert v1.id == out.id and v1.version == 1 and v1.url == pinned.url
    latest = Model.get(project_name="SDK Tests", model_name="MyModel")
    assert latest.version == 2 and Path(latest.get_local_copy()).read_bytes() == b"v2"
    with pytest.raises(NotFound, match="has no version 3"):
        Model.get(model_id=out.id, version=3)
    with pytest.raises(NotFound):
        Model.get(project_name="Other project", model_name="MyModel")
    with pytest.raises(NotFound, match="not published"):
        Model.get(model_id=out.id, only_published=True)
    with pytest.raises(NotFound):  # exact names only, not a prefix or a regex
        Model.get(project_name="SDK Tests", model_name="MyMod")


def test_the_newest_model_of_a_name_wins(Task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model

    first = Task.init(project_name="Demo", task_name="run 1")
    old = _model(first, weights, "MyModel")
    second = Task.init(project_name="Demo", task_name="run 2")  # closes run 1
    new = _model(second, weights, "MyModel", b"other")
    assert old.id != new.id
    assert Model.get(project_name="Demo", model_name="MyModel").id == new.id
    second.close()


def test_query_models_filters(task: Any, weights: Callable[..., str], Task: Any) -> None:
    from jupyter_ext import Model

    a = _model(task, weights, "resnet-a", tags=["best", "cv"])
    b = _model(task, weights, "resnet-b", tags=["cv"])
    c = _model(task, weights, "bert", tags=["nlp"])
    a.set_metadata("accuracy", 0.93)
    b.set_metadata("accuracy", 0.81)
    a.publish()
    c_model = Model(c.id)
    c_model.archive()

    def ids(**kwargs: Any) -> set[str]:
        return {m.id for m in Model.query_models(**kwargs)}

    assert ids(project_name="SDK Tests") == {a.id, b.id}
    assert ids(project_name="SDK Tests", include_archived=True) == {a.id, b.id, c.id}
    assert ids(model_name="^resnet") == {a.id, b.id}
    assert ids(model_name="^resnet-a$") == {a.id}
    assert ids(tags=["best"]) == {a.id}
    assert ids(tags=["cv", "nlp"], include_archived=True) == {a.id, b.id, c.id}
    assert ids(tags=["cv", "-best"]) == {b.id}
    assert ids(tags=["__$all", "cv", "best"]) == {a.id}
    assert ids(only_published=True) == {a.id}
    assert ids(metadata={"accuracy": 0.81}) == {b.id}
    assert ids(project_name="Nowhere") == set()
    assert len(Model.query_models(project_name="SDK Tests", max_results=1)) == 1
    assert all(isinstance(m, Model) for m in Model.query_models())
    c_model.unarchive()
    assert c.id in ids(project_name="SDK Tests") and not Model(c.id).archived
    with pytest.raises(InvalidArgument, match="regular expression"):
        Model.query_models(model_name="(")


def test_typed_metadata_round_trip(task: Any, weights: Callable[..., str], fresh_session: Any) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="M")
    out.set_metadata("accuracy", 0.93)
    out.set_metadata("accuracy_text", "0.93")
    out.set_metadata("epochs", "10", v_type="int")
    out.set_metadata("ok", "true", v_type="bool")
    out.set_metadata("classes", ["cat", "dog"])
    out.set_metadata("params", {"lr": 0.001, "layers": [1, 2]})
    out.set_metadata("nothing", None)
    expected = {"accuracy": 0.93, "accuracy_text": "0.93", "epochs": 10, "ok": True, "classes": ["cat", "dog"],
                "params": {"lr": 0.001, "layers": [1, 2]}, "nothing": None}
    task.close()
    fresh_session()  # read back as another process would
    model = Model(out.id)
    for key, value in expected.items():
        got = model.get_metadata(key)
        assert got == value and type(got) is type(value), key
    assert model.get_metadata("missing") is None
    assert model.get_all_metadata()["epochs"] == {"key": "epochs", "type": "int", "value": 10}
    assert model.get_all_metadata_casted() == expected
    with pytest.raises(InvalidArgument, match="not a valid int"):
        model.set_metadata("bad", "ten", v_type="int")
    with pytest.raises(InvalidArgument, match="unknown metadata type"):
        model.set_metadata("bad", "x", v_type="complex")


def test_set_all_metadata_replaces_or_merges(task: Any) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="M")
    out.set_metadata("old", 1)
    out.set_all_metadata({"a": {"key": "a", "type": "float", "value": "0.5"}, "b": "text"}, replace=False)
    assert Model(out.id).get_all_metadata_casted() == {"old": 1, "a": 0.5, "b": "text"}
    out.set_all_metadata({"c": 3})
    assert Model(out.id).get_all_metadata_casted() == {"c": 3}


def test_publish_makes_weights_design_and_metadata_final(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model, OutputModel

    empty = OutputModel(task=task, name="Empty")
    with pytest.raises(Conflict, match="no weights yet"):
        empty.publish()
    out = _model(task, weights, "M")
    out.set_metadata("accuracy", "0.93")
    out.publish()
    assert out.published and Model(out.id).published
    for change in (lambda: out.update_weights(weights_filename=weights(b"new")),
                   lambda: out.update_weights(register_uri="s3://b/m.pt"),
                   lambda: out.update_weights_package(weights_filenames=[weights(b"p")]),
                   lambda: out.set_metadata("accuracy", "0.99"),
                   lambda: Model(out.id).set_metadata("accuracy", "0.99"),
                   lambda: out.update_design(config_text="x"),
                   lambda: out.update_labels({"a": 1})):
        with pytest.raises(Conflict, match="register a new model"):
            change()
    assert Model(out.id).version == 1 and Model(out.id).get_metadata("accuracy") == "0.93"
    out.tags = ["production"]  # tags and comment stay editable
    out.comment = "shipped"
    assert Model(out.id).tags == ["production"] and Model(out.id).comment == "shipped"
    model = Model(out.id)
    model.publish()  # publishing again is harmless
    assert model.published


def test_remove_and_garbage_collection_free_unshared_weights(task: Any, weights: Callable[..., str],
                                                             blob_path: Callable[[str], Path]) -> None:
    from jupyter_ext import Model, OutputModel
    from jupyter_ext.sdk import _session as session

    alone = OutputModel(task=task, name="Alone")
    alone.update_weights(weights_filename=weights(b"only here"))
    alone_sha = sha_of(alone)
    shared = OutputModel(task=task, name="Shared")
    shared.update_weights(weights_filename=weights(b"same bytes"))
    shared.update_weights(weights_filename=weights(b"shared v2"))
    twin = OutputModel(task=task, name="Twin")
    twin.update_weights(weights_filename=weights(b"same bytes"))  # stored once, named by two models
    twin_sha = sha_of(Model.get(model_id=twin.id, version=1))
    artifact_bytes = OutputModel(task=task, name="ArtifactToo")
    artifact_bytes.update_weights(weights_filename=weights(b"also an artifact"))
    artifact_sha = sha_of(artifact_bytes)
    session.backend().put_artifact(task.id, {"name": "same file", "blob_sha256": artifact_sha,
                                             "size": len(b"also an artifact"), "file_name": "x.bin"})
    shared_v2 = sha_of(shared)
    for sha in (alone_sha, twin_sha, artifact_sha, shared_v2):
        assert blob_path(sha).exists()

    assert Model.remove(alone) is True
    assert not blob_path(alone_sha).exists()
    with pytest.raises(NotFound):
        Model(alone.id)
    assert alone.id not in {m.id for m in task.models["output"]}

    assert Model.remove(shared.id)
    assert not blob_path(shared_v2).exists()
    assert blob_path(twin_sha).exists()  # version 1 of Twin holds the same bytes
    assert Path(Model(twin.id).get_local_copy(force_download=True)).read_bytes() == b"same bytes"

    assert Model.remove(artifact_bytes.id)
    assert blob_path(artifact_sha).exists()  # an artifact still names them


def test_remove_without_delete_weights_file_leaves_bytes_to_the_next_gc(task: Any, weights: Callable[..., str],
                                                                         blob_path: Callable[[str], Path]) -> None:
    from jupyter_ext import Model
    from jupyter_ext.sdk import _session as session

    out = _model(task, weights, "M")
    sha = sha_of(out)
    assert Model.remove(out, delete_weights_file=False)
    assert blob_path(sha).exists()
    session.backend().collect_garbage()
    assert not blob_path(sha).exists()


def test_remove_refuses_a_model_other_tasks_use_unless_forced(Task: Any, task: Any, weights: Callable[..., str],
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from jupyter_ext import InputModel, Model

    out = _model(task, weights, "Base")
    user = Task.create(project_name="SDK Tests", task_name="fine-tune")
    InputModel(model_id=out.id).connect(user)
    assert Model.remove(out) is False
    assert "input of 1 task" in capsys.readouterr().err
    with pytest.raises(Conflict, match="force=True"):
        Model.remove(out, raise_on_errors=True)
    assert Model.remove(out, force=True) is True
    assert user.models["input"] == []
    assert Model.remove("no-such-model") is False


@pytest.mark.slow
def test_remove_through_a_server_deletes_only_that_models_unshared_weights(
        track_home: Path, tmp_path: Path, db_url: str, weights: Callable[..., str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext import Model, OutputModel, Task
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    try:
        access, secret = server.create_key("sdk")
        monkeypatch.setenv("JUPYTER_TRACK_API_HOST", server.url)
        monkeypatch.setenv("JUPYTER_TRACK_ACCESS_KEY", access)
        monkeypatch.setenv("JUPYTER_TRACK_SECRET_KEY", secret)
        session.reset_for_tests()
        task = Task.init(project_name="SDK Tests", task_name="remote remove", reuse_last_task_id=False)
        doomed, twin = OutputModel(task=task, name="Doomed"), OutputModel(task=task, name="Twin")
        doomed.update_weights(weights_filename=weights(b"only the doomed model"))
        doomed.update_weights(weights_filename=weights(b"both models"))
        twin.update_weights(weights_filename=weights(b"both models"))
        own = sha_of(Model.get(model_id=doomed.id, version=1))
        shared = sha_of(twin)
        # garbage the removal must not look at: a deleted task's artifact bytes stay for `gc`
        other = Task.create(project_name="SDK Tests", task_name="deleted later")
        other.upload_artifact("x", artifact_object=weights(b"unrelated garbage", name="x.bin"),
                              wait_on_upload=True)
        unrelated = other.artifacts["x"].hash
        other.delete()

        def stored(sha: str) -> bool:
            return (tmp_path / "server-blobs" / "sha256" / sha[:2] / sha).exists()

        assert stored(own) and stored(shared) and stored(unrelated)
        assert Model.remove(doomed, raise_on_errors=True)
        assert not stored(own)
        assert stored(shared)  # Twin holds the same bytes
        assert stored(unrelated)
        task.close()
    finally:
        session.reset_for_tests()
        server.stop()
