"""Moving files for artifacts and models: uploads with a progress bar, a verified local cache,
safe archive extraction, and where a task's files go (its ``output_uri``).

The cache lives in ``<home>/cache``: ``<sha256>/<file name>`` for downloaded files and
``<sha256>/extracted/`` for unpacked archives (with ``extracted.complete`` beside it once whole).
A file is in the cache only after its bytes hashed to the expected sha256, so a cached copy is
reused without reading it again.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.store.blobs import blob_relpath, check_sha256

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


def store_destination() -> str:
    """What ``output_uri=True`` means, as in ClearML: the default files store. That is the
    ``default_output_uri`` setting, else this store's own blobs, named by their folder (uploads
    there are tracked as the store's, see :func:`destination`), so that framework model saves
    are uploaded, not registered by their local path (which the next save overwrites)."""
    cfg = session.config()
    return str(cfg.default_output_uri or cfg.blob_url)


def destination(output_uri: str | None) -> str:
    """The blob location for a task's files: its ``output_uri``, else the default store ("").

    A plain folder path is made absolute so that every process names it the same way, and the
    default blob folder itself is named "" (its files are tracked in one table, so that garbage
    collection never mistakes them for leftovers).
    """
    uri = str(output_uri or session.config().default_output_uri or "")
    if not uri:
        return ""
    if uri.startswith("file://"):
        uri = uri[len("file://"):]
    elif "://" in uri:
        return uri.rstrip("/")
    folder = os.path.abspath(os.path.expanduser(uri))
    default = session.config().blob_url
    if "://" not in default and folder == os.path.abspath(os.path.expanduser(default)):
        return ""
    return folder


def blob_url(sha256: str, location: str) -> str:
    """The URL of stored bytes: ``file:///…`` for a folder, ``s3://…`` and the like otherwise.

    The layout is :meth:`jupyter_ext.store.blobs.BlobStore.path_of`'s, built here without
    opening the store (an ``Artifact.url`` must not cost I/O)."""
    check_sha256(sha256)
    root = location or session.config().blob_url
    rel = blob_relpath(sha256)
    if root.startswith("file://"):
        root = root[len("file://"):]
    elif "://" in root:
        return f"{root.rstrip('/')}/{rel}"
    return Path(os.path.abspath(os.path.expanduser(root)), rel).as_uri()


def upload(path: str, location: str, desc: str) -> tuple[str, int]:
    size = os.path.getsize(path)
    with progress_bar(size, f"upload {desc}") as progress:
        return session.backend().put_blob_file(path, location, progress)


def local_copy(sha256: str, location: str, file_name: str, *, size: int = 0, force_download: bool = False) -> str:
    """A cached local copy of stored bytes, downloaded (and verified) only the first time."""
    folder = os.path.join(cache_dir(), sha256[:2], check_sha256(sha256))
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
    """Unpack a zip into the cache once; refuse members that would land outside the folder.

    The folder holds the archive's files and nothing else: the "done" mark sits beside it.
    Several processes may extract the same archive at once; each unpacks into its own
    temporary folder and the first to finish moves it into place.
    """
    parent = os.path.join(cache_dir(), sha256[:2], check_sha256(sha256))
    folder = os.path.join(parent, "extracted")
    done = folder + ".complete"
    if os.path.exists(done) and os.path.isdir(folder):
        return folder
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix=".extracting-", dir=parent)
    try:
        root = os.path.realpath(tmp)
        with zipfile.ZipFile(archive) as zf:
            for member in zf.infolist():
                dest = os.path.realpath(os.path.join(tmp, member.filename))
                if dest != root and not dest.startswith(root + os.sep):
                    raise InvalidArgument(f"archive member {member.filename!r} would be written outside "
                                          f"the extraction folder; the archive is refused")
            zf.extractall(tmp)
        if os.path.exists(done) and os.path.isdir(folder):  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
            return folder
        shutil.rmtree(folder, ignore_errors=True)  # a half-finished folder from a crashed run
        try:
            os.replace(tmp, folder)
        except OSError:
            if not os.path.isdir(folder):
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process moved its whole copy in just now
    except zipfile.BadZipFile as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InvalidArgument(f"{archive} is not a valid zip archive: {exc}") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    with open(done, "w"):
        pass
    return folder


def fetch_url(url: str, file_name: str, *, force_download: bool = False) -> str:
    """A local copy of a registered remote URI (http(s), s3://, … through fsspec)."""
    import hashlib

    key = hashlib.sha256(url.encode()).hexdigest()
    folder = os.path.join(cache_dir(), "urls", key)
    target = os.path.join(folder, safe_file_name(file_name) or "data")
    if os.path.isfile(target) and not force_download:
        return target
    os.makedirs(folder, exist_ok=True)
    fd, partial = tempfile.mkstemp(prefix=".download-", dir=folder)
    try:
        from jupyter_ext.client.tls import open_url

        # open_url applies the certificate settings to downloads too, not only to API calls
        with open_url(url, session.config()) as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, 4 << 20)
        os.replace(partial, target)
    except (OSError, ValueError, ImportError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise NotFound(f"cannot download {url}: {exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return target
