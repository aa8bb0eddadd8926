"""LocalBackend specifics: opening in the background and how opening errors surface."""
from __future__ import annotations

from pathlib import Path

import pytest

from jupyter_ext.client.local import LocalBackend
from jupyter_ext.errors import InvalidArgument, Unavailable


def test_open_in_background_then_use(backend: LocalBackend) -> None:
    backend.open_in_background()
    backend.open_in_background()  # twice is harmless
    row = backend.create_task({"name": "t", "project": "P"})
    assert backend.get_task(row.id).name == "t"


def test_opening_is_lazy(tmp_path: Path) -> None:
    LocalBackend(f"sqlite:///{tmp_path / 'lazy.db'}", str(tmp_path / "blobs"))
    assert not (tmp_path / "lazy.db").exists()


def test_bad_store_url_surfaces_on_use(tmp_path: Path) -> None:
    b = LocalBackend("mysql://x/y", str(tmp_path / "blobs"))
    b.open_in_background()
    with pytest.raises(InvalidArgument, match="unsupported store URL"):
        b.get_task("x")
    with pytest.raises(InvalidArgument):  # the same error every time, not a hang
        b.list_projects()


def test_unopenable_store_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    b = LocalBackend(f"sqlite:///{blocker / 'sub' / 't.db'}", str(tmp_path / "blobs"))
    with pytest.raises(Unavailable, match="cannot open the store"):
        b.get_task("x")


def test_two_backends_share_one_store(backend: LocalBackend, db_url: str, tmp_path: Path) -> None:
    other = LocalBackend(db_url, str(tmp_path / "blobs"))
    try:
        row = backend.create_task({"name": "shared", "project": "P"})
        assert other.get_task(row.id).name == "shared"
        sha, _ = backend.put_blob(b"x")
        assert other.get_blob(sha) == b"x"
    finally:
        other.close()


def test_blob_store_location(backend: LocalBackend, tmp_path: Path) -> None:
    sha, _ = backend.put_blob(b"where")
    assert list((tmp_path / "blobs").rglob(sha))
