"""Where a storage URL points: a local path, a file this store holds, an http(s) address, or an
object store reached through fsspec with the configured storage options; and the errors that
name the URL and the setting to check when one cannot be reached."""
from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from jupyter_ext.errors import Forbidden, InvalidArgument, NotFound, TrackError, Unavailable
from jupyter_ext.sdk import _session as session

# ClearML's own names for Azure are azure://; fsspec's adlfs knows az:// and abfs://.
_FSSPEC_SCHEME = {"azure": "az", "s3a": "s3"}
_OBJECT_STORES = ("s3", "s3a", "gs", "gcs", "azure", "az", "abfs", "abfss")
_BLOB_TAIL = re.compile(r"(?:^|/)sha256/[0-9a-f]{2}/([0-9a-f]{64})$")
_AZURE_HOST = ".blob.core.windows.net"
_API_BLOB = re.compile(r"/blobs/([0-9a-f]{64})$")


@dataclass(frozen=True)
class Location:
    """One URL, resolved: ``kind`` is ``local``, ``http``, ``object`` (fsspec) or ``blob`` (this store)."""

    url: str
    kind: str
    path: str  # the local path, or the fsspec path (bucket/key) for object stores
    sha256: str = ""
    account: str = ""  # Azure: the storage account named in the URL's host

    @property
    def scheme(self) -> str:
        return self.url.split("://", 1)[0].lower() if "://" in self.url else "file"

    def bucket_url(self) -> str:
        """An object store URL's bucket (container) as a URL: ``s3://bucket``, ``azure://<account
        host>/container``."""
        bucket = self.path.split("/", 1)[0]
        host = f"{self.account}{_AZURE_HOST}/" if self.account else ""
        return f"{self.scheme}://{host}{bucket}"

    def relative(self) -> str:
        """The URL's path below its bucket or host (a local path: below the root), as ClearML
        recreates it under a target folder."""
        if self.kind == "local":
            return os.path.abspath(self.path).lstrip("/\\").replace(os.sep, "/")
        if self.kind == "object":
            return self.path.split("/", 1)[1] if "/" in self.path else ""
        return unquote(urlsplit(self.url).path).lstrip("/")


def resolve(url: str) -> Location:
    """Classify ``url``; a missing local file named like a blob of this store is that blob."""
    if not isinstance(url, str | os.PathLike) or not str(url):
        raise InvalidArgument(f"remote_url must be a non-empty path or URL, not {url!r}")
    url = os.fspath(url)
    scheme = url.split("://", 1)[0].lower() if "://" in url else "file"
    if scheme == "file":
        path = os.path.abspath(os.path.expanduser(unquote(url[len("file://"):]) if "://" in url else url))
        found = _BLOB_TAIL.search(path.replace(os.sep, "/"))
        if found and not os.path.exists(path):
            return Location(url, "blob", path, found.group(1))  # another machine's path to this store's bytes
        return Location(url, "local", path)
    if scheme in ("http", "https"):
        api = session.config().api_host.rstrip("/")
        found = _API_BLOB.search(urlsplit(url).path)
        if api and found and url.startswith(api):
            return Location(url, "blob", url, found.group(1))
        return Location(url, "http", url)
    if scheme in _OBJECT_STORES:
        rest = url.split("://", 1)[1].strip("/")
        host, _, path = rest.partition("/")
        if scheme == "azure" and host.endswith(_AZURE_HOST):  # ClearML's azure://<account>.blob…/<container>/…
            return Location(url, "object", path, account=host[: -len(_AZURE_HOST)])
        return Location(url, "object", rest)
    raise InvalidArgument(f"{url!r}: the scheme {scheme}:// is not supported; use a local path, file://, "
                          f"http(s)://, s3://, gs:// or azure://")


def filesystem(location: Location) -> Any:
    """The fsspec filesystem of an object-store URL, with the configured storage options."""
    import fsspec

    scheme = _FSSPEC_SCHEME.get(location.scheme, location.scheme)
    options = session.config().storage_options(location.url)
    if location.account:
        options = {**options, "account_name": location.account}
    try:
        return fsspec.filesystem(scheme, **options)
    except ImportError as exc:
        package = {"s3": "s3fs", "gs": "gcsfs", "gcs": "gcsfs"}.get(scheme, "adlfs")
        raise InvalidArgument(f"{location.url}: reading {location.scheme}:// needs the package {package} "
                              f"(pip install {package})") from exc


def setting_hint(url: str) -> str:
    """The settings that decide whether ``url`` can be reached from here."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else "file"
    if scheme in ("s3", "s3a"):
        return ("s3_endpoint, s3_access_key / s3_secret_key and s3_region (track.toml, JUPYTER_TRACK_S3_* "
                "variables or clearml.conf's sdk.aws.s3), or botocore's AWS_* variables")
    if scheme in ("gs", "gcs"):
        return "the Google credentials (GOOGLE_APPLICATION_CREDENTIALS) and the bucket name"
    if scheme in ("azure", "az", "abfs", "abfss"):
        return "the Azure credentials (AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME/KEY)"
    if scheme in ("http", "https"):
        return "the address, this machine's network access, and verify_certificate for https"
    return "that the path exists and is readable"


@contextlib.contextmanager
def translated(url: str, doing: str) -> Iterator[None]:
    """Errors of fsspec, botocore and the OS as tracker errors naming ``url`` and what to check."""
    try:
        yield
    except TrackError:
        raise
    except FileNotFoundError as exc:
        raise NotFound(f"{doing} {url}: nothing is there ({exc})") from exc
    except PermissionError as exc:
        raise Forbidden(f"{doing} {url} was refused ({exc}); check {setting_hint(url)}") from exc
    except (OSError, ValueError) as exc:
        raise Unavailable(f"{doing} {url} failed ({exc}); check {setting_hint(url)}") from exc
    except Exception as exc:  # noqa: BLE001 - botocore and cloud SDK errors share no base class; each is named here
        if type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError", "ClientError"):
            raise Forbidden(f"{doing} {url} was refused ({exc}); check {setting_hint(url)}") from exc
        raise Unavailable(f"{doing} {url} failed ({type(exc).__name__}: {exc}); "
                          f"check {setting_hint(url)}") from exc
