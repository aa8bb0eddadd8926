"""A self-signed certificate (made with the openssl command) and HTTPS servers on 127.0.0.1 using it."""
from __future__ import annotations

import http.server
import os
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, signed by nobody a system trusts."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "server.crt", folder / "server.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return cert, key


class _Files(http.server.BaseHTTPRequestHandler):
    payload = b""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload)

    def log_message(self, *args: Any) -> None:
        pass


def _serve(tls: tuple[Path, Path] | None) -> Iterator[tuple[str, bytes]]:
    payload = os.urandom(200_000)
    handler = type("Handler", (_Files,), {"payload": payload})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls[0]), str(tls[1]))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}/data.bin", payload
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def https_file(self_signed: tuple[Path, Path]) -> Iterator[tuple[str, bytes]]:
    """(URL, bytes) of a file served over HTTPS with the self-signed certificate."""
    yield from _serve(self_signed)


@pytest.fixture
def http_file() -> Iterator[tuple[str, bytes]]:
    yield from _serve(None)


@pytest.fixture
def clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Settings of this test only: no developer variables, no settings file, no clearml.conf."""
    for name in list(os.environ):
        if name.startswith(("JUPYTER_TRACK_", "CLEARML_")) or name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE",
                                                                      "CURL_CA_BUNDLE"):
            monkeypatch.delenv(name)
    env = {"JUPYTER_TRACK_HOME": str(tmp_path / "home"), "JUPYTER_TRACK_CONFIG_FILE": str(tmp_path / "track.toml"),
           "CLEARML_CONFIG_FILE": str(tmp_path / "clearml.conf")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env
