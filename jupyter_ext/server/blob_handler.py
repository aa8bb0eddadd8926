"""Blobs over HTTP: streamed both ways, never a whole file in memory.

Upload (PUT) writes each arriving chunk to a temporary file while hashing it, in a worker
thread (tornado waits for it before reading on: back-pressure for free), then keeps the file
under its name only if the bytes hash to the sha256 in the URL. Download (GET) reads 1 MiB at
a time in a worker thread and honours a single ``Range`` (resuming an interrupted download).
"""
from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import tempfile
from typing import IO, Any

import tornado.web

from jupyter_ext import errors
from jupyter_ext.server.handlers import TooLarge, TrackMixin
from jupyter_ext.store.blobs import check_sha256

_READ = 1 << 20
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class BlobMixin(TrackMixin):
    def initialize(self, services: Any, base_url: str = "/") -> None:
        super().initialize(services, base_url)
        self._limit = services.limits.max_blob_bytes
        self._size = 0
        self._tmp: IO[bytes] | None = None
        self._tmp_path = ""
        self._tmp_in_store = False  # beside the blobs: kept by a rename, not a copy
        self._digest = hashlib.sha256()

    def compute_etag(self) -> str | None:
        return None  # streamed: the sha256 is the ETag, set by hand

    # -- upload -----------------------------------------------------------------------------------
    async def prepare(self) -> None:
        await super().prepare()
        route = self.routes.get(self.request.method) if isinstance(getattr(self, "routes", None), dict) else None
        if route is not None:  # the blob routes pass the same access check as every other route
            from jupyter_ext.server import access

            await self.services.run(access.check_caller, self.services.backend.store, self.current_user, route)
        if self.request.method == "PUT":
            check_sha256(self.path_kwargs.get("sha256", ""))
            try:
                await self.services.run(self._open_tmp)
            except OSError as exc:
                raise _storage_error(exc) from exc

    def _open_tmp(self) -> None:
        blobs = self.services.backend.blobs
        folder = None
        if "://" not in blobs.root or blobs.root.startswith("file://"):
            folder = os.path.join(blobs.root.removeprefix("file://"), "incoming")
            os.makedirs(folder, exist_ok=True)
        fd, self._tmp_path = tempfile.mkstemp(dir=folder, prefix=".upload-")
        self._tmp_in_store = folder is not None
        self._tmp = os.fdopen(fd, "wb")

    async def data_received(self, chunk: bytes) -> None:
        if self._tmp is None or self._finished:  # refused already; tornado may still hand us what arrived
            return
        self._size += len(chunk)
        if self._size > self._limit:
            self._discard()
            self.refuse_body(TooLarge(f"the upload is over {self._limit:,} bytes, the most a blob may have"))
            return
        try:
            await self.services.run(self._write, chunk)
        except OSError as exc:
            self._discard()
            self.refuse_body(_storage_error(exc))

    def _write(self, chunk: bytes) -> None:
        assert self._tmp is not None
        self._digest.update(chunk)
        self._tmp.write(chunk)

    def _discard(self) -> None:
        """Nothing partial is kept: the staged upload goes at once."""
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                self._tmp.close()
            with contextlib.suppress(OSError):
                os.unlink(self._tmp_path)
            self._tmp = None

    @tornado.web.authenticated
    async def put(self, sha256: str) -> None:
        sha = check_sha256(sha256)
        stored = await self.services.run(self._keep, sha)
        self.set_status(201)
        self.set_header("Content-Type", "application/json")
        self.finish({"sha256": sha, "size": stored})

    def _keep(self, sha: str) -> int:
        try:
            return self._keep_staged(sha)
        except OSError as exc:
            self._discard()
            raise _storage_error(exc) from exc

    def _keep_staged(self, sha: str) -> int:
        assert self._tmp is not None
        self._tmp.close()
        got = self._digest.hexdigest()
        if got != sha:
            raise errors.InvalidArgument(f"the uploaded bytes hash to {got}, not {sha}: the upload was cut short "
                                         f"or changed on the way; upload again")
        blobs = self.services.backend.blobs
        final = blobs.path_of(sha)
        if self._tmp_in_store:
            if not os.path.exists(final):
                os.makedirs(os.path.dirname(final), exist_ok=True)
                os.replace(self._tmp_path, final)
        else:
            blobs.put_file_known(self._tmp_path, sha)
        return self._size

    def on_finish(self) -> None:
        if self._tmp is not None:
            self._tmp.close()
            with contextlib.suppress(OSError):
                os.unlink(self._tmp_path)

    # -- download ---------------------------------------------------------------------------------
    @tornado.web.authenticated
    async def head(self, sha256: str) -> None:
        sha = check_sha256(sha256)
        if not await self.services.run(self.services.backend.blobs.exists, sha):
            raise errors.NotFound(f"blob {sha} is not stored")
        self.set_header("Accept-Ranges", "bytes")
        self.finish()

    @tornado.web.authenticated
    async def get(self, sha256: str) -> None:
        sha = check_sha256(sha256)
        blobs = self.services.backend.blobs
        fh = await self.services.run(blobs.open, sha)
        try:
            size = await self.services.run(_size_of, fh)
            start, end = self._range(size)
            self.set_header("Content-Type", "application/octet-stream")
            self.set_header("Accept-Ranges", "bytes")
            self.set_header("ETag", f'"{sha}"')
            self.set_header("Content-Length", str(end - start))
            if (start, end) != (0, size):
                self.set_status(206)
                self.set_header("Content-Range", f"bytes {start}-{end - 1}/{size}")
            if start:
                await self.services.run(fh.seek, start)
            left = end - start
            while left > 0:
                chunk = await self.services.run(fh.read, min(_READ, left))
                if not chunk:
                    raise errors.Unavailable(f"blob {sha} ended {left} bytes early")
                left -= len(chunk)
                self.write(chunk)
                await self.flush()
            self.finish()
        finally:
            await self.services.run(fh.close)

    def _range(self, size: int) -> tuple[int, int]:
        header = self.request.headers.get("Range")
        if not header:
            return 0, size
        match = _RANGE.match(header.strip())
        if match is None or match.groups() == ("", ""):
            raise _unsatisfiable(size, f"Range {header!r} is not supported: use one 'bytes=start-end'")
        first, last = match.groups()
        if first == "":  # the last N bytes
            start, end = max(0, size - int(last)), size
        else:
            start, end = int(first), size if last == "" else min(size, int(last) + 1)
        if start >= size or start >= end:
            raise _unsatisfiable(size, f"Range {header!r} is outside the blob's {size} bytes")
        return start, end


def _storage_error(exc: OSError) -> errors.TrackError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return errors.StorageFull(f"the server cannot store the upload: {exc.strerror}; nothing of it was kept. "
                                  "Free space on the server (or raise its quota) and upload again")
    return errors.Unavailable(f"the server could not write the upload: {exc}; nothing of it was kept")


class RangeNotSatisfiable(errors.InvalidArgument):
    http_status = 416


def _unsatisfiable(size: int, message: str) -> errors.TrackError:
    return RangeNotSatisfiable(message + f" (bytes */{size})")


def _size_of(fh: IO[bytes]) -> int:
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size
