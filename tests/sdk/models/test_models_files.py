"""Weights on disk: packages, the verified cache, registered URLs, destinations, background uploads."""
from __future__ import annotations

import os
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument, NotFound, Unavailable

from .conftest import sha_of


def _folder(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "config.json").write_text('{"layers": 3}')
    (root / "sub" / "weights.bin").write_bytes(os.urandom(1000))
    return root


def test_package_round_trip_gives_the_folder_back(task: Any, tmp_path: Path) -> None:
    from jupyter_ext import Model, OutputModel

    src = _folder(tmp_path / "model_dir")
    out = OutputModel(task=task, name="Pkg")
    url = out.update_weights_package(weights_path=str(src))
    model = Model(out.id)
    assert model.url == url and model.version == 1
    folder = Path(model.get_local_copy())
    assert folder.is_dir()
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == ["config.json", "sub", "sub/weights.bin"]
    assert (folder / "sub" / "weights.bin").read_bytes() == (src / "sub" / "weights.bin").read_bytes()
    assert model.get_weights_package(return_path=True) == str(folder)
    assert [p.name for p in model.get_weights_package()] == ["config.json", "weights.bin"]  # type: ignore[union-attr]
    archive = model.get_weights()  # the zip itself
    assert zipfile.is_zipfile(archive) and archive.endswith("Pkg.zip")
    assert model.get_local_copy(extract_archive=False) == archive


def test_the_same_files_make_the_same_package_bytes(task: Any, tmp_path: Path) -> None:
    from jupyter_ext import OutputModel

    src = _folder(tmp_path / "model_dir")
    out = OutputModel(task=task, name="Pkg")
    first = out.update_weights_package(weights_path=str(src))
    os.utime(src / "config.json", (1, 1))  # dates are not part of the archive
    assert out.update_weights_package(weights_path=str(src)) == first and out.version == 2
    files = [str(src / "config.json"), str(src / "sub" / "weights.bin")]
    assert out.update_weights_package(weights_filenames=files) == first  # the same files, listed
    (src / "config.json").write_text('{"layers": 4}')
    assert out.update_weights_package(weights_path=str(src)) != first


def test_package_arguments_are_checked(task: Any, tmp_path: Path, weights: Callable[..., str]) -> None:
    from jupyter_ext import OutputModel

    out = OutputModel(task=task, name="Pkg")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidArgument, match="holds no files"):
        out.update_weights_package(weights_path=str(tmp_path / "empty"))
    with pytest.raises(InvalidArgument, match="does not exist"):
        out.update_weights_package(weights_path=str(tmp_path / "missing"))
    with pytest.raises(InvalidArgument, match="gone.bin"):
        out.update_weights_package(weights_filenames=[weights(b"x"), str(tmp_path / "gone.bin")])
    with pytest.raises(InvalidArgument):
        out.update_weights_package()
    single = OutputModel(task=task, name="Single")
    single.update_weights(weights_filename=weights(b"one file"))
    with pytest.raises(InvalidArgument, match="single file"):
        single.get_weights_package()


def test_update_weights_of_a_folder_or_a_zip_is_a_package(task: Any, tmp_path: Path) -> None:
    from jupyter_ext import Model, OutputModel

    src = _folder(tmp_path / "model_dir")
    out = OutputModel(task=task, name="Pkg")
    out.update_weights(weights_filename=str(src))
    assert (Path(Model(out.id).get_local_copy()) / "config.json").exists()
    archive = tmp_path / "mine.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("inside.txt", "hello")
    out.update_weights(weights_filename=str(archive), is_package=True)
    assert (Path(Model(out.id).get_local_copy()) / "inside.txt").read_text() == "hello"


def test_local_copy_is_cached_and_verified(task: Any, weights: Callable[..., str],
                                           blob_path: Callable[[str], Path]) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="M")
    out.update_weights(weights_filename=weights(b"good weights"))
    blob = blob_path(sha_of(out))
    blob.chmod(0o644)
    blob.write_bytes(b"evil weights")  # the stored file changed on disk
    model = Model(out.id)
    with pytest.raises(Unavailable, match=f"model {out.id} .*version 1.*corrupt"):
        model.get_local_copy()
    with pytest.raises(Unavailable, match="corrupt"):
        model.get_local_copy(raise_on_error=False)  # never a None path to load later
    blob.write_bytes(b"good weights")
    first = model.get_local_copy()
    assert Path(first).read_bytes() == b"good weights"
    blob.unlink()
    assert model.get_local_copy() == first  # from the cache: no store read
    with pytest.raises(NotFound, match="not in the blob store"):
        model.get_local_copy(force_download=True)


def test_force_download_unpacks_a_package_again(task: Any, tmp_path: Path) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(task=task, name="Pkg")
    out.update_weights_package(weights_path=str(_folder(tmp_path / "model_dir")))
    folder = Path(Model(out.id).get_local_copy())
    (folder / "config.json").write_text("edited")
    assert (Path(Model(out.id).get_local_copy()) / "config.json").read_text() == "edited"
    assert (Path(Model(out.id).get_local_copy(force_download=True)) / "config.json").read_text() == '{"layers": 3}'


