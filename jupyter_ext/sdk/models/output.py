"""OutputModel: the model a task makes. Each ``update_weights`` stores the next version (1, 2,
3 …) of the same model.

    from jupyter_ext import OutputModel
    output_model = OutputModel(task=task, name="MyModel", framework="pytorch", tags=["best"])
    output_model.update_weights(weights_filename="best_model.pth")       # version 1, then 2, 3 …

While the backend is unreachable (the reporter is offline), a model is registered with an id made
here (``create_model`` waits in the spool), and weights go to the spool as data: the file is
taken into the spool folder and ``put_blob_file`` / ``add_model_version`` / ``update_model``
calls follow it, replayed in order when the backend is back, by this process or the next
(:mod:`jupyter_ext.client.spool_files`). ``wait_for_uploads`` counts such an upload as done once
it is on disk.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import Conflict, InvalidArgument, Unavailable
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as files
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.models.base import BaseModel, blob_url, design_text, label_map, sync
from jupyter_ext.store.blobs import sha256_of_file

if TYPE_CHECKING:
    from jupyter_ext.client.backend import Backend
    from jupyter_ext.sdk.tasks.task import Task
    from jupyter_ext.store.rows import ModelRow

_SOURCE_NOTE = "weights from "


class OutputModel(BaseModel):
    """A model made by a task, registered in the task's project and listed in
    ``task.models["output"]``.

    >>> out = OutputModel(task=task, name="MyModel", framework="pytorch", tags=["best"])
    >>> out.update_weights(weights_filename="best_model.pth")      # uploads; version 1
    >>> out.update_weights_package(weights_path="model_dir/")      # a zipped folder; version 2
    >>> out.set_metadata("accuracy", 0.93); out.publish()

    Unlike ClearML, which makes a new model on every ``OutputModel(...)``, a task that already
    made an unpublished model of this name gets that model back, so a notebook cell run twice
    adds versions instead of near-duplicate models. A published model is final: the next
    ``OutputModel`` of that name is a new model.
    """

    def __init__(self, task: Task | None = None, config_text: str | None = None,
                 config_dict: Mapping[str, Any] | None = None, label_enumeration: Mapping[str, int] | None = None,
                 name: str | None = None, tags: Sequence[str] | None = None, comment: str | None = None,
                 framework: str | None = None, base_model_id: str | None = None) -> None:
        """Register the model (``name`` defaults to the task's name; ``task`` to the current
        task). Its parent (lineage) is the task's input model if it connected one.

        ``base_model_id``, as in ClearML, continues that model: this object *is* model
        ``base_model_id``, now made by this task (its name, and the tags, comment, framework,
        design and labels given here, are updated; the next ``update_weights`` adds its next
        version). A published model cannot change, so then a new model is made with it as parent.
        An unknown id raises ``NotFound``."""
        from jupyter_ext.sdk.tasks.task import Task

        owner = task if task is not None else Task.current_task()
        self._task: Task | None = owner
        self._upload_uri: str | None = None
        design = design_text(config_text, config_dict)
        labels = label_map(label_enumeration) if label_enumeration is not None else None
        sync()
        backend = session.backend()
        base = backend.get_model(base_model_id) if base_model_id is not None and not _offline() else None
        model_name = name or (owner.name if owner is not None else base.name if base is not None else "Untitled model")
        spec = {
            "name": model_name, "project": owner.get_project_name() if owner is not None else None,
            "task_id": owner.id if owner is not None else None, "parent_id": base_model_id, "framework": framework,
            "tags": tags, "comment": comment or "", "design": design or "", "labels": labels or {},
            "user": session.getpid_user(),
        }
        try:
            if _offline():
                raise Unavailable("the backend is unreachable")
            if base is not None and not base.published:
                self._continue(backend, owner, base, spec)
            else:
                self._register(backend, owner, spec)
        except Unavailable:
            # No server to ask whether this task already made the model: a new one, made here
            # and created when the spool is replayed (after the task row, before any version).
            from jupyter_ext.store.rows import ModelRow

            model_id, now = uuid.uuid4().hex, time.time()
            made = {**spec, "id": model_id, "tags": list(tags or ()), "metadata": {}, "created": now}
            session.reporter().submit(backend.create_model, made)
            self._set(ModelRow(
                id=model_id, project_id="", project_name="", name=model_name, framework=str(framework or ""),
                comment=comment or "", task_id=owner.id if owner is not None else None, parent_id=base_model_id,
                labels=dict(labels or {}), design=design or "", metadata={}, published=False, archived=False,
                latest_version=0, user=session.getpid_user(), created=now, last_update=now, tags=tuple(tags or ())))

    def _continue(self, backend: Backend, owner: Task | None, base: ModelRow, spec: dict[str, Any]) -> None:
        comment = spec["comment"]
        if base.comment and comment and comment not in base.comment:
            comment = f"{base.comment}\n{comment}"
        given = {"name": spec["name"], "tags": spec["tags"], "comment": comment or None,
                 "framework": spec["framework"], "design": spec["design"] or None, "labels": spec["labels"] or None,
                 "task_id": owner.id if owner is not None else None}
        row = backend.update_model(base.id, {k: v for k, v in given.items() if v is not None})
        if owner is not None:
            backend.link_task_model(owner.id, base.id, "output", row.name)
        self._set(row)

    def _register(self, backend: Backend, owner: Task | None, spec: dict[str, Any]) -> None:
        found = _reusable(owner, spec["name"]) if owner is not None else None
        if found is not None:
            given = {"tags": spec["tags"], "comment": spec["comment"] or None, "framework": spec["framework"],
                     "design": spec["design"] or None, "labels": spec["labels"] or None,
                     "parent_id": spec["parent_id"]}
            fields = {k: v for k, v in given.items() if v is not None}
            self._set(found)
            if fields:
                self._update_row(backend.update_model(found.id, fields))
            return
        parent = spec["parent_id"]
        if parent is None and owner is not None:
            inputs = backend.get_task_models(owner.id)["input"]
            parent = inputs[-1].id if inputs else None
        self._set(backend.create_model({**spec, "parent_id": parent}))

    # -- weights ---------------------------------------------------------------------------------
    def update_weights(self, weights_filename: str | os.PathLike[str] | None = None, upload_uri: str | None = None,
                       target_filename: str | None = None, auto_delete_file: bool = True,
                       register_uri: str | None = None, iteration: int | None = None, update_comment: bool = True,
                       is_package: bool = False, async_enable: bool = True) -> str:
        """Store the next version of the weights and return its URI.

        ``weights_filename`` is uploaded (streamed, with a progress bar for big files) to
        ``upload_uri``, else ``set_upload_destination``, else the task's ``output_uri``, else
        the default store; a folder is zipped as a package. ``register_uri`` records weights
        that already live elsewhere, without uploading. ``target_filename`` is the file name a
        download gets; ``iteration`` is recorded with the version.

        Uploads to a local folder happen before this returns. With ``async_enable`` an upload
        to a remote store (``s3://`` …) runs in the background, from a private copy of the file
        taken now (so the file may be overwritten at once); ``OutputModel.wait_for_uploads()``
        waits for it. At exit only ``exit_timeout`` seconds are waited: wait for big remote
        uploads yourself before a script ends.

        Unlike ClearML, your weights file is never deleted: ``auto_delete_file`` only ever
        removes temporary copies made here (ClearML documents it the same way, but deletes
        the file it was given in some paths).
        """
        ignored("OutputModel.update_weights", auto_delete_file=auto_delete_file)
        if (weights_filename is None) == (register_uri is None):
            raise InvalidArgument("update_weights needs weights_filename= (a file to upload) "
                                  "or register_uri= (weights already stored elsewhere), not both")
        self._check_open()
        if register_uri is not None:
            from jupyter_ext.sdk.models.model import _as_url

            url = _as_url(register_uri)
            self._add_version({"url": url, "file_name": target_filename or os.path.basename(url.rstrip("/")),
                               "is_package": bool(is_package), "iteration": iteration},
                              url if update_comment else None)
            return url
        path = os.fspath(weights_filename)  # type: ignore[arg-type]
        if os.path.isdir(path):
            return self.update_weights_package(weights_path=path, upload_uri=upload_uri,
                                               target_filename=target_filename, iteration=iteration,
                                               async_enable=async_enable)
        if not os.path.isfile(path):
            raise InvalidArgument(f"weights file {path!r} does not exist (looked for {os.path.abspath(path)})")
        return self._upload(path, target_filename or os.path.basename(path), is_package=bool(is_package),
                            iteration=iteration, upload_uri=upload_uri, async_enable=async_enable, temporary=False,
                            source=os.path.abspath(path) if update_comment else None)

    def update_weights_package(self, weights_filenames: Sequence[str | os.PathLike[str]] | None = None,
                               weights_path: str | os.PathLike[str] | None = None, upload_uri: str | None = None,
                               target_filename: str | None = None, auto_delete_file: bool = True,
                               iteration: int | None = None, async_enable: bool = True) -> str:
        """Store the next version as a package: the folder ``weights_path`` (or the files
        ``weights_filenames``) zipped, with paths relative to the folder. The same files give
        the same zip bytes, so an unchanged package is stored once. ``get_local_copy()`` gives
        the extracted folder back."""
        ignored("OutputModel.update_weights_package", auto_delete_file=auto_delete_file)
        from jupyter_ext.sdk.artifacts.codec import _zip, file_stem

        if (weights_filenames is None) == (weights_path is None):
            raise InvalidArgument("update_weights_package needs weights_path= (a folder) or weights_filenames=")
        if weights_path is not None:
            root = Path(weights_path).expanduser().resolve()
            if root.is_dir():
                chosen, base = sorted(p for p in root.rglob("*") if p.is_file()), root
            elif root.is_file():
                chosen, base = [root], root.parent
            else:
                raise InvalidArgument(f"weights path {os.fspath(weights_path)!r} does not exist (looked for {root})")
            source = str(root)
        else:
            chosen = [Path(p).expanduser().resolve() for p in weights_filenames or ()]
            missing = [str(p) for p in chosen if not p.is_file()]
            if missing:
                raise InvalidArgument(f"weights files do not exist: {', '.join(missing)}")
            base = Path(os.path.commonpath([str(p.parent) for p in chosen])) if chosen else Path(".")
            source = f"{len(chosen)} files under {base}"
        if not chosen:
            raise InvalidArgument(f"nothing to package: {source} holds no files")
        self._check_open()
        packed = _zip(file_stem(self.name), chosen, base, None, "")
        assert packed.path is not None
        return self._upload(packed.path, target_filename or packed.file_name, is_package=True, iteration=iteration,
                            upload_uri=upload_uri, async_enable=async_enable, temporary=True, source=source)

    def _check_open(self) -> None:
        if _offline():
            return  # the replay's add_model_version refuses a published model, and says so
        try:
            self.reload()
        except Unavailable:
            return
        if self.published:
            raise Conflict(f"model {self.id} ({self.name!r}) is published, so its weights cannot change; "
                           f"register a new model (OutputModel(..., base_model_id='{self.id}')) instead")

    def _upload(self, path: str, file_name: str, *, is_package: bool, iteration: int | None, upload_uri: str | None,
                async_enable: bool, temporary: bool, source: str | None) -> str:
        owner_uri = self._task.get_output_destination() if self._task is not None else None
        location = files.destination(upload_uri or self._upload_uri or owner_uri)
        stored_name = files.safe_file_name(file_name) or "weights"
        spec = {"file_name": stored_name, "is_package": is_package, "iteration": iteration, "location": location}
        offline = _offline()
        if not offline and (not async_enable or _is_local(location)):
            try:
                sha, size = files.upload(path, location, stored_name)
            except Unavailable:
                offline = True  # kept in the spool below, like a background upload
            except BaseException:
                if temporary:
                    _remove(path)
                raise
            else:
                if temporary:
                    _remove(path)
                self._add_version({**spec, "blob_sha256": sha, "size": size}, source)
                return blob_url(location, sha)
        # In the background, from a private copy: the caller may overwrite the file meanwhile.
        copy, sha = (path, sha256_of_file(path)[0]) if temporary else _private_copy(path)
        _uploads.submit(_Weights(self, path, copy, sha, spec, source), f"model {self.name!r} weights {stored_name}")
        if offline:
            session.reporter().flush()  # on disk before this returns, as a local upload would be
        return blob_url(location, sha)

    def _add_version(self, spec: Mapping[str, Any], source: str | None) -> None:
        sync()
        backend = session.backend()
        if _offline() and threading.current_thread() is not getattr(session.reporter(), "_thread", None):
            # a registered URI while the backend is away: the calls wait in the spool
            rep = session.reporter()
            rep.submit(backend.add_model_version, self.id, dict(spec))
            version = self._row.latest_version + 1
            self._edit_row(latest_version=version)
            if source:
                comment = _with_source_note(self.comment, source, version)
                rep.submit(backend.update_model, self.id, {"comment": comment})
                self._edit_row(comment=comment)
            return
        data = backend.add_model_version(self.id, spec)
        link_name = self._row.link_name
        self._set(data)
        if link_name:
            self._edit_row(link_name=link_name)
        if source:
            comment = _with_source_note(self.comment, source, int(data.version or 0))
            self._update_row(backend.update_model(self.id, {"comment": comment}))

    def _before_change(self) -> None:
        self.wait_for_uploads()

    @classmethod
    def wait_for_uploads(cls, timeout: float | None = None, max_num_uploads: int | None = None) -> bool:
        """Wait for background uploads (all, or the next ``max_num_uploads``); False on timeout.
        A failed upload is reported on stderr and adds no version."""
        return _uploads.wait(timeout, max_num_uploads)

    def set_upload_destination(self, uri: str) -> None:
        """Where the next weights go: a folder, ``file://…`` or ``s3://…`` (the task's
        ``output_uri`` otherwise)."""
        if not isinstance(uri, str) or not uri:
            raise InvalidArgument("set_upload_destination needs a folder or URI, e.g. 's3://bucket/models'")
        self._upload_uri = uri

    # -- description -----------------------------------------------------------------------------
    def update_design(self, config_text: str | None = None, config_dict: Mapping[str, Any] | None = None) -> bool:
        """Replace the design (configuration): text, or a dict stored as JSON."""
        design = design_text(config_text, config_dict)
        if design is None:
            raise InvalidArgument("update_design needs config_text= or config_dict=")
        self._change(design=design)
        return True

    def update_labels(self, labels: Mapping[str, int]) -> bool:
        """Replace the label enumeration, ``{"cat": 0, "dog": 1}``."""
        self._change(labels=label_map(labels))
        return True

    def connect(self, task: Task, name: str | None = None) -> None:
        """List the model among ``task``'s outputs under ``name`` (the model's name by default);
        a model made without a task becomes that task's."""
        sync()
        if not self.task:
            self._change(task_id=task.id)
        session.backend().link_task_model(task.id, self.id, "output", name or self.name)
        self._edit_row(link_name=name or self.name)
        self._task = task


