"""The cache of :meth:`StorageManager.get_local_copy`: one folder per URL in each cache context,
the least recently used evicted past the context's file limit (100, as in ClearML), archives
(zip, tar.gz, tgz) extracted once beside their download, refusing members outside the folder.

Layout: ``<home>/cache/storage/<context>/<sha256 of the URL>/<file name>``, and
``.../extracted/`` with ``extracted.complete`` beside it once whole.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tarfile
import tempfile
import threading
import zipfile

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _transfers as files

DEFAULT_FILE_LIMIT = 100
_limits: dict[str, int] = {}
_lock = threading.Lock()
_CONTEXT = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def context_folder(cache_context: str | None) -> str:
    context = cache_context or "global"
    if not _CONTEXT.fullmatch(context) or context in (".", ".."):
        raise InvalidArgument(f"cache_context {context!r} must be 1-100 letters, digits, '_', '.' or '-'")
    return os.path.join(files.cache_dir(), "storage", context)


def downloads_folder() -> str:
    """Where ``download_file`` puts files when no folder is given (outside every cache context,
    so no eviction removes them)."""
    return os.path.join(files.cache_dir(), "downloads")


def entry_folder(url: str, cache_context: str | None) -> str:
    return os.path.join(context_folder(cache_context), hashlib.sha256(url.encode()).hexdigest())


def set_limit(limit: int, cache_context: str | None) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidArgument(f"cache_file_limit must be a positive int, not {limit!r}")
    with _lock:
        _limits[cache_context or "global"] = limit
    evict(cache_context)
    return limit


def touch(folder: str) -> None:
    """Mark an entry as just used (its folder's mtime orders eviction)."""
    with contextlib.suppress(OSError):
        os.utime(folder)


def evict(cache_context: str | None, keep: str = "") -> None:
    """Remove the least recently used entries past the context's limit (never ``keep``)."""
    root = context_folder(cache_context)
    limit = _limits.get(cache_context or "global", DEFAULT_FILE_LIMIT)
    try:
        entries = [e for e in os.scandir(root) if e.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return
    if len(entries) <= limit:
        return
    entries.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime, reverse=True)
    for entry in entries[limit:]:
        if entry.path != keep:
            shutil.rmtree(entry.path, ignore_errors=True)


def archive_kind(path: str) -> str:
    """``zip``, ``tar`` or "" (not an archive ClearML extracts), by the file's name."""
    name = path.lower()
    if name.endswith(".zip"):
        return "zip"
    if name.endswith((".tar.gz", ".tgz")):
        return "tar"
    return ""


def extract(archive: str, folder_of_entry: str) -> str:
    """Unpack ``archive`` into ``<entry>/extracted`` once (a temporary folder renamed into place)."""
    kind = archive_kind(archive)
    target = os.path.join(folder_of_entry, "extracted")
    done = target + ".complete"
    if os.path.exists(done) and os.path.isdir(target):
        return target
    os.makedirs(folder_of_entry, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extracting-", dir=folder_of_entry)
    try:
        if kind == "zip":
            _unzip(archive, tmp)
        else:
            _untar(archive, tmp)
        shutil.rmtree(target, ignore_errors=True)  # a half-finished folder of a crashed run
        try:
            os.replace(tmp, target)
        except OSError:
            if not os.path.isdir(target):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process moved its copy in first
    except (zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InvalidArgument(f"{archive} is not a valid {kind} archive ({exc}); "
                              f"pass extract_archive=False to get the file itself") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with open(done, "w"):
        pass
    return target


def _outside(root: str, name: str) -> bool:
    dest = os.path.realpath(os.path.join(root, name))
    return dest != root and not dest.startswith(root + os.sep)


def _unzip(archive: str, into: str) -> None:
    root = os.path.realpath(into)
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            if _outside(root, member.filename):
                raise InvalidArgument(f"archive member {member.filename!r} of {archive} would be written "
                                      f"outside the extraction folder; the archive is refused")
        zf.extractall(into)


def _untar(archive: str, into: str) -> None:
    root = os.path.realpath(into)
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        for member in members:
            if _outside(root, member.name) or member.islnk() or member.issym() or member.isdev():
                raise InvalidArgument(f"archive member {member.name!r} of {archive} is a link, a device or "
                                      f"would be written outside the extraction folder; the archive is refused")
        tf.extractall(into, members=members, filter="data")
