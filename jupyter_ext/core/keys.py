"""API keys and bearer tokens: who may call the REST API from another machine.

A key is a pair: a public ``access_key`` and a ``secret_key`` shown once, at creation. The store
keeps only a salted HMAC-SHA256 of the secret. Secrets are 288 random bits, so there is nothing
to brute-force and a deliberately slow KDF would only slow every request down.

Every request authenticates, so a verified pair is remembered in memory for
``CACHE_SECONDS`` (as a keyed digest, never the secret itself). Revoking a key forgets it in this
process at once. On SQLite, other processes over the same file (server workers, a server while
``jupyter track keys revoke`` runs beside it) notice at their next request: the store's change
marker says whether anything was committed since the last look, and only then is the tiny
revocation summary of the keys table read again; a change there forgets every remembered key.
Over PostgreSQL (no change marker) other replicas stop accepting a revoked key within
``CACHE_SECONDS``.

A bearer token (``issue_token``) is an HMAC-signed, expiring statement "this is key X"; the
signing key is random and lives in an owner-only file beside the store, never in it
(``store/key_file.py``): reading the database is not enough to mint a token. Every process over
one store file reads the same key, and replacing it (:func:`rotate_signing_key`) invalidates every
token at its next check. A key an older version kept in the ``server_secrets`` table is deleted.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
import weakref
from collections.abc import Mapping
from typing import Any

from jupyter_ext.core.rules import limits
from jupyter_ext.errors import InvalidArgument, NotFound, Unauthenticated
from jupyter_ext.store import key_file
from jupyter_ext.store import keys as key_rows
from jupyter_ext.store.change_marker import change_marker
from jupyter_ext.store.meta import MetaStore

CACHE_SECONDS = 10.0
DEFAULT_TOKEN_TTL = 3600.0
MAX_TOKEN_TTL = limits.TOKEN_TTL
TOKEN_PREFIX = "jt1."
# last_used is bookkeeping, not security: at most one write per key per minute.
_LAST_USED_EVERY = 60.0
_ACCESS_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_TOKEN_SECRET_NAME = "token_signing_key"

# Cache digests are keyed by a random value of this process, so the cache never holds
# anything that would let a memory dump reproduce a secret or a stored digest.
_PEPPER = secrets.token_bytes(32)
_lock = threading.Lock()
# store -> access_key -> (peppered digest of the secret, public info, valid until)
# (the revocation summary the entry was made under: see _revocation_epoch)
_verified: weakref.WeakKeyDictionary[MetaStore, dict[str, tuple[bytes, dict[str, Any], float, Any]]] = (
    weakref.WeakKeyDictionary())
# store -> access_key -> (still active?, valid until): token checks see revocations too
_active: weakref.WeakKeyDictionary[MetaStore, dict[str, tuple[bool, float, Any]]] = weakref.WeakKeyDictionary()
# store -> (key file, its identity when read, the key)
_signing_keys: weakref.WeakKeyDictionary[MetaStore, tuple[str, Any, bytes]] = weakref.WeakKeyDictionary()
# store -> (change marker when last looked, revocation summary then)
_revocations: weakref.WeakKeyDictionary[MetaStore, tuple[int, Any]] = weakref.WeakKeyDictionary()


def check_name(name: Any) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgument("a key needs a name saying where it is used, e.g. --name laptop")
    text = str(name).strip()
    if len(text) > 100 or any(ord(c) < 32 for c in text):
        raise InvalidArgument(f"key name {text[:40]!r} is not valid: use up to 100 printable characters")
    return text


def _digest(salt: str, secret_key: str) -> str:
    return hmac.new(bytes.fromhex(salt), secret_key.encode("utf-8"), hashlib.sha256).hexdigest()


def _peppered(secret_key: str) -> bytes:
    return hmac.new(_PEPPER, secret_key.encode("utf-8"), hashlib.sha256).digest()


def create(meta: MetaStore, name: str, *, user: str = "", scope: str = "full", actor: str = "",
           require_user: bool = False) -> tuple[str, str]:
    """Make a new key pair for ``user``; returns ``(access_key, secret_key)``. The secret is never
    shown again. Once the server has users (or with ``require_user``), ``user`` must be one of them,
    enabled. ``scope`` narrows what the key may do: ``full``, ``read`` or ``agent``."""
    from jupyter_ext.core import audit, users
    from jupyter_ext.core.rules.access import check_scope

    name = check_name(name)
    scope = check_scope(scope)
    access_key = "JT" + "".join(secrets.choice(_ACCESS_ALPHABET) for _ in range(22))
    secret_key = secrets.token_urlsafe(36)
    salt = secrets.token_hex(16)
    row = key_rows.ApiKeyRow(access_key=access_key, name=name, user=str(user or ""), salt=salt,
                             secret_digest=_digest(salt, secret_key), created=time.time(), last_used=None,
                             revoked=None, scope=scope)
    with meta.write() as conn:
        if require_user or users.teams_on(conn):
            users.require(conn, row.user)
        key_rows.insert(conn, row)
        audit.record_in(conn, actor or row.user, "key.create", access_key, name=name, user=row.user, scope=scope)
    return access_key, secret_key


def list_keys(meta: MetaStore, *, include_revoked: bool = False) -> list[dict[str, Any]]:
    """Every key's public fields (never the secret, salt or digest), oldest first."""
    with meta.read() as conn:
        return [r.public() for r in key_rows.list_all(conn, include_revoked=include_revoked)]


