"""Task: one experiment. ``Task.init`` starts tracking the running script or notebook.

``Task.init`` returns in milliseconds: the task id is made here, and creating the row,
opening the store and capturing the environment all happen on background threads.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..core import names, status as statuses
from ..core.task_types import DEFAULT_TASK_TYPE, check_task_type
from ..errors import InvalidArgument, NotFound
from . import argparse_hook, init_flow, session  # argparse_hook: parse_args before Task.init is seen too
from .enums import TaskStatusEnum, TaskTypes
from .enums import TaskTypes as _TaskType
from .logger import Logger
from .task_artifacts import ArtifactsMixin
from .task_models import ModelsMixin
from .task_params import ParametersMixin
from .task_results import ResultsMixin

_FINISHED = (statuses.COMPLETED, statuses.FAILED, statuses.STOPPED, statuses.PUBLISHED, statuses.CLOSED)


class Task(ParametersMixin, ResultsMixin, ModelsMixin, ArtifactsMixin):
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

    def __repr__(self) -> str:
        return f"<Task {self.id} {self.name!r} project={self.get_project_name()!r} status={self._data.get('status')}>"

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
        """
        return init_flow.init_task(cls, project_name=project_name, task_name=task_name, task_type=task_type,
                                   tags=tags, reuse_last_task_id=reuse_last_task_id,
                                   continue_last_task=continue_last_task, output_uri=output_uri,
                                   auto_connect_arg_parser=auto_connect_arg_parser,
                                   auto_connect_streams=auto_connect_streams)

    @classmethod
    def current_task(cls) -> Task | None:
        """The task ``Task.init`` created in this process, or None."""
        task = session.main_task()
        return None if task is None or task._closed else task

    @classmethod
    def create(
        cls,
        project_name: str | None = None,
        task_name: str | None = None,
        task_type: str | None = None,
        repo: str | None = None,
        branch: str | None = None,
        commit: str | None = None,
        script: str | None = None,
        working_directory: str | None = None,
        packages: bool | Sequence[str] | None = None,
        requirements_file: str | os.PathLike[str] | None = None,
        docker: str | None = None,
        docker_args: str | None = None,
        docker_bash_setup_script: str | None = None,
        argparse_args: Sequence[tuple[str, str]] | None = None,
        base_task_id: str | None = None,
        add_task_init_call: bool = True,
        force_single_script_file: bool = False,
        binary: str | None = None,
        module: str | None = None,
        detect_repository: bool = True,
    ) -> Task:
        """A new draft task (status ``created``) describing code to run later, e.g. by an agent."""
        backend = session.backend()
        if base_task_id:
            row = backend.clone_task(base_task_id, name=task_name, project=project_name)
            return cls(row.to_dict())
        if script is not None and repo is None and not os.path.exists(script):
            raise InvalidArgument(f"script {script!r} does not exist; give a path to a .py file (or repo= and script=)")
        requirements: list[str] = []
        if requirements_file is not None:
            with open(requirements_file, encoding="utf-8") as fh:
                requirements = [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]
        elif isinstance(packages, (list, tuple)):
            requirements = [str(p) for p in packages]
        script_info = {
            "repository": repo or "", "branch": branch or "", "version_num": commit or "",
            "entry_point": script or module or "", "working_dir": working_directory or ".",
            "binary": binary or "python3", "requirements": requirements, "module": module or "",
            "add_task_init_call": add_task_init_call,
            "container": {"image": docker or "", "arguments": docker_args or "",
                          "setup_shell_script": docker_bash_setup_script or ""},
        }
        if script and os.path.exists(script) and not repo:
            with open(script, encoding="utf-8", errors="replace") as fh:
                script_info["diff"] = fh.read()
            script_info["entry_point"] = os.path.basename(script)
            script_info["working_dir"] = working_directory or os.path.dirname(os.path.abspath(script))
        spec = {
            "project": names.normalize_project_name(project_name) if project_name else names.DEFAULT_PROJECT,
            "name": names.check_task_name(task_name or (os.path.basename(script) if script else "Untitled")),
            "type": check_task_type(task_type or DEFAULT_TASK_TYPE), "status": statuses.CREATED,
            "user": session.getpid_user(), "script": script_info,
        }
        task = cls(backend.create_task(spec).to_dict())
        if argparse_args:
            task.set_parameters({f"Args/{k.lstrip('-')}": v for k, v in argparse_args})
        return task

    @classmethod
    def get_task(
        cls,
        task_id: str | None = None,
        project_name: str | None = None,
        task_name: str | None = None,
        tags: Sequence[str] | None = None,
        allow_archived: bool = True,
        task_filter: Mapping[str, Any] | None = None,
    ) -> Task:
        """A task by id, or the newest task whose name matches ``task_name`` (a regex; use
        ``^name$`` for an exact match) in ``project_name``."""
        _sync()
        backend = session.backend()
        if task_id:
            return cls(backend.get_task(task_id).to_dict())
        if not project_name and not task_name:
            raise InvalidArgument("Task.get_task needs task_id=, or project_name= and/or task_name=")
        rows = backend.query_tasks(project_name=project_name, task_name=task_name, tags=tags,
                                   include_archived=allow_archived, limit=1, **_filter_args(task_filter))
        if not rows:
            raise NotFound(f"no task named {task_name!r} in project {project_name!r}")
        return cls(rows[0].to_dict())

    @classmethod
    def get_tasks(
        cls,
        task_ids: Sequence[str] | None = None,
        project_name: Sequence[str] | str | None = None,
        task_name: str | None = None,
        tags: Sequence[str] | None = None,
        allow_archived: bool = True,
        task_filter: Mapping[str, Any] | None = None,
    ) -> list[Task]:
        """Tasks matching every filter, newest first (at most 500; ``query_tasks`` has no limit)."""
        _sync()
        filters = _filter_args(task_filter)
        filters.setdefault("limit", 500)
        rows = session.backend().query_tasks(task_ids=task_ids, project_name=project_name, task_name=task_name,
                                             tags=tags, include_archived=allow_archived, **filters)
        return [cls(r.to_dict()) for r in rows]

    @classmethod
    def query_tasks(
        cls,
        project_name: Sequence[str] | str | None = None,
        task_name: str | None = None,
        tags: Sequence[str] | None = None,
        additional_return_fields: Sequence[str] | None = None,
        task_filter: Mapping[str, Any] | None = None,
    ) -> list[str] | list[dict[str, Any]]:
        """Task ids matching the filters; with ``additional_return_fields``, dicts with those fields."""
        _sync()
        rows = session.backend().query_tasks(project_name=project_name, task_name=task_name, tags=tags,
                                             **_filter_args(task_filter))
        if not additional_return_fields:
            return [r.id for r in rows]
        out = []
        for r in rows:
            d = r.to_dict()
            missing = [f for f in additional_return_fields if f not in d]
            if missing:
                raise InvalidArgument(f"unknown task fields {missing}; known fields: {', '.join(sorted(d))}")
            out.append({"id": r.id, **{f: d[f] for f in additional_return_fields}})
        return out

    @classmethod
    def clone(cls, source_task: Task | str | None = None, name: str | None = None, comment: str | None = None,
              parent: str | None = None, project: str | None = None) -> Task:
        """A new draft with the source's parameters, configuration and code, and no results.
        ``project`` may be a project id or name."""
        if source_task is None:
            source_task = session.main_task()
            if source_task is None:
                raise InvalidArgument("Task.clone needs source_task= (a Task or a task id)")
        source_id = source_task.id if isinstance(source_task, Task) else str(source_task)
        _sync()
        backend = session.backend()
        project_name = None
        if project:
            by_id = {p.id: p.name for p in backend.list_projects()}
            project_name = by_id.get(project, project)
        row = backend.clone_task(source_id, name=name, comment=comment, parent_id=parent, project=project_name)
        return cls(row.to_dict())

    # -- what a task is --------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return str(self._data["id"])

    @property
    def task_id(self) -> str:
        return self.id

    @property
    def name(self) -> str:
        return str(self._data["name"])

    @name.setter
    def name(self, value: str) -> None:
        self.set_name(value)

    @property
    def comment(self) -> str:
        return str(self._data.get("comment") or "")

    @property
    def task_type(self) -> str:
        return str(self._data["type"])

    @property
    def project(self) -> str:
        """The project's id (``get_project_name()`` gives its name)."""
        return str(self._data.get("project_id") or "")

    def get_project_name(self) -> str:
        return str(self._data.get("project_name") or "")

    @property
    def status(self) -> str:
        return self.get_status()

    @property
    def parent(self) -> str | None:
        return self._data.get("parent_id")

    @property
    def data(self) -> dict[str, Any]:
        """Every stored field of the task, as a plain dict."""
        self._reload()
        return dict(self._data)

    @property
    def logger(self) -> Logger:
        return self.get_logger()

    def get_logger(self) -> Logger:
        """The Logger that reports scalars, plots, images, tables and text to this task."""
        if self._logger is None:
            self._logger = Logger(self)
        return self._logger

    @staticmethod
    def running_locally() -> bool:
        return not os.environ.get("JUPYTER_TRACK_TASK_ID")

    def get_output_destination(self, extra_path: str | None = None, **_: Any) -> str:
        base = str(self._data.get("output_uri") or session.config().default_output_uri or "")
        return base if not extra_path or not base else f"{base.rstrip('/')}/{extra_path.lstrip('/')}"

    @property
    def output_uri(self) -> str:
        return self.get_output_destination()

    @output_uri.setter
    def output_uri(self, value: str) -> None:
        self._update(output_uri=str(value))

    # -- editing ---------------------------------------------------------------------------------
    def set_name(self, name: str) -> None:
        self._update(name=names.check_task_name(name))

    def set_comment(self, comment: str) -> None:
        self._update(comment=str(comment))

    def set_task_type(self, task_type: str | _TaskType) -> None:
        self._update(type=check_task_type(task_type))

    def set_parent(self, parent: Task | str | None) -> None:
        self._update(parent_id=parent.id if isinstance(parent, Task) else parent)

    def get_tags(self) -> list[str]:
        return list(self._data.get("tags") or ())

    def set_tags(self, tags: Sequence[str]) -> None:
        self._update(tags=list(names.check_tags(tags)))

    def add_tags(self, tags: Sequence[str] | str) -> None:
        self._update(tags=list(dict.fromkeys([*self.get_tags(), *names.check_tags(tags)])))

    def set_archived(self, archive: bool) -> None:
        _sync()
        self._data = session.backend().archive_task(self.id, bool(archive)).to_dict()

    def get_archived(self) -> bool:
        return bool(self._data.get("archived"))

    def move_to_project(self, new_project_id: str | None = None, new_project_name: str | None = None,
                        system_tags: Sequence[str] | None = None) -> bool:
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

    # -- status ----------------------------------------------------------------------------------
    def get_status(self) -> str:
        """The task's status now: created, queued, in_progress, stopped, completed, failed, published…"""
        self._reload()
        return str(self._data["status"])

    def get_status_message(self) -> str:
        self._reload()
        return str(self._data.get("status_message") or "")

    def _set_status(self, target: str, *, force: bool = False, message: str = "", reason: str = "") -> None:
        _sync()
        self._data = session.backend().set_task_status(self.id, target, force=force, message=message,
                                                       reason=reason).to_dict()

    def mark_started(self, force: bool = False) -> None:
        self._set_status(statuses.IN_PROGRESS, force=force)

    def mark_stopped(self, force: bool = False, status_message: str | None = None) -> None:
        """Mark the task stopped (aborted). Unlike ClearML, this never kills your kernel."""
        self._set_status(statuses.STOPPED, force=force, message=status_message or "")

    def mark_completed(self, ignore_errors: bool = True, status_message: str | None = None,
                       force: bool = False) -> None:
        """Mark the task completed. Unlike ClearML, this never kills the process or kernel."""
        self._set_status(statuses.COMPLETED, force=force, message=status_message or "")

    def mark_failed(self, ignore_errors: bool = True, status_reason: str | None = None,
                    status_message: str | None = None, force: bool = False) -> None:
        self._set_status(statuses.FAILED, force=force, message=status_message or "", reason=status_reason or "")

    def publish(self, ignore_errors: bool = True) -> None:
        """Publish the task: its results become final and read-only."""
        self._set_status(statuses.PUBLISHED)

    def started(self, ignore_errors: bool = True, force: bool = False) -> None:
        self.mark_started(force=force)

    def stopped(self, ignore_errors: bool = True, force: bool = False, status_reason: str | None = None,
                status_message: str | None = None) -> None:
        self._set_status(statuses.STOPPED, force=force, message=status_message or "", reason=status_reason or "")

    def completed(self, ignore_errors: bool = True) -> None:
        self.mark_completed()

    def reset(self, set_started_on_success: bool = False, force: bool = False) -> None:
        """Back to draft with all results cleared; parameters and code stay."""
        _sync()
        self._data = session.backend().reset_task(self.id, force=force).to_dict()
        if set_started_on_success:
            self.mark_started()

    def delete(self, delete_artifacts_and_models: bool = True, skip_models_used_by_other_tasks: bool = True,
               raise_on_error: bool = False, callback: Any = None) -> bool:
        """Delete the task and everything it owns; its stored files become garbage to collect."""
        if self._live and not self._closed:
            self._finish(statuses.STOPPED, timeout=session.config().exit_timeout)
        try:
            _sync()
            session.backend().delete_task(self.id, force=True)
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
        if not session.has_reporter():
            return True
        return session.reporter().flush(None if wait_for_uploads else session.config().exit_timeout)

    def close(self) -> None:
        """Finish the run: write everything reported, and mark the task completed (or failed,
        if an exception is on its way out). The process and kernel go on."""
        if self._closed:
            return
        exc = session.exit_state["exception"]
        target = statuses.FAILED if exc is not None else statuses.COMPLETED
        reason = f"Exception: {type(exc).__name__}: {exc}" if exc is not None else ""
        self._finish(target, reason=reason, timeout=session.config().exit_timeout)

    def _finish(self, target: str, *, reason: str = "", timeout: float = 5.0) -> None:
        if self._closed:
            return
        self._close_artifacts()  # last sync of registered artifacts; waits for uploads in flight
        deadline = time.monotonic() + timeout
        init_flow.stop_capture(self, timeout=max(0.0, deadline - time.monotonic()))
        rep = session.reporter()
        if not rep.flush(timeout=max(0.0, deadline - time.monotonic())):
            print(f"jupyter-track: task {self.id}: not everything reported could be stored within {timeout:.0f} s",
                  file=sys.stderr)
        self._closed = True
        if session.main_task() is self:
            session.set_main_task(None)
        try:
            current = session.backend().get_task(self.id)
            if current.status == statuses.IN_PROGRESS:
                current = session.backend().set_task_status(self.id, target, reason=reason)
            self._data = current.to_dict()
            init_flow.remember_for_reuse(self)
        except Exception as exc:  # the process is ending or the store is gone: say so, do not hang
            print(f"jupyter-track: task {self.id}: could not record status {target!r}: {exc}", file=sys.stderr)

    # -- iterations ------------------------------------------------------------------------------
    def set_initial_iteration(self, offset: int = 0) -> int:
        return self.get_logger().set_initial_iteration(offset)

    def get_initial_iteration(self) -> int:
        return self.get_logger().get_initial_iteration()

    def get_last_iteration(self) -> int:
        self._reload()
        return int(self._data.get("last_iteration") or 0)


def _sync() -> None:
    """Let reads see this process's own writes: hand pending reports to the store first."""
    if session.has_reporter():
        session.reporter().flush()


def _filter_args(task_filter: Mapping[str, Any] | None) -> dict[str, Any]:
    if not task_filter:
        return {}
    out: dict[str, Any] = {}
    known = {"status", "type", "order_by", "page", "page_size", "tags", "system_tags"}
    unknown = set(task_filter) - known
    if unknown:
        raise InvalidArgument(f"unsupported task_filter keys {sorted(unknown)}; supported: {sorted(known)}")
    if "status" in task_filter:
        out["statuses"] = [str(s) for s in _as_list(task_filter["status"])]
    if "type" in task_filter:
        out["types"] = [str(t) for t in _as_list(task_filter["type"])]
    order = _as_list(task_filter.get("order_by") or ["-created"])[0]
    if order not in ("-created", "created", "-last_update", "last_update"):
        raise InvalidArgument("task_filter order_by supports '-created' and 'created'")
    out["newest_first"] = str(order).startswith("-")
    if "page_size" in task_filter:
        size = int(task_filter["page_size"])
        out["limit"] = size
        out["offset"] = int(task_filter.get("page", 0)) * size
    return out


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple, set)) else [value]
