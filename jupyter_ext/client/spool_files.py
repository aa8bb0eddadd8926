"""Uploads spooled as data: the bytes copied into the spool folder, then plain backend calls.

An upload the SDK hands to the reporter is a closure (it reads a file, calls the backend, then
records a row), and a closure cannot be written to disk. While the reporter is offline, an
upload that knows how (an object with a ``spool_as(writer)`` method, see
:class:`jupyter_ext.client.reporter.Reporter`) writes itself through a :class:`Writer` instead:

1. :meth:`Writer.file` copies the bytes next to the segments, hashing them on the way: into
   ``<sha>.part``, fsynced, then renamed to ``blob-<sha256>``. Only then are records written,
   so a crash while copying leaves a ``.part`` file that no record names (it is deleted with
   the folder) and never a record that would upload half a file.
2. :meth:`Writer.call` appends ``{"method", "args", "kwargs"}`` records, public backend calls
   only, that name the copied file and its sha256: ``put_blob_file(path, location,
   known_sha256=…)``, then the rows (``put_artifact``, ``add_model_version``, a debug-sample
   event) in the order the closure would have made them. Replay needs no closure.

Disk use: a copy must fit in the spool's budget (``spool_max_mb``) with room to spare for its
records; past it :class:`SpoolFull` is raised and the upload waits in memory, as before (sent if
the backend comes back while the process lives, lost if it ends first; the exit says so).
A file the SDK made for the upload (a serialised object, a zipped package, a private copy of
weights) is moved in rather than copied when it is on the same file system.
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from jupyter_ext.client.spool import NotSpoolable, Spool
from jupyter_ext.store.blobs import sha256_of_file

# Room kept for the records that follow a copied file (they are small: a spec, a few names).
RECORD_ROOM = 256 << 10
_CHUNK = 4 << 20


class SpoolFull(OSError):
    """The copy would take the spool past ``spool_max_mb``; the upload waits in memory instead."""


def add_file(spool: Spool, source: str, *, move: bool = False) -> tuple[str, str, int]:
    """Put ``source``'s bytes in the spool folder: (path there, sha256, size). ``move``: the
    file is the SDK's own temporary copy and may be taken instead of copied."""
    spool._open()
    size = os.path.getsize(source)
    if spool.size + size + RECORD_ROOM > spool.max_bytes:
        raise SpoolFull(f"{size:,} bytes would take the spool in {spool.folder} past its limit "
                        f"({spool.max_bytes >> 20} MB, setting spool_max_mb)")
    part = os.path.join(spool.folder, f"{os.getpid()}-{os.urandom(6).hex()}.part")
    digest = hashlib.sha256()
    taken = False
    try:
        if move:
            try:
                os.replace(source, part)  # same file system: no second copy of a big file
                taken = True
            except OSError:
                pass
        if taken:
            sha = sha256_of_file(part)[0]
            with open(part, "rb") as fh:
                os.fsync(fh.fileno())
        else:
            with open(source, "rb") as src, open(part, "wb") as out:
                while chunk := src.read(_CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if move:
                _remove(source)
            sha = digest.hexdigest()
        final = os.path.join(spool.folder, f"blob-{sha}")
        os.replace(part, final)  # whole, or not there under this name
        _fsync_dir(spool.folder)
    except BaseException:
        if taken and not os.path.exists(source):
            try:
                os.replace(part, source)  # the upload then waits in memory with its file
            except OSError:
                pass
        _remove(part)
        raise
    spool._size += size
    return final, sha, size


class Writer:
    """What an upload's ``spool_as`` writes through: files, backend calls and event batches,
    appended to the reporter's own spool in order. Every method raises rather than drop:
    the caller then keeps the whole upload in memory."""

    def __init__(self, spool: Spool, notify: Callable[[Callable[[Any, BaseException | None], None]], str]) -> None:
        self.spool = spool
        self._notify = notify
        self.records = 0

    def file(self, source: str, *, move: bool = False) -> tuple[str, str, int]:
        return add_file(self.spool, source, move=move)

    def call(self, method: str, *args: Any, on_replayed: Callable[[Any, BaseException | None], None] | None = None,
             **kwargs: Any) -> None:
        """One backend call to replay; ``on_replayed(result, error)`` runs if this process
        replays it (a later process adopting the spool knows nothing of the callback)."""
        body: dict[str, Any] = {"method": method, "args": list(args), "kwargs": kwargs}
        if on_replayed is not None:
            body["notify"] = self._notify(on_replayed)
        self._write("call", body)

    def events(self, batch: Any) -> None:
        self._write("events", batch)

    def _write(self, kind: str, body: Any) -> None:
        if not self.spool.append(kind, body):
            raise SpoolFull(f"the spool in {self.spool.folder} is full ({self.spool.max_bytes >> 20} MB, "
                            "setting spool_max_mb)")
        self.records += 1


def check_location(location: str) -> str:
    """A blob location fit for the spool: never one that carries credentials in clear."""
    if "://" in location and (urlsplit(location).password or urlsplit(location).username):
        raise NotSpoolable("a location with credentials in it is not written to disk")
    return location


def _fsync_dir(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- the reporter's side (kept here so reporter.py stays about the thread) -------------------------
def spool_upload(rep: Any, upload: Any) -> bool:
    """Write an upload to the reporter's spool as data (its bytes, then backend calls); False
    when it cannot be (no spool, the spool full, a disk error) and must wait in memory."""
    target = rep._own_spool()
    if target is None:
        return False
    writer = Writer(target, rep._new_notify)
    try:
        what = upload.spool_as(writer)
    except (NotSpoolable, OSError) as exc:
        kept = "kept in memory until the backend is back (lost if this process ends first)"
        if isinstance(exc, SpoolFull):
            rep._note_error(f"{exc}; uploads are {kept}")
        else:
            rep._note_error(f"an upload could not be written to the spool ({exc}); it is {kept}")
        return False
    rep.spooled += writer.records
    rep.spooled_uploads.append(str(what))
    return True


def apply_call(rep: Any, body: dict[str, Any]) -> None:
    """Replay one spooled backend call. A row that names spooled bytes whose upload was refused
    is not written (it would point at nothing); a callback this process left is told the outcome."""
    from jupyter_ext.client.backend import Backend
    from jupyter_ext.errors import Unavailable

    name = str(body["method"])
    if name.startswith("_") or not callable(getattr(Backend, name, None)):
        raise ValueError(f"the spool names {name!r}, which is not a backend call")
    args, kwargs = body["args"], body["kwargs"]
    token = str(body.get("notify"))
    callback = rep._notify.pop(token, None)
    needs = _blob_named(name, args)
    if needs is not None and needs in rep._failed_blobs:
        error = ValueError(f"{name} not replayed: its bytes ({needs[:12]}…) could not be stored")
        if callback is not None:
            callback(None, error)
        raise error
    try:
        if name == "put_blob_file":
            _check_spooled_file(str(args[0]), kwargs.get("known_sha256"), rep.spool_dir)
        result = getattr(rep.backend, name)(*args, **kwargs)
    except Unavailable:
        if callback is not None:  # the record stays and is tried again on the next probe
            rep._notify[token] = callback
        raise
    except Exception as exc:
        if name in ("put_blob_file", "put_blob"):
            sha = kwargs.get("known_sha256") or (hashlib.sha256(bytes(args[0])).hexdigest()
                                                 if name == "put_blob" else None)
            if sha:
                rep._failed_blobs.add(str(sha))
        if callback is not None:
            callback(None, exc)
        raise
    if callback is not None:
        callback(result, None)


def say_what_waits(rep: Any) -> None:
    """At exit, while the backend is away: where the uploads wait, and what is lost."""
    import sys

    target = rep._spool
    if rep.spooled_uploads and target is not None and target:
        names = ", ".join(rep.spooled_uploads[:5]) + (" …" if len(rep.spooled_uploads) > 5 else "")
        print(f"jupyter-track: the backend is still unreachable; {len(rep.spooled_uploads)} upload(s) ({names}) "
              f"wait on disk in {target.folder} with the other reports. The next run that reaches the backend "
              "sends them (any script or notebook using this tracker home and server).", file=sys.stderr)
    lost = [held for held in rep._memory_ops.values() if held[0] == "op"]
    if lost:
        print(f"jupyter-track: {len(lost)} queued upload(s) could not be written to disk (see above) and are "
              "lost now that the process ends.", file=sys.stderr)


def _blob_named(method: str, args: list[Any]) -> str | None:
    """The sha256 of spooled bytes a row-writing call refers to (it must not outrun them)."""
    if method in ("put_artifact", "add_model_version") and len(args) > 1 and isinstance(args[1], dict):
        sha = args[1].get("blob_sha256")
        return str(sha) if sha else None
    return None


def _check_spooled_file(path: str, sha: Any, spool_dir: str | None) -> None:
    """A spooled upload only ever sends a file the spool itself holds, with the bytes that were
    hashed when it was copied (the backend trusts ``known_sha256`` and does not hash again)."""
    root = os.path.realpath(spool_dir or "")
    if not spool_dir or not os.path.realpath(path).startswith(root + os.sep):
        raise ValueError(f"the spool names a file outside {spool_dir}: {path}; it is not uploaded")
    if sha256_of_file(path)[0] != sha:
        raise ValueError(f"the spooled file {path} no longer has the bytes it was stored with; it is not uploaded")
