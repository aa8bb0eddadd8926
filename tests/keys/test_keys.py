"""API keys and bearer tokens on a real SQLite store, and `jupyter track keys` as a user runs it."""
from __future__ import annotations

import base64
import os
import pathlib
import sqlite3
import subprocess
import sys
import time

import pytest

from jupyter_ext.core import keys
from jupyter_ext.errors import InvalidArgument, NotFound, Unauthenticated
from jupyter_ext.store.meta import MetaStore


@pytest.mark.sqlite_only
def test_a_created_pair_authenticates_and_the_store_keeps_no_secret(store, db_url):
    access, secret = keys.create(store, "laptop", user="ann")
    assert access.startswith("JT") and len(secret) >= 40
    info = keys.authenticate(store, access, secret)
    assert info == {"access_key": access, "name": "laptop", "user": "ann", "scope": "full"}
    path = db_url.split(":///", 1)[1]
    store.close()
    raw = b"".join(pathlib.Path(p).read_bytes() for p in (path, path + "-wal") if os.path.exists(p))
    assert access.encode() in raw  # the public half is looked up by value
    assert secret.encode() not in raw
    row = sqlite3.connect(path).execute("SELECT salt, secret_digest FROM api_keys").fetchone()
    assert len(row[0]) == 32 and len(row[1]) == 64


def test_wrong_secret_unknown_key_and_empty_pairs_are_refused(store):
    access, secret = keys.create(store, "ci")
    keys.authenticate(store, access, secret)  # cached now: a wrong secret must still fail
    for a, s in ((access, secret + "x"), (access, ""), ("JTNOPE", secret), ("", "")):
        with pytest.raises(Unauthenticated):
            keys.authenticate(store, a, s)


def test_revoked_keys_are_refused_at_once_even_when_cached(store):
    access, secret = keys.create(store, "old laptop")
    keys.authenticate(store, access, secret)
    keys.revoke(store, access)
    with pytest.raises(Unauthenticated, match="revoked"):
        keys.authenticate(store, access, secret)
    keys.revoke(store, access)  # twice is fine
    with pytest.raises(NotFound):
        keys.revoke(store, "JTNOSUCHKEY")


def test_another_process_sees_a_revocation_at_once_or_within_the_cache_time(store, db_url, monkeypatch):
    access, secret = keys.create(store, "replica")
    keys.authenticate(store, access, secret)
    # another server process revokes the key: this process only learns it from the database
    other = MetaStore.open(db_url)
    with other.write() as conn:
        conn.exec_driver_sql("UPDATE api_keys SET revoked = %s WHERE access_key = %s" if other.dialect == "postgresql"
                             else "UPDATE api_keys SET revoked = ? WHERE access_key = ?", (time.time(), access))
    other.close()
    if store.dialect == "sqlite":  # the store's change marker: refused at the next request
        with pytest.raises(Unauthenticated, match="revoked"):
            keys.authenticate(store, access, secret)
        return
    keys.authenticate(store, access, secret)  # PostgreSQL: still in this process's short cache
    later = time.monotonic() + keys.CACHE_SECONDS + 1
    monkeypatch.setattr(keys.time, "monotonic", lambda: later)
    with pytest.raises(Unauthenticated, match="revoked"):
        keys.authenticate(store, access, secret)


def test_list_shows_public_fields_only_and_hides_revoked_by_default(store):
    a1, _ = keys.create(store, "one")
    a2, _ = keys.create(store, "two")
    keys.revoke(store, a1)
    assert [k["access_key"] for k in keys.list_keys(store)] == [a2]
    every = keys.list_keys(store, include_revoked=True)
    assert {k["access_key"] for k in every} == {a1, a2}
    assert all(set(k) == {"access_key", "name", "user", "created", "last_used", "revoked", "scope"} for k in every)


def test_names_are_checked(store):
    for bad in ("", "   ", "x" * 101, "a\nb", None):
        with pytest.raises(InvalidArgument):
            keys.create(store, bad)


