"""StorageManager on local paths, file:// URLs, a real http.server, and files this store holds."""
from __future__ import annotations

import functools
import http.server
import os
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument, NotFound, Unavailable


@pytest.fixture
def SM(track_home: Path) -> Any:
    from jupyter_ext import StorageManager

    return StorageManager


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A real http.server on 127.0.0.1 serving ``tmp_path/www``; (base URL, folder)."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/nohead/"):  # a server that does not answer HEAD
            self.send_error(405)
            return
        super().do_HEAD()


def test_a_local_file_is_returned_as_it_is_and_file_urls_resolve(SM: Any, tmp_path: Path) -> None:
    src = tmp_path / "iris.pkl"
    src.write_bytes(b"abc")
    assert SM.get_local_copy(str(src)) == str(src)
    assert SM.get_local_copy(src.as_uri()) == str(src)
    assert SM.get_local_copy(str(tmp_path)) == str(tmp_path)  # a folder here is used where it is
    assert SM.exists_file(src.as_uri()) and SM.get_file_size_bytes(str(src)) == 3
    assert not SM.exists_file(str(tmp_path / "missing")) and not SM.exists_file(str(tmp_path) + "/")
    with pytest.raises(NotFound, match="missing"):
        SM.get_local_copy(str(tmp_path / "missing"))


def test_http_download_is_cached_by_url_and_force_download_fetches_again(SM: Any, http_root: Any,
                                                                        track_home: Path) -> None:
    base, root = http_root
    (root / "data.csv").write_text("a,b\n1,2\n")
    local = SM.get_local_copy(f"{base}/data.csv")
    assert Path(local).read_text() == "a,b\n1,2\n" and local.startswith(str(track_home / "cache"))
    (root / "data.csv").write_text("changed\n")
    assert Path(SM.get_local_copy(f"{base}/data.csv")).read_text() == "a,b\n1,2\n"  # from the cache
    assert Path(SM.get_local_copy(f"{base}/data.csv", force_download=True)).read_text() == "changed\n"
    assert SM.get_file_size_bytes(f"{base}/data.csv") == len("changed\n")
    (root / "nohead").mkdir()
    (root / "nohead" / "big.bin").write_bytes(b"x" * 12345)
    assert SM.get_file_size_bytes(f"{base}/nohead/big.bin") == 12345
    assert SM.exists_file(f"{base}/data.csv") and not SM.exists_file(f"{base}/nope.csv")
    assert Path(SM.get_local_copy(f"{base}/data.csv", name="renamed.csv")).name == "renamed.csv"


def test_an_unreachable_url_names_it_and_leaves_nothing_in_the_cache(SM: Any, http_root: Any,
                                                                    track_home: Path) -> None:
    base, _ = http_root
    with pytest.raises(NotFound, match="nope.bin"):
        SM.get_local_copy(f"{base}/nope.bin")
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # a port nobody listens on
    with pytest.raises(Unavailable, match=rf"127.0.0.1:{port}/x.bin.*(check|address)"):
        SM.get_local_copy(f"http://127.0.0.1:{port}/x.bin")
    leftovers = [p for p in (track_home / "cache").rglob("*") if p.is_file()] if (track_home / "cache").exists() else []
    assert leftovers == []
    assert SM.download_file(f"{base}/nope.bin", str(track_home / "dl"), silence_errors=True) is None
    with pytest.raises(InvalidArgument, match="ftp://"):
        SM.get_local_copy("ftp://host/file")


def test_archives_are_extracted_once_zip_and_tar_gz(SM: Any, http_root: Any, tmp_path: Path) -> None:
    base, root = http_root
    with zipfile.ZipFile(root / "data.zip", "w") as zf:
        zf.writestr("sub/a.txt", "A")
    inner = tmp_path / "b.txt"
    inner.write_text("B")
    with tarfile.open(root / "data.tar.gz", "w:gz") as tf:
        tf.add(inner, arcname="b.txt")
    folder = SM.get_local_copy(f"{base}/data.zip")
    assert (Path(folder) / "sub" / "a.txt").read_text() == "A"
    assert SM.get_local_copy(f"{base}/data.zip") == folder
    assert SM.get_local_copy(f"{base}/data.zip", extract_archive=False).endswith("data.zip")
    assert (Path(SM.get_local_copy(f"{base}/data.tar.gz")) / "b.txt").read_text() == "B"
    local_zip = root / "data.zip"  # a local archive is extracted into the cache, not beside itself
    assert (Path(SM.get_local_copy(str(local_zip))) / "sub" / "a.txt").read_text() == "A"
    with zipfile.ZipFile(local_zip, "w") as zf:
        zf.writestr("sub/a.txt", "changed")
    os.utime(local_zip, ns=(1, 1))  # a new mtime even on a coarse clock
    assert (Path(SM.get_local_copy(str(local_zip))) / "sub" / "a.txt").read_text() == "changed"


