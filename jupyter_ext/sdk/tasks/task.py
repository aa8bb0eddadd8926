"""Task: one experiment. ``Task.init`` starts tracking the running script or notebook.

``Task.init`` returns in milliseconds: the task id is made here, and creating the row,
opening the store and capturing the environment all happen on background threads.
"""
from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import limits, names
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.core.rules.task_types import check_task_type
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _notebook
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.enums import TaskStatusEnum, TaskTypes
from jupyter_ext.sdk.enums import TaskTypes as _TaskType
from jupyter_ext.sdk.logging.logger import Logger
from jupyter_ext.sdk.tasks import init as init_flow
from jupyter_ext.sdk.tasks.artifacts import ArtifactsMixin
from jupyter_ext.sdk.tasks.lookup import TaskLookup
from jupyter_ext.sdk.tasks.lookup import sync as _sync
from jupyter_ext.sdk.tasks.models import ModelsMixin
from jupyter_ext.sdk.tasks.params import ParametersMixin
from jupyter_ext.sdk.tasks.properties import UserPropertiesMixin
from jupyter_ext.sdk.tasks.queue import QueueMixin
from jupyter_ext.sdk.tasks.requirements import RequirementsMixin
from jupyter_ext.sdk.tasks.results import ResultsMixin

_FINISHED = (statuses.COMPLETED, statuses.FAILED, statuses.STOPPED, statuses.PUBLISHED, statuses.CLOSED)