def get(meta: MetaStore, access_key: str) -> dict[str, Any]:
    with meta.read() as conn:
        row = key_rows.get(conn, access_key)
    if row is None:
        raise NotFound(f"no API key {access_key!r}; `jupyter track keys list` shows the keys")
    return row.public()


def revoke(meta: MetaStore, access_key: str, *, actor: str = "") -> dict[str, Any]:
    """Refuse ``access_key`` from now on (and the tokens issued for it). Revoking twice is fine."""
    from jupyter_ext.core import audit

    with meta.write() as conn:
        row = key_rows.get(conn, access_key)
        if row is None:
            raise NotFound(f"no API key {access_key!r}; `jupyter track keys list` shows the keys")
        if row.revoked is None:
            key_rows.set_fields(conn, access_key, revoked=time.time())
            audit.record_in(conn, actor or row.user, "key.revoke", access_key, name=row.name, user=row.user)
    with _lock:
        for cache in (_verified, _active):
            for per_store in cache.values():
                per_store.pop(access_key, None)
    return get(meta, access_key)


def forget_all() -> None:
    """Every remembered verification of this process counts no more (a user was disabled)."""
    with _lock:
        _verified.clear()
        _active.clear()


def _user_refusal(conn: Any, row: key_rows.ApiKeyRow) -> str | None:
    """Why the key's user may not call now (disabled, or not a user of a server that has users)."""
    from jupyter_ext.store import teams

    if not teams.count_users(conn):
        return None
    user = teams.get_user(conn, row.user) if row.user else None
    if user is None:
        return (f"API key {row.access_key} belongs to {row.user or 'nobody'!r}, who is not a user of this server; "
                f"ask an administrator for a key of your own (`jupyter track keys create --user NAME`)")
    if user.disabled is not None:
        return f"user {row.user!r} is disabled; their keys and tokens are refused"
    return None


def _revocation_epoch(meta: MetaStore) -> Any:
    """The keys table's revocation summary now, as seen by any process (None without a change
    marker). A remembered verification counts only under the summary it was made under, so a
    revocation anywhere is honoured at the next request. A few microseconds unless something
    was committed since the last look."""
    marker = change_marker(meta)
    if marker is None:
        return None
    version = marker.version()  # before the summary is read: the summary is at least this new
    with _lock:
        seen = _revocations.get(meta)
    if seen is not None and seen[0] == version:
        return seen[1]
    from jupyter_ext.store import teams

    with meta.read() as conn:
        summary = (key_rows.revocation_signature(conn), teams.identity_signature(conn))
    with _lock:
        if seen is not None and seen[1] != summary:  # what was remembered can never count again
            _verified.pop(meta, None)
            _active.pop(meta, None)
        _revocations[meta] = (version, summary)
    return summary


