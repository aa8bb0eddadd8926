"""Operations on projects, tasks, parameters and configurations: parse, call the backend
(``core/`` underneath), serialise."""
from __future__ import annotations

import re
from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call, Reply
from jupyter_ext.wire import codec


def list_projects(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import projects

    items = [codec.project_out(p, count) for p, count in projects.list_with_counts(call.backend.store)]
    return {"items": items, "total": len(items)}


def create_project(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import projects

    name = call.b("name", kind=str)
    if not name:
        raise errors.InvalidArgument("a project needs a name: {\"name\": \"Team/Project\"}")
    with call.backend.store.write() as conn:
        row = projects.ensure(conn, name)
    call.announce("project", row.id, ["name"])
    return codec.project_out(row)


def update_project(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import projects

    name = call.b("name", kind=str)
    to_root = "parent" in call.body and call.body["parent"] is None
    parent = call.b("parent", kind=str)
    description = call.b("description", kind=str)
    changed: list[str] = []
    if description is not None:
        row = projects.describe(call.backend.store, call.path["project_id"], description)
        changed.append("description")
    if name is not None or parent is not None or to_root or description is None:
        row = projects.rename(call.backend.store, call.path["project_id"], name=name, parent=parent, to_root=to_root)
        changed.extend(["name", "parent"])
    call.announce("project", row.id, changed)
    return codec.project_out(row)


def delete_project(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import projects

    deleted = projects.delete(call.backend.store, call.path["project_id"])
    for project_id in deleted:
        call.announce("project", project_id, [], deleted=True)
    return {"deleted": deleted}


# -- tasks ----------------------------------------------------------------------------------------
def _visible(call: Call) -> frozenset[str] | None:
    from jupyter_ext.core import access
    from jupyter_ext.server.access import caller_of

    return access.visible_projects(call.backend.store, caller_of(call))


def task_filter(call: Call) -> Any:
    """The filters of a task table (the ``_TASK_FILTER`` parameters of wire/routes.py)."""
    from jupyter_ext.core import tasks

    archived = (call.q("archived") or "true").lower()
    if archived not in ("true", "false", "only", "1", "0"):
        raise errors.InvalidArgument("archived must be true (include), false (exclude) or only")
    name = call.q("name")
    search = call.q("search")
    if search:
        name = name if name else "(?i)" + re.escape(search)
    return tasks.TaskFilter(
        task_ids=call.q_list("id"), project_name=call.q_list("project", commas=False), task_name=name,
        tags=call.q_list("tag", commas=False), statuses=call.q_list("status"), types=call.q_list("type"),
        include_archived=archived not in ("false", "0"), archived_only=archived == "only",
        include_subprojects=bool(call.q_bool("subprojects", True)), within_projects=_visible(call),
        users=[call.user.username if u == "me" else u for u in call.q_list("user") or []] or None,
        ranges=tuple(call.q_list("range", commas=False) or ()), include_parts=bool(call.q_bool("parts", True)))


def list_tasks(call: Call) -> dict[str, Any]:
    order = call.q("order_by") or "-created"
    from jupyter_ext.core import task_columns, tasks

    where = task_filter(call)
    offset = call.q_int("offset", 0) or 0
    limit = call.q_int("limit", None, lo=1, hi=10_000)
    columns = call.q_list("columns") or []
    extra = [c for c in columns if task_columns.is_extra(c)]
    for c in extra:
        task_columns.parse(c)  # a malformed column is refused before any work
    store = call.backend.store
    page, total = tasks.page(store, where, order_by=order.lstrip("-"), descending=order.startswith("-"), limit=limit,
                             offset=offset)
    items = [codec.task_out(r) for r in page]
    fields = [c for c in columns if not task_columns.is_extra(c)]
    if fields:
        keep = set(fields) | {"id"}
        items = [{k: v for k, v in item.items() if k in keep} for item in items]
    if extra:
        with store.read() as conn:
            found = task_columns.values(conn, [r.id for r in page], extra)
        for item in items:
            item["columns"] = found[item["id"]]
    return {"items": items, "total": total}


def count_task_statuses(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import task_overview

    counts = task_overview.status_counts(call.backend.store, task_filter(call))
    return {"counts": counts, "total": sum(counts.values())}


def list_task_columns(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import task_overview

    return task_overview.columns(call.backend.store, task_filter(call))


def search(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import search as finder

    limit = call.q_int("limit", 8, lo=1, hi=100) or 8
    return finder.search(call.backend.store, call.q("q") or "", limit, within_projects=_visible(call))


def create_task(call: Call) -> dict[str, Any]:
    row = call.backend.create_task(codec.times_to_epoch(call.body))
    call.announce("task", row.id, ["created"], project_id=row.project_id)
    return codec.task_out(row)


def get_task(call: Call) -> dict[str, Any]:
    return codec.task_out(call.backend.get_task(call.path["task_id"]))


def update_task(call: Call) -> dict[str, Any]:
    fields = call.edits(cleared_by_null=("parent_id", "output_uri"))
    row = call.backend.update_task(call.path["task_id"], fields)
    return _changed(call, row, sorted(fields))


def delete_task(call: Call) -> Reply:
    task_id = call.path["task_id"]
    call.backend.delete_task(task_id, force=bool(call.q_bool("force", False)),
                             delete_models=bool(call.q_bool("delete_models", True)))
    call.announce("task", task_id, [], deleted=True)
    return Reply({"deleted": task_id})


def clone_task(call: Call) -> dict[str, Any]:
    row = call.backend.clone_task(call.path["task_id"], name=call.b("name", kind=str),
                                  comment=call.b("comment", kind=str), parent_id=call.b("parent_id", kind=str),
                                  project=call.b("project", kind=str))
    call.announce("task", row.id, ["created"], project_id=row.project_id)
    return codec.task_out(row)


def reset_task(call: Call) -> dict[str, Any]:
    return _changed(call, call.backend.reset_task(call.path["task_id"], force=_force(call)), ["status"])


def publish_task(call: Call) -> dict[str, Any]:
    row = call.backend.set_task_status(call.path["task_id"], "published", force=_force(call))
    return _changed(call, row, ["status"])


def archive_task(call: Call) -> dict[str, Any]:
    return _changed(call, call.backend.archive_task(call.path["task_id"], True), ["archived"])


def unarchive_task(call: Call) -> dict[str, Any]:
    return _changed(call, call.backend.archive_task(call.path["task_id"], False), ["archived"])


def set_task_status(call: Call) -> dict[str, Any]:
    target = call.b("status", kind=str)
    if not target:
        raise errors.InvalidArgument('give the new status: {"status": "completed"}')
    row = call.backend.set_task_status(call.path["task_id"], target, force=_force(call),
                                       message=call.b("message", "", str), reason=call.b("reason", "", str))
    return _changed(call, row, ["status"])


def move_task(call: Call) -> dict[str, Any]:
    project = call.b("project", kind=str)
    if not project:
        raise errors.InvalidArgument('give the project to move to: {"project": "Team/Other"}')
    return _changed(call, call.backend.move_task(call.path["task_id"], project), ["project_id", "project_name"])


def is_task_reusable(call: Call) -> dict[str, Any]:
    reusable = call.backend.is_task_reusable(call.path["task_id"], project=call.q("project") or "",
                                             name=call.q("name") or "", task_type=call.q("type") or "")
    return {"reusable": reusable}


# -- parameters and configurations ----------------------------------------------------------------
def get_parameters(call: Call) -> dict[str, Any]:
    items = [codec.param_out(r) for r in call.backend.get_parameters(call.path["task_id"])]
    return {"items": items, "total": len(items)}


def set_parameters(call: Call) -> dict[str, Any]:
    raw = call.b("parameters", [], list)
    rows = [codec.param_in(p) for p in raw]
    task_id = call.path["task_id"]
    call.backend.set_parameters(task_id, rows, replace=bool(call.b("replace", False, bool)), force=_force(call))
    call.announce("task", task_id, ["parameters"])
    return get_parameters(call)


def get_configurations(call: Call) -> dict[str, Any]:
    items = [codec.config_out(r) for r in call.backend.get_configurations(call.path["task_id"])]
    return {"items": items, "total": len(items)}


def set_configuration(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    config = codec.config_in(call.path["name"], call.body)
    call.backend.set_configuration(task_id, config, force=_force(call))
    call.announce("task", task_id, ["configurations"])
    return codec.config_out(config)


def _force(call: Call) -> bool:
    return bool(call.b("force", False, bool)) or bool(call.q_bool("force", False))


def _changed(call: Call, row: Any, fields: list[str]) -> dict[str, Any]:
    call.announce("task", row.id, fields, status=row.status)
    return codec.task_out(row)


OPERATIONS = {f.__name__: f for f in (
    list_projects, create_project, update_project, delete_project, list_tasks, count_task_statuses,
    list_task_columns, search, create_task, get_task, update_task,
    delete_task, clone_task,
    reset_task, publish_task, archive_task, unarchive_task, set_task_status, move_task, is_task_reusable,
    get_parameters, set_parameters, get_configurations, set_configuration,
)}
