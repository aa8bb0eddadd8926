"""A blob upload to a full disk is answered 507 in the error shape and keeps nothing partial.

The disk is made "full" by a file-size limit on the server's process (RLIMIT_FSIZE, writes past
it fail with EFBIG), which needs no privileges; a server process of its own carries the limit.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_ext.wire.routes import API_PREFIX

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")

_SERVER = """
import json, resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
resource.setrlimit(resource.RLIMIT_FSIZE, (SIZE_LIMIT, SIZE_LIMIT))
from jupyter_ext.server.background import BackgroundServer
with BackgroundServer(sys.argv[1], sys.argv[2]) as server:
    access, secret = server.create_key("probe")
    print(json.dumps({"url": server.url, "auth": [access, secret]}), flush=True)
    sys.stdin.read()
"""
LIMIT = 4 * 1024 * 1024


@pytest.fixture
def small_disk_server(tmp_path: Path) -> Iterator[dict[str, Any]]:
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-c", _SERVER.replace("SIZE_LIMIT", str(LIMIT)),
                             f"sqlite:///{home / 'track.db'}", str(home / "blobs")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        info["blobs"] = home / "blobs"
        yield info
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(30)


def _staged_or_kept(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_an_upload_bigger_than_the_free_space_is_a_507_and_leaves_nothing(small_disk_server: dict[str, Any]) -> None:
    data = os.urandom(LIMIT + 1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    url, auth = small_disk_server["url"], tuple(small_disk_server["auth"])
    answer = requests.put(f"{url}/{API_PREFIX}blobs/{sha}", data=data, auth=auth, timeout=60)
    assert answer.status_code == 507, (answer.status_code, answer.text[:300])
    error = answer.json()["error"]
    assert error["code"] == "storage_full" and "nothing of it was kept" in error["message"]
    assert _staged_or_kept(small_disk_server["blobs"]) == []
    assert requests.head(f"{url}/{API_PREFIX}blobs/{sha}", auth=auth, timeout=30).status_code == 404
    small = b"still works"
    ok = requests.put(f"{url}/{API_PREFIX}blobs/{hashlib.sha256(small).hexdigest()}", data=small, auth=auth, timeout=30)
    assert ok.status_code == 201, ok.text


def test_a_chunked_body_over_the_json_limit_is_a_413_in_the_error_shape(tmp_path: Path) -> None:
    from jupyter_ext.server.background import BackgroundServer
    from jupyter_ext.server.services import Limits

    with BackgroundServer(f"sqlite:///{tmp_path / 'track.db'}", str(tmp_path / "blobs"),
                          limits=Limits(max_json_bytes=1000)) as server:
        auth = server.create_key("probe")

        def chunks(count: int, size: int) -> Iterator[bytes]:
            for _ in range(count):
                yield b" " * size

        for count, size in ((50, 100), (1, 5000)):
            answer = requests.post(f"{server.url}/{API_PREFIX}events", data=chunks(count, size), auth=auth, timeout=30)
            assert answer.status_code == 413, (count, size, answer.text[:200])
            assert "over 1,000 bytes" in answer.json()["error"]["message"]
