"""A self-signed server: the TLS error names the setting that fixes it, and that one setting
(verify_certificate, or a CA bundle) covers API calls and file downloads alike."""
from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.client.tls import open_url
from jupyter_ext.config import Config, load
from jupyter_ext.errors import Unavailable

BASE = Config(home="h", store_url="s", blob_url="b")


def _read(url: str, cfg: Config) -> bytes:
    with open_url(url, cfg) as fh:
        return fh.read()


def test_a_self_signed_server_fails_with_the_fix_in_the_message(https_file, clean_env) -> None:
    url, _ = https_file
    with pytest.raises(Unavailable) as caught:
        _read(url, BASE)
    message = caught.value.message
    assert "could not be verified" in message and "self" in message.lower()
    assert 'verify_certificate = "/path/to/ca.crt"' in message and "REQUESTS_CA_BUNDLE" in message
    assert "verify_certificate = false" in message and clean_env["JUPYTER_TRACK_CONFIG_FILE"] in message


def test_the_ca_bundle_or_verify_false_fixes_downloads(https_file, self_signed, clean_env, monkeypatch) -> None:
    url, payload = https_file
    cert = str(self_signed[0])
    assert _read(url, dataclasses.replace(BASE, verify_certificate=cert)) == payload
    assert _read(url, dataclasses.replace(BASE, verify_certificate=False)) == payload
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)  # the guide's fix, now read as a setting
    assert _read(url, load()) == payload
    monkeypatch.setenv("JUPYTER_TRACK_VERIFY_CERTIFICATE", "/nonexistent/ca.pem")
    with pytest.raises(Unavailable, match="CA bundle .* cannot be read"):
        _read(url, load())


def test_https_to_a_plain_http_server_says_so(http_file) -> None:
    url, _ = http_file
    with pytest.raises(Unavailable, match="plain HTTP"):
        _read(url.replace("http://", "https://"), BASE)


def test_sdk_downloads_use_the_setting(https_file, self_signed, track_home, monkeypatch) -> None:
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.sdk import _transfers as files

    url, payload = https_file
    with pytest.raises(Unavailable, match="verify_certificate"):
        files.fetch_url(url, "data.bin")
    monkeypatch.setenv("JUPYTER_TRACK_VERIFY_CERTIFICATE", str(self_signed[0]))
    session.reset_for_tests()
    assert Path(files.fetch_url(url, "data.bin")).read_bytes() == payload


class _TlsServer:
    """The standalone API server over HTTPS with the self-signed certificate, in a thread."""

    def __init__(self, db_url: str, blobs: str, cert: Path, key: Path) -> None:
        from jupyter_ext.server.services import Services
        from jupyter_ext.server.standalone import start

        self.services = Services.open(db_url, blobs)
        self.loop = asyncio.new_event_loop()
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)

            async def begin() -> None:
                self.server, self.port = start(self.services, "127.0.0.1", 0, certfile=str(cert), keyfile=str(key))

            self.loop.run_until_complete(begin())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(30)

    def stop(self) -> None:
        async def end() -> None:
            self.server.stop()
            await self.server.close_all_connections()

        asyncio.run_coroutine_threadsafe(end(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.services.close()


@pytest.fixture
def tls_server(db_url: str, tmp_path: Path, self_signed) -> Iterator[Any]:
    pytest.importorskip("jupyter_ext.server.standalone")
    server = _TlsServer(db_url, str(tmp_path / "server-blobs"), *self_signed)
    yield server
    server.stop()


def test_api_calls_and_blob_transfers_share_the_setting(tls_server, self_signed, tmp_path: Path) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.core import keys

    access, secret = keys.create(tls_server.services.backend.store, "tls test")
    host = f"https://127.0.0.1:{tls_server.port}"
    strict = dataclasses.replace(BASE, api_host=host, access_key=access, secret_key=secret)
    with pytest.raises(Unavailable, match="verify_certificate"):
        HttpBackend.from_config(strict).list_projects()
    trusting = HttpBackend.from_config(dataclasses.replace(strict, verify_certificate=str(self_signed[0])))
    try:
        row = trusting.create_task({"project": "TLS", "name": "over https"})
        assert trusting.get_task(row.id).name == "over https"
        source = tmp_path / "blob.bin"
        source.write_bytes(b"x" * 300_000)
        sha, size = trusting.put_blob_file(str(source))
        trusting.download_blob(sha, str(tmp_path / "back.bin"))
        assert (tmp_path / "back.bin").read_bytes() == source.read_bytes() and size == 300_000
    finally:
        trusting.close()
