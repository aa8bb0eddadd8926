"""What every route needs, and the one check each request passes through before its operation.

Each route of the table (wire/routes.py) is declared here with the role it needs on the project
its path names (``task_id``, ``model_id``, ``dataset_id``, ``project_id``), or with what else
decides: the project a body names, every task an events batch names, a server administrator.
A route missing here is refused outright, and a test built from the route table fails, so a
new route cannot slip past. Lists are filtered to the projects the caller may see. The acts
worth an audit line (deleting, publishing, moving, sharing, keys, users) are declared here too.
"""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from jupyter_ext import errors
from jupyter_ext.core import access

if TYPE_CHECKING:
    from jupyter_ext.server.call import Call
    from jupyter_ext.wire.routes import Route


@dataclasses.dataclass(frozen=True)
class Need:
    role: str  # any | viewer | editor | admin | server-admin | agent
    on: str = "path"  # path | none | body_project | body_tasks | query_tasks | query_pair | list | result | queues
    audit: str = ""  # the audit action recorded when the route succeeds


_ANY, _V, _E, _A = Need("any", "none"), Need("viewer"), Need("editor"), Need("admin")
_SERVER = Need("server-admin", "none")
_LIST = Need("any", "list")
_AGENT = Need("agent", "none")

NEEDS: dict[str, Need] = {
    # auth and meta
    "issue_token": _ANY, "whoami": _ANY, "where": _ANY, "openapi": _ANY, "changes": _ANY, "list_changes": _ANY,
    "collect_garbage": dataclasses.replace(_SERVER, audit="admin.gc"),
    "sync_import": dataclasses.replace(_SERVER, audit="admin.sync_import"),
    "list_users": _ANY, "create_user": dataclasses.replace(_SERVER, audit=""),  # core/users.py audits
    "update_user": _SERVER, "get_audit": _SERVER,
    # projects
    "list_projects": _LIST, "create_project": Need("editor", "body_project"),
    "update_project": Need("admin", audit="project.update"), "delete_project": Need("admin", audit="project.delete"),
    "get_project_access": _V, "set_project_access": _A,  # core/access.py audits
    # tasks
    "list_tasks": _LIST, "count_task_statuses": _LIST, "list_task_columns": _LIST, "search": _LIST,
    "create_task": Need("editor", "body_project"), "get_task": _V, "update_task": _E,
    "delete_task": Need("editor", audit="task.delete"), "clone_task": _E, "reset_task": _E,
    "publish_task": Need("editor", audit="task.publish"), "archive_task": _E, "unarchive_task": _E,
    "set_task_status": Need("agent"), "move_task": Need("editor", audit="task.move"), "is_task_reusable": _V,
    "get_parameters": _V, "set_parameters": _E, "get_configurations": _V, "set_configuration": _E,
    # queues and workers
    "enqueue_task": _E, "dequeue_task": _E, "abort_task": _E,
    "list_queues": Need("any", "queues"),
    "create_queue": dataclasses.replace(_SERVER, audit="queue.create"), "pop_next_task": _AGENT,
    "get_queue": Need("any", "queues"),
    "delete_queue": dataclasses.replace(_SERVER, audit="queue.delete"), "move_queue_entry": _E,
    "list_workers": _ANY, "register_worker": _AGENT, "worker_heartbeat": _AGENT, "unregister_worker": _AGENT,
    # results
    "write_events": Need("agent", "body_tasks"), "write_task_events": Need("agent"), "get_scalars": _V,
    "compare_scalars": Need("viewer", "query_tasks"), "get_last_metrics": _V, "get_single_values": _V,
    "get_plots": _V, "get_debug_samples": _V, "get_console": _V,
    # notebooks: execution history, snapshot versions, opening and re-running a run's notebook
    "record_cell_run": Need("agent"), "get_cell_runs": _V, "add_notebook_snapshot": Need("agent"),
    "get_notebook_snapshots": _V, "get_notebook_snapshot": _V, "get_notebook_provenance": _V,
    "open_notebook": _V, "rerun_notebook": _E, "diff_notebooks": Need("viewer", "query_pair"),
    # blobs are named by their sha256: knowing it is the capability (nothing lists them)
    "has_blob": _ANY, "get_blob": _ANY, "put_blob": _AGENT,
    "get_artifacts": _V, "put_artifact": Need("agent"), "remove_artifact": Need("editor", audit="artifact.remove"),
    # models
    "get_task_models": _V, "link_task_model": Need("agent"), "list_models": _LIST, "query_models": _LIST,
    "find_model": Need("any", "result"), "create_model": Need("agent", "body_project"), "get_model": _V,
    "update_model": _E, "remove_model": Need("editor", audit="model.remove"), "set_model_metadata": _E,
    "get_model_versions": _V, "add_model_version": Need("agent"),
    "publish_model": Need("editor", audit="model.publish"), "archive_model": _E, "get_model_metrics": _V,
    "report_model_metrics": Need("agent"),
    # pipelines
    "list_pipelines": _LIST, "get_pipeline": _V,
    # datasets
    "list_datasets": _LIST, "query_datasets": _LIST, "find_dataset": Need("any", "result"),
    "create_dataset": Need("editor", "body_project"), "squash_datasets": Need("editor", "body_project"),
    "get_dataset": _V, "update_dataset": _E, "delete_dataset": Need("editor", audit="dataset.delete"),
    "get_dataset_files": _V, "add_dataset_files": _E, "remove_dataset_files": _E, "get_removed_dataset_files": _V,
    "get_pending_dataset_uploads": _V, "mark_dataset_files_stored": _E,
    "finalize_dataset": Need("editor", audit="dataset.finalize"), "move_dataset": Need("editor", audit="dataset.move"),
    "get_dataset_graph": _V, "diff_datasets": _V,
}

