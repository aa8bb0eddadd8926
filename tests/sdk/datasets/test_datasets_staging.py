"""add_files copies files into the blob folder's staging area in the same read that hashes them;
upload() then only renames them into place. Changed files, copies cut short, copies nobody
uploads, and an upload from another process must all still end with the right bytes."""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyter_ext.sdk import _session as session

from .conftest import blob_files


def _settled(root: Path) -> Path:
    """Files changed a moment ago are not staged (file times tick coarsely): age them. Setting
    the mtime sets the ctime to now, hence the short wait."""
    old = time.time() - 60
    for p in root.rglob("*"):
        if p.is_file():
            os.utime(p, (old, old))
    time.sleep(0.2)
    return root


def _staging(home: Path) -> list[Path]:
    folder = home / "blobs" / "staging"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def _blob(home: Path, data: bytes) -> Path:
    sha = hashlib.sha256(data).hexdigest()
    return home / "blobs" / "sha256" / sha[:2] / sha


def test_upload_renames_the_copies_made_while_hashing(Dataset: Any, write_files: Callable[..., Path],
                                                       track_home: Path) -> None:
    files = {f"f{i}.bin": os.urandom(1000 + i) for i in range(5)}
    root = _settled(write_files(files))
    ds = Dataset.create(dataset_name="st", dataset_project="DS")
    ds.add_files(root)
    staged = {p.stat().st_ino: p for p in _staging(track_home)}
    assert len(staged) == 5 and blob_files(track_home) == set()  # copied, not stored yet
    ds.upload()
    assert _staging(track_home) == []
    for data in files.values():
        blob = _blob(track_home, data)
        assert blob.read_bytes() == data
        assert blob.stat().st_ino in staged  # the staged copy itself, renamed: no second copy
    ds.finalize()
    assert Path(ds.get_local_copy(), "f3.bin").read_bytes() == files["f3.bin"]


def test_a_file_changed_after_add_files_is_stored_as_it_is_at_upload(Dataset: Any, write_files: Callable[..., Path],
                                                                      track_home: Path) -> None:
    root = _settled(write_files({"same_size.bin": b"A" * 64, "grown.bin": b"short", "kept.bin": b"kept"}))
    ds = Dataset.create(dataset_name="chg", dataset_project="DS")
    ds.add_files(root)
    before = os.stat(root / "same_size.bin")
    (root / "same_size.bin").write_bytes(b"B" * 64)
    # Even with its mtime put back, the change shows (ctime cannot be put back).
    os.utime(root / "same_size.bin", ns=(before.st_atime_ns, before.st_mtime_ns))
    (root / "grown.bin").write_bytes(b"much longer now")
    ds.upload()
    ds.finalize()
    entries = ds.file_entries_dict
    assert entries["same_size.bin"].hash == hashlib.sha256(b"B" * 64).hexdigest()
    assert (entries["grown.bin"].hash, entries["grown.bin"].size) == (
        hashlib.sha256(b"much longer now").hexdigest(), len(b"much longer now"))
    copy = Path(ds.get_local_copy())
    assert (copy / "same_size.bin").read_bytes() == b"B" * 64
    assert (copy / "grown.bin").read_bytes() == b"much longer now"
    assert (copy / "kept.bin").read_bytes() == b"kept"
    assert ds.verify_dataset_hash() == []
    assert Dataset.list_datasets(dataset_project="DS")[0]["total_size"] == 64 + len(b"much longer now") + 4


def test_a_staged_copy_cut_short_is_never_stored(Dataset: Any, write_files: Callable[..., Path],
                                                  track_home: Path) -> None:
    data = os.urandom(4096)
    root = _settled(write_files({"a.bin": data}))
    ds = Dataset.create(dataset_name="cut", dataset_project="DS")
    ds.add_files(root)
    [staged] = _staging(track_home)
    with open(staged, "r+b") as fh:  # as if its writer died half-way
        fh.truncate(100)
    ds.upload()
    assert _blob(track_home, data).read_bytes() == data
    assert _staging(track_home) == []


