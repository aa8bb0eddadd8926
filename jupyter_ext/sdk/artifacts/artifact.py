"""Artifact: one stored output of a task, read-only, as ``task.artifacts[name]`` gives it.

    a = Task.get_task(task_id=tid).artifacts["data.train"]
    a.get()             # the object: DataFrame, dict, ndarray, str, PIL image, Path …
    a.get_local_copy()  # a path in the local cache (archives extracted)
    a.preview, a.metadata, a.size, a.hash, a.url, a.type

Building one costs nothing (it wraps the stored row); bytes move only on ``get`` and
``get_local_copy``, into a cache checked against the sha256.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument, TrackError
from jupyter_ext.sdk import _notebook
from jupyter_ext.sdk import _session as session

if TYPE_CHECKING:
    pass


class UnsafeArtifactError(InvalidArgument, PermissionError):
    """``get()`` refused to unpickle an artifact from someone else's task (``block_unsafe_artifacts``)."""


class PendingUpload:
    """The fate of one upload still in flight: the stored row, or the error that stopped it."""

    def __init__(self) -> None:
        self._done = threading.Event()
        self.row: dict[str, Any] | None = None
        self.error: BaseException | None = None

    def finish(self, row: dict[str, Any] | None = None, error: BaseException | None = None) -> None:
        self.row, self.error = row, error
        self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self) -> dict[str, Any]:
        self._done.wait()
        if self.error is not None:
            raise self.error
        assert self.row is not None
        return self.row


class PreviewText(str):
    """``artifact.preview``: the stored text preview, a ``str`` as in ClearML; calling it
    (``artifact.preview()``) displays the rich preview in a notebook."""

    _artifact: Artifact

    def __new__(cls, text: str, artifact: Artifact) -> PreviewText:
        obj = super().__new__(cls, text)
        obj._artifact = artifact
        return obj

    def __call__(self) -> None:
        _notebook.show_preview(self._artifact)


