"""The guide's «Datasets» snippets, version numbers, parents and what a child stores."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound

from .conftest import blob_files


@pytest.mark.slow
def test_the_guides_snippets_with_only_the_import_changed(run_py: Any) -> None:
    (run_py.workdir / "data").mkdir()
    (run_py.workdir / "data" / "cifar-10-python.tar.gz").write_bytes(b"cifar bytes" * 1000)
    made = run_py.run("""
        from jupyter_ext import Dataset

        # Создаем новый датасет
        dataset = Dataset.create(dataset_name="cifar_dataset", dataset_project="Datasets/CIFAR10")
        dataset.add_files(path="data/cifar-10-python.tar.gz")
        dataset.upload()
        dataset.finalize()
        print("ID=" + dataset.id)
    """)
    assert made.returncode == 0, made.stderr
    used = run_py.run("""
        import os
        from jupyter_ext import Dataset

        dataset = Dataset.get(dataset_name="cifar_dataset", dataset_version=1,
        dataset_project="Datasets/CIFAR10")
        data_path = dataset.get_local_copy()
        print("ID=" + dataset.id)
        print(sorted(os.listdir(data_path)))
        print(open(os.path.join(data_path, "cifar-10-python.tar.gz"), "rb").read(11))
    """)
    assert used.returncode == 0, used.stderr
    lines = used.stdout.splitlines()
    assert lines[0] == made.stdout.strip()  # a new process reads what the first wrote
    assert lines[1:] == ["['cifar-10-python.tar.gz']", "b'cifar bytes'"]


def test_versions_count_1_2_3_and_get_returns_the_newest(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ids = []
    parent = None
    for n in range(3):
        ds = Dataset.create(dataset_name="imgs", dataset_project="DS", parent_datasets=[parent] if parent else None)
        ds.add_files(write_files({f"f{n}.txt": str(n).encode()}, folder=f"v{n}"))
        ds.upload()
        ds.finalize()
        ids.append(ds.id)
        parent = ds
    assert [Dataset.get(dataset_id=i).version for i in ids] == ["1", "2", "3"]
    assert Dataset.get(dataset_name="imgs", dataset_project="DS").id == ids[2]
    assert Dataset.get(dataset_name="imgs", dataset_project="DS", dataset_version=2).id == ids[1]
    assert Dataset.get(dataset_name="imgs", dataset_project="DS", dataset_version="1").id == ids[0]
    assert Dataset.get(dataset_id=ids[2]).list_files() == ["f0.txt", "f1.txt", "f2.txt"]
    assert Dataset.get(dataset_id=ids[2]).get_dependency_graph() == {ids[2]: [ids[1]], ids[1]: [ids[0]], ids[0]: []}
    with pytest.raises(NotFound):
        Dataset.get(dataset_name="imgs", dataset_project="DS", dataset_version=7)


def test_semantic_versions_continue(Dataset: Any) -> None:
    first = Dataset.create(dataset_name="sem", dataset_project="DS", dataset_version="1.0.0")
    first.finalize()
    second = Dataset.create(dataset_name="sem", dataset_project="DS", parent_datasets=[first])
    assert (first.version, second.version) == ("1.0.0", "1.0.1")
    with pytest.raises(Conflict):
        Dataset.create(dataset_name="sem", dataset_project="DS", dataset_version="1.0.0")


def test_a_child_stores_only_the_bytes_it_changed(Dataset: Any, write_files: Callable[..., Path],
                                                  track_home: Path) -> None:
    folder = write_files({f"img/{i:03d}.jpg": f"image {i}".encode() for i in range(100)})
    v1 = Dataset.create(dataset_name="big", dataset_project="DS")
    assert v1.add_files(folder) == 100
    v1.upload()
    v1.finalize()
    before = blob_files(track_home)
    assert len(before) == 100
    more = write_files({f"img/{i:03d}.jpg": f"image {i}".encode() for i in range(100, 110)}, folder="more")
    v2 = Dataset.create(dataset_name="big", dataset_project="DS", parent_datasets=[v1.id], description="+10")
    assert v2.add_files(more) == 10
    assert len(v2.list_files()) == 110
    v2.upload()
    v2.finalize()
    assert len(blob_files(track_home) - before) == 10
    assert sorted(v2.list_added_files()) == [f"img/{i:03d}.jpg" for i in range(100, 110)]
    assert v2.description == "+10"
    # re-adding the parent's folder changes nothing
    v3 = Dataset.create(dataset_name="big", dataset_project="DS", parent_datasets=[v2.id])
    assert v3.add_files(folder) == 0


def test_parents_merge_in_order_and_the_child_tracks_changes(Dataset: Any, write_files: Callable[..., Path]) -> None:
    a = Dataset.create(dataset_name="a", dataset_project="DS")
    a.add_files(write_files({"x.txt": b"a-x", "only_a.txt": b"a"}, folder="a"))
    a.finalize(auto_upload=True)
    b = Dataset.create(dataset_name="b", dataset_project="DS")
    b.add_files(write_files({"x.txt": b"b-x"}, folder="b"))
    b.finalize(auto_upload=True)
    child = Dataset.create(dataset_name="c", dataset_project="DS", parent_datasets=[a, b.id])
    local = child.get_local_copy()
    assert (Path(local) / "x.txt").read_bytes() == b"b-x"  # the later parent wins
    child.add_files(write_files({"x.txt": b"changed", "new.txt": b"n"}, folder="c"))
    child.remove_files("only_a.txt")
    assert child.list_modified_files() == ["x.txt"]
    assert child.list_added_files() == ["new.txt"]
    assert child.list_removed_files() == ["only_a.txt"]
    assert child.diff(a) == {"added": ["new.txt"], "removed": ["only_a.txt"], "modified": ["x.txt"]}


def test_add_files_wildcard_dataset_path_and_base_folder(Dataset: Any, write_files: Callable[..., Path]) -> None:
    root = write_files({"a.jpg": b"1", "b.png": b"2", "sub/c.jpg": b"3", "sub/deep/d.jpg": b"4"})
    ds = Dataset.create(dataset_name="w", dataset_project="DS")
    assert ds.add_files(root, wildcard="*.jpg", dataset_path="imgs") == 3
    assert ds.list_files() == ["imgs/a.jpg", "imgs/sub/c.jpg", "imgs/sub/deep/d.jpg"]
    assert ds.add_files(root / "b.png", local_base_folder=str(root.parent)) == 1
    assert "data/b.png" in ds.list_files()
    assert ds.add_files(root, wildcard=["*.png"], recursive=False, dataset_path="flat") == 1
    assert ds.list_files("imgs/sub") == ["imgs/sub/c.jpg", "imgs/sub/deep/d.jpg"]
    assert ds.list_files("imgs", recursive=False) == ["imgs/a.jpg"]
    assert ds.list_files("imgs/*.jpg") == ["imgs/a.jpg", "imgs/sub/c.jpg", "imgs/sub/deep/d.jpg"]
    assert ds.remove_files("imgs/sub/*") == 2
    assert ds.remove_files("imgs") == 1
    assert ds.list_files() == ["data/b.png", "flat/b.png"]


def test_sync_folder_adds_changes_and_removes(Dataset: Any, write_files: Callable[..., Path]) -> None:
    root = write_files({"a.txt": b"a", "b.txt": b"b"})
    v1 = Dataset.create(dataset_name="s", dataset_project="DS")
    assert v1.sync_folder(root) == (2, 0, 0)
    v1.finalize(auto_upload=True)
    (root / "a.txt").write_bytes(b"A")
    (root / "b.txt").unlink()
    (root / "c.txt").write_bytes(b"c")
    v2 = Dataset.create(dataset_name="s", dataset_project="DS", parent_datasets=[v1])
    assert v2.sync_folder(root) == (1, 1, 1)
    assert v2.list_files() == ["a.txt", "c.txt"]


def test_get_writable_copy_auto_create_and_alias(Dataset: Any, task: Any) -> None:
    made = Dataset.get(dataset_name="auto", dataset_project="DS", auto_create=True)
    assert made.version == "1" and not made.is_final()
    made.finalize()
    child = Dataset.get(dataset_name="auto", dataset_project="DS", writable_copy=True, alias="train")
    assert child.version == "2" and child.get_dependency_graph()[child.id] == [made.id]
    assert task.get_parameter("Datasets/train") == made.id
    with pytest.raises(NotFound):
        Dataset.get(dataset_name="auto", dataset_project="DS", only_completed=True, dataset_version=2)


def test_list_rename_move_tags_and_metadata(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ds = Dataset.create(dataset_name="meta", dataset_project="Data/Sub", dataset_tags=["raw"])
    ds.add_files(write_files({"t.csv": b"a,b\n1,2\n3,4\n"}))
    ds.upload()
    ds.finalize()
    ds.tags = ["raw", "clean"]
    assert Dataset.get(dataset_id=ds.id).tags == ["clean", "raw"]
    ds.set_description("two rows")
    listed = Dataset.list_datasets(dataset_project="Data")
    assert [(d["name"], d["project"], d["version"], d["description"]) for d in listed] == [
        ("meta", "Data/Sub", "1", "two rows")]
    assert Dataset.list_datasets(partial_name="et", tags=["clean"])[0]["id"] == ds.id
    ds.set_metadata({"rows": 2})
    assert Dataset.get(dataset_id=ds.id).get_metadata() == {"rows": 2}
    plots = __import__("jupyter_ext.sdk._session", fromlist=["x"]).backend().get_plots(ds.id)
    assert any("t.csv" in str(p) for p in plots)  # the upload's table preview
    Dataset.rename("renamed", dataset_project="Data/Sub", dataset_name="meta")
    Dataset.move_to_project("Other", dataset_project="Data/Sub", dataset_name="renamed")
    moved = Dataset.get(dataset_name="renamed", dataset_project="Other")
    assert moved.id == ds.id and moved.file_entries_dict["t.csv"].size == 12
    assert ds.publish() and Dataset.get(dataset_id=ds.id, only_published=True).id == ds.id


def test_external_links_are_not_copied(Dataset: Any, write_files: Callable[..., Path], track_home: Path) -> None:
    import fsspec

    fs = fsspec.filesystem("memory")
    fs.pipe({"/bucket/prefix/a.bin": b"remote a", "/bucket/prefix/sub/b.bin": b"remote b"})
    local = write_files({"l.txt": b"local link"}, folder="linked")
    ds = Dataset.create(dataset_name="links", dataset_project="DS")
    assert ds.add_external_files("memory://bucket/prefix/", dataset_path="remote") == 2
    assert ds.add_external_files(local.as_uri(), read_hash=True) == 1
    ds.upload()
    ds.finalize()
    assert blob_files(track_home) == set()  # links, not copies
    assert sorted(e.relative_path for e in ds.link_entries) == ["l.txt", "remote/a.bin", "remote/sub/b.bin"]
    copy = Path(ds.get_local_copy())
    assert (copy / "remote" / "sub" / "b.bin").read_bytes() == b"remote b"
    assert (copy / "l.txt").read_bytes() == b"local link"
    assert ds.verify_dataset_hash() == []
    with pytest.raises(InvalidArgument):
        ds2 = Dataset.create(dataset_name="links2", dataset_project="DS")
        ds2.add_external_files(str(local / "missing"))
    assert os.path.exists(local / "l.txt")
