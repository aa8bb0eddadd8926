"""Moving a dataset's files: scanning and hashing local folders, listing external links,
uploading changed files as blobs, and materialising a version in the local cache.

A version's cached copy lives in ``<cache>/datasets/<id>/`` with ``<id>.complete`` beside it
once whole. It is built in a temporary folder under a file lock and renamed into place, so a
second process waits for the first instead of building it again, and a copy cut short never
looks complete. Files are hard links to the stored blobs when the blob folder is local (no bytes
copied); the links are made read-only, which also protects the blobs they share an inode with.

Adding files to a version stored in the local default blob folder reads each file once: it is
hashed and copied into the folder's staging area together (``BlobStore.hash_and_stage``), and
the upload renames the copy into place if the file still shows the size and times it had then.
"""
from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import itertools
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_ext.core.rules.dataset_paths import check_dataset_path, check_folder
from jupyter_ext.errors import InvalidArgument, TrackError, Unavailable
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as file_cache
from jupyter_ext.store.blobs import changed_too_recently, sha256_of_file

if TYPE_CHECKING:
    from jupyter_ext.store.blobs import BlobStore
    from jupyter_ext.store.rows import DatasetFileRow


_T = TypeVar("_T")
_R = TypeVar("_R")

# Below these, a bar would only flicker.
PROGRESS_MIN_FILES = 200
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def workers(max_workers: int | None) -> int:
    if max_workers is not None and (not isinstance(max_workers, int) or max_workers < 1):
        raise InvalidArgument(f"max_workers must be a positive int, not {max_workers!r}")
    return max_workers or os.cpu_count() or 4


def parallel_map(fn: Callable[[_T], _R], items: Sequence[_T], max_workers: int | None) -> list[_R]:
    """``[fn(x) for x in items]`` on ``max_workers`` threads, in order. Each thread takes the next
    item itself: a pool's future per item costs more than renaming a small file. The first
    error stops the others and is raised here."""
    items = list(items)
    out: list[Any] = [None] * len(items)
    n = min(workers(max_workers), len(items))
    if n <= 1:
        return [fn(x) for x in items]
    taken = itertools.count()  # next() on it is atomic under the GIL
    failed: list[BaseException] = []

    def run() -> None:
        try:
            while not failed and (i := next(taken)) < len(items):
                out[i] = fn(items[i])
        except BaseException as exc:  # noqa: BLE001 - handed to the caller, below
            failed.append(exc)

    threads = [threading.Thread(target=run, name=f"jupyter-track-files-{k}", daemon=True) for k in range(n)]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    except BaseException as exc:  # Ctrl-C here: the threads stop after the file they are on
        failed.append(exc)
        raise
    if failed:
        raise failed[0]
    return out


@contextmanager
def count_bar(total: int, desc: str, enabled: bool = True, unit: str = "file") -> Iterator[Callable[[int], object]]:
    """A tqdm bar counting ``unit``s (none when there are few of them)."""
    small = total < (PROGRESS_MIN_FILES if unit == "file" else file_cache.PROGRESS_MIN_BYTES)
    if not enabled or small:
        yield lambda _n: None
        return
    from tqdm.auto import tqdm

    kwargs: dict[str, Any] = {"unit_scale": True, "unit_divisor": 1024} if unit == "B" else {}
    with tqdm(total=total, unit=unit, desc=desc, leave=False, **kwargs) as bar:
        yield bar.update


def _matches(rel: str, wildcard: Sequence[str] | None) -> bool:
    if not wildcard:
        return True
    name = rel.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(name, w) or fnmatch.fnmatch(rel, w) for w in wildcard)


def wildcards(wildcard: str | Sequence[str] | None) -> list[str] | None:
    if wildcard is None:
        return None
    return [wildcard] if isinstance(wildcard, str) else [str(w) for w in wildcard]