class Task(TaskLookup, ParametersMixin, UserPropertiesMixin, RequirementsMixin, ResultsMixin, ModelsMixin,
           ArtifactsMixin, QueueMixin):
    """A tracked experiment: its parameters, metrics, console, code and environment."""

    TaskTypes = TaskTypes
    TaskStatusEnum = TaskStatusEnum

    def __init__(self, data: Mapping[str, Any], *, live: bool = False) -> None:
        """Tasks are made by ``Task.init``, ``Task.create``, ``Task.get_task`` or ``Task.clone``."""
        self._data = dict(data)
        self._live = live
        self._closed = False
        self._logger: Logger | None = None
        self._console_capture: Any = None
        self._capture_thread: threading.Thread | None = None
        self._connected: dict[str, Any] = {}
        self._monitor: Any = None  # the resource monitor of a live task, stopped at close
        self._remote: Any = None  # run by an agent: the values stored with the task (sdk/remote.py)

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.name!r} project={self.get_project_name()!r} status={self._data.get('status')}>"

    # -- in a notebook (the code lives in jupyter_ext.notebook, loaded only when displayed) --------
    def show(self) -> None:
        """Display the task's live scalar plot: new points stream in while it reports."""
        _notebook.show_task(self)

    def _ipython_display_(self) -> None:
        self.show()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return _notebook.task_bundle(self)

    # -- creating and finding tasks --------------------------------------------------------------
    @classmethod
    def init(
        cls,
        project_name: str | None = None,
        task_name: str | None = None,
        task_type: str | _TaskType = _TaskType.training,
        tags: Sequence[str] | None = None,
        reuse_last_task_id: bool | str = True,
        continue_last_task: bool | str | int = False,
        output_uri: str | bool | None = None,
        auto_connect_arg_parser: bool | Mapping[str, bool] = True,
        auto_connect_frameworks: bool | Mapping[str, Any] = True,
        auto_resource_monitoring: bool | Mapping[str, Any] = True,
        auto_connect_streams: bool | Mapping[str, bool] = True,
        deferred_init: bool = False,
    ) -> Task:
        """Create the task of this run (or return it, if this run already has one).

        >>> task = Task.init(project_name="Image Classification/Cats vs Dogs", task_name="Experiment 1",
        ...                  tags=["baseline"], task_type="training")

        A second ``Task.init`` with other names (say, in a notebook cell run again after an
        edit) closes the current task and starts a new one.

        ``auto_connect_frameworks`` (True, False, or ``{"matplotlib": False, "pytorch": "*.pt"}``)
        switches what the libraries you import report by themselves: figures, TensorBoard
        writes, boosting curves, model saves. ``auto_resource_monitoring`` (True, False, or
        ``{"report_frequency_sec": 30}``) reports CPU, memory, disk, network and GPU as
        ``:monitor:`` scalars until ``close()``.
        """
        ignored("Task.init", deferred_init=deferred_init)
        return init_flow.init_task(cls, project_name=project_name, task_name=task_name, task_type=task_type,
                                   tags=tags, reuse_last_task_id=reuse_last_task_id,
                                   continue_last_task=continue_last_task, output_uri=output_uri,
                                   auto_connect_arg_parser=auto_connect_arg_parser,
                                   auto_connect_streams=auto_connect_streams,
                                   auto_connect_frameworks=auto_connect_frameworks,
                                   auto_resource_monitoring=auto_resource_monitoring)

    @classmethod
    def current_task(cls) -> Task | None:
        """The task ``Task.init`` created in this process, or None. In a subprocess started while a
        task runs, that task (as in ClearML)."""
        task = session.main_task()
        if task is None:
            return init_flow.attach_to_parent(cls)
        return None if task._closed else task

    # -- what a task is --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The task's unique id, as the UI, the CLI and ``Task.get_task(task_id=...)`` know it."""
        return str(self._data["id"])

    @property
    def task_id(self) -> str:
        """The same as :attr:`id` (ClearML's spelling)."""
        return self.id

    @property
    def name(self) -> str:
        """The task's name. Assigning to it renames the task, as :meth:`set_name` does."""
        return str(self._data["name"])

    @name.setter
    def name(self, value: str) -> None:
        self.set_name(value)

    @property
    def comment(self) -> str:
        """The task's description ("" when it has none); :meth:`set_comment` changes it."""
        return str(self._data.get("comment") or "")

    @property
    def task_type(self) -> str:
        """The task's type as a string, e.g. ``"training"`` (one of the :class:`TaskTypes` values)."""
        return str(self._data["type"])

    @property
    def project(self) -> str:
        """The project's id (``get_project_name()`` gives its name)."""
        return str(self._data.get("project_id") or "")

    def get_project_name(self) -> str:
        """The name of the task's project, e.g. ``"Image Classification/Cats vs Dogs"``."""
        return str(self._data.get("project_name") or "")

    @property
    def status(self) -> str:
        """The task's status now, read from the store: the same as :meth:`get_status`."""
        return self.get_status()

    @property
    def parent(self) -> str | None:
        """The id of the task's parent (set by :meth:`set_parent` or ``Task.clone(parent=...)``), or None."""
        return self._data.get("parent_id")

    @property
    def data(self) -> dict[str, Any]:
        """Every stored field of the task, as a plain dict."""
        self._reload()
        return dict(self._data)

    @property
    def logger(self) -> Logger:
        """The task's :class:`Logger`, the same object as :meth:`get_logger` returns."""
        return self.get_logger()

    def get_logger(self) -> Logger:
        """The Logger that reports scalars, plots, images, tables and text to this task."""
        if self._logger is None:
            self._logger = Logger(self)
        return self._logger

    @staticmethod
    def running_locally() -> bool:
        """False when an agent runs this process for a task (``JUPYTER_TRACK_TASK_ID`` is set)."""
        from jupyter_ext.sdk.tasks.remote import remote_task_id

        return remote_task_id() is None

    def get_output_destination(self, extra_path: str | None = None, **_: Any) -> str:
        """Where the task's artifacts and models are stored: its ``output_uri``, else the
        ``default_output_uri`` setting, else "" (the tracker's own blob store).

        ``extra_path`` is joined to a non-empty destination with one "/":

        >>> task.get_output_destination(extra_path="checkpoints")
        's3://bucket/experiments/checkpoints'
        """
        base = str(self._data.get("output_uri") or session.config().default_output_uri or "")
        return base if not extra_path or not base else f"{base.rstrip('/')}/{extra_path.lstrip('/')}"

    @property
    def output_uri(self) -> str:
        """The task's storage destination (see :meth:`get_output_destination`). Assign a folder or a
        URI (``s3://…``) to send the artifacts and models stored from now on there."""
        return self.get_output_destination()

    @output_uri.setter
    def output_uri(self, value: str | bool) -> None:
        if value is True:  # as in Task.init: the default files store
            from jupyter_ext.sdk._transfers import store_destination

            value = store_destination()
        self._update(output_uri="" if value is False else str(value))

    # -- editing ---------------------------------------------------------------------------------
    def set_name(self, name: str) -> None:
        """Rename the task. The name must be a non-empty string (surrounding spaces are dropped)."""
        self._update(name=names.check_task_name(name))

    def set_comment(self, comment: str) -> None:
        """Replace the task's description (its comment): at most ``limits.COMMENT`` characters."""
        self._update(comment=limits.check_free_text(str(comment), "comment", limits.COMMENT))

    def set_task_type(self, task_type: str | _TaskType) -> None:
        """Change the task's type: a :class:`TaskTypes` member or its string, e.g. ``"testing"``.
        An unknown type raises ``InvalidArgument`` naming the known ones."""
        self._update(type=check_task_type(task_type))

    def set_parent(self, parent: Task | str | None) -> None:
        """Make ``parent`` (a Task or a task id) this task's parent; None removes the parent."""
        self._update(parent_id=parent.id if isinstance(parent, Task) else parent)

    def get_tags(self) -> list[str]:
        """The task's tags, in the order they were added."""
        return list(self._data.get("tags") or ())

    def set_tags(self, tags: Sequence[str]) -> None:
        """Replace the task's tags with ``tags`` (spaces around each are dropped, duplicates kept once)."""
        self._update(tags=list(names.check_tags(tags)))

    def add_tags(self, tags: Sequence[str] | str) -> None:
        """Add one tag or a list of tags, keeping the ones the task has.

        >>> task.add_tags(["baseline", "resnet50"])
        >>> task.add_tags("best")
        """
        self._update(tags=list(dict.fromkeys([*self.get_tags(), *names.check_tags(tags)])))

    def set_archived(self, archive: bool) -> None:
        """Archive the task (True) or take it out of the archive (False); nothing is deleted.
        A task that is running or queued cannot be archived: stop or dequeue it first."""
        _sync()
        self._data = session.backend().archive_task(self.id, bool(archive)).to_dict()

    def get_archived(self) -> bool:
        """True if the task is archived (as last read: :meth:`get_status` or :attr:`data` reload it)."""
        return bool(self._data.get("archived"))

    def move_to_project(self, new_project_id: str | None = None, new_project_name: str | None = None,
                        system_tags: Sequence[str] | None = None) -> bool:
        """Move the task to another project, given by id or by name (a project named that way is
        created if it does not exist yet). Returns True.

        >>> task.move_to_project(new_project_name="Image Classification/Archive")
        """
        ignored("Task.move_to_project", system_tags=system_tags)
        if not new_project_id and not new_project_name:
            raise InvalidArgument("move_to_project needs new_project_id= or new_project_name=")
        backend = session.backend()
        _sync()
        target = new_project_name
        if new_project_id:
            by_id = {p.id: p.name for p in backend.list_projects()}
            if new_project_id not in by_id:
                raise NotFound(f"no project with id {new_project_id!r}")
            target = by_id[new_project_id]
        assert target is not None
        self._data = backend.move_task(self.id, target).to_dict()
        return True

    def _update(self, **fields: Any) -> None:
        self._data.update(fields)
        if self._live and not self._closed:
            session.reporter().submit(session.backend().update_task, self.id, fields)
        else:
            self._data = session.backend().update_task(self.id, fields).to_dict()

    def _reload(self) -> None:
        _sync()
        self._data = session.backend().get_task(self.id).to_dict()

    def reload(self) -> None:
        """Read the task again from the store: what others changed since (its status set by an
        agent or the UI, its name, tags, comment, …) shows in ``task.status``, ``task.data`` and
        the rest. Parameters, configurations and results are read from the store at each call,
        so they are always current; this process's own pending reports are written first. Run by
        an agent, the stored values a later ``connect`` applies are read again too."""
        self._reload()
        if self._remote is not None:
            from jupyter_ext.sdk.tasks.remote import RemoteValues

            self._remote = RemoteValues.load(session.backend(), self.id)

    # -- status ----------------------------------------------------------------------------------
    def get_status(self) -> str:
        """The task's status now: created, queued, in_progress, stopped, completed, failed, published…"""
        self._reload()
        return str(self._data["status"])

    def get_status_message(self) -> str:
        """The message stored with the task's last status change, e.g. the one given to
        :meth:`mark_stopped` ("" when there is none). Read from the store."""
        self._reload()
        return str(self._data.get("status_message") or "")

    def _set_status(self, target: str, *, force: bool = False, message: str = "", reason: str = "") -> None:
        _sync()
        self._data = session.backend().set_task_status(self.id, target, force=force, message=message,
                                                       reason=reason).to_dict()

    def mark_started(self, force: bool = False) -> None:
        """Mark the task ``in_progress``. A change the status rules do not allow (say, from
        ``published``) raises ``Conflict``; ``force=True`` makes it anyway."""
        self._set_status(statuses.IN_PROGRESS, force=force)

    def mark_stopped(self, force: bool = False, status_message: str | None = None) -> None:
        """Mark the task stopped (aborted). Unlike ClearML, this never kills your kernel."""
        self._set_status(statuses.STOPPED, force=force, message=status_message or "")

    def mark_completed(self, ignore_errors: bool = True, status_message: str | None = None,
                       force: bool = False) -> None:
        """Mark the task completed. Unlike ClearML, this never kills the process or kernel."""
        ignored("Task.mark_completed", ignore_errors=ignore_errors)
        self._set_status(statuses.COMPLETED, force=force, message=status_message or "")

    def mark_failed(self, ignore_errors: bool = True, status_reason: str | None = None,
                    status_message: str | None = None, force: bool = False) -> None:
        """Mark the task failed, storing ``status_reason`` and ``status_message`` with it; the
        process and kernel go on. ``ignore_errors`` is accepted for ClearML code; a change the
        status rules do not allow (say, from ``completed``) raises ``Conflict`` unless ``force=True``."""
        ignored("Task.mark_failed", ignore_errors=ignore_errors)
        self._set_status(statuses.FAILED, force=force, message=status_message or "", reason=status_reason or "")

    def publish(self, ignore_errors: bool = True) -> None:
        """Publish the task: its results become final and read-only."""
        ignored("Task.publish", ignore_errors=ignore_errors)
        self._set_status(statuses.PUBLISHED)

    def started(self, ignore_errors: bool = True, force: bool = False) -> None:
        """The same as :meth:`mark_started` (ClearML's older spelling)."""
        ignored("Task.started", ignore_errors=ignore_errors)
        self.mark_started(force=force)

    def stopped(self, ignore_errors: bool = True, force: bool = False, status_reason: str | None = None,
                status_message: str | None = None) -> None:
        """Mark the task stopped, storing ``status_reason`` and ``status_message`` with it
        (ClearML's older spelling of :meth:`mark_stopped`). Never kills your kernel."""
        ignored("Task.stopped", ignore_errors=ignore_errors)
        self._set_status(statuses.STOPPED, force=force, message=status_message or "", reason=status_reason or "")

    def completed(self, ignore_errors: bool = True) -> None:
        """The same as :meth:`mark_completed` (ClearML's older spelling)."""
        ignored("Task.completed", ignore_errors=ignore_errors)
        self.mark_completed()

    def reset(self, set_started_on_success: bool = False, force: bool = False) -> None:
        """Back to draft with all results cleared; parameters and code stay."""
        _sync()
        self._data = session.backend().reset_task(self.id, force=force).to_dict()
        if set_started_on_success:
            self.mark_started()

    def delete(self, delete_artifacts_and_models: bool = True, skip_models_used_by_other_tasks: bool = True,
               raise_on_error: bool = False, callback: Any = None) -> bool:
        """Delete the task and its results. The models it made go too, except those another task
        uses as input; ``delete_artifacts_and_models=False`` keeps its models (their rows and files).
        ``callback(uri_type, uri)``, as in ClearML, is called for each artifact ("artifact") and
        model ("model") and decides instead: the models go only if it returns True for each of them.
        Artifacts' stored files stay until the store's garbage collection frees them."""
        ignored("Task.delete", skip_models_used_by_other_tasks=skip_models_used_by_other_tasks)
        delete_models = bool(delete_artifacts_and_models)
        if callback is not None:
            for artifact in self.artifacts.values():
                callback("artifact", artifact.url or "")
            answers = [bool(callback("model", model.url or "")) for model in self.models["output"]]
            delete_models = all(answers)
        if self._live and not self._closed:
            self._finish(statuses.STOPPED, timeout=session.config().exit_timeout)
        try:
            _sync()
            session.backend().delete_task(self.id, force=True, delete_models=delete_models)
        except Exception:
            if raise_on_error:
                raise
            return False
        return True

    def wait_for_status(self, status: Iterable[str] = (statuses.COMPLETED, statuses.STOPPED, statuses.CLOSED),
                        raise_on_status: Iterable[str] | None = (statuses.FAILED,),
                        check_interval_sec: float = 60.0) -> None:
        """Block until the task reaches one of ``status``; raise RuntimeError on ``raise_on_status``."""
        wanted = {str(s) for s in status}
        bad = {str(s) for s in (raise_on_status or ())}
        while True:
            now = self.get_status()
            if now in bad:
                raise RuntimeError(f"task {self.id} is {now}: {self._data.get('status_reason') or 'no reason given'}")
            if now in wanted:
                return
            time.sleep(max(0.05, float(check_interval_sec)))

    def flush(self, wait_for_uploads: bool = False) -> bool:
        """Hand everything reported so far (scalars, plots, console, artifacts, model metrics) to
        the store. Waits at most ``exit_timeout`` seconds (a setting), or with
        ``wait_for_uploads=True`` until every upload has finished. Returns False if not everything
        was written in time; the rest is still written in the background."""
        _hand_over_model_metrics()
        if not session.has_reporter():
            return True
        return session.reporter().flush(None if wait_for_uploads else session.config().exit_timeout)

    def close(self) -> bool:
        """Finish the run: write everything reported, and mark the task completed (or failed,
        if an exception is on its way out). The process and kernel go on. Returns False (after
        saying on stderr what was not stored) when something reported or the final status could
        not be stored; ClearML's returns None."""
        if self._closed:
            return True
        exc = session.exit_state["exception"]
        target = statuses.FAILED if exc is not None else statuses.COMPLETED
        reason = f"Exception: {type(exc).__name__}: {exc}" if exc is not None else ""
        return self._finish(target, reason=reason, timeout=session.config().exit_timeout)

    def _finish(self, target: str, *, reason: str = "", timeout: float = 5.0) -> bool:
        """True when everything reported and the final status were stored."""
        if self._closed:
            return True
        if session.is_borrowed(self):  # the process that owns it finishes it; this one writes what it reported
            return not session.has_reporter() or session.reporter().flush(timeout)
        self._close_artifacts()  # last sync of registered artifacts; waits for uploads in flight
        deadline = time.monotonic() + timeout
        init_flow.stop_capture(self, timeout=max(0.0, deadline - time.monotonic()))
        _hand_over_model_metrics()
        rep = session.reporter()
        rep.beating.discard(self.id)
        stored = rep.flush(timeout=max(0.0, deadline - time.monotonic()))
        if not stored:
            print(f"jupyter-track: task {self.id}: not everything reported could be stored within {timeout:.0f} s"
                  + (f" ({'; '.join(rep.errors[-3:])})" if rep.errors else ""), file=sys.stderr)
        self._closed = True
        if session.main_task() is self:
            session.set_main_task(None)
        if rep.offline:  # one try, bounded: a server back by now gets the spool and the status
            rep.try_backend_now(max(0.0, deadline - time.monotonic()))
        if rep.offline:  # no round trip to a server known to be away: the status waits in the spool
            rep.submit(session.backend().set_task_status, self.id, target, reason=reason)
            stored = rep.flush(timeout=max(0.0, deadline - time.monotonic())) and stored
            self._data["status"] = target
            return stored
        try:
            current = session.backend().get_task(self.id)
            if current.status == statuses.IN_PROGRESS:
                current = session.backend().set_task_status(self.id, target, reason=reason)
            self._data = current.to_dict()
            init_flow.remember_for_reuse(self)
        except Exception as exc:  # noqa: BLE001 - the process is ending or the store is gone: say so, do not hang
            rep.note_lost(f"task {self.id}: its status {target!r} was not recorded: {exc}")
            return False
        return stored

    # -- iterations ------------------------------------------------------------------------------
    def set_initial_iteration(self, offset: int = 0) -> int:
        """Add ``offset`` to the iteration of every scalar reported from now on (for a continued
        run that restarts counting at 0). Returns the offset. See :meth:`Logger.set_initial_iteration`."""
        return self.get_logger().set_initial_iteration(offset)

    def get_initial_iteration(self) -> int:
        """The offset :meth:`set_initial_iteration` set (0 by default)."""
        return self.get_logger().get_initial_iteration()

    def get_last_iteration(self) -> int:
        """The highest iteration reported so far (scalars and plots), read from the store; 0 before
        anything was reported."""
        self._reload()
        return int(self._data.get("last_iteration") or 0)


def _hand_over_model_metrics() -> None:
    """Metrics reported on models wait in memory for a batch; a task's flush or close writes
    them too. Only when some were reported: the module is not loaded otherwise."""
    metrics = sys.modules.get("jupyter_ext.sdk.models.metrics")
    if metrics is not None:
        metrics.pending.hand_over()
