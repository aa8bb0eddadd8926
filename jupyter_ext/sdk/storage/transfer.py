"""Bytes to and from a resolved location, always written under a temporary name and renamed
into place, so an interrupted transfer leaves nothing half-written where a reader would look."""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO

from jupyter_ext.errors import InvalidArgument, NotFound, Unavailable
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.storage.locations import Location, filesystem, translated

_CHUNK = 4 << 20


def download(location: Location, dest: str) -> str:
    """Copy the file at ``location`` to ``dest`` (atomically); ``dest``."""
    parent = os.path.dirname(os.path.abspath(dest))
    os.makedirs(parent, exist_ok=True)
    if location.kind == "blob":
        try:
            with translated(location.url, "downloading"):
                return session.backend().download_blob(location.sha256, dest)
        except NotFound as exc:
            raise NotFound(f"{location.url}: neither this machine nor the store holds it ({exc.message}); check "
                           f"that this process uses the same store (api_host or home) as the one that wrote it"
                           ) from exc
    fd, partial = tempfile.mkstemp(prefix=".download-", dir=parent)
    try:
        with os.fdopen(fd, "wb") as out, translated(location.url, "downloading"), _open(location) as src:
            shutil.copyfileobj(src, out, _CHUNK)
        os.replace(partial, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return dest


@contextlib.contextmanager
def _open(location: Location) -> Iterator[IO[bytes]]:
    if location.kind == "local":
        if os.path.isdir(location.path):
            raise InvalidArgument(f"{location.url} is a folder; use download_folder for folders")
        with open(location.path, "rb") as fh:
            yield fh
    elif location.kind == "http":
        from jupyter_ext.client.tls import open_url

        with open_url(location.url, session.config()) as fh:
            yield fh
    else:
        with filesystem(location).open(location.path, "rb") as fh:
            yield fh


def upload(local_file: str, location: Location) -> None:
    """Copy a local file to ``location`` (a folder path or an object store)."""
    if not os.path.isfile(local_file):
        raise NotFound(f"local_file {local_file!r} does not exist or is not a file")
    if location.kind == "local":
        parent = os.path.dirname(location.path)
        with translated(location.url, "uploading to"):
            os.makedirs(parent, exist_ok=True)
            fd, partial = tempfile.mkstemp(prefix=".upload-", dir=parent)
            os.close(fd)
            try:
                shutil.copyfile(local_file, partial)
                os.replace(partial, location.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(partial)
                raise
        return
    if location.kind != "object":
        raise InvalidArgument(f"cannot upload to {location.url}: uploads go to a folder, file://, s3://, gs:// "
                              f"or azure://; to store files in this store, upload them as artifacts or models")
    fs = filesystem(location)
    with translated(location.url, "uploading to"):
        # An object store makes a single PUT atomic: readers see the old object or the whole new one.
        fs.put_file(local_file, location.path)


def upload_with_retries(local_file: str, location: Location, retries: int) -> None:
    """:func:`upload`, tried again on :class:`Unavailable` up to ``retries`` more times."""
    for attempt in range(max(0, retries) + 1):
        try:
            upload(local_file, location)
            return
        except Unavailable:
            if attempt >= retries:
                raise