_DOING = {"viewer": "read it", "editor": "change it", "admin": "administer it", "agent": "report to it"}


def caller_of(call: Call) -> access.Caller:
    return access.Caller(name=call.user.username, scope=getattr(call.user, "scope", "full"))


def check_caller(meta: Any, user: Any, route: Route) -> None:
    """The check of a route that names no project (blobs, the change feed), for a handler of its own."""
    from jupyter_ext.server.call import as_principal

    need = need_of(route)
    principal = as_principal(user)
    access.require(meta, access.Caller(name=principal.username, scope=principal.scope), None, need.role,
                   f"{route.method} {route.path}")


def need_of(route: Route) -> Need:
    found = NEEDS.get(route.name)
    if found is None:  # a route nobody declared is nobody's to call
        raise errors.Forbidden(f"route {route.name} declares no permission; it is refused until it does")
    return found


def check(call: Call, route: Route) -> str | None:
    """Refuse the call (403 naming the role needed) unless the caller may make it. Runs off the event
    loop, before the operation. Returns the name of a top-level project the call will create (its
    creator becomes its admin: :func:`after`)."""
    need = need_of(route)
    meta = call.backend.store
    caller = caller_of(call)
    doing = f"{route.method} {route.path}"
    if caller.scope == "full" and need.role != "server-admin" and not access.index(meta).teams:
        return None  # a personal store (no users): every full key may do everything; nothing to look up
    if need.on in ("none", "list", "result", "queues"):
        access.require(meta, caller, None, need.role, doing)
        return None
    if need.on == "body_project":
        name = call.b("name" if route.name == "create_project" else "project", kind=str) or _default_project()
        nearest = access.nearest_project(meta, name)
        if nearest is None:  # a new project at the top of the tree: any member may start one
            access.require(meta, caller, None, "member", doing)
            _check_also(call, route, caller, doing)
            return name
        access.require(meta, caller, nearest, need.role, doing)
        _check_also(call, route, caller, doing)
        return None
    for project_id in _projects(call, route):
        access.require(meta, caller, project_id, need.role, doing)
    _check_also(call, route, caller, doing)
    return None


# What a body names besides the route's own project, and the role it needs there: the sources of a
# squash, the model a task is linked to, must be readable by the caller.
_ALSO = {"squash_datasets": ("dataset_ids", "dataset"), "link_task_model": ("model_id", "model")}


