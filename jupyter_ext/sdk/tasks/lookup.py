"""Making and finding tasks: ``Task.create``, ``get_task``, ``get_tasks``, ``query_tasks``, ``clone``."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from jupyter_ext.core.rules import names
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.core.rules.task_types import DEFAULT_TASK_TYPE, check_task_type
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.tasks._host import TaskPart

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task


def sync() -> None:
    """Let reads see this process's own writes: hand pending reports to the store first."""
    if session.has_reporter():
        session.reporter().flush()


_sync = sync


_T = TypeVar("_T", bound="TaskLookup")


class TaskLookup(TaskPart):
    @classmethod
    def create(
        cls: type[_T],
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
    ) -> _T:
        """A new draft task (status ``created``) describing code to run later, e.g. by an agent."""
        ignored("Task.create", force_single_script_file=force_single_script_file, detect_repository=detect_repository)
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
        cls: type[_T],
        task_id: str | None = None,
        project_name: str | None = None,
        task_name: str | None = None,
        tags: Sequence[str] | None = None,
        allow_archived: bool = True,
        task_filter: Mapping[str, Any] | None = None,
    ) -> _T:
        """A task by id, or the newest task named exactly ``task_name`` in ``project_name``.

        As in ClearML, the name is matched whole (``"base"`` does not find ``"base 0"``; use
        :meth:`get_tasks` for a regex) and a task that is not archived wins over an archived one."""
        _sync()
        backend = session.backend()
        if task_id:
            return cls(backend.get_task(task_id).to_dict())
        if not project_name and not task_name:
            raise InvalidArgument("Task.get_task needs task_id=, or project_name= and/or task_name=")
        exact = f"^{re.escape(task_name)}$" if task_name else None
        rows = backend.query_tasks(project_name=project_name, task_name=exact, tags=tags,
                                   include_archived=False, limit=1, **_filter_args(task_filter))
        if not rows and allow_archived:
            rows = backend.query_tasks(project_name=project_name, task_name=exact, tags=tags,
                                       include_archived=True, limit=1, **_filter_args(task_filter))
        if not rows:
            raise NotFound(f"no task named {task_name!r} in project {project_name!r}")
        return cls(rows[0].to_dict())

    @classmethod
    def get_tasks(
        cls: type[_T],
        task_ids: Sequence[str] | None = None,
        project_name: Sequence[str] | str | None = None,
        task_name: str | None = None,
        tags: Sequence[str] | None = None,
        allow_archived: bool = True,
        task_filter: Mapping[str, Any] | None = None,
    ) -> list[_T]:
        """Tasks matching every filter, newest first (at most 500; ``query_tasks`` has no limit)."""
        _sync()
        filters = _filter_args(task_filter)
        filters.setdefault("limit", 500)
        rows = session.backend().query_tasks(task_ids=task_ids, project_name=project_name, task_name=task_name,
                                             tags=tags, include_archived=allow_archived, **filters)
        return [cls(r.to_dict()) for r in rows]

    @classmethod
    def query_tasks(
        cls: type[_T],
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
    def clone(cls: type[_T], source_task: Task | str | None = None, name: str | None = None, comment: str | None = None,
              parent: str | None = None, project: str | None = None) -> _T:
        """A new draft with the source's parameters, configuration and code, and no results.
        ``project`` may be a project id or name."""
        if source_task is None:
            source_task = session.main_task()
            if source_task is None:
                raise InvalidArgument("Task.clone needs source_task= (a Task or a task id)")
        source_id = source_task.id if isinstance(source_task, cls) else str(source_task)
        _sync()
        backend = session.backend()
        project_name = None
        if project:
            by_id = {p.id: p.name for p in backend.list_projects()}
            project_name = by_id.get(project, project)
        row = backend.clone_task(source_id, name=name, comment=comment, parent_id=parent, project=project_name)
        return cls(row.to_dict())



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
