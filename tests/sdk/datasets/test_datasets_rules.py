"""Bad input fails clearly and leaves nothing half-written; squash, delete, garbage collection."""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound, Unavailable
from jupyter_ext.sdk import _session as session

from .conftest import blob_files


def _versions(Dataset: Any) -> list[dict[str, Any]]:
    return Dataset.list_datasets(only_completed=False)


def test_a_path_that_does_not_exist(Dataset: Any, tmp_path: Path) -> None:
    ds = Dataset.create(dataset_name="bad", dataset_project="DS")
    with pytest.raises(InvalidArgument, match="no such file"):
        ds.add_files(tmp_path / "nope")
    assert ds.list_files() == []


def test_a_dataset_path_with_dotdot_is_refused_and_nothing_is_added(Dataset: Any,
                                                                     write_files: Callable[..., Path]) -> None:
    ds = Dataset.create(dataset_name="bad", dataset_project="DS")
    root = write_files({"a.txt": b"a"})
    for bad in ("../outside", "/abs", "imgs/../../x"):
        with pytest.raises(InvalidArgument, match=r"'\.\.'|absolute"):
            ds.add_files(root, dataset_path=bad)
    with pytest.raises(InvalidArgument):
        ds.remove_files("../a.txt")
    assert ds.list_files() == []


