"""Request size limits, path traversal, and credentials never reaching a log."""
from __future__ import annotations

import base64
import http.client
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.server.services import Limits
from jupyter_ext.wire.routes import API_PREFIX


@pytest.fixture
def small(tmp_path: Path, db_url: str) -> Iterator[BackgroundServer]:
    server = BackgroundServer(db_url, str(tmp_path / "blobs"), limits=Limits(max_json_bytes=4096,
                                                                             max_blob_bytes=64 * 1024))
    yield server
    server.stop()


def _api(server: BackgroundServer, path: str) -> str:
    return f"{server.url}/{API_PREFIX}{path}"


def test_json_bodies_over_the_limit_are_refused_before_reading(small: BackgroundServer) -> None:
    key = small.create_key()
    row = requests.post(_api(small, "tasks"), json={"name": "t", "project": "P"}, auth=key, timeout=10).json()
    big = {"console": [{"level": 20, "text": "x" * 8000, "time": 1.0}]}
    response = requests.post(_api(small, f"tasks/{row['id']}/events"), json=big, auth=key, timeout=10)
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["type"] == "TooLarge" or error["code"] == "invalid_argument"
    assert "4,096" in error["message"]
    console = requests.get(_api(small, f"tasks/{row['id']}/console"), auth=key, timeout=10).json()
    assert console["items"] == []  # nothing half-written


def test_blob_uploads_over_the_limit_are_refused(small: BackgroundServer) -> None:
    import hashlib

    key = small.create_key()
    data = b"z" * (128 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    # Refused on the headers alone: the answer comes before a byte of the body is sent.
    conn = http.client.HTTPConnection("127.0.0.1", small.port, timeout=10)
    conn.putrequest("PUT", f"/{API_PREFIX}blobs/{sha}")
    conn.putheader("Content-Length", str(len(data)))
    conn.putheader("Authorization", "Basic " + base64.b64encode(f"{key[0]}:{key[1]}".encode()).decode())
    conn.endheaders()
    declared = conn.getresponse()
    assert declared.status == 413
    assert "65,536" in json.loads(declared.read())["error"]["message"]
    conn.close()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for i in range(0, len(data), 8192):
            yield data[i:i + 8192]

    try:
        chunked = requests.put(_api(small, f"blobs/{sha}"), data=chunks(), auth=key, timeout=10)
        assert chunked.status_code == 413
    except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError):
        pass  # the server may hang up mid-upload instead of reading the rest; either way nothing is kept
    assert requests.head(_api(small, f"blobs/{sha}"), auth=key, timeout=10).status_code == 404
    assert not list(Path(small.services.backend.blobs.root).rglob(sha))


def test_path_traversal_is_refused(standalone: BackgroundServer, tmp_path: Path) -> None:
    key = standalone.create_key()
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("do not serve me")
    for path in ("blobs/..%2F..%2Fsecret.txt", "blobs/%2e%2e%2f%2e%2e%2fsecret.txt", "blobs/" + "." * 64):
        for method in ("GET", "HEAD", "PUT"):
            response = requests.request(method, _api(standalone, path), auth=key, timeout=10,
                                        data=b"x" if method == "PUT" else None)
            assert response.status_code == 400, (method, path, response.status_code)
            assert b"do not serve me" not in response.content
    # Raw dot segments (a client that does not normalise them) reach no handler at all.
    conn = http.client.HTTPConnection("127.0.0.1", standalone.port, timeout=10)
    token = base64.b64encode(f"{key[0]}:{key[1]}".encode()).decode()
    conn.request("GET", f"/{API_PREFIX}blobs/../../../../{secret_file}", headers={"Authorization": f"Basic {token}"})
    raw = conn.getresponse()
    assert raw.status == 404 and b"do not serve me" not in raw.read()
    conn.close()
    assert not list(Path(standalone.services.backend.blobs.root).rglob("*secret*"))


def test_keys_secrets_and_tokens_are_never_logged(standalone: BackgroundServer, caplog: pytest.LogCaptureFixture,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.errors import NotFound, Unauthenticated

    caplog.set_level(logging.DEBUG)
    access, secret = standalone.create_key("logging")
    backend = HttpBackend(standalone.url, access, secret)
    try:
        row = backend.create_task({"name": "t", "project": "P"})
        with pytest.raises(NotFound):
            backend.get_task("missing")
        token = backend._auth_header()["Authorization"].split(" ", 1)[1]
        shown = repr(backend)
    finally:
        backend.close()
    wrong = HttpBackend(standalone.url, access, "a-wrong-secret-value")
    with pytest.raises(Unauthenticated) as refused:
        wrong.get_task(row.id)
    wrong.close()
    requests.get(_api(standalone, "tasks"), headers={"Authorization": f"Bearer {token}x"}, timeout=10)
    requests.post(_api(standalone, "auth/token"), auth=(access, secret), json={"ttl": -1}, timeout=10)
    basic = base64.b64encode(f"{access}:{secret}".encode()).decode()
    out = capsys.readouterr()
    for text in (caplog.text, out.out, out.err, shown, str(refused.value)):
        for needle in (secret, token, basic, "a-wrong-secret-value"):
            assert needle not in text
    assert "/track/api/v1/tasks" in caplog.text  # the access log was captured, so its silence above means something


def test_errors_map_back_to_the_same_classes(standalone: BackgroundServer) -> None:
    from jupyter_ext import errors
    from jupyter_ext.wire.errors import error_body, error_from_body

    for cls in (errors.NotFound, errors.AlreadyExists, errors.InvalidArgument, errors.Conflict, errors.Unavailable,
                errors.Unauthenticated, errors.Forbidden):
        back = error_from_body(cls.http_status, json.loads(json.dumps(error_body(cls("why")))))
        assert type(back) is cls and back.message == "why"
    assert isinstance(error_from_body(502, "<html>bad gateway</html>"), errors.Unavailable)
