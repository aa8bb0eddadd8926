"""Artifacts are safe to read: names never become paths, downloads are checked against their
sha256, archives cannot write outside their folder, and pickles from others can be refused."""
from __future__ import annotations

import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jupyter_ext.errors import InvalidArgument, NotFound, Unavailable
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.artifacts.artifact import UnsafeArtifactError


# -- pickles -------------------------------------------------------------------------------------
def test_a_pickle_from_another_user_is_refused_when_asked(task: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    task.upload_artifact("obj", {"when": {1, 2}})  # a set is not JSON: pickled
    task.upload_artifact("frame", pd.DataFrame({"v": [1]}), extension_name=".pickle")
    task.upload_artifact("cfg", {"a": 1})
    obj, frame, cfg = (task.artifacts[n] for n in ("obj", "frame", "cfg"))
    assert obj.type == "pickle"
    assert obj.get(block_unsafe_artifacts=True) == {"when": {1, 2}}, "your own pickles are yours to load"

    monkeypatch.setattr(session, "getpid_user", lambda: "mallory")
    with pytest.raises(UnsafeArtifactError, match="get_local_copy") as info:
        obj.get(block_unsafe_artifacts=True)
    assert isinstance(info.value, InvalidArgument) and isinstance(info.value, PermissionError)
    assert obj.user in str(info.value) and "mallory" in str(info.value)
    with pytest.raises(UnsafeArtifactError):
        frame.get(block_unsafe_artifacts=True)
    assert cfg.get(block_unsafe_artifacts=True) == {"a": 1}, "JSON is not code: never blocked"
    assert obj.get() == {"when": {1, 2}}, "not blocked unless asked"
    assert obj.get(block_unsafe_artifacts=True, deserialization_function=pickle.loads) == {"when": {1, 2}}
    assert obj.get_local_copy() is not None


@pytest.mark.parametrize("variable", ["JUPYTER_TRACK_BLOCK_UNSAFE_ARTIFACTS", "CLEARML_BLOCK_PICKLED_ARTIFACTS"])
def test_the_setting_blocks_pickles_from_others(Task: Any, monkeypatch: pytest.MonkeyPatch, fresh_session: Any,
                                                variable: str) -> None:
    task = Task.init(project_name="Artifacts", task_name="pickles", reuse_last_task_id=False)
    task.upload_artifact("obj", [1, 2, 3])
    task.close()
    monkeypatch.setenv(variable, "1")
    fresh_session()
    assert Task.get_task(task_id=task.id).artifacts["obj"].get() == [1, 2, 3], "same user: allowed"
    monkeypatch.setattr(session, "getpid_user", lambda: "someone else")
    with pytest.raises(UnsafeArtifactError, match="block_unsafe_artifacts"):
        Task.get_task(task_id=task.id).artifacts["obj"].get()


def test_a_tampered_cached_pickle_is_fetched_again(task: Any) -> None:
    task.upload_artifact("obj", [1, 2], wait_on_upload=True)
    art = task.artifacts["obj"]
    local = Path(art.get_local_copy() or "")
    evil = pickle.dumps([6, 6], protocol=pickle.HIGHEST_PROTOCOL)
    assert len(evil) == local.stat().st_size
    local.write_bytes(evil)
    assert art.get() == [1, 2]


# -- integrity -----------------------------------------------------------------------------------
def _blob_path(home: Path, sha: str) -> Path:
    return home / "blobs" / "sha256" / sha[:2] / sha


def test_a_corrupted_blob_is_a_clear_error(task: Any, track_home: Path, capfd: pytest.CaptureFixture[str]) -> None:
    task.upload_artifact("cfg", {"a": 1}, wait_on_upload=True)
    art = task.artifacts["cfg"]
    assert art.hash is not None
    _blob_path(track_home, art.hash).write_bytes(b'{"a": 666}')
    with pytest.raises(Unavailable, match="corrupt"):
        art.get()
    assert art.get_local_copy() is None
    assert "corrupt" in capfd.readouterr().err
    with pytest.raises(Unavailable, match="corrupt"):
        art.get_local_copy(raise_on_error=True)
    assert not list((track_home / "cache").rglob("cfg.json")), "a bad download never lands in the cache"


def test_a_missing_blob_is_a_clear_error(task: Any, track_home: Path) -> None:
    task.upload_artifact("cfg", {"a": 1}, wait_on_upload=True)
    art = task.artifacts["cfg"]
    assert art.hash is not None
    _blob_path(track_home, art.hash).unlink()
    with pytest.raises(NotFound, match="not in the blob store"):
        art.get()


def test_downloads_are_cached(task: Any, sdk_backend: Callable[[], Any], monkeypatch: pytest.MonkeyPatch,
                              track_home: Path) -> None:
    task.upload_artifact("df", pd.DataFrame({"a": [1, 2]}), wait_on_upload=True)
    art = task.artifacts["df"]
    backend = sdk_backend()
    downloads = []
    real = backend.download_blob
    monkeypatch.setattr(backend, "download_blob", lambda *a: (downloads.append(a[0]), real(*a))[1])
    first = art.get_local_copy()
    assert art.get_local_copy() == first and art.get()["a"].tolist() == [1, 2]
    assert downloads == [art.hash]
    assert Path(first or "").is_relative_to(track_home / "cache")
    art.get_local_copy(force_download=True)
    assert len(downloads) == 2


def test_an_archive_that_escapes_its_folder_is_refused(task: Any, tmp_path: Path, sdk_backend: Callable[[], Any]
                                                       ) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("ok.txt", "fine")
        zf.writestr("../../escaped.txt", "gotcha")
    task.flush(wait_for_uploads=True)
    backend = sdk_backend()
    sha, size = backend.put_blob_file(str(evil))
    backend.put_artifact(task.id, {"name": "evil", "type": "archive", "blob_sha256": sha, "size": size,
                                   "file_name": "evil.zip"})
    with pytest.raises(InvalidArgument, match="outside"):
        task.artifacts["evil"].get_local_copy(raise_on_error=True)
    assert not list(tmp_path.rglob("escaped.txt"))


def test_the_store_refuses_a_sha256_that_is_not_one(task: Any, sdk_backend: Callable[[], Any]) -> None:
    task.flush(wait_for_uploads=True)
    with pytest.raises(InvalidArgument, match="sha256"):
        sdk_backend().put_artifact(task.id, {"name": "x", "blob_sha256": "../../../etc/passwd", "size": 1})


# -- names ---------------------------------------------------------------------------------------
NAMES = ["../../etc/x", "/etc/passwd_x", "..", "a/../../b", "..\\..\\win", "./.", "~/.bashrc_x", "x /../y"]


def test_a_name_with_a_control_character_is_refused(task: Any) -> None:
    from jupyter_ext.errors import InvalidArgument

    for name in ("x\n/../y", "a\x00b", "esc\x1b[0m"):
        with pytest.raises(InvalidArgument, match="control character"):
            task.upload_artifact(name, {"a": 1}, wait_on_upload=True)


def _tree(root: Path, skip: tuple[Path, ...]) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if not any(p.is_relative_to(s) for s in skip)}


def test_names_never_become_paths(task: Any, tmp_path: Path, track_home: Path, private_tmp: Path, files_dir: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "deep" / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    (files_dir / "f.txt").write_text("file")
    (files_dir / "sub").mkdir()
    (files_dir / "sub" / "g.txt").write_text("folder")
    before = _tree(tmp_path, (track_home, private_tmp))
    objects: list[Any] = ["text", {"a": 1}, pd.DataFrame({"a": [1]}), [1], str(files_dir / "f.txt"),
                          str(files_dir / "sub")]
    for name in NAMES:
        for obj in objects:
            assert task.upload_artifact(name, obj, wait_on_upload=True)
            art = task.artifacts[name]
            local = Path(art.get_local_copy(raise_on_error=True) or "")
            assert local.resolve().is_relative_to((track_home / "cache").resolve()), (name, local)
            art.get()
    assert list(task.artifacts) == NAMES, "names are kept as typed, as labels"
    assert _tree(tmp_path, (track_home, private_tmp)) == before, "nothing written outside the store and cache"
    assert list(private_tmp.iterdir()) == []
    assert not Path("/etc/x").exists() and not Path("/etc/passwd_x").exists()
    assert not (Path.home() / ".bashrc_x").exists()