def test_a_finalized_version_cannot_change(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ds = Dataset.create(dataset_name="fin", dataset_project="DS")
    ds.add_files(write_files({"a.txt": b"a"}))
    ds.finalize(auto_upload=True)
    for change in (lambda: ds.add_files(write_files({"b.txt": b"b"}, folder="b")),
                   lambda: ds.remove_files("a.txt"), lambda: ds.upload(),
                   lambda: ds.add_external_files("memory://x/y")):
        with pytest.raises(Conflict, match="finalized and read-only"):
            change()
    stale = Dataset.get(dataset_id=ds.id)
    stale._row = dataclasses.replace(stale._row, status="draft")  # missed the finalize: the store still refuses
    with pytest.raises(Conflict, match="finalized"):
        stale.add_files(write_files({"c.txt": b"c"}, folder="c"))
    assert Dataset.get(dataset_id=ds.id).list_files() == ["a.txt"]
    assert ds.finalize(raise_on_error=False) is False


def test_finalize_refuses_files_not_uploaded(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ds = Dataset.create(dataset_name="pending", dataset_project="DS")
    ds.add_files(write_files({"a.txt": b"a"}))
    with pytest.raises(Conflict, match="not uploaded"):
        ds.finalize()
    assert not ds.is_final()
    assert ds.file_entries[0].local_path is not None
    ds.upload()
    assert ds.file_entries[0].local_path is None
    assert ds.finalize()


def test_a_parent_must_be_finalized_and_nothing_is_left_behind(Dataset: Any) -> None:
    draft = Dataset.create(dataset_name="p", dataset_project="DS")
    with pytest.raises(Conflict, match="not finalized"):
        Dataset.create(dataset_name="child", dataset_project="DS", parent_datasets=[draft])
    assert [d["name"] for d in _versions(Dataset)] == ["p"]
    assert not session.backend().query_tasks(task_name="^child$")
    with pytest.raises(NotFound):
        Dataset.create(dataset_name="child", dataset_project="DS", parent_datasets=["no-such-id"])
    assert [d["name"] for d in _versions(Dataset)] == ["p"]


def test_an_upload_that_fails_says_which_file(Dataset: Any, write_files: Callable[..., Path]) -> None:
    root = write_files({"a.txt": b"a", "b.txt": b"b"})
    ds = Dataset.create(dataset_name="gone", dataset_project="DS")
    ds.add_files(root)
    (root / "b.txt").unlink()
    with pytest.raises(Unavailable, match="b.txt"):
        ds.upload()
    assert [e.relative_path for e in ds.file_entries if e.local_path] == ["b.txt"]  # a.txt was stored
    ds.remove_files("b.txt")
    assert ds.finalize()


def test_the_same_path_twice_in_one_call_keeps_the_last(store: Any) -> None:
    from jupyter_ext.core import datasets

    ds = datasets.create(store, {"name": "dup", "project": "DS"})
    counts = datasets.add_files(store, ds.id, [{"path": "a", "sha256": "1" * 64, "size": 1, "source": "/x"},
                                                  {"path": "a", "sha256": "2" * 64, "size": 2, "source": "/y"}])
    assert counts == {"added": 1, "modified": 0, "unchanged": 0}
    assert [(f.path, f.size) for f in datasets.files(store, ds.id)] == [("a", 2)]


def test_squash_merges_without_copying(Dataset: Any, write_files: Callable[..., Path], track_home: Path) -> None:
    a = Dataset.create(dataset_name="a", dataset_project="DS")
    a.add_files(write_files({"x.txt": b"ax", "y.txt": b"ay"}, folder="a"))
    a.finalize(auto_upload=True)
    b = Dataset.create(dataset_name="b", dataset_project="DS")
    b.add_files(write_files({"x.txt": b"bx"}, folder="b"))
    b.finalize(auto_upload=True)
    blobs = blob_files(track_home)
    merged = Dataset.squash(dataset_name="merged", dataset_ids=[a, b.id])
    assert merged.is_final() and merged.get_dependency_graph() == {merged.id: []}
    assert merged.list_files() == ["x.txt", "y.txt"]
    assert Path(merged.get_local_copy(), "x.txt").read_bytes() == b"bx"
    assert blob_files(track_home) == blobs
    by_pairs = Dataset.squash(dataset_name="pairs", dataset_project_name_pairs=[("DS", "b"), ("DS", "a")])
    assert Path(by_pairs.get_local_copy(), "x.txt").read_bytes() == b"ax"


def test_delete_then_garbage_collection_frees_only_this_versions_blobs(Dataset: Any, write_files: Callable[..., Path],
                                                                       track_home: Path) -> None:
    v1 = Dataset.create(dataset_name="g", dataset_project="DS")
    v1.add_files(write_files({"shared.txt": b"shared", "v1.txt": b"one"}, folder="v1"))
    v1.finalize(auto_upload=True)
    v2 = Dataset.create(dataset_name="g", dataset_project="DS", parent_datasets=[v1])
    v2.add_files(write_files({"v2.txt": b"two", "copy.txt": b"one"}, folder="v2"))  # copy.txt: v1's bytes
    v2.finalize(auto_upload=True)
    assert len(blob_files(track_home)) == 3
    with pytest.raises(Conflict, match="parent"):
        Dataset.delete(dataset_id=v1.id)
    Dataset.delete(dataset_project="DS", dataset_name="g")  # the newest: v2
    backend = session.backend()
    collected = backend.collect_garbage()
    assert collected.blobs == 1
    assert len(blob_files(track_home)) == 2
    assert Path(Dataset.get(dataset_id=v1.id).get_local_copy(), "v1.txt").read_bytes() == b"one"
    Dataset.delete(dataset_project="DS", dataset_name="g", entire_dataset=True)
    backend.collect_garbage()
    assert blob_files(track_home) == set()
    with pytest.raises(NotFound):
        Dataset.get(dataset_name="g", dataset_project="DS")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs file permissions that bind this user")
def test_an_unreadable_file_is_named_and_nothing_is_added(Dataset: Any, write_files: Callable[..., Path]) -> None:
    root = write_files({"ok.txt": b"ok", "secret.txt": b"no"})
    (root / "secret.txt").chmod(0)
    ds = Dataset.create(dataset_name="perm", dataset_project="DS")
    try:
        with pytest.raises(InvalidArgument, match=r"secret\.txt: permission denied"):
            ds.add_files(root)
    finally:
        (root / "secret.txt").chmod(0o644)
    assert ds.list_files() == []


def test_a_file_removed_between_listing_and_reading_is_named(Dataset: Any, write_files: Callable[..., Path],
                                                             tmp_path: Path) -> None:
    from jupyter_ext.sdk.datasets import files as dataset_files

    Dataset.create(dataset_name="gone", dataset_project="DS")  # opens the store the copies go to
    root = write_files({"a.txt": b"a"})
    listed = [str(root / "a.txt"), str(tmp_path / "vanished.txt")]
    for stage in (dataset_files.staging_store(""), None):
        with pytest.raises(InvalidArgument, match=r"vanished\.txt: it was removed"):
            dataset_files.hash_files(listed, 2, "hash", stage=stage)