def scan_local(path: str | os.PathLike[str], wildcard: Sequence[str] | None, local_base_folder: str | None,
               dataset_path: str | None, recursive: bool) -> list[tuple[str, str]]:
    """(dataset path, absolute local path) of the files to add, sorted by dataset path."""
    root = os.path.abspath(os.path.expanduser(os.fspath(path)))
    if not os.path.exists(root):
        raise InvalidArgument(f"cannot add {os.fspath(path)!r}: no such file or folder")
    prefix = check_folder(dataset_path)
    if os.path.isfile(root):
        base = os.path.abspath(local_base_folder) if local_base_folder else os.path.dirname(root)
        found = [root]
    else:
        base = os.path.abspath(local_base_folder) if local_base_folder else root
        found = _files_under(root, recursive)
    out = []
    head = base.rstrip(os.sep) + os.sep
    for local in found:
        rel = local[len(head):] if local.startswith(head) else os.path.relpath(local, base)
        rel = rel.replace(os.sep, "/")
        if rel.startswith("../"):
            raise InvalidArgument(f"{local} is not inside local_base_folder={local_base_folder!r}")
        if _matches(rel, wildcard):
            out.append((check_dataset_path(f"{prefix}/{rel}" if prefix else rel), local))
    out.sort()
    return out


def _files_under(root: str, recursive: bool) -> list[str]:
    """The files under a folder (symlinks to files included, symlinked folders not entered)."""
    found: list[str] = []
    todo = [root]
    while todo:
        with os.scandir(todo.pop()) as it:
            for entry in it:  # the type comes with the listing: no stat per file
                if entry.is_file():
                    found.append(entry.path)
                elif recursive and entry.is_dir(follow_symlinks=False):
                    todo.append(entry.path)
    return found


# Files this process hashed: path -> (size, mtime_ns, ctime_ns, sha256). An upload of an
# unchanged file then copies it without hashing it a second time. The ctime is there because a
# tool may put a file's mtime back after changing it; nothing can put its ctime back.
_hashed: dict[str, tuple[int, int, int, str]] = {}


def staging_store(location: str) -> BlobStore | None:
    """The default blob store when ``location`` is it and it is a folder on this machine: files
    added to a dataset are then copied into it while they are hashed. None otherwise (another
    destination, whose leftovers garbage collection would not look for, or a remote server)."""
    blobs_at = getattr(session.backend(), "blobs_at", None)
    if blobs_at is None or location:
        return None
    found: BlobStore = blobs_at(location)
    return found if found.is_local else None


def hash_files(paths: Sequence[str], max_workers: int | None, desc: str, show: bool = True,
               stage: BlobStore | None = None) -> list[tuple[str, int]]:
    """(sha256, size) of each file, hashed on ``max_workers`` threads (hashlib frees the GIL).
    With ``stage`` (a local blob folder), each file's bytes are staged there in the same read,
    so that upload() only has to rename them into place."""
    with count_bar(len(paths), desc, show) as tick:
        def one(p: str) -> tuple[str, int]:
            try:
                return hashed(p)
            except (FileNotFoundError, PermissionError) as exc:
                if exc.filename != p:  # the blob folder's side
                    raise Unavailable(f"cannot copy {p} into the blob store: {exc}") from exc
                if isinstance(exc, FileNotFoundError):
                    raise InvalidArgument(f"cannot read {p}: it was removed while the files were read") from exc
                raise InvalidArgument(f"cannot read {p}: permission denied; make it readable or leave it "
                                      f"out (wildcard=)") from exc

        def hashed(p: str) -> tuple[str, int]:
            if stage is not None:
                sha, size, st = stage.hash_and_stage(p)
            else:
                before = os.stat(p)
                sha, size = sha256_of_file(p)
                st = os.stat(p)
                if (before.st_size, before.st_mtime_ns, before.st_ctime_ns) != (
                        st.st_size, st.st_mtime_ns, st.st_ctime_ns) or size != st.st_size or changed_too_recently(st):
                    st = None  # changed while read, or may still change unseen: hashed again when stored
            if st is not None:
                _hashed[os.path.abspath(p)] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, sha)
            tick(1)
            return sha, size
        return parallel_map(one, paths, max_workers)


