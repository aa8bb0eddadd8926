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


def _run(code: str) -> list[str]:
    import subprocess
    import sys
    import textwrap

    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=False, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


@pytest.mark.parametrize(("call", "module"), [("query_tasks", "tasks"), ("query_datasets", "datasets")])
def test_a_call_made_while_opening_waits_before_importing_the_rules(tmp_path: Path, call: str, module: str) -> None:
    # A second thread importing SQLAlchemy while the opening thread does could leave it half
    # initialised: a metadata call waits for the opening before it imports core/. The dataset
    # calls, mixed in from another module, did not (ClearML's urbansounds example failed with
    # "cannot import name 'AdaptedConnection' from partially initialized module").
    got = _run(f"""
        import sys, threading, time
        from jupyter_ext.client.local import LocalBackend
        release = threading.Event()
        real_open = LocalBackend._open
        def held_open(self, *args):
            release.wait()
            real_open(self, *args)
        LocalBackend._open = held_open
        b = LocalBackend({f"sqlite:///{tmp_path / 't.db'}"!r}, {str(tmp_path / 'blobs')!r})
        b.open_in_background(warm_up=False)
        result = []
        caller = threading.Thread(target=lambda: result.append(b.{call}()))
        caller.start()
        time.sleep(0.3)
        print("core" if "jupyter_ext.core.{module}" in sys.modules else "-", caller.is_alive())
        release.set()
        caller.join(30)
        print(result)
    """)
    assert got == ["-", "True", "[[]]"]


def test_blobs_are_stored_while_the_store_is_still_opening(tmp_path: Path) -> None:
    # Hashing and copying a file needs nothing of the metadata store: a fresh process's first
    # upload overlaps the opening instead of waiting for it.
    source = tmp_path / "data.bin"
    source.write_bytes(b"x" * 100_000)
    got = _run(f"""
        import threading
        from jupyter_ext.client.local import LocalBackend
        release = threading.Event()
        real_open = LocalBackend._open
        def held_open(self, *args):
            release.wait()
            real_open(self, *args)
        LocalBackend._open = held_open
        b = LocalBackend({f"sqlite:///{tmp_path / 't.db'}"!r}, {str(tmp_path / 'blobs')!r})
        b.open_in_background()
        sha, size = b.put_blob_file({str(source)!r})
        print(size, b.get_blob(sha) == b"x" * 100_000, b._opened.is_set())
        release.set()
        print(b.query_tasks())
    """)
    assert got == ["100000", "True", "False", "[]"]