def _info(row: key_rows.ApiKeyRow) -> dict[str, Any]:
    return {"access_key": row.access_key, "name": row.name, "user": row.user, "scope": row.scope}


def authenticate(meta: MetaStore, access_key: str, secret_key: str) -> dict[str, Any]:
    """The key's public info (``access_key``, ``name``, ``user``) when the pair is valid;
    :class:`Unauthenticated` otherwise (unknown, wrong secret, or revoked)."""
    if not access_key or not secret_key:
        raise Unauthenticated("an access key and a secret key are needed (HTTP Basic access_key:secret_key)")
    epoch = _revocation_epoch(meta)
    now = time.monotonic()
    peppered = _peppered(secret_key)
    with _lock:
        hit = _verified.get(meta, {}).get(access_key)
    if hit is not None and hit[2] > now and hit[3] == epoch and hmac.compare_digest(hit[0], peppered):
        return dict(hit[1])
    with meta.read() as conn:
        row = key_rows.get(conn, access_key)
        refusal = _user_refusal(conn, row) if row is not None else None
    if row is None or not hmac.compare_digest(row.secret_digest, _digest(row.salt, secret_key)):
        raise Unauthenticated("invalid access key or secret key; create a key on the server with "
                              "`jupyter track keys create --name NAME`")
    if row.revoked is not None:
        raise Unauthenticated(f"API key {access_key} was revoked; create a new one with "
                              "`jupyter track keys create --name NAME`")
    if refusal is not None:
        raise Unauthenticated(refusal)
    wall = time.time()
    if row.last_used is None or wall - row.last_used > _LAST_USED_EVERY:
        with meta.write() as conn:
            key_rows.set_fields(conn, access_key, last_used=wall)
    info = _info(row)
    with _lock:
        _verified.setdefault(meta, {})[access_key] = (peppered, info, now + CACHE_SECONDS, epoch)
        _active.setdefault(meta, {})[access_key] = (True, now + CACHE_SECONDS, epoch)
    return dict(info)


def _is_active(meta: MetaStore, access_key: str) -> bool:
    epoch = _revocation_epoch(meta)
    now = time.monotonic()
    with _lock:
        hit = _active.get(meta, {}).get(access_key)
    if hit is not None and hit[1] > now and hit[2] == epoch:
        return hit[0]
    with meta.read() as conn:
        row = key_rows.get(conn, access_key)
        active = row is not None and row.revoked is None and _user_refusal(conn, row) is None
    with _lock:
        _active.setdefault(meta, {})[access_key] = (active, now + CACHE_SECONDS, epoch)
    return active


# -- bearer tokens ---------------------------------------------------------------------------------
def signing_key(meta: MetaStore) -> bytes:
    """The store's random token-signing key (its file made on first use); one ``stat`` per call
    notices a rotation by any process."""
    with _lock:
        found = _signing_keys.get(meta)
    if found is not None and key_file.identity(found[0]) == found[1]:
        return found[2]
    path = found[0] if found is not None else key_file.path_for(str(meta.engine.url))
    if found is None:
        with meta.read() as conn:
            legacy = key_rows.get_secret(conn, _TOKEN_SECRET_NAME)
        if legacy is not None:  # a key an older version kept in clear in the database: gone
            with meta.write() as conn:
                key_rows.delete_secret(conn, _TOKEN_SECRET_NAME)
    key = key_file.read_or_make(path)
    with _lock:
        _signing_keys[meta] = (path, key_file.identity(path), key)
    return key