def test_files_written_a_moment_ago_are_hashed_again_not_staged(Dataset: Any, write_files: Callable[..., Path],
                                                               track_home: Path) -> None:
    root = write_files({"fresh.txt": b"just written"})
    ds = Dataset.create(dataset_name="racy", dataset_project="DS")
    soon = time.time() + 5  # not yet a coarse file-time tick in the past when it is read
    os.utime(root / "fresh.txt", (soon, soon))
    ds.add_files(root)
    assert _staging(track_home) == []
    ds.finalize(auto_upload=True)
    assert Path(ds.get_local_copy(), "fresh.txt").read_bytes() == b"just written"


def test_bytes_already_stored_are_not_staged_again(Dataset: Any, write_files: Callable[..., Path],
                                                   track_home: Path) -> None:
    first = Dataset.create(dataset_name="one", dataset_project="DS")
    first.add_files(_settled(write_files({"a.txt": b"shared bytes"}, folder="one")))
    first.finalize(auto_upload=True)
    second = Dataset.create(dataset_name="two", dataset_project="DS")
    second.add_files(_settled(write_files({"b.txt": b"shared bytes"}, folder="two")))
    assert _staging(track_home) == []
    second.finalize(auto_upload=True)
    assert Path(second.get_local_copy(), "b.txt").read_bytes() == b"shared bytes"


def test_copies_nobody_uploads_go_with_garbage_collection_after_the_grace(Dataset: Any,
                                                                          write_files: Callable[..., Path],
                                                                          track_home: Path) -> None:
    ds = Dataset.create(dataset_name="never", dataset_project="DS")
    ds.add_files(_settled(write_files({"a.bin": os.urandom(3000), "b.bin": os.urandom(2000)})))
    backend = session.backend()
    assert backend.collect_garbage().orphans == 0  # young: the upload may still come
    assert len(_staging(track_home)) == 2
    old = time.time() - 2 * 3600
    for p in _staging(track_home):
        os.utime(p, (old, old))
    done = backend.collect_garbage()
    assert (done.orphans, done.bytes) == (2, 5000)
    assert _staging(track_home) == []
    ds.finalize(auto_upload=True)  # the upload still works: it copies from the files themselves
    assert len(ds.list_files()) == 2 and ds.verify_dataset_hash() == []


def test_an_upload_in_another_process_uses_the_staged_copies(Dataset: Any, write_files: Callable[..., Path],
                                                             track_home: Path, run_py: Any) -> None:
    data = os.urandom(5000)
    root = _settled(write_files({"x.bin": data}))
    ds = Dataset.create(dataset_name="cli", dataset_project="DS")
    ds.add_files(root)
    [staged] = _staging(track_home)
    inode = staged.stat().st_ino
    out = run_py.run(f"from jupyter_ext import Dataset\nDataset.get(dataset_id={ds.id!r}).finalize(auto_upload=True)\n")
    assert out.returncode == 0, out.stderr
    assert _staging(track_home) == []
    assert _blob(track_home, data).stat().st_ino == inode
    assert Dataset.get(dataset_id=ds.id).is_final()


def test_a_big_file_is_streamed_through_the_staging_area(Dataset: Any, write_files: Callable[..., Path],
                                                        track_home: Path) -> None:
    big = os.urandom(9 << 20)  # above the size read in one piece
    root = _settled(write_files({"big.bin": big, "small.bin": b"s"}))
    ds = Dataset.create(dataset_name="big", dataset_project="DS")
    ds.add_files(root)
    inodes = {p.stat().st_ino for p in _staging(track_home)}
    assert len(inodes) == 2
    ds.finalize(auto_upload=True)
    assert _blob(track_home, big).stat().st_ino in inodes
    assert ds.file_entries_dict["big.bin"].size == len(big)


def test_another_destination_is_not_staged(Dataset: Any, write_files: Callable[..., Path], track_home: Path,
                                           tmp_path: Path) -> None:
    ds = Dataset.create(dataset_name="elsewhere", dataset_project="DS", output_uri=str(tmp_path / "other"))
    ds.add_files(_settled(write_files({"a.txt": b"goes elsewhere"})))
    assert _staging(track_home) == [] and not (tmp_path / "other" / "staging").exists()
    ds.finalize(auto_upload=True)
    sha = hashlib.sha256(b"goes elsewhere").hexdigest()
    assert (tmp_path / "other" / "sha256" / sha[:2] / sha).read_bytes() == b"goes elsewhere"
