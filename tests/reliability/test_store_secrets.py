"""Reading the database is not enough to mint a bearer token; the store's files are owner-only."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX


def _forge(key: bytes, access_key: str) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = {"k": access_key, "n": "x", "u": "", "iat": int(time.time()), "exp": time.time() + 600}
    body = "jt1." + b64(json.dumps(payload, separators=(",", ":")).encode())
    return body + "." + b64(hmac.new(key, body.encode(), hashlib.sha256).digest())


def _whoami(server: BackgroundServer, token: str) -> int:
    return requests.get(f"{server.url}/{API_PREFIX}auth/whoami", headers={"Authorization": f"Bearer {token}"},
                        timeout=30).status_code


def test_nothing_in_the_database_signs_a_working_token(server: BackgroundServer, tmp_path: Path) -> None:
    access, secret = server.create_key("probe")
    issued = requests.post(f"{server.url}/{API_PREFIX}auth/token", auth=(access, secret), json={}, timeout=30)
    assert issued.status_code == 200
    assert _whoami(server, issued.json()["token"]) == 200
    db = tmp_path / "home" / "track.db"
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        candidates: list[bytes] = []
        for (table,) in reader.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
            for row in reader.execute(f'SELECT * FROM "{table}"').fetchall():
                for cell in row:
                    if isinstance(cell, str) and len(cell) >= 32:
                        try:
                            candidates.append(bytes.fromhex(cell))
                        except ValueError:
                            pass
                        candidates.append(cell.encode())
                    elif isinstance(cell, bytes):
                        candidates.append(cell)
    finally:
        reader.close()
    assert candidates, "the probe found nothing to try: it would prove nothing"
    assert all(_whoami(server, _forge(key, access)) == 401 for key in candidates)


def test_the_store_its_wal_and_the_blob_folder_are_owner_only(server: BackgroundServer, api: Any,
                                                              tmp_path: Path) -> None:
    from jupyter_ext.core import keys

    home = tmp_path / "home"
    server.create_key("probe")  # a write: the WAL exists
    keys.signing_key(server.services.backend.store)  # the key file is made on first use
    data = b"owner only"
    put = api("PUT", f"blobs/{hashlib.sha256(data).hexdigest()}", data=data)
    assert put.status_code in (200, 201), put.text
    for name in ("track.db", "track.db-wal", "track.db.token-key"):
        mode = stat.S_IMODE((home / name).stat().st_mode)
        assert mode & 0o077 == 0, (name, oct(mode))
    assert stat.S_IMODE((home / "blobs").stat().st_mode) & 0o077 == 0


def test_rotating_the_signing_key_invalidates_tokens(server: BackgroundServer, api: Any) -> None:
    from jupyter_ext.core import keys

    access, secret = server.create_key("rotated")
    token = requests.post(f"{server.url}/{API_PREFIX}auth/token", auth=(access, secret), json={},
                          timeout=30).json()["token"]
    assert _whoami(server, token) == 200
    keys.rotate_signing_key(server.services.backend.store)
    assert _whoami(server, token) == 401
    fresh = requests.post(f"{server.url}/{API_PREFIX}auth/token", auth=(access, secret), json={},
                          timeout=30).json()["token"]
    assert _whoami(server, fresh) == 200


def test_another_process_sees_the_rotation(tmp_path: Path) -> None:
    """Two store objects over one file stand for two processes: each stats the key file."""
    from jupyter_ext.core import keys
    from jupyter_ext.store.meta import MetaStore

    url = f"sqlite:///{tmp_path / 'track.db'}"
    one, two = MetaStore.open(url), MetaStore.open(url)
    try:
        info = {"access_key": "JTX", "name": "n", "user": ""}
        token = keys.issue_token(one, info)
        assert keys.verify_token(keys.signing_key(two), token)["access_key"] == "JTX"
        keys.rotate_signing_key(one)
        from jupyter_ext.errors import Unauthenticated

        with pytest.raises(Unauthenticated):
            keys.verify_token(keys.signing_key(two), token)
    finally:
        one.close()
        two.close()