def test_tokens_round_trip_expire_and_refuse_tampering(store, monkeypatch):
    access, secret = keys.create(store, "laptop")
    info = keys.authenticate(store, access, secret)
    token = keys.issue_token(store, info, ttl=60)
    got = keys.verify_token(store, token)
    assert got["access_key"] == access and got["name"] == "laptop" and got["expires"] > time.time()
    body, sig = token.rsplit(".", 1)
    forged_payload = base64.urlsafe_b64encode(b'{"k":"JTOTHER","exp":9999999999}').rstrip(b"=").decode()
    for bad in (body + "." + sig[:-2] + "AA", "jt1." + forged_payload + "." + sig, "nonsense", ""):
        with pytest.raises(Unauthenticated):
            keys.verify_token(store, bad)
    short = keys.issue_token(store, info, ttl=5)
    later = time.time() + 6
    monkeypatch.setattr(keys.time, "time", lambda: later)
    with pytest.raises(Unauthenticated, match="expired"):
        keys.verify_token(store, short)
    with pytest.raises(InvalidArgument):
        keys.issue_token(store, info, ttl=0)


def test_a_token_of_a_revoked_key_is_refused(store):
    access, secret = keys.create(store, "laptop")
    token = keys.issue_token(store, keys.authenticate(store, access, secret))
    keys.revoke(store, access)
    with pytest.raises(Unauthenticated, match="revoked"):
        keys.verify_token(store, token)


def test_the_signing_key_is_per_store_and_shared_by_its_replicas(store, db_url, tmp_path):
    info = {"access_key": "JTX", "name": "n", "user": ""}
    token = keys.issue_token(store, info)
    replica = MetaStore.open(db_url)
    elsewhere = MetaStore.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        assert keys.signing_key(replica) == keys.signing_key(store)
        with pytest.raises(Unauthenticated):
            keys.verify_token(elsewhere, token)
    finally:
        replica.close()
        elsewhere.close()
    secret = os.urandom(32)
    assert keys.verify_token(secret, keys.issue_token(secret, info))["access_key"] == "JTX"


def test_authorization_headers_basic_and_bearer(store):
    access, secret = keys.create(store, "laptop")
    basic = "Basic " + base64.b64encode(f"{access}:{secret}".encode()).decode()
    assert keys.authenticate_header(store, basic)["access_key"] == access
    token = keys.issue_token(store, {"access_key": access, "name": "laptop"})
    assert keys.authenticate_header(store, f"Bearer {token}")["access_key"] == access
    for bad in (None, "", "Basic !!!", "Basic " + base64.b64encode(b"nocolon").decode(), "Digest x",
                "Basic " + base64.b64encode(f"{access}:wrong".encode()).decode()):
        with pytest.raises(Unauthenticated):
            keys.authenticate_header(store, bad)


def _cli(args, env):
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.mark.slow
def test_cli_create_list_revoke(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    out = _cli(["keys", "create", "--name", "laptop"], env)
    assert out.returncode == 0, out.stderr
    line = out.stdout.strip()
    assert len(line.splitlines()) == 1
    fields = dict(part.split("=", 1) for part in line.split())
    assert set(fields) == {"access_key", "secret_key"}
    listed = _cli(["keys", "list"], env).stdout
    assert fields["access_key"] in listed and "laptop" in listed and fields["secret_key"] not in listed
    store = MetaStore.open(f"sqlite:///{tmp_path / 'home' / 'track.db'}")
    try:
        assert keys.authenticate(store, fields["access_key"], fields["secret_key"])["name"] == "laptop"
        out = _cli(["keys", "revoke", fields["access_key"]], env)
        assert out.returncode == 0, out.stderr
        keys._verified.clear()
        with pytest.raises(Unauthenticated):
            keys.authenticate(store, fields["access_key"], fields["secret_key"])
    finally:
        store.close()
    assert fields["access_key"] not in _cli(["keys", "list"], env).stdout
    assert "revoked" in _cli(["keys", "list", "--all"], env).stdout
    bad = _cli(["keys", "revoke", "JTNOPE"], env)
    assert bad.returncode == 2 and "keys list" in bad.stderr
