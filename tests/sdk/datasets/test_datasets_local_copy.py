"""get_local_copy: a cached, read-only tree of hard links, safe across processes."""
from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import AlreadyExists


def _final(Dataset: Any, files: dict[str, bytes], write_files: Callable[..., Path], name: str = "d",
           parents: list[Any] | None = None) -> Any:
    ds = Dataset.create(dataset_name=name, dataset_project="DS", parent_datasets=parents)
    ds.add_files(write_files(files, folder=f"src-{name}-{len(parents or [])}"))
    ds.upload()
    ds.finalize()
    return ds


def test_a_local_copy_is_read_only_hard_links_with_parents_merged(Dataset: Any, write_files: Callable[..., Path]
                                                                 ) -> None:
    v1 = _final(Dataset, {"a.txt": b"a", "dir/b.txt": b"b"}, write_files)
    v2 = _final(Dataset, {"dir/c.txt": b"c"}, write_files, parents=[v1])
    path = Path(v2.get_local_copy())
    assert path.name == v2.id and path.parent.name == "datasets"
    found = sorted(str(p.relative_to(path)) for p in path.rglob("*") if p.is_file())
    assert found == ["a.txt", os.path.join("dir", "b.txt"), os.path.join("dir", "c.txt")]
    st = os.stat(path / "a.txt")
    assert st.st_nlink > 1  # a hard link to the stored blob: no bytes copied
    assert stat.S_IMODE(st.st_mode) & 0o222 == 0  # read-only
    assert Path(str(path) + ".complete").exists()
    assert v2.verify_dataset_hash() == []


def test_a_mutable_copy_is_real_writable_files(Dataset: Any, write_files: Callable[..., Path], tmp_path: Path) -> None:
    ds = _final(Dataset, {"a.txt": b"a", "dir/b.txt": b"b"}, write_files)
    target = Path(ds.get_mutable_local_copy(tmp_path / "work"))
    assert (target / "dir" / "b.txt").read_bytes() == b"b"
    st = os.stat(target / "a.txt")
    assert st.st_nlink == 1 and stat.S_IMODE(st.st_mode) & 0o200
    (target / "a.txt").write_bytes(b"edited")  # the cached copy and the blob are untouched
    assert Path(ds.get_local_copy(), "a.txt").read_bytes() == b"a"
    assert ds.verify_dataset_hash(local_copy_path=str(target)) == ["a.txt"]
    assert ds.verify_dataset_hash(local_copy_path=str(target), skip_hash=True) == ["a.txt"]
    with pytest.raises(AlreadyExists):
        ds.get_mutable_local_copy(target)
    ds.get_mutable_local_copy(target, overwrite=True)
    assert (target / "a.txt").read_bytes() == b"a"


def test_a_cached_copy_of_10000_files_returns_at_once(Dataset: Any, write_files: Callable[..., Path]) -> None:
    from jupyter_ext.sdk import _session as session

    # 10,000 paths sharing one stored blob: what is timed is the cache, not 10,000 uploads
    backend = session.backend()
    sha, size = backend.put_blob_file(str(write_files({"one.txt": b"same bytes"}) / "one.txt"))
    ds = Dataset.create(dataset_name="many", dataset_project="DS")
    paths = [f"f/{i // 100}/{i}.txt" for i in range(10_000)]
    backend.add_dataset_files(ds.id, [{"path": p, "sha256": sha, "size": size, "source": "/x"} for p in paths])
    backend.mark_dataset_files_stored(ds.id, [{"path": p, "sha256": sha, "size": size} for p in paths])
    ds.finalize()
    first = ds.get_local_copy()
    assert sum(len(names) for _, _, names in os.walk(first)) == 10_000
    again = Dataset.get(dataset_id=ds.id)
    start = time.perf_counter()
    assert again.get_local_copy() == first
    assert time.perf_counter() - start <= 0.5


@pytest.mark.slow
def test_concurrent_local_copies_from_two_processes(Dataset: Any, write_files: Callable[..., Path],
                                                    run_py: Any) -> None:
    ds = _final(Dataset, {f"{i}.bin": os.urandom(2048) for i in range(500)}, write_files)
    code = f"""
        import os
        from jupyter_ext import Dataset
        path = Dataset.get(dataset_id={ds.id!r}).get_local_copy()
        print(path, len(os.listdir(path)))
    """
    procs = [run_py.popen(code) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outs]
    lines = {out.strip() for out, _ in outs}
    assert len(lines) == 1 and lines.pop().endswith(" 500")
    cache = Path(ds.get_local_copy()).parent
    assert not [p for p in cache.iterdir() if p.name.startswith(".building-")]  # no half-built folder left


def test_a_partial_build_never_looks_complete(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ds = _final(Dataset, {"a.txt": b"a", "b.txt": b"b"}, write_files)
    path = Path(ds.get_local_copy())
    # a crash after the folder moved into place but before the marker: the copy is built again
    Path(str(path) + ".complete").unlink()
    os.chmod(path / "a.txt", 0o644)
    (path / "a.txt").unlink()
    assert Path(Dataset.get(dataset_id=ds.id).get_local_copy(), "a.txt").read_bytes() == b"a"


def test_parts_and_selected_files(Dataset: Any, write_files: Callable[..., Path]) -> None:
    ds = _final(Dataset, {f"{i:02d}.txt": b"x%d" % i for i in range(10)}, write_files)
    shards = [sorted(os.listdir(ds.get_local_copy(part=k, num_parts=3))) for k in range(3)]
    assert sorted(sum(shards, [])) == [f"{i:02d}.txt" for i in range(10)]
    assert shards == [sorted(os.listdir(ds.get_local_copy(part=k, num_parts=3))) for k in range(3)]
    assert os.listdir(ds.get_local_copy(files=["03.txt"])) == ["03.txt"]
    assert len(os.listdir(ds.get_local_copy())) == 10


def test_a_draft_copy_uses_local_files_not_yet_uploaded(Dataset: Any, write_files: Callable[..., Path]) -> None:
    root = write_files({"a.txt": b"draft"})
    ds = Dataset.create(dataset_name="draft", dataset_project="DS")
    ds.add_files(root)
    first = Path(ds.get_local_copy())
    assert (first / "a.txt").read_bytes() == b"draft"
    assert os.stat(root / "a.txt").st_mode & 0o200  # the user's own file stays writable
    ds.add_files(write_files({"b.txt": b"more"}, folder="more"))
    assert sorted(os.listdir(ds.get_local_copy())) == ["a.txt", "b.txt"]  # a draft copy follows its changes
