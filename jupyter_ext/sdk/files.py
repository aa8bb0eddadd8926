"""Moving files for artifacts and models: uploads with a progress bar, a verified local cache,
safe archive extraction, and where a task's files go (its ``output_uri``).

The cache lives in ``<home>/cache``: ``<sha256>/<file name>`` for downloaded files and
``<sha256>/extracted/`` for unpacked archives. A file is in the cache only after its bytes
hashed to the expected sha256, so a cached copy is reused without reading it again.
"""
from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..errors import InvalidArgument, NotFound
from . import session

PROGRESS_MIN_BYTES = 8 << 20


def cache_dir() -> str:
    return os.path.join(session.config().home, "cache")


@contextmanager
def progress_bar(total: int, desc: str) -> Iterator[Callable[[int], object] | None]:
    """A tqdm bar for transfers bigger than a few MB (none for small ones)."""
    if total < PROGRESS_MIN_BYTES:
        yield None
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc, leave=False) as bar:
        yield bar.update


def destination(output_uri: str | None) -> str:
    """The blob location for a task's files: its ``output_uri``, else the default store ("").

    A plain folder path is made absolute so that every process names it the same way.
    """
    if not output_uri:
        return session.config().default_output_uri or ""
    uri = str(output_uri)
    if "://" not in uri:
        return os.path.abspath(os.path.expanduser(uri))
    if uri.startswith("file://"):
        return os.path.abspath(uri[len("file://"):])
    return uri.rstrip("/")


def upload(path: str, location: str, desc: str) -> tuple[str, int]:
    size = os.path.getsize(path)
    with progress_bar(size, f"upload {desc}") as progress:
        return session.backend().put_blob_file(path, location, progress)


def local_copy(sha256: str, location: str, file_name: str, *, size: int = 0, force_download: bool = False) -> str:
    """A cached local copy of stored bytes, downloaded (and verified) only the first time."""
    folder = os.path.join(cache_dir(), sha256[:2], sha256)
    target = os.path.join(folder, safe_file_name(file_name) or "data")
    if os.path.isfile(target) and not force_download and (not size or os.path.getsize(target) == size):
        return target
    with progress_bar(size, f"download {file_name}") as progress:
        session.backend().download_blob(sha256, target, location, progress)
    return target


def safe_file_name(name: str) -> str:
    """A file name with no directory part, so that no stored name writes outside its folder."""
    base = os.path.basename(str(name).replace("\\", "/"))
    return "" if base in ("", ".", "..") else base


def extract(archive: str, sha256: str) -> str:
    """Unpack a zip into the cache once; refuse members that would land outside the folder."""
    folder = os.path.join(cache_dir(), sha256[:2], sha256, "extracted")
    done = os.path.join(folder, ".complete")
    if os.path.exists(done):
        return folder
    tmp = folder + ".partial"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    root = os.path.realpath(tmp)
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                dest = os.path.realpath(os.path.join(tmp, member.filename))
                if dest != root and not dest.startswith(root + os.sep):
                    raise InvalidArgument(f"archive member {member.filename!r} would be written outside "
                                          f"the extraction folder; the archive is refused")
            zf.extractall(tmp)
    except zipfile.BadZipFile as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InvalidArgument(f"{archive} is not a valid zip archive: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    with open(done, "w"):
        pass
    return folder


def fetch_url(url: str, file_name: str) -> str:
    """A local copy of a registered remote URI (http(s), s3://, … through fsspec)."""
    import hashlib

    key = hashlib.sha256(url.encode()).hexdigest()
    folder = os.path.join(cache_dir(), "urls", key)
    target = os.path.join(folder, safe_file_name(file_name) or "data")
    if os.path.isfile(target):
        return target
    os.makedirs(folder, exist_ok=True)
    try:
        import fsspec

        with fsspec.open(url, "rb") as src, open(target + ".partial", "wb") as out:
            shutil.copyfileobj(src, out, 4 << 20)
    except (OSError, ValueError, ImportError) as exc:
        raise NotFound(f"cannot download {url}: {exc}") from exc
    os.replace(target + ".partial", target)
    return target

