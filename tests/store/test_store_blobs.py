"""BlobStore: content addressing, atomic writes, names that never become paths."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store.blobs import BlobStore, check_sha256


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_put_and_get_round_trip(blobs: BlobStore) -> None:
    data = os.urandom(3000)
    sha, size = blobs.put_bytes(data)
    assert sha == hashlib.sha256(data).hexdigest()
    assert size == 3000
    assert blobs.exists(sha)
    assert blobs.get_bytes(sha) == data
    with blobs.open(sha) as fh:
        assert fh.read() == data


def test_same_bytes_are_stored_once(blobs: BlobStore, tmp_path: Path) -> None:
    data = b"the same bytes" * 100
    first = blobs.put_bytes(data)
    second = blobs.put_bytes(data)
    src = tmp_path / "copy.bin"
    src.write_bytes(data)
    third = blobs.put_file(str(src))
    assert first == second == third
    stored = _files(tmp_path / "blobs")
    assert len(stored) == 1
    assert stored[0].name == first[0]
    assert stored[0].read_bytes() == data


def test_different_bytes_are_different_blobs(blobs: BlobStore) -> None:
    a, _ = blobs.put_bytes(b"a")
    b, _ = blobs.put_bytes(b"b")
    assert a != b
    assert set(blobs.iter_shas()) == {a, b}


def test_put_file_streams_a_large_file(blobs: BlobStore, tmp_path: Path) -> None:
    src = tmp_path / "big.bin"
    data = os.urandom(3 * (1 << 20) + 17)
    src.write_bytes(data)
    sha, size = blobs.put_file(str(src))
    assert (sha, size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert blobs.get_bytes(sha) == data


def test_atomic_write_leaves_no_temp_files(blobs: BlobStore, tmp_path: Path) -> None:
    for i in range(5):
        blobs.put_bytes(f"blob {i}".encode())
    names = [p.name for p in _files(tmp_path / "blobs")]
    assert len(names) == 5
    assert all(len(n) == 64 and not n.startswith(".") for n in names)


def test_failed_write_leaves_no_temp_file_and_no_blob(blobs: BlobStore, tmp_path: Path) -> None:
    sha = hashlib.sha256(b"never").hexdigest()

    def fill(fh: object) -> None:
        fh.write(b"half")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        blobs._write(sha, fill)
    assert not blobs.exists(sha)
    assert _files(tmp_path / "blobs") == []


def test_missing_blob_is_not_found(blobs: BlobStore) -> None:
    with pytest.raises(NotFound):
        blobs.get_bytes("0" * 64)
    assert blobs.delete("0" * 64) is False


def test_delete(blobs: BlobStore) -> None:
    sha, _ = blobs.put_bytes(b"x")
    assert blobs.delete(sha) is True
    assert not blobs.exists(sha)


@pytest.mark.parametrize("bad", [
    "../../etc/passwd",
    "../" * 20 + "etc/passwd",
    "A" * 64,  # upper case is not what we write
    "a" * 63,
    "a" * 65,
    "g" * 64,
    "",
    "/" + "a" * 63,
])
def test_check_sha256_refuses_anything_but_a_digest(bad: str, blobs: BlobStore) -> None:
    with pytest.raises(InvalidArgument):
        check_sha256(bad)
    with pytest.raises(InvalidArgument):
        blobs.get_bytes(bad)
    with pytest.raises(InvalidArgument):
        blobs.path_of(bad)


def test_check_sha256_accepts_a_digest() -> None:
    digest = hashlib.sha256(b"").hexdigest()
    assert check_sha256(digest) == digest


def test_file_url_is_a_local_folder(tmp_path: Path) -> None:
    store = BlobStore(f"file://{tmp_path / 'via-url'}")
    sha, _ = store.put_bytes(b"x")
    assert (tmp_path / "via-url" / "sha256" / sha[:2] / sha).read_bytes() == b"x"
    assert store.url_of(sha) == str(tmp_path / "via-url" / "sha256" / sha[:2] / sha)


def test_a_non_local_url_goes_through_fsspec() -> None:
    store = BlobStore("memory://blob-test-" + os.urandom(4).hex())
    sha, size = store.put_bytes(b"remote bytes")
    assert store.put_bytes(b"remote bytes") == (sha, size)
    assert store.exists(sha) and store.get_bytes(sha) == b"remote bytes"
    assert list(store.iter_shas()) == [sha]
    assert store.url_of(sha).startswith("memory://")
    assert store.delete(sha) and not store.exists(sha)
    with pytest.raises(NotFound):
        store.get_bytes(sha)


def test_a_local_blob_store_does_not_import_fsspec(tmp_path: Path) -> None:
    """The reporter thread stores a script's last images while Python shuts down, when importing
    fsspec (which registers a threading atexit hook) is refused."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from jupyter_ext.store.blobs import BlobStore\n"
        f"b = BlobStore({str(tmp_path / 'b')!r})\n"
        "sha, _ = b.put_bytes(b'x')\n"
        "assert b.get_bytes(sha) == b'x' and b.exists(sha) and list(b.iter_shas()) == [sha]\n"
        "assert b.delete(sha)\n"
        "print('fsspec' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