def _check_also(call: Call, route: Route, caller: access.Caller, doing: str) -> None:
    found = _ALSO.get(route.name)
    if found is None:
        return
    field, kind = found
    value = call.body.get(field)
    for ident in value if isinstance(value, list) else [value] if value else []:
        access.require(call.backend.store, caller, access.project_of(call.backend.store, kind, str(ident)),
                       "viewer", doing)


def _projects(call: Call, route: Route) -> list[str | None]:
    meta = call.backend.store
    need = need_of(route)
    if need.on == "body_tasks":
        return [access.project_of(meta, "task", t) for t in _tasks_in_batch(call.body)]
    if need.on == "query_tasks":
        return [access.project_of(meta, "task", t) for t in call.q_list("tasks") or []]
    if need.on == "query_pair":  # notebooks/diff: both runs must be readable
        return [access.project_of(meta, "task", t) for t in (call.q("a"), call.q("b")) if t]
    found: list[str | None] = []
    for param, kind in (("task_id", "task"), ("model_id", "model"), ("dataset_id", "dataset"),
                        ("other_id", "dataset"), ("project_id", "project")):
        if param in call.path:
            found.append(access.project_of(meta, kind, call.path[param]))
    if route.name in ("move_task", "move_dataset", "clone_task") and call.b("project", kind=str):
        found.append(access.nearest_project(meta, call.b("project", kind=str)))  # editor at the destination too
    if not found:
        raise errors.Forbidden(f"route {route.name} names no project to check access on")
    return found


def _default_project() -> str:
    from jupyter_ext.core.rules.names import DEFAULT_PROJECT

    return DEFAULT_PROJECT


def _tasks_in_batch(body: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for value in body.values():
        if isinstance(value, list):
            found.update(str(item["task_id"]) for item in value if isinstance(item, dict) and item.get("task_id"))
    return found


def filter_answer(call: Call, route: Route, answer: Any) -> Any:
    """A list shows only what the caller may see; a found row must be visible."""
    need = need_of(route)
    if need.on not in ("list", "result", "queues"):
        return answer
    visible = access.visible_projects(call.backend.store, caller_of(call))
    if visible is None:
        return answer
    if need.on == "queues":  # a queue is the server's; the tasks waiting in it are their projects'
        names = access.project_names(call.backend.store, visible)
        queues = answer.get("items") if isinstance(answer, dict) and "items" in answer else None
        for queue in queues if queues is not None else [answer]:
            if isinstance(queue, dict) and isinstance(queue.get("entries"), list):
                queue["entries"] = [e for e in queue["entries"] if e.get("project") in names]
                queue["num_entries"] = len(queue["entries"])
        return answer
    if need.on == "result":
        project_id = answer.get("project_id") if isinstance(answer, dict) else None
        if project_id is not None and project_id not in visible:
            raise errors.NotFound(f"nothing matches in the projects {call.user.username} may see")
        return answer
    if isinstance(answer, dict) and isinstance(answer.get("items"), list):
        items = [i for i in answer["items"] if not isinstance(i, dict) or _visible(i, visible)]
        dropped = len(answer["items"]) - len(items)
        return {**answer, "items": items, "total": max(0, int(answer.get("total", len(items))) - dropped)}
    return answer


def _visible(item: dict[str, Any], visible: frozenset[str]) -> bool:
    project_id = item.get("project_id", item.get("id") if "path" in item else None)
    return project_id is None or project_id in visible


def after(call: Call, route: Route, new_top_project: str | None) -> None:
    """Once the operation succeeded: the creator of a new top-level project becomes its admin, and
    an audited act gets its line."""
    need = need_of(route)
    meta = call.backend.store
    if new_top_project is not None and call.user.vouched:
        from jupyter_ext.core.rules.names import normalize_project_name

        access.adopt_project(meta, normalize_project_name(new_top_project).split("/")[0], call.user.username)
    if not need.audit:
        return
    from jupyter_ext.core import audit

    target = "/".join(call.path.values()) or route.path
    detail: dict[str, Any] = {}
    if route.body == "json" and call.body_bytes.strip():
        detail = {k: v for k, v in call.body.items() if isinstance(v, str | int | float | bool)}
    detail.update({k: v[-1].decode("utf-8", "replace") for k, v in call.query.items() if k in ("force",)})
    audit.record(meta, call.user.username, need.audit, target, **detail)
