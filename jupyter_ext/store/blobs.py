"""BlobStore: content-addressed bytes over fsspec (a local folder, ``memory://``, ``s3://`` …).

A blob's name is the sha256 of its bytes, so the same bytes stored twice take the room of
one. Writes go to a temporary name first and are renamed into place, so a reader never
sees half a blob.

A local folder may also *stage* a file's bytes in ``staging/`` while they are hashed (one read
for both), named by the sha256 and the file's size, mtime and ctime at that moment; storing the
file later is then a rename, provided the file still shows the same size, mtime and ctime.
A staged copy nobody stores is garbage collection's to remove.

A local folder (the embedded default) is read and written with ``os`` and fsspec is imported
only when :attr:`BlobStore.fs` is asked for: importing fsspec registers a threading atexit
hook, which Python refuses once the main thread has ended, and the reporter thread stores a
script's last images exactly then.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from jupyter_ext.errors import Forbidden, InvalidArgument, NotFound, Unavailable

_CHUNK = 1 << 20
_WHOLE = 8 << 20  # files up to this size are read (and staged) in one piece
_O_BINARY = getattr(os, "O_BINARY", 0)
_RACY_NS = 50_000_000
_STAGED_FRESH = 600.0  # seconds; garbage collection spares unrecorded blobs for an hour
_SHA256 = re.compile(r"[0-9a-f]{64}")  # checked for every file of a dataset: one C call, not a set


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
    if not isinstance(sha, str) or _SHA256.fullmatch(sha) is None:
        raise InvalidArgument(f"{sha!r} is not a sha256 digest (64 lowercase hex characters)")
    return sha


class BlobStore:
    """Bytes by sha256 under one fsspec root URL."""

    def __init__(self, root: str, storage_options: dict[str, Any] | None = None) -> None:
        """``storage_options``: fsspec options for a remote root (e.g. the certificate settings,
        ``Config.storage_options``)."""
        self.root = root.rstrip("/")
        self._fs: Any = None
        self._made_dirs: set[str] = set()
        local = _local_folder(self.root)
        self._local = local is not None
        if local is not None:
            self._base = local
            os.makedirs(self._base, mode=0o700, exist_ok=True)  # owner-only: what is stored is the user's
        else:
            import fsspec  # deferred: fsspec's import is not free and scripts may never store bytes

            self._fs, self._base = fsspec.core.url_to_fs(self.root, **(storage_options or {}))

    @property
    def fs(self) -> Any:
        """The fsspec filesystem holding the blobs (for a local folder, made on first use)."""
        if self._fs is None:
            import fsspec

            self._fs = fsspec.filesystem("file")
        return self._fs

    @property
    def is_local(self) -> bool:
        """True for a folder on this machine (which can stage files, see :meth:`hash_and_stage`)."""
        return self._local

    def path_of(self, sha: str) -> str:
        check_sha256(sha)
        return f"{self._base}/{blob_relpath(sha)}"

    def url_of(self, sha: str) -> str:
        path = self.path_of(sha)
        return path if self._local else self.fs.unstrip_protocol(path)

    def exists(self, sha: str) -> bool:
        path = self.path_of(sha)
        if self._local:
            return os.path.exists(path)
        with remote_errors(self.root, "reading"):
            return bool(self.fs.exists(path))

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

    # -- staging (local folders only) ------------------------------------------------------------
    def _staged_path(self, sha: str, st: os.stat_result) -> str:
        # ctime too: a tool can restore a file's mtime after changing it, nobody can set its ctime.
        return os.path.join(self._base, "staging",
                            f"{check_sha256(sha)}-{st.st_size}-{st.st_mtime_ns}-{st.st_ctime_ns}")

    def _make_parent(self, path: str) -> None:
        parent = os.path.dirname(path)
        if parent not in self._made_dirs:
            os.makedirs(parent, exist_ok=True)
            self._made_dirs.add(parent)

    def hash_and_stage(self, path: str) -> tuple[str, int, os.stat_result | None]:
        """Hash a file and, unless its bytes are stored already, keep a copy of them in the
        staging folder, reading the file once for both. (sha256, size, the file's stat when
        the copy is good for :meth:`store_staged`, else None)."""
        if not self._local:
            raise InvalidArgument(f"only a local blob folder stages files, not {self.root}")
        fd = os.open(path, os.O_RDONLY | _O_BINARY)
        try:
            st = os.fstat(fd)
            if st.st_size > _WHOLE:
                return self._stage_stream(fd, st)
            data = os.read(fd, st.st_size + 1)  # one byte more than expected: a file that grew shows
        finally:
            os.close(fd)
        sha = hashlib.sha256(data).hexdigest()
        if len(data) != st.st_size or changed_too_recently(st):
            return sha, len(data), None
        if not os.path.exists(self.path_of(sha)):
            staged = self._staged_path(sha, st)
            self._make_parent(staged)
            try:
                out = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o644)
            except FileExistsError:
                return sha, len(data), st  # the same file, staged already
            try:
                _write_all(out, data)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(staged)
                raise
            finally:
                os.close(out)
        return sha, len(data), st

    def _stage_stream(self, fd: int, st: os.stat_result) -> tuple[str, int, os.stat_result | None]:
        """:meth:`hash_and_stage` for a big file: streamed through a temporary copy."""
        self._make_parent(os.path.join(self._base, "staging", "x"))
        out, tmp = tempfile.mkstemp(dir=os.path.join(self._base, "staging"), prefix=".stream-")
        digest = hashlib.sha256()
        size = 0
        try:
            buf = bytearray(_CHUNK * 4)
            view = memoryview(buf)
            src = os.fdopen(fd, "rb", buffering=0, closefd=False)
            while n := src.readinto(buf):
                digest.update(view[:n])
                _write_all(out, view[:n])
                size += n
            os.close(out)
            out = -1
            sha = digest.hexdigest()
            good = size == st.st_size and not changed_too_recently(st)
            if good and not os.path.exists(self.path_of(sha)):
                os.replace(tmp, self._staged_path(sha, st))
            else:
                os.unlink(tmp)
        except BaseException:
            if out >= 0:
                os.close(out)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return sha, size, st if good else None

    def store_staged(self, path: str, sha: str) -> int | None:
        """Store the file at ``path`` from the copy :meth:`hash_and_stage` kept of it, if it
        kept one and the file has not changed since (same size, mtime and ctime): a rename, no
        bytes read. The size stored, or None when there is no such copy (store it otherwise)."""
        if not self._local:
            return None
        st = os.stat(path)
        staged = self._staged_path(sha, st)
        try:
            got = os.stat(staged)
            if got.st_size != st.st_size:  # cut short (its writer died, or is still writing)
                with contextlib.suppress(OSError):
                    os.unlink(staged)
                return None
            if time.time() - got.st_mtime > _STAGED_FRESH:
                os.utime(staged)  # an old mtime would make the blob look like old garbage to gc
            final = self.path_of(sha)
            self._make_parent(final)
            os.replace(staged, final)
        except FileNotFoundError:
            return None  # never staged, already taken by another upload, or collected
        return int(st.st_size)

    def clean_staging(self, older_than: float, dry_run: bool = False) -> tuple[int, int]:
        """Remove staged copies and half-written temporary files last touched before
        ``older_than`` (a time.time()); (files, bytes)."""
        count = size = 0
        if not self._local:
            return count, size
        for folder in (os.path.join(self._base, "staging"), os.path.join(self._base, "incoming")):
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                continue
            for entry in entries:
                try:
                    st = entry.stat(follow_symlinks=False)
                    if st.st_mtime >= older_than or not entry.is_file(follow_symlinks=False):
                        continue
                    if not dry_run:
                        os.unlink(entry.path)
                except FileNotFoundError:
                    continue  # stored or removed meanwhile
                count += 1
                size += st.st_size
        return count, size

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
            if self._local:
                fh: IO[bytes] = open(path, "rb")  # noqa: SIM115
            else:
                with remote_errors(self.root, "reading"):
                    fh = self.fs.open(path, "rb")
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
            if _SHA256.fullmatch(name):
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
        with remote_errors(self.root, "writing to"), self.fs.open(final, "wb") as fh:
            fill(fh)


@contextlib.contextmanager
def remote_errors(root: str, doing: str) -> Iterator[None]:
    """A refused or unreachable object store as an error that says which store and what to check
    (s3fs reports a wrong key as a bare ``PermissionError: Forbidden``)."""
    try:
        yield
    except PermissionError as exc:
        hint = ("s3_access_key / s3_secret_key (track.toml, JUPYTER_TRACK_S3_* variables or clearml.conf's "
                "sdk.aws.s3), or botocore's AWS_* variables" if root.startswith(("s3://", "s3a://"))
                else "the credentials of that store")
        raise Forbidden(f"{doing} {root} was refused ({exc}); check {hint}") from exc
    except FileNotFoundError:
        raise
    except (ConnectionError, TimeoutError) as exc:
        raise Unavailable(f"{doing} {root} failed: {exc}; is the store reachable from here?") from exc


def changed_too_recently(st: os.stat_result) -> bool:
    """True for a file modified a moment ago: file times tick coarsely (a few ms), so a write
    right after this stat could leave them unchanged; what was read must not be trusted later."""
    return time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < _RACY_NS


def _write_all(fd: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _local_folder(root: str) -> str | None:
    """The folder of a plain path or ``file://`` URL; None for any other URL (``s3://``, …)."""
    if root.startswith("file://"):
        return os.path.abspath(os.path.expanduser(root[len("file://"):]))
    if "://" in root or "::" in root:
        return None
    return os.path.abspath(os.path.expanduser(root))

