"""Artifacts of a task: ``upload_artifact``, ``register_artifact`` and the ``artifacts`` mapping.

The object is serialised in the caller (so a bad object fails at once, and what is stored is
the object as it was at the call); the bytes then go to the task's destination on the
reporter thread, in call order, unless ``wait_on_upload=True``. Until an upload is stored,
the artifact is in this process's *pending* view, so ``task.artifacts`` shows it at once.
Closing the task (or the process ending) waits for every upload still in flight.

While the backend is unreachable, an upload is written to the reporter's spool instead
(:meth:`_Upload.spool_as`): its bytes copied next to the spool's segments, then the backend
calls that store them and record the row, replayed in order when the backend is back (by this
process or the next). Its ``PendingUpload`` then finishes with the row as it will be stored
(so ``artifact.url`` and ``hash`` do not wait for the server), and the artifact stays in the
pending view until the replay has written it.
"""
from __future__ import annotations

import atexit
import os
import sys
import threading
import time
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules.names import check_artifact_name
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound, NotStored, TrackError, Unavailable
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.artifacts.artifact import Artifact, ArtifactsView, PendingUpload
from jupyter_ext.sdk.tasks._host import TaskPart

if TYPE_CHECKING:  # loaded on first use: a script that stores no artifact does not pay for them
    from jupyter_ext.sdk.artifacts.codec import Serialized

REGISTERED_SYNC_SECONDS = 30.0  # how often registered DataFrames are checked for changes (ClearML: 300 s)
AUDIT_TABLE = "data-audit-table"

# task id -> name -> artifact still on its way to the store, for every Task object of this process.
_pending: dict[str, dict[str, Artifact]] = {}
_pending_lock = threading.Lock()
_state_lock = threading.Lock()
_with_registered: weakref.WeakSet[Any] = weakref.WeakSet()
_exit_hook_installed = False


