"""Operations on the model registry: models, their versions, metrics and links to tasks."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call
from jupyter_ext.wire import codec

if TYPE_CHECKING:
    from jupyter_ext.store.rows import ModelRow

out = codec.row_out


def page(call: Call, rows: Sequence[Any]) -> dict[str, Any]:
    """One page of rows (``offset``, ``limit`` from the query) and their total."""
    offset = call.q_int("offset", 0) or 0
    limit = call.q_int("limit", None, lo=1, hi=100_000)
    return {"items": codec.rows_out(rows[offset: None if limit is None else offset + limit]), "total": len(rows)}


# -- models ---------------------------------------------------------------------------------------
def list_models(call: Call) -> dict[str, Any]:
    rows = call.backend.query_models(
        project_name=call.q("project"), model_name=call.q("name"), tags=call.q_list("tag", commas=False),
        only_published=bool(call.q_bool("published", False)), include_archived=bool(call.q_bool("archived", False)),
        task_id=call.q("task"))
    framework = call.q("framework")
    if framework:
        rows = [r for r in rows if r.framework.lower() == framework.lower()]
    return page(call, rows)


_MODEL_FILTERS = ("project_name", "model_name", "tags", "only_published", "include_archived", "max_results",
                  "metadata", "task_id", "weights_url")


def query_models(call: Call) -> dict[str, Any]:
    unknown = sorted(set(call.body) - set(_MODEL_FILTERS))
    if unknown:
        raise errors.InvalidArgument(f"query: unknown filter(s) {', '.join(unknown)}; use {', '.join(_MODEL_FILTERS)}")
    rows = call.backend.query_models(**call.body)
    return {"items": codec.rows_out(rows), "total": len(rows)}


def find_model(call: Call) -> dict[str, Any]:
    name = call.q("name")
    if not name:
        raise errors.InvalidArgument("give the model's name: ?name=...")
    return out(call.backend.find_model(call.q("project"), name, call.q_int("version"),
                                       tags=call.q_list("tag", commas=False),
                                       only_published=bool(call.q_bool("only_published", False))))


def create_model(call: Call) -> dict[str, Any]:
    row = call.backend.create_model(call.body)
    call.announce("model", row.id, ["created"])
    return out(row)


def get_model(call: Call) -> dict[str, Any]:
    return out(call.backend.get_model(call.path["model_id"], call.q_int("version", None, lo=1)))


def update_model(call: Call) -> dict[str, Any]:
    fields = call.edits(cleared_by_null=("parent_id", "task_id"))
    return _changed(call, call.backend.update_model(call.path["model_id"], fields), sorted(fields))


def remove_model(call: Call) -> dict[str, Any]:
    model_id = call.path["model_id"]
    call.backend.remove_model(model_id, force=bool(call.q_bool("force", False)),
                              delete_weights=bool(call.q_bool("delete_weights", False)))
    call.announce("model", model_id, [], deleted=True)
    return {"deleted": model_id}


def set_model_metadata(call: Call) -> dict[str, Any]:
    items = call.b("items", {}, dict)
    row = call.backend.set_model_metadata(call.path["model_id"], items, replace=bool(call.b("replace", False, bool)))
    return _changed(call, row, ["metadata"])


def get_model_versions(call: Call) -> dict[str, Any]:
    rows = call.backend.get_model_versions(call.path["model_id"])
    return {"items": codec.rows_out(rows), "total": len(rows)}


def add_model_version(call: Call) -> dict[str, Any]:
    row = call.backend.add_model_version(call.path["model_id"], call.body)
    call.announce("model", call.path["model_id"], ["versions"])
    return out(row)


def publish_model(call: Call) -> dict[str, Any]:
    return _changed(call, call.backend.publish_model(call.path["model_id"]), ["published"])


def archive_model(call: Call) -> dict[str, Any]:
    archived = call.b("archived", True, bool)
    return _changed(call, call.backend.archive_model(call.path["model_id"], archived), ["archived"])


def get_model_metrics(call: Call) -> dict[str, Any]:
    return call.backend.get_model_metrics(call.path["model_id"])


def report_model_metrics(call: Call) -> dict[str, Any]:
    model_id = call.path["model_id"]
    unknown = sorted(set(call.body) - {"scalars", "single_values", "plots"})
    if unknown:
        raise errors.InvalidArgument(f"unknown field(s) {', '.join(unknown)}; send "
                                     '{"scalars": [{"title", "series", "iteration", "value"}], '
                                     '"single_values": [{"name", "value"}], '
                                     '"plots": [{"title", "series", "iteration", "figure"}]}')
    result = call.backend.report_model_metrics(model_id, call.body.get("scalars") or (),
                                               call.body.get("single_values") or (), call.body.get("plots") or ())
    call.announce("model", model_id, ["metrics"])
    return result


def get_task_models(call: Call) -> dict[str, Any]:
    return {mode: codec.rows_out(rows) for mode, rows in call.backend.get_task_models(call.path["task_id"]).items()}


def link_task_model(call: Call) -> dict[str, Any]:
    task_id = call.path["task_id"]
    model_id, mode = call.b("model_id", kind=str), call.b("mode", kind=str)
    if not model_id or not mode:
        raise errors.InvalidArgument('give the model and how the task uses it: {"model_id": ..., "mode": "input"}')
    call.backend.link_task_model(task_id, model_id, mode, call.b("name", kind=str))
    call.announce("task", task_id, ["models"])
    return get_task_models(call)


def _changed(call: Call, row: ModelRow, fields: list[str]) -> dict[str, Any]:
    call.announce("model", row.id, fields)
    return out(row)


OPERATIONS = {f.__name__: f for f in (
    list_models, query_models, find_model, create_model, get_model, update_model, remove_model, set_model_metadata,
    get_model_versions, add_model_version, publish_model, archive_model, get_task_models, link_task_model,
    get_model_metrics, report_model_metrics,
)}