class _Weights:
    """One version's weights on their way: the bytes, then the version row (and the comment).
    Runs on the reporter thread; while it is offline, :meth:`spool_as` writes it to the spool."""

    def __init__(self, model: OutputModel, path: str, copy: str, sha: str, spec: dict[str, Any],
                 source: str | None) -> None:
        self.model, self.path, self.copy, self.sha, self.spec, self.source = model, path, copy, sha, spec, source
        self.uploaded: tuple[str, int] | None = None

    def __call__(self) -> None:
        location, name = str(self.spec["location"]), str(self.spec["file_name"])
        if self.uploaded is None:
            got, size = files.upload(self.copy, location, name)  # Unavailable: the copy stays for the spool
            _remove(self.copy)
            if got != self.sha:
                raise Conflict(f"the copy of {self.path} changed while it was uploaded; call update_weights again")
            self.uploaded = (got, size)
        self.model._add_version({**self.spec, "blob_sha256": self.uploaded[0], "size": self.uploaded[1]}, self.source)

    def spool_as(self, writer: Any) -> str:
        from jupyter_ext.client.spool_files import check_location

        location = check_location(str(self.spec["location"]))
        model = self.model
        if self.uploaded is None:
            path, sha, size = writer.file(self.copy, move=True)  # the copy is ours: taken, not copied again
            try:
                writer.call("put_blob_file", path, location, known_sha256=sha)
            except BaseException:
                os.replace(path, self.copy)  # waits in memory now, and needs its file back
                raise
        else:
            sha, size = self.uploaded
        writer.call("add_model_version", model.id, {**self.spec, "blob_sha256": sha, "size": size})
        version = model._row.latest_version + 1
        model._edit_row(latest_version=version)
        if self.source:
            comment = _with_source_note(model.comment, self.source, version)
            writer.call("update_model", model.id, {"comment": comment})
            model._edit_row(comment=comment)
        return f"model {model.name!r} weights {self.spec['file_name']} (version {version})"