def rotate_signing_key(meta: MetaStore) -> None:
    """A new signing key: every bearer token issued before is refused from now on (new ones work)."""
    path = key_file.path_for(str(meta.engine.url))
    key = key_file.replace(path)
    with _lock:
        _signing_keys[meta] = (path, key_file.identity(path), key)


def _key_of(meta_or_secret: MetaStore | bytes) -> bytes:
    if isinstance(meta_or_secret, bytes | bytearray):
        if len(meta_or_secret) < 16:
            raise InvalidArgument("a token signing key needs at least 16 bytes")
        return bytes(meta_or_secret)
    return signing_key(meta_or_secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue_token(meta_or_secret: MetaStore | bytes, key_info: Mapping[str, Any],
                ttl: float = DEFAULT_TOKEN_TTL) -> str:
    """A bearer token for the key ``key_info`` (what :func:`authenticate` returned), valid ``ttl`` s."""
    if not 0 < float(ttl) <= MAX_TOKEN_TTL:
        raise InvalidArgument(f"token lifetime must be between 0 and {MAX_TOKEN_TTL:.0f} seconds, got {ttl}")
    if not key_info.get("access_key"):
        raise InvalidArgument("a token is issued for a key: key_info needs its access_key")
    now = time.time()
    payload = {"k": str(key_info["access_key"]), "n": str(key_info.get("name", "")),
               "u": str(key_info.get("user", "")), "s": str(key_info.get("scope") or "full"), "iat": int(now),
               "exp": now + float(ttl)}
    body = TOKEN_PREFIX + _b64(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    signature = hmac.new(_key_of(meta_or_secret), body.encode("ascii"), hashlib.sha256).digest()
    return body + "." + _b64(signature)


def verify_token(meta_or_secret: MetaStore | bytes, token: str) -> dict[str, Any]:
    """The key info a valid, unexpired token stands for (``access_key``, ``name``, ``user``,
    ``expires``). With a store, a token of a revoked key is refused too."""
    bad = Unauthenticated("invalid bearer token; get a new one with POST auth/token (HTTP Basic access:secret)")
    if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX) or token.count(".") != 2:
        raise bad
    body, _, signature = token.rpartition(".")
    expected = hmac.new(_key_of(meta_or_secret), body.encode("ascii", "replace"), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(signature), expected):
            raise bad
        payload = json.loads(_unb64(body[len(TOKEN_PREFIX):]))
    except (binascii.Error, ValueError) as exc:
        raise bad from exc
    if not isinstance(payload, dict) or float(payload.get("exp", 0)) < time.time():
        raise Unauthenticated("the bearer token has expired; get a new one with POST auth/token")
    access_key = str(payload.get("k", ""))
    if isinstance(meta_or_secret, MetaStore) and not _is_active(meta_or_secret, access_key):
        raise Unauthenticated(f"API key {access_key} was revoked or its user disabled; its tokens are no "
                              "longer accepted")
    return {"access_key": access_key, "name": payload.get("n", ""), "user": payload.get("u", ""),
            "scope": payload.get("s") or "full", "expires": float(payload["exp"])}


def authenticate_header(meta: MetaStore, authorization: str | None) -> dict[str, Any]:
    """Check an HTTP ``Authorization`` header: ``Basic base64(access:secret)`` or ``Bearer token``."""
    if not authorization:
        raise Unauthenticated("this API needs credentials: HTTP Basic access_key:secret_key or a bearer token")
    scheme, _, value = authorization.strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return verify_token(meta, value)
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise Unauthenticated("malformed HTTP Basic credentials") from exc
        access_key, sep, secret_key = decoded.partition(":")
        if not sep:
            raise Unauthenticated("malformed HTTP Basic credentials: expected access_key:secret_key")
        return authenticate(meta, access_key, secret_key)
    raise Unauthenticated(f"unsupported authorization scheme {scheme!r}: use Basic or Bearer")