class ArtifactsMixin(TaskPart):
    @property
    def artifacts(self) -> Mapping[str, Artifact]:
        """The task's artifacts by name (read-only), including uploads still in flight and
        registered DataFrames. One query, however many artifacts there are."""
        pending = _pending_of(self.id)  # before the query: an upload finishing in between is in one of them
        try:
            # as mappings: an Artifact also wraps the spec of an upload still in flight
            rows = [r.to_dict() for r in session.backend().get_artifacts(self.id)]
        except NotFound:
            if not self._live:
                raise
            rows = []  # Task.init's row is still on its way to the store
        return ArtifactsView(rows, pending)

    def upload_artifact(self, name: str, artifact_object: Any, metadata: Mapping[str, Any] | None = None,
                        delete_after_upload: bool = False, auto_pickle: bool | None = None, preview: Any = None,
                        wait_on_upload: bool = False, extension_name: str | None = None,
                        serialization_function: Callable[[Any], bytes | bytearray] | None = None,
                        retries: int = 0, sort_keys: bool = True) -> bool:
        """Store an object with the task under ``name`` (a name already used is overwritten).

        >>> task.upload_artifact(name="data.raw", artifact_object="titanic.csv")
        >>> task.upload_artifact(name="eda.describe", artifact_object=df.describe())
        >>> task.upload_artifact("cfg", {"a": 1}, metadata={"origin": "grid"})

        A path to a file is stored as is, a folder or wildcard as a zip; a DataFrame as
        ``.csv.gz`` (``extension_name=".parquet"``…), an ndarray as ``.npz``, a dict as JSON, a
        PIL image as PNG, other text as ``.txt``, an ``s3://``/``http(s)://`` URL is only
        registered, and anything else is pickled (``auto_pickle=False`` refuses instead).
        ``serialization_function(obj) -> bytes`` stores it your own way.

        The upload runs in the background unless ``wait_on_upload=True``; the artifact is in
        ``task.artifacts`` at once, and ``close()`` waits for it. ``delete_after_upload``
        removes your local file once stored; ``retries`` tries a failed upload again.
        Returns True. A waited-for upload that fails raises :class:`~jupyter_ext.errors.NotStored`
        (saying why); a background one that fails is printed and makes ``flush()``/``close()`` answer False.
        """
        from jupyter_ext.sdk.artifacts import codec as artifact_codec

        name = check_artifact_name(name)
        if name in self._artifact_state().registered:
            raise InvalidArgument(f"artifact {name!r} is registered (register_artifact) and synced from its "
                                  f"DataFrame; call task.unregister_artifact({name!r}) first")
        if not isinstance(retries, int) or isinstance(retries, bool) or retries < 0:
            raise InvalidArgument(f"retries must be an int >= 0, not {retries!r}")
        meta = _check_metadata(metadata)
        ser = artifact_codec.serialize(name, artifact_object, auto_pickle=True if auto_pickle is None else auto_pickle,
                                       preview=preview, extension_name=extension_name,
                                       serialization_function=serialization_function, sort_keys=sort_keys)
        source = ser.path if delete_after_upload and ser.path and not ser.temporary else None
        return self._send_artifact(name, ser, meta, wait=wait_on_upload, retries=retries, delete_source=source)

    def register_artifact(self, name: str, artifact: Any, metadata: Mapping[str, Any] | None = None,
                          uniqueness_columns: bool | Sequence[str] = True) -> None:
        """Keep a DataFrame in sync with the task: stored now, then again whenever its content has
        changed (checked every 30 s while the task runs, and when it closes).

        >>> task.register_artifact("live table", df)

        Its type is ``data-audit-table``; the preview opens with a uniqueness summary (rows,
        and unique rows by ``uniqueness_columns``: all columns by default).
        """
        from jupyter_ext.sdk.artifacts import codec as artifact_codec

        name = check_artifact_name(name)
        if not artifact_codec._is_dataframe(artifact):
            raise InvalidArgument(f"register_artifact takes a pandas DataFrame, not {type(artifact).__name__}; "
                                  f"use task.upload_artifact({name!r}, ...) for other objects")
        columns = _check_uniqueness_columns(artifact, uniqueness_columns)
        state = self._artifact_state()
        with state.lock:
            state.registered[name] = _Registered(artifact, _check_metadata(metadata), columns)
        self._sync_registered(name)
        state.start_timer(self)
        _with_registered.add(self)

    def unregister_artifact(self, name: str) -> None:
        """Stop syncing a registered DataFrame; what was stored stays."""
        state = self._artifact_state()
        with state.lock:
            state.registered.pop(name, None)
            if not state.registered:
                state.stop.set()

    def get_registered_artifacts(self) -> dict[str, Any]:
        """The registered DataFrames by name (the live objects: changing them is what gets synced)."""
        state = self._artifact_state()
        with state.lock:
            return {name: reg.frame for name, reg in state.registered.items()}

    # -- sending ---------------------------------------------------------------------------------
    def _send_artifact(self, name: str, ser: Serialized, metadata: dict[str, str], *, wait: bool,
                       retries: int = 0, delete_source: str | None = None,
                       on_failure: Callable[[], None] | None = None) -> bool:
        from jupyter_ext.sdk import _transfers as files

        try:
            location = files.destination(self.get_output_destination())
            if "://" in location:
                # The upload may run at exit, when Python no longer lets a thread import fsspec
                # (its import registers a threading exit hook): import it here, in the caller.
                import fsspec  # noqa: F401
            spec: dict[str, Any] = {
                "name": name, "type": ser.type, "mode": "output", "file_name": ser.file_name,
                "content_type": ser.content_type, "preview": ser.preview, "metadata": metadata, "url": ser.url,
                "user": session.getpid_user(), "time": time.time(),
            }
            size = os.path.getsize(ser.path) if ser.path else 0
        except BaseException:
            ser.cleanup()
            raise
        pending = PendingUpload()
        artifact = Artifact({**spec, "task_id": self.id, "size": size, "location": location}, pending=pending)
        upload = _Upload(self.id, spec, ser, location, retries, delete_source, artifact, pending, on_failure)
        with _pending_lock:
            _pending.setdefault(self.id, {})[name] = artifact
        if self._live and not self._closed and not wait:
            _install_exit_hook()
            session.reporter().submit(upload)
            return True
        _sync()  # the task's row, and earlier uploads under this name, go first
        try:
            if session.has_reporter() and session.reporter().offline:
                raise Unavailable("the backend is unreachable")
            upload.run(keep_on_unavailable=True)
        except Unavailable:
            # kept on disk by the reporter (or in memory if the spool cannot take it), sent later
            session.reporter().submit(upload)
            if not session.reporter().flush():
                raise NotStored(f"artifact {name!r} of task {self.id} was not stored, not even on disk to send "
                                  f"later: {'; '.join(session.reporter().errors[-2:])}") from None
            return True
        except (OSError, TrackError) as exc:
            if isinstance(exc, (InvalidArgument, Conflict, NotFound)):
                raise
            # the caller waited for it: a lost upload is an error there, not a False nobody checks
            raise NotStored(f"artifact {name!r} of task {self.id} was not stored: {exc}") from exc
        return True

    # -- registered DataFrames -------------------------------------------------------------------
    def _artifact_state(self) -> _State:
        state = self.__dict__.get("_artifacts_state")
        if state is None:
            with _state_lock:
                state = self.__dict__.setdefault("_artifacts_state", _State())
        assert isinstance(state, _State)
        return state

    def _sync_registered(self, name: str) -> bool:
        """Store a registered DataFrame again if its content changed since it was last sent."""
        from jupyter_ext.sdk.artifacts import codec as artifact_codec

        state = self._artifact_state()
        with state.lock:
            reg = state.registered.get(name)
            if reg is None:
                return False
            content = _frame_hash(reg.frame)
            if content is not None and content == reg.sent:
                return False
            ser = artifact_codec.serialize(name, reg.frame, preview=_audit_preview(name, reg.frame, reg.columns))
            ser.type = AUDIT_TABLE
            if content is None:  # cells pandas cannot hash (lists…): compare the stored bytes instead
                from jupyter_ext.store.blobs import sha256_of_file

                content = "file:" + sha256_of_file(str(ser.path))[0]
                if content == reg.sent:
                    ser.cleanup()
                    return False
            reg.sent = content

            def forget_sent() -> None:  # a failed upload is tried again at the next check
                # No lock: this runs on the reporter thread, which a caller holding the lock may
                # be waiting for. At worst a newer version is sent once more.
                if reg.sent == content:
                    reg.sent = None

            # Handed over under the lock, so versions reach the store in the order they were read.
            self._send_artifact(name, ser, dict(reg.metadata), wait=False, on_failure=forget_sent)
            return True

    def _sync_all_registered(self) -> None:
        for name in list(self._artifact_state().registered):
            try:
                self._sync_registered(name)
            except Exception as exc:  # noqa: BLE001 - a frame changed mid-read, a full disk: try again next time
                print(f"jupyter-track: registered artifact {name!r} of task {self.id} was not synced: {exc}",
                      file=sys.stderr)

    def _close_artifacts(self) -> None:
        """At close: a last sync of registered DataFrames, then wait for every upload in flight."""
        state = self.__dict__.get("_artifacts_state")
        if isinstance(state, _State) and state.registered:
            state.stop.set()
            self._sync_all_registered()
        if _pending_of(self.id) and session.has_reporter():
            session.reporter().flush(None)


