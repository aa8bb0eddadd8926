"""Models, a model's own metrics, artifacts, stored files and garbage collection through the
Backend interface: the same rows in process and over HTTP."""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.store.rows import ArtifactRow, ModelRow, ModelVersionRow


def _weights(backend: Any, tmp_path: Path, data: bytes) -> tuple[str, int]:
    path = tmp_path / f"w-{hashlib.sha256(data).hexdigest()[:8]}.bin"
    path.write_bytes(data)
    return backend.put_blob_file(str(path))


def test_models_round_trip_as_rows(any_backend: Any, tmp_path: Path) -> None:
    task = any_backend.create_task({"project": "M", "name": "train"})
    made = any_backend.create_model({"name": "net", "project": "M", "framework": "PyTorch", "task_id": task.id,
                                     "labels": {"cat": 0}, "tags": ["a"]})
    assert isinstance(made, ModelRow) and made.framework == "pytorch" and made.tags == ("a",)
    assert made.latest_version == 0 and made.version is None and isinstance(made.created, float)
    at_zero = any_backend.get_model(made.id)
    assert (at_zero.version, at_zero.weights) == (0, None)
    sha, size = _weights(any_backend, tmp_path, b"weights one")
    one = any_backend.add_model_version(made.id, {"blob_sha256": sha, "size": size, "file_name": "w.bin",
                                                  "iteration": 7})
    assert one.version == 1 and isinstance(one.weights, ModelVersionRow)
    assert (one.weights.blob_sha256, one.weights.size, one.weights.iteration) == (sha, size, 7)
    any_backend.add_model_version(made.id, {"url": "s3://bucket/w2.bin", "file_name": "w2.bin"})
    versions = any_backend.get_model_versions(made.id)
    assert [v.version for v in versions] == [1, 2] and versions[1].url == "s3://bucket/w2.bin"
    assert any_backend.get_model(made.id, 1).weights.blob_sha256 == sha
    with pytest.raises(NotFound, match="no version 3"):
        any_backend.get_model(made.id, 3)

    edited = any_backend.update_model(made.id, {"comment": "better"})
    assert edited.comment == "better" and edited.last_update >= made.last_update
    typed = any_backend.set_model_metadata(made.id, {"acc": 0.93, "note": "0.93"})
    assert typed.metadata["acc"] == {"value": 0.93, "type": "float"}
    assert typed.metadata["note"] == {"value": "0.93", "type": "str"}
    replaced = any_backend.set_model_metadata(made.id, {"k": 1}, replace=True)
    assert replaced.metadata == {"k": {"value": 1, "type": "int"}}

    assert [m.id for m in any_backend.query_models(project_name="M")] == [made.id]
    assert any_backend.query_models(model_name="^nothing$") == []
    found = any_backend.find_model("M", "net", 1)
    assert (found.id, found.version) == (made.id, 1)
    assert any_backend.get_task_models(task.id)["output"][0].link_name == "net"
    user = any_backend.create_task({"project": "M", "name": "use"})
    any_backend.link_task_model(user.id, made.id, "input", "base")
    assert [(m.id, m.link_name) for m in any_backend.get_task_models(user.id)["input"]] == [(made.id, "base")]

    assert any_backend.publish_model(made.id).published
    with pytest.raises(Conflict, match="published"):
        any_backend.add_model_version(made.id, {"url": "s3://bucket/w3.bin"})
    assert any_backend.archive_model(made.id).archived
    assert any_backend.query_models(project_name="M") == []
    assert not any_backend.archive_model(made.id, False).archived
    with pytest.raises(Conflict, match="input of 1 task"):
        any_backend.remove_model(made.id)
    any_backend.remove_model(made.id, force=True, delete_weights=True)
    with pytest.raises(NotFound):
        any_backend.get_model(made.id)
    assert not any_backend.has_blob(sha)  # only this model named those bytes


def test_model_metrics(any_backend: Any) -> None:
    model = any_backend.create_model({"name": "scored", "project": "M"})
    stored = any_backend.report_model_metrics(model.id, [{"title": "loss", "series": "val", "iteration": 1,
                                                          "value": 0.5}], [{"name": "acc", "value": 0.9}])
    assert stored == {"stored": 2}
    got = any_backend.get_model_metrics(model.id)
    assert got["scalars"] == [{"title": "loss", "series": "val", "iterations": [1], "values": [0.5]}]
    assert got["single_values"] == [{"name": "acc", "value": 0.9}]
    with pytest.raises(InvalidArgument):
        any_backend.report_model_metrics(model.id, [{"title": "loss"}])


def test_artifacts_as_rows(any_backend: Any, tmp_path: Path) -> None:
    task = any_backend.create_task({"project": "A", "name": "t"})
    sha, size = _weights(any_backend, tmp_path, b"artifact bytes")
    row = any_backend.put_artifact(task.id, {"name": "table", "type": "pandas", "blob_sha256": sha, "size": size,
                                             "metadata": {"rows": 3}})
    assert isinstance(row, ArtifactRow) and (row.name, row.size, row.metadata) == ("table", size, {"rows": "3"})
    assert isinstance(row.id, int) and isinstance(row.time, float)
    any_backend.put_artifact(task.id, {"name": "link", "url": "https://example.com/x.csv"})
    assert [(a.name, a.url) for a in any_backend.get_artifacts(task.id)] == [
        ("table", None), ("link", "https://example.com/x.csv")]
    with pytest.raises(InvalidArgument, match="neither stored bytes nor a URL"):
        any_backend.put_artifact(task.id, {"name": "empty"})
    any_backend.remove_artifact(task.id, "link")
    with pytest.raises(NotFound):
        any_backend.remove_artifact(task.id, "link")
    assert [a.name for a in any_backend.get_artifacts(task.id)] == ["table"]


def test_files_move_checked_and_garbage_is_collected(any_backend: Any, tmp_path: Path) -> None:
    data = b"x" * 300_000
    sha, size = _weights(any_backend, tmp_path, data)
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data)) and any_backend.has_blob(sha)
    assert any_backend.put_blob_file(str(tmp_path / f"w-{sha[:8]}.bin"), known_sha256=sha) == (sha, size)
    dest = tmp_path / "out" / "copy.bin"
    assert any_backend.download_blob(sha, str(dest)) == str(dest) and dest.read_bytes() == data
    with pytest.raises(NotFound):
        any_backend.download_blob("0" * 64, str(tmp_path / "none.bin"))
    kept, _ = _weights(any_backend, tmp_path, b"kept by an artifact")
    task = any_backend.create_task({"project": "G", "name": "t"})
    any_backend.put_artifact(task.id, {"name": "kept", "blob_sha256": kept, "size": 19})
    any_backend.put_artifact(task.id, {"name": "dropped", "blob_sha256": sha, "size": size})
    any_backend.remove_artifact(task.id, "dropped")  # its bytes are garbage now
    planned = any_backend.collect_garbage(dry_run=True)
    assert planned.blobs >= 1 and any_backend.has_blob(sha)
    done = any_backend.collect_garbage()
    assert done.blobs == planned.blobs and done.bytes >= size
    assert not any_backend.has_blob(sha) and any_backend.has_blob(kept)