def external_entries(url: str, wildcard: Sequence[str] | None, dataset_path: str | None, recursive: bool,
                     read_hash: bool) -> list[dict[str, Any]]:
    """Link entries for the files at ``url``: a local folder or file (or ``file://``), or any
    fsspec URL (``s3://``, ``gs://``, ``memory://`` …)."""
    prefix = check_folder(dataset_path)
    local = url[len("file://"):] if url.startswith("file://") else (None if "://" in url else url)
    found: list[tuple[str, str, int]] = []  # (relative path, url, size)
    if local is not None:
        root = os.path.abspath(os.path.expanduser(local))
        if not os.path.exists(root):
            raise InvalidArgument(f"cannot link {url!r}: no such file or folder")
        for rel, path in scan_local(root, None, None, None, recursive):
            found.append((rel, Path(path).as_uri(), os.path.getsize(path)))
    else:
        import fsspec

        try:
            fs, root = fsspec.core.url_to_fs(url, **session.config().storage_options(url))
            if fs.isdir(root):
                listing = fs.find(root, detail=True, maxdepth=None if recursive else 1)
                for p, info in sorted(listing.items()):
                    if info.get("type") == "file":
                        rel = p[len(root.rstrip("/")):].lstrip("/")
                        found.append((rel, fs.unstrip_protocol(p), int(info.get("size") or 0)))
            elif fs.exists(root):
                found.append((root.rstrip("/").rsplit("/", 1)[-1], url, int(fs.info(root).get("size") or 0)))
            else:
                raise InvalidArgument(f"cannot link {url!r}: nothing is stored there")
        except (OSError, ValueError) as exc:
            if isinstance(exc, TrackError):
                raise
            raise Unavailable(f"cannot list {url!r}: {exc}") from exc
    entries = []
    for rel, link, size in found:
        if not _matches(rel, wildcard):
            continue
        entry: dict[str, Any] = {"path": check_dataset_path(f"{prefix}/{rel}" if prefix else rel), "url": link,
                                 "size": size}
        if read_hash:
            entry["sha256"] = _hash_url(link)
        entries.append(entry)
    return entries


