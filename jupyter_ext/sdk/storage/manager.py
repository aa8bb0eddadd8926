"""StorageManager: ClearML's file transfers (``clearml.StorageManager``) with its signatures."""
from __future__ import annotations

import builtins
import contextlib
import fnmatch
import logging
import os
from typing import Any

from jupyter_ext.errors import InvalidArgument, NotFound, TrackError
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.storage import cache, transfer
from jupyter_ext.sdk.storage.locations import Location, filesystem, resolve, translated

_log = logging.getLogger("jupyter_ext.storage")
_UPLOAD_RETRIES = 3
_WORKERS = 8  # files moved at once by upload_folder / download_folder


class StorageManager:
    """Upload and download files at local paths, ``file://``, ``http(s)://`` (downloads, with the
    configured certificate settings), ``s3://``, ``gs://`` and ``azure://`` (through fsspec, with
    the configured endpoint and keys), and files this store holds (an artifact's ``.url``, also on
    another machine). Downloads are cached by URL.

    Where ClearML returns ``None`` or ``False`` on a failure, these methods raise an error that
    names the URL and the setting to check (``NotFound``, ``Forbidden``, ``Unavailable``,
    ``InvalidArgument``; all are ``jupyter_ext.errors.TrackError``), unless the ClearML call has a
    ``silence_errors`` switch and it is on. ``exists_file`` still answers ``False`` for a missing file.
    """

    @classmethod
    def get_local_copy(cls, remote_url: str, cache_context: str | None = None, extract_archive: bool = True,
                       name: str | None = None, force_download: bool = False) -> str:
        """A local path to the file at ``remote_url``: a local file or folder as it is, anything else
        downloaded once into the cache (``force_download`` downloads again). With
        ``extract_archive``, a ``.zip``, ``.tar.gz`` or ``.tgz`` gives the folder it was extracted
        to. ``name`` names the cached file (default: the URL's last part).

        Raises instead of returning ``None``: a failed download is an error naming the URL and
        the setting to check, and nothing half-written stays in the cache.
        """
        location = resolve(remote_url)
        entry = cache.entry_folder(location.url, cache_context)
        if location.kind == "local":
            if os.path.isdir(location.path):
                return location.path  # a folder here is used where it is, as ClearML does
            if not os.path.isfile(location.path):
                raise NotFound(f"{remote_url}: no such file or folder")
            local = location.path
            if extract_archive and cache.archive_kind(local):  # a changed archive is extracted anew
                st = os.stat(local)
                entry = cache.entry_folder(f"{location.path}\0{st.st_size}\0{st.st_mtime_ns}", cache_context)
        else:
            from jupyter_ext.sdk._transfers import safe_file_name

            file_name = safe_file_name(name or "") or _last_part(location) or "data"
            local = os.path.join(entry, file_name)
            if force_download or not os.path.isfile(local):
                transfer.download(location, local)
                cache.evict(cache_context, keep=entry)
            cache.touch(entry)
        if extract_archive and cache.archive_kind(local):
            if force_download:
                import shutil

                shutil.rmtree(os.path.join(entry, "extracted"), ignore_errors=True)
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(os.path.join(entry, "extracted.complete"))
            folder = cache.extract(local, entry)
            cache.touch(entry)
            cache.evict(cache_context, keep=entry)
            return folder
        return local

    @classmethod
    def upload_file(cls, local_file: str, remote_url: str, wait_for_upload: bool = True,
                    retries: int | None = None) -> str:
        """Copy ``local_file`` to ``remote_url`` (the full target name: a folder path,
        ``file://``, ``s3://``, ``gs://``, ``azure://``); the URL. Always returns once the file
        is there (``wait_for_upload=False`` is accepted and waits too, so an error is never lost).
        A failed attempt is retried ``retries`` times (default 3)."""
        ignored("StorageManager.upload_file", wait_for_upload=wait_for_upload)
        location = resolve(remote_url)
        if remote_url.endswith("/"):
            location = resolve(remote_url + os.path.basename(local_file))
        transfer.upload_with_retries(os.path.expanduser(local_file), location,
                                     _UPLOAD_RETRIES if retries is None else int(retries))
        return location.url

    @classmethod
    def upload_folder(cls, local_folder: str, remote_url: str, match_wildcard: str | None = None,
                      retries: int | None = None) -> str:
        """Copy every file under ``local_folder`` (those matching ``match_wildcard``, e.g.
        ``*.json``) to ``remote_url``, keeping the sub-folders: ``folder/sub/f.ext`` lands at
        ``<remote_url>/sub/f.ext``. Returns ``remote_url``; raises if any file failed."""
        root = os.path.abspath(os.path.expanduser(local_folder))
        if not os.path.isdir(root):
            raise NotFound(f"local_folder {local_folder!r} does not exist or is not a folder")
        todo: builtins.list[tuple[str, str]] = []
        for folder, _, names in os.walk(root):
            for file_name in names:
                path = os.path.join(folder, file_name)
                rel = os.path.relpath(path, root).replace(os.sep, "/")
                if match_wildcard and not fnmatch.fnmatch(file_name, match_wildcard) \
                        and not fnmatch.fnmatch(rel, match_wildcard):
                    continue
                todo.append((path, rel))

        def one(item: tuple[str, str]) -> str:
            try:
                cls.upload_file(item[0], remote_url.rstrip("/") + "/" + item[1], retries=retries)
            except TrackError as exc:
                return f"{item[1]}: {exc}"
            return ""

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:  # object stores: one request per file
            failed = [problem for problem in pool.map(one, todo) if problem]
        if failed:
            raise TrackError(f"{len(failed)} file(s) of {local_folder} were not uploaded to {remote_url}: "
                             + "; ".join(failed[:5]))
        return remote_url

    @classmethod
    def download_file(cls, remote_url: str, local_folder: str | None = None, overwrite: bool = False,
                      skip_zero_size_check: bool = False, silence_errors: bool = False) -> str | None:
        """Download the file at ``remote_url`` into ``local_folder`` (default: the cache),
        keeping its path below the bucket or host: ``s3://bucket/sub/f.ext`` lands at
        ``<local_folder>/sub/f.ext`` (a local source keeps its whole path). An existing file is
        kept unless ``overwrite``; an empty download is an error unless ``skip_zero_size_check``.
        ``silence_errors``: log a failure and return ``None``, as ClearML does."""
        try:
            location = resolve(remote_url)
            folder = os.path.abspath(os.path.expanduser(local_folder or cache.downloads_folder()))
            target = os.path.join(folder, *[p for p in location.relative().split("/") if p not in ("", ".", "..")])
            if os.path.isfile(target) and not overwrite:
                return target
            transfer.download(location, target)
            if not skip_zero_size_check and os.path.getsize(target) == 0:
                os.unlink(target)
                raise InvalidArgument(f"{remote_url} is empty (0 bytes); pass skip_zero_size_check=True to accept it")
            return target
        except TrackError as exc:
            if not silence_errors:
                raise
            _log.warning("download of %s failed: %s", remote_url, exc)
            return None

    @classmethod
    def download_folder(cls, remote_url: str, local_folder: str | None = None, match_wildcard: str | None = None,
                        overwrite: bool = False, skip_zero_size_check: bool = False, silence_errors: bool = False,
                        max_workers: int | None = None) -> str:
        """Download every file under ``remote_url`` (those whose URL matches ``match_wildcard``)
        into ``local_folder``, each placed as :meth:`download_file` places it; the folder."""
        folder = os.path.abspath(os.path.expanduser(local_folder or cache.downloads_folder()))
        os.makedirs(folder, exist_ok=True)
        urls = [str(u) for u in cls.list(remote_url, return_full_path=True)
                if not match_wildcard or fnmatch.fnmatch(str(u), match_wildcard)]

        def one(url: str) -> str | None:
            return cls.download_file(url, folder, overwrite=overwrite, skip_zero_size_check=skip_zero_size_check,
                                     silence_errors=silence_errors)

        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max_workers or _WORKERS) as pool:
            count = sum(1 for got in pool.map(one, urls) if got is not None)
        if not count and not silence_errors:
            _log.warning("no files under %s matched; nothing downloaded", remote_url)
        return folder

    @classmethod
    def list(cls, remote_url: str, return_full_path: bool = False, with_metadata: bool = False,
             read_hash: bool = False) -> builtins.list[Any]:
        """The files under ``remote_url``, a prefix as in ClearML (``s3://bucket/data_`` lists
        ``data_*/…``). Names are relative to the bucket for object stores and to the folder for
        local paths, or full URLs with ``return_full_path``; with ``with_metadata``, dicts of
        ``name`` and ``size``. http(s) addresses cannot be listed (an error, not ClearML's ``None``)."""
        ignored("StorageManager.list", read_hash=read_hash)
        location = resolve(remote_url)
        if location.kind == "local":
            rows = _list_local(location.path.rstrip(os.sep) if not remote_url.endswith("/") else location.path)
            base = location.path if os.path.isdir(location.path) else os.path.dirname(location.path)
            named = [(os.path.relpath(p, base).replace(os.sep, "/"), p, size) for p, size in rows]
        elif location.kind == "object":
            fs = filesystem(location)
            with translated(remote_url, "listing"):
                found = _list_object(fs, location.path)
            prefix = location.bucket_url()
            named = [(key.split("/", 1)[1] if "/" in key else key, f"{prefix}/{key.split('/', 1)[1]}", size)
                     for key, size in found]
        else:
            raise InvalidArgument(f"{remote_url} cannot be listed: listing works for folders, file://, s3://, "
                                  f"gs:// and azure://")
        names = [(full if return_full_path else rel, size) for rel, full, size in named]
        if with_metadata:
            return [{"name": n, "size": size} for n, size in names]
        return [n for n, _ in names]

    @classmethod
    def exists_file(cls, remote_url: str) -> bool:
        """Whether ``remote_url`` names a file (``False`` for a folder or nothing there; an
        unreachable store is an error naming what to check)."""
        if remote_url.endswith("/"):
            return False
        try:
            return cls.get_file_size_bytes(remote_url) is not None
        except NotFound:
            return False

    @classmethod
    def get_file_size_bytes(cls, remote_url: str, silence_errors: bool = False) -> int | None:
        """The size of the file at ``remote_url`` in bytes (``silence_errors``: ``None`` on failure)."""
        try:
            return _size(resolve(remote_url))
        except TrackError as exc:
            if not silence_errors:
                raise
            _log.warning("size of %s unknown: %s", remote_url, exc)
            return None

    @classmethod
    def get_metadata(cls, remote_url: str, return_full_path: bool = False, read_hash: bool = False
                     ) -> dict[str, Any]:
        """``{"name", "size"}`` of the file at ``remote_url`` (``name`` relative to its bucket,
        or the full URL with ``return_full_path``)."""
        ignored("StorageManager.get_metadata", read_hash=read_hash)
        location = resolve(remote_url)
        size = _size(location)
        return {"name": location.url if return_full_path else location.relative(), "size": size}

    @classmethod
    def set_cache_file_limit(cls, cache_file_limit: int, cache_context: str | None = None) -> int:
        """Keep at most ``cache_file_limit`` downloads in the cache context (least recently used
        removed first); the new limit. Applies to this process, as in ClearML."""
        return cache.set_limit(cache_file_limit, cache_context)

    @classmethod
    def get_files_server(cls) -> str:
        """Where files go by default: the configured ``default_output_uri``, else this store's blob folder."""
        from jupyter_ext.sdk import _session as session

        cfg = session.config()
        return cfg.default_output_uri or cfg.blob_url

    @classmethod
    def set_report_upload_chunk_size(cls, chunk_size_mb: int) -> None:
        """Accepted for ClearML's code; transfers above a few MB show a progress bar instead."""
        ignored("StorageManager.set_report_upload_chunk_size", chunk_size_mb=chunk_size_mb)

    @classmethod
    def set_report_download_chunk_size(cls, chunk_size_mb: int) -> None:
        """Accepted for ClearML's code; transfers above a few MB show a progress bar instead."""
        ignored("StorageManager.set_report_download_chunk_size", chunk_size_mb=chunk_size_mb)