def test_import_model_registers_a_url_and_load_model_finds_it(task: Any, weights: Callable[..., str]) -> None:
    from jupyter_ext import InputModel

    path = weights(b"external weights", "external.onnx")
    imported = InputModel.import_model(path, name="External", framework="onnx", tags=["imported"],
                                       config_dict={"opset": 17}, label_enumeration={"a": 0},
                                       create_as_published=True)
    assert imported.url == "file://" + os.path.abspath(path) and imported.published and imported.version == 1
    assert imported.project_name == "SDK Tests" and imported.task == "" and imported.config_dict == {"opset": 17}
    assert Path(imported.get_local_copy()).read_bytes() == b"external weights"
    assert InputModel.import_model(path).id == imported.id  # the same URL: the registered model
    loaded = InputModel.load_model(path)
    assert loaded is not None and loaded.id == imported.id
    assert InputModel.load_model("s3://bucket/never-registered.pt") is None
    remote = InputModel.import_model("https://example.com/models/net.pt", project="Elsewhere")
    assert remote.name == "net.pt" and remote.project_name == "Elsewhere" and remote.url.endswith("net.pt")
    with pytest.raises(InvalidArgument, match="does not exist"):
        InputModel.import_model(str(Path(path).with_name("missing.onnx")))


def test_registered_urls_are_fetched_through_fsspec(task: Any) -> None:
    import fsspec

    from jupyter_ext import Model, OutputModel

    url = f"memory://registered-{uuid.uuid4().hex}/model.bin"
    with fsspec.open(url, "wb") as fh:
        fh.write(b"remote bytes")
    out = OutputModel(task=task, name="Registered")
    out.update_weights(register_uri=url)
    local = Model(out.id).get_local_copy()
    assert Path(local).read_bytes() == b"remote bytes" and os.path.basename(local) == "model.bin"
    with fsspec.open(url, "wb") as fh:
        fh.write(b"changed")
    assert Path(Model(out.id).get_local_copy(force_download=True)).read_bytes() == b"changed"


def test_the_tasks_output_uri_and_set_upload_destination_choose_where_weights_go(
        Task: Any, tmp_path: Path, weights: Callable[..., str]) -> None:
    from jupyter_ext import Model, OutputModel

    task = Task.init(project_name="Dest", task_name="output uri", output_uri=str(tmp_path / "team-store"))
    out = OutputModel(task=task, name="M")
    url = out.update_weights(weights_filename=weights(b"in the team store"))
    assert url.startswith((tmp_path / "team-store").as_uri())
    assert Path(Model(out.id).get_local_copy()).read_bytes() == b"in the team store"
    out.set_upload_destination(str(tmp_path / "elsewhere"))
    assert out.update_weights(weights_filename=weights(b"2")).startswith((tmp_path / "elsewhere").as_uri())
    third = out.update_weights(weights_filename=weights(b"3"), upload_uri=str(tmp_path / "third"))
    assert third.startswith((tmp_path / "third").as_uri())
    task.close()


def test_remote_uploads_run_in_the_background_from_a_private_copy(task: Any, weights: Callable[..., str],
                                                                   track_home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from jupyter_ext import Model, OutputModel
    from jupyter_ext.sdk import _transfers as files

    bucket = f"memory://models-{uuid.uuid4().hex}"
    out = OutputModel(task=task, name="Remote")
    out.set_upload_destination(bucket)
    path = weights(b"epoch 1")
    gate = threading.Event()
    upload = files.upload

    def gated_upload(*args: Any) -> tuple[str, int]:  # the background upload waits for the gate
        assert gate.wait(30)
        return upload(*args)

    monkeypatch.setattr(files, "upload", gated_upload)
    url = out.update_weights(weights_filename=path)
    assert url.startswith(bucket + "/sha256/") and out.version == 0  # returned before storing
    Path(path).write_bytes(b"epoch 2, written before the upload ran")
    assert OutputModel.wait_for_uploads(timeout=0.2) is False
    gate.set()
    assert OutputModel.wait_for_uploads(timeout=30)
    model = Model(out.id)
    assert model.version == 1 and model.url == url and out.version == 1
    assert Path(model.get_local_copy()).read_bytes() == b"epoch 1"
    assert os.listdir(track_home / "cache" / "uploads") == []  # the private copy is gone
    sync_url = out.update_weights(weights_filename=path, async_enable=False)
    assert Model(out.id).version == 2 and Model(out.id).url == sync_url
    out.publish()  # waits for anything still uploading first
    assert Model(out.id).published


def test_wait_for_uploads_with_nothing_pending_returns_at_once(track_home: Path) -> None:
    from jupyter_ext import OutputModel

    assert OutputModel.wait_for_uploads(timeout=0) is True
    assert OutputModel.wait_for_uploads(max_num_uploads=1) is True