class Artifact:
    """A task's stored artifact (read-only). ``task.artifacts["name"]`` gives one.

    Right after ``upload_artifact`` (in the same process) the artifact may still be uploading:
    ``name``, ``type``, ``size``, ``preview`` and ``metadata`` are known at once, while
    ``hash``, ``url``, ``get()`` and ``get_local_copy()`` wait for the upload to finish.
    """

    def __init__(self, row: Mapping[str, Any], *, pending: PendingUpload | None = None) -> None:
        self._row = dict(row)
        self._pending = pending

    def __repr__(self) -> str:
        state = " uploading" if self._pending is not None and not self._pending.done else ""
        return f"<Artifact {self.name!r} type={self.type} size={_human(self.size)}{state}>"

    # -- what it is ------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The name the artifact was stored under (``task.artifacts[name]``)."""
        return str(self._row["name"])

    @property
    def type(self) -> str:
        """``numpy``, ``pandas``, ``data-audit-table``, ``image``, ``dict``, ``string``, ``archive``,
        ``pickle`` or ``custom`` (a file as is, a registered URL, a custom serialisation)."""
        return str(self._row.get("type") or "custom")

    @property
    def mode(self) -> str:
        """``output`` (uploaded by the task) or ``input``."""
        return str(self._row.get("mode") or "output")

    @property
    def size(self) -> int:
        """Bytes stored (0 for a registered URL)."""
        return int(self._row.get("size") or 0)

    @property
    def timestamp(self) -> datetime:
        """When it was uploaded."""
        return datetime.fromtimestamp(float(self._row.get("time") or 0))

    @property
    def metadata(self) -> dict[str, str]:
        """The ``metadata`` given at upload, as strings (a copy)."""
        return {str(k): str(v) for k, v in (self._row.get("metadata") or {}).items()}

    @property
    def preview(self) -> PreviewText:
        """A text view of the content (at most 64 KB). In a notebook, ``artifact.preview()``
        shows the content itself: a table, a picture, a JSON tree, text or sandboxed HTML."""
        return PreviewText(str(self._row.get("preview") or ""), self)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return _notebook.artifact_bundle(self)

    @property
    def content_type(self) -> str:
        """The MIME type of the stored file (``text/csv``, ``application/json``…)."""
        return str(self._row.get("content_type") or "application/octet-stream")

    @property
    def file_name(self) -> str:
        """The stored file's name (``data.raw.csv.gz``, ``titanic.csv``…), never a path."""
        return str(self._row.get("file_name") or "")

    @property
    def user(self) -> str:
        """Who uploaded it (the login name of the uploading process)."""
        return str(self._row.get("user") or "")

    @property
    def task_id(self) -> str:
        """The id of the task it belongs to."""
        return str(self._row.get("task_id") or "")

    @property
    def origin(self) -> dict[str, Any] | None:
        """The notebook cell execution that stored it (``{"cell_id", "execution_count",
        "snapshot_version", ...}``), or None (not stored from a tracked notebook)."""
        from jupyter_ext.sdk.tasks import provenance

        self._stored()
        return provenance.artifact_origin(self.task_id, self.name)

    @property
    def hash(self) -> str | None:
        """sha256 of the stored bytes (None for a registered URL). Waits for an upload in flight."""
        return self._stored().get("blob_sha256") or None

    @property
    def url(self) -> str:
        """Where the bytes are: a ``file://`` or ``s3://`` URL, or the URI registered instead of
        uploaded. Waits for an upload in flight."""
        row = self._stored()
        if row.get("blob_sha256"):
            from jupyter_ext.sdk import _transfers as files

            return files.blob_url(str(row["blob_sha256"]), str(row.get("location") or ""))
        return str(row.get("url") or "")

    # -- reading it ------------------------------------------------------------------------------
    def get(self, force_download: bool = False, deserialization_function: Callable[[bytes], Any] | None = None,
            block_unsafe_artifacts: bool = False) -> Any:
        """The stored object: a DataFrame (``pandas``, ``data-audit-table``), ndarray (``numpy``),
        dict, str (``string``), PIL image, the unpickled object (``pickle``), the extracted
        folder as a Path (``archive``), or a Path to the local copy for anything else.

        ``deserialization_function(bytes)`` reads the bytes your own way. Pickles run code when
        loaded: with ``block_unsafe_artifacts=True`` (or the ``block_unsafe_artifacts`` setting)
        a pickle from another user's task is refused.
        """
        from pathlib import Path

        from jupyter_ext.sdk import _transfers as files
        from jupyter_ext.sdk.artifacts import codec as artifact_codec

        if deserialization_function is None and self._is_pickle():
            self._check_unpickling_allowed(block_unsafe_artifacts)
        path = self._local_file(force_download)
        if deserialization_function is not None:
            return artifact_codec.deserialize(self.type, path, self.file_name, self.name, deserialization_function)
        if self.type == "archive":
            return Path(files.extract(path, str(self._stored()["blob_sha256"])))
        if self._is_pickle():
            path = self._verified(path)
        return artifact_codec.deserialize(self.type, path, self.file_name, self.name)

    def get_local_copy(self, extract_archive: bool = True, raise_on_error: bool = False,
                       force_download: bool = False) -> str | None:
        """A path to the artifact's bytes in the local cache; an ``archive`` is extracted to a
        folder unless ``extract_archive=False``. Downloads happen once and are checked against
        the sha256. On failure: None and a warning, or the error with ``raise_on_error=True``."""
        from jupyter_ext.sdk import _transfers as files

        try:
            path = self._local_file(force_download)
            if extract_archive and self.type == "archive" and self._stored().get("blob_sha256"):
                return files.extract(path, str(self._stored()["blob_sha256"]))
            return path
        except (TrackError, OSError) as exc:
            if raise_on_error:
                raise
            print(f"jupyter-track: could not get a local copy of artifact {self.name!r}: {exc}", file=sys.stderr)
            return None

    # -- inside ----------------------------------------------------------------------------------
    def _stored(self) -> dict[str, Any]:
        """The stored row, once an upload in flight is done (its error, if it failed)."""
        pending = self._pending
        if pending is not None:
            self._row = dict(pending.wait())
            self._pending = None
        return self._row

    def _local_file(self, force_download: bool) -> str:
        from jupyter_ext.sdk import _transfers as files

        row = self._stored()
        if row.get("blob_sha256"):
            return files.local_copy(str(row["blob_sha256"]), str(row.get("location") or ""), self.file_name,
                                    size=self.size, force_download=force_download)
        if row.get("url"):
            return files.fetch_url(str(row["url"]), self.file_name, force_download=force_download)
        raise InvalidArgument(f"artifact {self.name!r} has neither stored bytes nor a URL")

    def _is_pickle(self) -> bool:
        if self.type == "pickle":
            return True
        return self.type in ("pandas", "data-audit-table") and self.file_name.endswith((".pkl", ".pickle"))

    def _check_unpickling_allowed(self, block: bool) -> None:
        if not (block or session.config().block_unsafe_artifacts):
            return
        me = session.getpid_user()
        if self.user and self.user == me:
            return
        raise UnsafeArtifactError(
            f"artifact {self.name!r} of task {self.task_id} is a pickle uploaded by "
            f"{self.user or 'an unknown user'!r}, not by you ({me!r}); loading a pickle runs any code it holds, so "
            f"it is blocked (block_unsafe_artifacts). If you trust its author, read the file yourself from "
            f"artifact.get_local_copy(), or turn the setting off (JUPYTER_TRACK_BLOCK_UNSAFE_ARTIFACTS=0). "
            f"Better: ask for it in a safe format (a dict, DataFrame or ndarray instead of a pickle)")

    def _verified(self, path: str) -> str:
        """The cached copy again checked against the sha256 before unpickling: the cache is a
        plain folder, and a pickle is code."""
        from jupyter_ext.store.blobs import sha256_of_file

        expected = self._stored().get("blob_sha256")
        if not expected or sha256_of_file(path)[0] == expected:
            return path
        path = self._local_file(force_download=True)
        if sha256_of_file(path)[0] != expected:
            raise InvalidArgument(f"artifact {self.name!r}: the local copy {path} does not match its sha256")
        return path


class ArtifactsView(Mapping[str, Artifact]):
    """``task.artifacts``: a read-only mapping of name -> :class:`Artifact`, in upload order.

    Holds the stored rows and builds each Artifact on first access, so reading the mapping of a
    task with thousands of artifacts costs one query and no per-artifact work.
    """

    def __init__(self, rows: list[dict[str, Any]], pending: Mapping[str, Artifact]) -> None:
        self._rows = {str(r["name"]): r for r in rows}
        self._built: dict[str, Artifact] = dict(pending)  # in flight: newer than anything stored
        self._names = list(dict.fromkeys([*self._rows, *pending]))

    def __getitem__(self, name: str) -> Artifact:
        found = self._built.get(name)
        if found is None:
            row = self._rows.get(name)
            if row is None:
                known = ", ".join(repr(n) for n in self._names[:20]) or "none"
                raise KeyError(f"no artifact named {name!r}; this task has: {known}")
            found = self._built[name] = Artifact(row)
        return found

    def __contains__(self, name: object) -> bool:
        return name in self._built or name in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{n!r}: {self[n]!r}" for n in self._names) + "}"


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"