def _last_part(location: Location) -> str:
    from urllib.parse import unquote, urlsplit

    if location.kind == "blob":
        return location.sha256
    path = urlsplit(location.url).path if location.kind == "http" else location.path
    return unquote(path.rstrip("/").rsplit("/", 1)[-1])


def _size(location: Location) -> int:
    if location.kind == "local":
        if not os.path.isfile(location.path):
            raise NotFound(f"{location.url}: no such file")
        return os.path.getsize(location.path)
    if location.kind == "object":
        fs = filesystem(location)
        with translated(location.url, "reading"):
            info = fs.info(location.path)
        if info.get("type") == "directory":
            raise NotFound(f"{location.url} is a folder, not a file")
        return int(info["size"])
    if location.kind == "http":
        return _http_size(location.url)
    return _blob_size(location)


def _http_size(url: str) -> int:
    import requests

    from jupyter_ext.client.tls import status_error, translate_request_error
    from jupyter_ext.sdk import _session as session

    cfg = session.config()
    timeout = max(cfg.connect_timeout, 1.0)
    try:
        answer = requests.head(url, allow_redirects=True, verify=cfg.requests_verify(), timeout=timeout)
        if answer.status_code in (405, 501):  # no HEAD here: the headers of a GET, its body left unread
            with requests.get(url, stream=True, verify=cfg.requests_verify(), timeout=timeout) as answer:
                pass
    except (requests.exceptions.RequestException, OSError) as exc:
        raise translate_request_error(exc, url, cfg) from exc
    if answer.status_code >= 400:
        raise status_error(answer.status_code, url)
    length = answer.headers.get("Content-Length")
    if length is None:
        raise NotFound(f"{url} does not tell its size (no Content-Length)")
    return int(length)