def _with_source_note(comment: str, source: str, version: int) -> str:
    """One line that says where the newest weights came from, replaced on every version."""
    kept = [ln for ln in comment.splitlines() if not ln.startswith(_SOURCE_NOTE)]
    return "\n".join([*kept, f"{_SOURCE_NOTE}{source} (version {version})"])


def _offline() -> bool:
    return session.has_reporter() and session.reporter().offline


def _reusable(task: Task, name: str) -> ModelRow | None:
    made = [m for m in session.backend().get_task_models(task.id)["output"]
            if m.name == name and not m.published and not m.archived]
    if not made:
        return None
    return dataclasses.replace(session.backend().get_model(made[-1].id), link_name=made[-1].link_name)


def _is_local(location: str) -> bool:
    base = location or str(session.config().blob_url)
    return "://" not in base or base.startswith("file://")


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _private_copy(path: str) -> tuple[str, str]:
    """A copy of ``path`` in the cache (hashed on the way), safe to upload later."""
    folder = os.path.join(files.cache_dir(), "uploads")
    os.makedirs(folder, exist_ok=True)
    fd, copy = tempfile.mkstemp(dir=folder, prefix="weights-")
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(4 << 20):
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        _remove(copy)
        raise
    return copy, digest.hexdigest()


class _Uploads:
    """Background uploads (run in order on the reporter thread), counted for ``wait_for_uploads``."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.started = 0
        self.finished = 0
        self.errors: list[str] = []

    def submit(self, work: _Weights, what: str) -> None:
        with self._cond:
            self.started += 1
        session.reporter().submit(_Counted(self, work, what))

    def _done(self) -> None:
        with self._cond:
            self.finished += 1
            self._cond.notify_all()

    def wait(self, timeout: float | None, max_num_uploads: int | None) -> bool:
        with self._cond:
            target = self.started if max_num_uploads is None else min(self.started, self.finished + max_num_uploads)
            if self.finished >= target:
                return True
        session.reporter().start()  # in case it was held
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self.finished < target:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(0.1 if left is None else min(left, 0.1))
        return True


class _Counted:
    """One upload for ``wait_for_uploads``: done once stored, failed, or written to the spool."""

    def __init__(self, uploads: _Uploads, work: _Weights, what: str) -> None:
        self.uploads, self.work, self.what = uploads, work, what

    def __call__(self) -> None:
        try:
            self.work()
        except Unavailable:
            raise  # not done: the reporter writes it to the spool (spool_as) and tries again later
        except Exception as exc:  # noqa: BLE001 - a failed upload is reported; the next one still runs
            message = f"upload of {self.what} failed: {type(exc).__name__}: {exc}"
            self.uploads.errors.append(message)
            print(f"jupyter-track: {message}", file=sys.stderr)
        self.uploads._done()

    def spool_as(self, writer: Any) -> str:
        what = self.work.spool_as(writer)
        self.uploads._done()
        return what


_uploads = _Uploads()

__all__ = ["OutputModel"]
