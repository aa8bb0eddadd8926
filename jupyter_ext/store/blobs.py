"""BlobStore: content-addressed bytes over fsspec (a local folder, ``memory://``, ``s3://`` …).

A blob's name is the sha256 of its bytes, so the same bytes stored twice take the room of
one. Writes go to a temporary name first and are renamed into place, so a reader never
sees half a blob.

A local folder (the embedded default) is read and written with ``os`` and fsspec is imported
only when :attr:`BlobStore.fs` is asked for: importing fsspec registers a threading atexit
hook, which Python refuses once the main thread has ended, and the reporter thread stores a
script's last images exactly then.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..errors import InvalidArgument, NotFound, Unavailable

_CHUNK = 1 << 20
_HEX = frozenset("0123456789abcdef")


def sha256_of_file(path: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def blob_relpath(sha: str) -> str:
    """Where a blob lives under its store's root. One level of 256 folders: deeper fan-out made
    a new folder for almost every file of a 10,000-file dataset, and folder creation dominated."""
    check_sha256(sha)
    return f"sha256/{sha[:2]}/{sha}"


def check_sha256(sha: str) -> str:
    """Refuse anything that is not a sha256 hex digest: blob names never become paths."""
    if len(sha) != 64 or not set(sha) <= _HEX:
        raise InvalidArgument(f"{sha!r} is not a sha256 digest (64 lowercase hex characters)")
    return sha


class BlobStore:
    """Bytes by sha256 under one fsspec root URL."""

    def __init__(self, root: str) -> None:
        self.root = root.rstrip("/")
        self._fs: Any = None
        self._made_dirs: set[str] = set()
        local = _local_folder(self.root)
        self._local = local is not None
        if local is not None:
            self._base = local
            os.makedirs(self._base, exist_ok=True)
        else:
            import fsspec  # deferred: fsspec's import is not free and scripts may never store bytes

            self._fs, self._base = fsspec.core.url_to_fs(self.root)

    @property
    def fs(self) -> Any:
        """The fsspec filesystem holding the blobs (for a local folder, made on first use)."""
        if self._fs is None:
            import fsspec

            self._fs = fsspec.filesystem("file")
        return self._fs

    def path_of(self, sha: str) -> str:
        check_sha256(sha)
        return f"{self._base}/{blob_relpath(sha)}"

    def url_of(self, sha: str) -> str:
        path = self.path_of(sha)
        return path if self._local else self.fs.unstrip_protocol(path)

    def exists(self, sha: str) -> bool:
        path = self.path_of(sha)
        return os.path.exists(path) if self._local else bool(self.fs.exists(path))

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        sha = hashlib.sha256(data).hexdigest()
        if not self.exists(sha):
            self._write(sha, lambda fh: fh.write(data))
        return sha, len(data)

    def put_file(self, path: str, progress: Callable[[int], object] | None = None) -> tuple[str, int]:
        """Store a file, streaming in chunks; ``progress(n_bytes)`` is called as bytes go by.

        In a local folder this is one pass: the bytes are copied to a temporary file while
        they are hashed, then renamed to their sha256 (or dropped, if already stored).
        """
        if self._local:
            return self._put_local_file(path, progress)
        sha, size = sha256_of_file(path)
        if not self.exists(sha):
            def copy(fh: IO[bytes]) -> None:
                with open(path, "rb") as src:
                    while chunk := src.read(_CHUNK):
                        fh.write(chunk)
                        if progress is not None:
                            progress(len(chunk))
            self._write(sha, copy)
        return sha, size

    def _put_local_file(self, path: str, progress: Callable[[int], object] | None) -> tuple[str, int]:
        incoming = os.path.join(self._base, "incoming")
        os.makedirs(incoming, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=incoming, prefix=".incoming-")
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                # Sized to the file: zeroing a 4 MB buffer per small file costs more than the copy.
                buf = bytearray(max(1, min(_CHUNK * 4, os.fstat(src.fileno()).st_size)))
                view = memoryview(buf)
                while n := src.readinto(buf):
                    digest.update(view[:n])
                    out.write(view[:n])
                    size += n
                    if progress is not None:
                        progress(n)
            sha = digest.hexdigest()
            final = self.path_of(sha)
            if os.path.exists(final):
                os.unlink(tmp)
            else:
                os.makedirs(os.path.dirname(final), exist_ok=True)
                os.replace(tmp, final)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return sha, size

    def put_file_known(self, path: str, sha: str, progress: Callable[[int], object] | None = None
                       ) -> tuple[str, int]:
        """Store a file whose sha256 the caller has just computed (and checked the file has not
        changed since): copied without hashing it again, or not at all if already stored."""
        check_sha256(sha)
        if not self._local:
            return self.put_file(path, progress)
        size = os.path.getsize(path)
        final = self.path_of(sha)
        if not os.path.exists(final):
            parent = os.path.dirname(final)
            if parent not in self._made_dirs:
                os.makedirs(parent, exist_ok=True)
                self._made_dirs.add(parent)
            # A name no other writer uses (process, thread), beside its final place.
            tmp = f"{final}.incoming-{os.getpid()}-{threading.get_ident()}"
            try:
                shutil.copyfile(path, tmp)  # the kernel's copy (copy_file_range/sendfile)
                os.replace(tmp, final)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        if progress is not None:
            progress(size)
        return sha, size

    def download(self, sha: str, dest: str, progress: Callable[[int], object] | None = None) -> str:
        """Copy a blob to ``dest`` (atomically), checking that its bytes still hash to ``sha``."""
        parent = os.path.dirname(os.path.abspath(dest))
        os.makedirs(parent, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=".download-")
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out, self.open(sha) as src:
                while chunk := src.read(_CHUNK * 4):
                    digest.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(len(chunk))
            if digest.hexdigest() != sha:
                raise Unavailable(f"blob {sha} in {self.root} is corrupt (its bytes hash to {digest.hexdigest()}); "
                                  f"upload the artifact again")
            os.replace(tmp, dest)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return dest

    def get_bytes(self, sha: str) -> bytes:
        with self.open(sha) as fh:
            return bytes(fh.read())

    def open(self, sha: str) -> IO[bytes]:
        path = self.path_of(sha)
        try:
            fh: IO[bytes] = open(path, "rb") if self._local else self.fs.open(path, "rb")  # noqa: SIM115
        except FileNotFoundError as exc:
            raise NotFound(f"blob {sha} is not in the blob store at {self.root}") from exc
        return fh

    def delete(self, sha: str) -> bool:
        path = self.path_of(sha)
        try:
            if self._local:
                os.remove(path)
            else:
                self.fs.rm(path)
        except FileNotFoundError:
            return False
        return True

    def iter_shas(self) -> Iterator[str]:
        base = f"{self._base}/sha256"
        if self._local:
            paths: Iterator[str] = (os.path.join(d, f) for d, _, files in os.walk(base) for f in files)
        elif self.fs.exists(base):
            paths = (str(p) for p in self.fs.find(base))
        else:
            return
        for path in paths:
            name = path.replace(os.sep, "/").rsplit("/", 1)[-1]
            if len(name) == 64 and set(name) <= _HEX:
                yield name

    def _write(self, sha: str, fill: Any) -> None:
        final = self.path_of(sha)
        parent = final.rsplit("/", 1)[0]
        if self._local:
            os.makedirs(parent, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=parent, prefix=".incoming-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fill(fh)
                os.replace(tmp, final)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            return
        # Object stores make a single PUT atomic; write straight to the final key.
        with self.fs.open(final, "wb") as fh:
            fill(fh)


def _local_folder(root: str) -> str | None:
    """The folder of a plain path or ``file://`` URL; None for any other URL (``s3://``, …)."""
    if root.startswith("file://"):
        return os.path.abspath(os.path.expanduser(root[len("file://"):]))
    if "://" in root or "::" in root:
        return None
    return os.path.abspath(os.path.expanduser(root))