def _blob_size(location: Location) -> int:
    from jupyter_ext.sdk import _session as session

    if not session.backend().has_blob(location.sha256):
        raise NotFound(f"{location.url}: this store holds no file {location.sha256}")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:  # the backend tells presence, not size: read it once
        return os.path.getsize(session.backend().download_blob(location.sha256, os.path.join(tmp, "b")))


def _list_local(path: str) -> builtins.list[tuple[str, int]]:
    if os.path.isdir(path):
        base, prefix = path, ""
    else:
        base, prefix = os.path.dirname(path), os.path.basename(path)
    if not os.path.isdir(base):
        raise NotFound(f"{path}: no such folder")
    rows = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        if not entry.name.startswith(prefix):
            continue
        if entry.is_dir():
            for folder, _, names in os.walk(entry.path):
                rows += [(p, os.path.getsize(p)) for p in sorted(os.path.join(folder, n) for n in names)]
        elif entry.is_file():
            rows.append((entry.path, entry.stat().st_size))
    return rows


def _list_object(fs: Any, path: str) -> builtins.list[tuple[str, int]]:
    if fs.isdir(path):
        found = fs.find(path, detail=True)
    else:
        parent, _, prefix = path.rpartition("/")
        found = {k: v for k, v in fs.find(parent or path, detail=True).items()
                 if k[len(parent) + 1:].startswith(prefix)}
    return [(str(key), int(info.get("size") or 0)) for key, info in sorted(found.items())
            if info.get("type") != "directory"]
