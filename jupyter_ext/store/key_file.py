"""The token-signing key's file: owner-only (0600), beside the SQLite store, never inside it.

Whoever can read the database must not be able to mint bearer tokens, so the key lives in a
file of its own: ``<store>.token-key`` beside a SQLite file; for a database elsewhere
(PostgreSQL), ``$JUPYTER_TRACK_TOKEN_KEY_FILE`` or ``token-signing.key`` in the tracker home
(replicas on several machines share one by that variable). Replacing the file (``rotate``)
invalidates every token signed with the old key, in every process, at its next check.
"""
from __future__ import annotations

import os
import secrets
import tempfile

from jupyter_ext.errors import Unavailable

KEY_FILE_ENV = "JUPYTER_TRACK_TOKEN_KEY_FILE"
KEY_BYTES = 32


def path_for(store_url: str) -> str:
    explicit = os.environ.get(KEY_FILE_ENV)
    if explicit:
        return os.path.abspath(os.path.expanduser(explicit))
    sqlite = store_url.split(":///", 1)[1] if store_url.startswith("sqlite") and ":///" in store_url else ""
    if sqlite and sqlite != ":memory:":
        return os.path.abspath(sqlite) + ".token-key"
    home = os.environ.get("JUPYTER_TRACK_HOME")
    if not home:
        from jupyter_ext.config import default_home

        home = default_home()
    return os.path.join(os.path.abspath(os.path.expanduser(home)), "token-signing.key")


def identity(path: str) -> tuple[int, int, int] | None:
    """Changes whenever the file is replaced: (inode, mtime ns, size); None when it is missing."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def read_or_make(path: str) -> bytes:
    """The key in ``path``, made (random, 0600) when there is none; two processes agree on one."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    staged = _staged(path, secrets.token_bytes(KEY_BYTES))
    try:
        os.link(staged, path)  # creates only if missing: a racing process's key wins, and both read it
    except FileExistsError:
        pass
    finally:
        os.unlink(staged)
    return _read(path)


def replace(path: str) -> bytes:
    """A new random key in ``path`` (atomically): every token signed before is refused from now on."""
    key = secrets.token_bytes(KEY_BYTES)
    os.replace(_staged(path, key), path)
    return key


def _staged(path: str, key: bytes) -> str:
    folder = os.path.dirname(path) or "."
    try:
        os.makedirs(folder, exist_ok=True)
        fd, staged = tempfile.mkstemp(dir=folder, prefix=".token-key-")  # mkstemp makes it 0600
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise Unavailable(f"cannot write the token-signing key file in {folder}: {exc}; make the folder "
                          f"writable or name another file with {KEY_FILE_ENV}") from exc
    return staged


def _read(path: str) -> bytes:
    with open(path, encoding="ascii") as f:
        text = f.read().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise Unavailable(f"the token-signing key file {path} is damaged; delete it (a new key is made, and "
                          "existing bearer tokens stop working)")
    return key