def test_an_archive_escaping_its_folder_is_refused(SM: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("../../evil.txt", "x")
    with pytest.raises(InvalidArgument, match="outside"):
        SM.get_local_copy(str(bad))
    assert not (tmp_path / "evil.txt").exists()


def test_the_cache_keeps_at_most_the_file_limit(SM: Any, http_root: Any) -> None:
    base, root = http_root
    for i in range(4):
        (root / f"f{i}.txt").write_text(str(i))
    assert SM.set_cache_file_limit(2, cache_context="small") == 2
    paths = [SM.get_local_copy(f"{base}/f{i}.txt", cache_context="small") for i in range(4)]
    assert [os.path.exists(p) for p in paths] == [False, False, True, True]
    with pytest.raises(InvalidArgument, match="cache_file_limit"):
        SM.set_cache_file_limit(0)
    with pytest.raises(InvalidArgument, match="cache_context"):
        SM.get_local_copy(f"{base}/f0.txt", cache_context="../up")


def test_upload_download_list_on_folders(SM: Any, tmp_path: Path) -> None:
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.json").write_text("{}")
    (src / "sub" / "b.txt").write_text("bb")
    remote = tmp_path / "remote"
    assert SM.upload_folder(str(src), remote.as_uri()) == remote.as_uri()
    assert SM.list(str(remote)) == ["a.json", "sub/b.txt"]
    assert SM.list(str(remote), with_metadata=True)[1] == {"name": "sub/b.txt", "size": 2}
    assert SM.list(str(remote), return_full_path=True)[0] == str(remote / "a.json")
    assert SM.get_metadata(str(remote / "sub" / "b.txt"), return_full_path=True) == {
        "name": str(remote / "sub" / "b.txt"), "size": 2}
    url = SM.upload_file(str(src / "a.json"), str(tmp_path / "one" / "x.json"))
    assert Path(url).read_text() == "{}"
    assert SM.upload_folder(str(src), str(tmp_path / "only_json"), match_wildcard="*.json")
    assert SM.list(str(tmp_path / "only_json")) == ["a.json"]
    out = SM.download_folder(str(remote), str(tmp_path / "out"))
    got = sorted(str(p.relative_to(out)) for p in Path(out).rglob("*") if p.is_file())
    rel = str(remote).lstrip("/")
    assert got == [f"{rel}/a.json", f"{rel}/sub/b.txt"]  # ClearML keeps the path below the root
    with pytest.raises(NotFound, match="no_such"):
        SM.upload_file(str(tmp_path / "no_such"), str(remote / "z"))
    with pytest.raises(InvalidArgument, match="cannot be listed"):
        SM.list("http://127.0.0.1:1/")


def test_the_url_of_an_artifact_this_store_holds(SM: Any, Task: Any, track_home: Path, tmp_path: Path) -> None:
    task = Task.init(project_name="Storage", task_name="artifact url")
    (tmp_path / "w.bin").write_bytes(b"w" * 1000)
    task.upload_artifact("weights", str(tmp_path / "w.bin"), wait_on_upload=True)
    url = task.artifacts["weights"].url
    task.close()
    assert Path(SM.get_local_copy(url)).read_bytes() == b"w" * 1000
    # the same URL seen from a machine whose home is elsewhere: the path is missing, the bytes are here
    elsewhere = url.replace(str(track_home), "/nowhere/home")
    copy = SM.get_local_copy(elsewhere)
    assert Path(copy).read_bytes() == b"w" * 1000 and copy.startswith(str(track_home / "cache"))
    assert SM.exists_file(elsewhere) and SM.get_file_size_bytes(elsewhere) == 1000


def test_an_artifact_url_through_a_server(track_home: Path, tmp_path: Path, db_url: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine that reaches the store only through the server gets the bytes from it."""
    from jupyter_ext import StorageManager, Task
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    try:
        access, secret = server.create_key("sdk")
        monkeypatch.setenv("JUPYTER_TRACK_API_HOST", server.url)
        monkeypatch.setenv("JUPYTER_TRACK_ACCESS_KEY", access)
        monkeypatch.setenv("JUPYTER_TRACK_SECRET_KEY", secret)
        session.reset_for_tests()
        task = Task.init(project_name="Storage", task_name="over http")
        task.upload_artifact("table", {"a": [1, 2]}, wait_on_upload=True)
        url = task.artifacts["table"].url
        task.close()
        assert not (track_home / "blobs").exists()  # nothing of it on this machine
        copy = StorageManager.get_local_copy(url)
        assert Path(copy).read_text().replace(" ", "").replace("\n", "") == '{"a":[1,2]}'
        assert StorageManager.get_file_size_bytes(url) == Path(copy).stat().st_size
        missing = url[:-64] + "0" * 64
        with pytest.raises(NotFound, match="api_host"):
            StorageManager.get_local_copy(missing)
        assert not StorageManager.exists_file(missing)
    finally:
        session.reset_for_tests()
        server.stop()


def test_cloud_urls_without_their_fsspec_package_say_which_to_install(SM: Any) -> None:
    from jupyter_ext.sdk.storage.locations import resolve

    where = resolve("azure://acct.blob.core.windows.net/container/data/x.bin")
    assert (where.account, where.path, where.relative()) == ("acct", "container/data/x.bin", "data/x.bin")
    assert where.bucket_url() == "azure://acct.blob.core.windows.net/container"
    for url, package in (("gs://bucket/x.bin", "gcsfs"), ("azure://acct.blob.core.windows.net/c/x.bin", "adlfs")):
        try:
            __import__(package)
        except ImportError:
            with pytest.raises(InvalidArgument, match=f"pip install {package}"):
                SM.get_local_copy(url)