def _hash_url(url: str) -> str:
    from jupyter_ext.client.tls import open_url

    digest = hashlib.sha256()
    with open_url(url, session.config()) as fh:
        while chunk := fh.read(4 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def upload_pending(pending: Sequence[DatasetFileRow], location: str, *, max_workers: int | None,
                   retries: int, show_progress: bool) -> tuple[list[dict[str, Any]], list[str]]:
    """Store each pending file as a blob; (stored entries for ``mark_stored``, error messages)."""
    backend = session.backend()
    staged = staging_store(location)
    total = sum(p.size for p in pending)
    stored: list[dict[str, Any]] = []
    errors: list[str] = []
    with count_bar(total, "upload", show_progress, unit="B") as tick:
        def one(entry: DatasetFileRow) -> dict[str, Any] | str:
            for attempt in range(max(0, retries) + 1):
                try:
                    source = str(entry.source)
                    if staged is not None and entry.sha256:
                        size = staged.store_staged(source, entry.sha256)
                        if size is not None:
                            tick(size)
                            return {"path": entry.path, "sha256": entry.sha256, "size": size,
                                    "location": location}
                    st = os.stat(source)
                    seen = _hashed.get(os.path.abspath(source))
                    known = seen[3] if seen and seen == (st.st_size, st.st_mtime_ns, st.st_ctime_ns,
                                                         entry.sha256) else None
                    sha, size = backend.put_blob_file(source, location, tick, known_sha256=known)
                    return {"path": entry.path, "sha256": sha, "size": size, "location": location}
                except FileNotFoundError:
                    return f"{entry.path}: its local file {entry.source} is gone; add it again"
                except (OSError, Unavailable) as exc:
                    if attempt == max(0, retries):
                        return f"{entry.path}: {exc}"
            raise AssertionError("unreachable")

        for result in parallel_map(one, pending, max_workers):
            if isinstance(result, str):
                errors.append(result)
            else:
                stored.append(result)
    return stored, errors


# -- local copies ---------------------------------------------------------------------------------
def datasets_cache() -> str:
    return os.path.join(file_cache.cache_dir(), "datasets")


def cached_folder(key: str) -> str | None:
    """The folder of a complete cached copy, or None: the fast path reads one marker."""
    folder = os.path.join(datasets_cache(), key)
    return folder if os.path.exists(folder + ".complete") else None


@contextmanager
def _locked(path: str) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the atomic rename still keeps copies whole
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def materialise(key: str, entries: Sequence[DatasetFileRow], *, max_workers: int | None, soft_links: bool,
                raise_on_error: bool, keep: bool = True) -> str:
    """Build ``<cache>/datasets/<key>`` from ``entries`` (dataset file rows) once.

    ``keep=False`` (a draft, whose files may still change) builds it again every time."""
    cache = datasets_cache()
    os.makedirs(cache, exist_ok=True)
    folder = os.path.join(cache, key)
    marker = folder + ".complete"
    with _locked(os.path.join(cache, f".{key}.lock")):
        if keep and os.path.exists(marker):  # another process built it while we waited
            return folder
        with contextlib.suppress(FileNotFoundError):
            os.unlink(marker)
        tmp = tempfile.mkdtemp(prefix=f".building-{key}-", dir=cache)
        try:
            errors = _fill(tmp, entries, max_workers=max_workers, soft_links=soft_links)
            if errors and raise_on_error:
                raise Unavailable(f"could not fetch {len(errors)} file(s) of the dataset: {'; '.join(errors[:3])}")
            if os.path.lexists(folder):
                shutil.rmtree(folder)  # left by a crashed run, or an older draft copy
            os.replace(tmp, folder)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        if keep and not errors:
            with open(marker, "w") as fh:
                fh.write(f"{len(entries)}\n")
    return folder


def _fill(root: str, entries: Sequence[DatasetFileRow], *, max_workers: int | None, soft_links: bool
          ) -> list[str]:
    backend = session.backend()
    blobs_at = getattr(backend, "blobs_at", None)
    made: set[str] = {root}
    for e in entries:
        parent = os.path.dirname(os.path.join(root, *check_dataset_path(e.path).split("/")))
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)

    def one(e: DatasetFileRow) -> str | None:
        dest = os.path.join(root, *e.path.split("/"))
        try:
            if e.source:  # a draft's file not uploaded yet: its local bytes, copied
                shutil.copyfile(e.source, dest)
            elif e.url:  # an external link: fetched (and cached) by its URL
                shutil.copyfile(file_cache.fetch_url(e.url, e.path.rsplit("/", 1)[-1]), dest)
            else:
                blob = blobs_at(e.location or "").url_of(str(e.sha256)) if blobs_at is not None else ""
                if blob and "://" not in blob and os.path.isfile(blob):
                    _link(blob, dest, soft_links)
                else:
                    backend.download_blob(str(e.sha256), dest, e.location or "")
            if not os.path.islink(dest):
                os.chmod(dest, READ_ONLY)
            return None
        except (OSError, TrackError) as exc:
            return f"{e.path}: {exc}"

    with count_bar(len(entries), "get_local_copy", True) as tick:
        def counted(e: DatasetFileRow) -> str | None:
            result = one(e)
            tick(1)
            return result
        return [r for r in parallel_map(counted, entries, max_workers) if r is not None]


def _link(blob: str, dest: str, soft: bool) -> None:
    if soft:
        os.symlink(blob, dest)
        return
    try:
        os.link(blob, dest)
    except OSError:  # another filesystem, or links not allowed: copy the bytes
        shutil.copyfile(blob, dest)


def copy_tree(source: str, target: str) -> None:
    """A writable copy of a cached tree (real bytes, never links to the blobs)."""
    for folder, _dirs, names in os.walk(source):
        out = os.path.join(target, os.path.relpath(folder, source))
        os.makedirs(out, exist_ok=True)
        for n in names:
            dest = os.path.join(out, n)
            shutil.copyfile(os.path.join(folder, n), dest)
            os.chmod(dest, 0o644)