class _Registered:
    def __init__(self, frame: Any, metadata: dict[str, str], columns: list[Any] | None) -> None:
        self.frame = frame
        self.metadata = metadata
        self.columns = columns
        self.sent: str | None = None  # content hash of the last version handed to the store


class _State:
    """A Task object's registered DataFrames and the thread that re-syncs them."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.registered: dict[str, _Registered] = {}
        self.stop = threading.Event()
        self.timer: threading.Thread | None = None

    def start_timer(self, task: ArtifactsMixin) -> None:
        with self.lock:
            if self.timer is not None and self.timer.is_alive() and not self.stop.is_set():
                return
            self.stop = threading.Event()
            self.timer = threading.Thread(target=_resync_loop, args=(weakref.ref(task), self.stop),
                                          name="jupyter-track-registered-artifacts", daemon=True)
            self.timer.start()


def _resync_loop(ref: weakref.ref[ArtifactsMixin], stop: threading.Event) -> None:
    while not stop.wait(REGISTERED_SYNC_SECONDS):
        task = ref()
        if task is None or task._closed:
            return
        task._sync_all_registered()
        del task


class _Upload:
    """One artifact on its way to the store: bytes to the destination, then the row."""

    def __init__(self, task_id: str, spec: dict[str, Any], ser: Serialized, location: str,
                 retries: int, delete_source: str | None, artifact: Artifact, pending: PendingUpload,
                 on_failure: Callable[[], None] | None) -> None:
        self.task_id, self.spec, self.ser, self.location = task_id, spec, ser, location
        self.retries, self.delete_source, self.on_failure = retries, delete_source, on_failure
        self.artifact, self.pending = artifact, pending

    def __call__(self) -> None:
        """On the reporter thread. An unreachable backend propagates: the reporter then writes
        this upload to its spool (:meth:`spool_as`)."""
        try:
            self.run(keep_on_unavailable=True)
        except Unavailable:
            raise
        except Exception as exc:  # noqa: BLE001 - the caller has moved on: the reporter says what was lost
            raise NotStored(f"artifact {self.spec['name']!r} of task {self.task_id} was not stored: {exc}") from exc

    def run(self, *, keep_on_unavailable: bool = False) -> dict[str, Any]:
        try:
            row = self._store()
        except Unavailable:
            if keep_on_unavailable:
                raise  # the file stays for the spool; the upload is not over
            self._failed(sys.exc_info()[1])
            raise
        except BaseException as exc:
            self._failed(exc)
            raise
        self.ser.cleanup()
        self._delete_source()
        self.pending.finish(row=row)
        _unpend(self.task_id, self.artifact)
        return row

    def spool_as(self, writer: Any) -> str:
        """Write this upload to the spool as data: the file, ``put_blob_file`` naming it by
        sha256, then ``put_artifact`` (the reporter calls this only while offline)."""
        from jupyter_ext.client.spool_files import check_location

        spec = dict(self.spec)
        source = self.ser.path
        moved = bool(source) and (self.ser.temporary or self.delete_source == source)
        if source is not None:
            check_location(self.location)
            path, sha, size = writer.file(source, move=moved)
            spec.update(blob_sha256=sha, size=size, location=self.location)
        try:
            if source is not None:
                writer.call("put_blob_file", path, self.location, known_sha256=sha)
            writer.call("put_artifact", self.task_id, spec, on_replayed=self._replayed)
        except BaseException:
            if moved and source is not None and not os.path.exists(source):
                os.replace(path, source)  # waits in memory now, and needs its file back
            raise
        # The bytes are safe in the spool: a temporary copy is not needed, and the user's file
        # (delete_after_upload) goes now, as it would have after an upload.
        if not moved:
            self.ser.cleanup()
            self._delete_source()
        self.pending.finish(row={**spec, "task_id": self.task_id})
        return f"artifact {spec['name']!r}"

    def _replayed(self, row: Any, error: BaseException | None) -> None:
        if error is not None:
            session.reporter().note_lost(f"artifact {self.spec['name']!r} of task {self.task_id} was not stored: "
                                         f"{error}")
            if self.on_failure is not None:
                self.on_failure()
        _unpend(self.task_id, self.artifact)

    def _failed(self, exc: BaseException | None) -> None:
        self.ser.cleanup()
        self.pending.finish(error=exc)
        _unpend(self.task_id, self.artifact)
        if self.on_failure is not None:
            self.on_failure()

    def _delete_source(self) -> None:
        if self.delete_source:
            try:
                os.unlink(self.delete_source)
            except OSError as exc:
                print(f"jupyter-track: could not delete {self.delete_source} after upload: {exc}", file=sys.stderr)

    def _store(self) -> dict[str, Any]:
        from jupyter_ext.sdk import _transfers as files

        attempt = 0
        while True:
            try:
                spec = dict(self.spec)
                if self.ser.path is not None:
                    sha, size = files.upload(self.ser.path, self.location, str(spec["name"]))
                    spec.update(blob_sha256=sha, size=size, location=self.location)
                return session.backend().put_artifact(self.task_id, spec).to_dict()
            except (InvalidArgument, Conflict, NotFound):
                raise  # the request itself is refused: trying again cannot help
            except (OSError, TrackError):
                if attempt >= self.retries:
                    raise
                attempt += 1
                time.sleep(min(0.5 * 2 ** (attempt - 1), 10.0))


def _pending_of(task_id: str) -> dict[str, Artifact]:
    with _pending_lock:
        return dict(_pending.get(task_id, ()))


def _unpend(task_id: str, artifact: Artifact) -> None:
    with _pending_lock:
        by_name = _pending.get(task_id)
        if by_name is not None and by_name.get(artifact.name) is artifact:  # not a newer upload of the name
            del by_name[artifact.name]
            if not by_name:
                del _pending[task_id]


def _sync() -> None:
    if session.has_reporter():
        session.reporter().flush()


def _install_exit_hook() -> None:
    """Registered after Task.init's exit hook, so it runs before it (atexit is last in, first out):
    uploads finish before the task is marked done and the process ends."""
    global _exit_hook_installed
    with _state_lock:
        if _exit_hook_installed:
            return
        _exit_hook_installed = True
    atexit.register(_finish_uploads_at_exit)


def _finish_uploads_at_exit() -> None:
    for task in list(_with_registered):
        if not task._closed:
            task._artifact_state().stop.set()
            task._sync_all_registered()
    with _pending_lock:
        count = sum(len(v) for v in _pending.values())
    if not count or not session.has_reporter():
        return
    rep = session.reporter()
    if not rep.flush(2.0):
        print(f"jupyter-track: waiting for {count} artifact upload(s) to finish (Ctrl-C abandons them)",
              file=sys.stderr)
        rep.flush(None)


def _check_metadata(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise InvalidArgument(f"metadata must be a dict of name -> value, not {type(metadata).__name__}")
    return {str(k): str(v) for k, v in metadata.items()}


def _check_uniqueness_columns(frame: Any, columns: bool | Sequence[str]) -> list[Any] | None:
    """None: all columns (as they are at each sync); []: no uniqueness summary."""
    if columns is True:
        return None
    if columns is False or columns is None:
        return []
    if isinstance(columns, str):
        columns = [columns]
    chosen = list(columns)
    missing = [c for c in chosen if c not in frame.columns]
    if missing:
        raise InvalidArgument(f"uniqueness_columns {missing} are not columns of the DataFrame "
                              f"(it has {list(frame.columns)[:20]})")
    return chosen


def _frame_hash(frame: Any) -> str | None:
    """A hash of a DataFrame's content (values, index, columns, dtypes) without serialising it;
    None when pandas cannot hash its cells."""
    import hashlib

    import pandas as pd

    try:
        rows = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    except TypeError:
        return None
    digest = hashlib.sha256(rows.tobytes())
    digest.update(repr((list(frame.columns), [str(t) for t in frame.dtypes], list(frame.index.names))).encode())
    return digest.hexdigest()


def _audit_preview(name: str, frame: Any, columns: list[Any] | None) -> str:
    """The uniqueness summary first (so the 64 KB cap never cuts it), then the frame."""
    shape = tuple(frame.shape)
    if columns == []:
        return f"[{name}]: shape={shape}\n\n{frame!r}"
    try:
        subset = frame if columns is None else frame[[c for c in columns if c in frame.columns]]
        rows = len(frame)
        unique = rows - int(subset.duplicated().sum())
        share = 100.0 * unique / rows if rows else 100.0
        which = "all columns" if columns is None else ", ".join(map(str, columns))
        summary = f"[{name}]: shape={shape}, {unique:,} unique rows by {which}, {share:.1f}% uniqueness"
    except (TypeError, ValueError, KeyError) as exc:
        summary = f"[{name}]: shape={shape}, uniqueness not computed ({exc})"
    return f"{summary}\n\n{frame!r}"
