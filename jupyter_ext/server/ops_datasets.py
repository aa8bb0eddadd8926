"""Operations on dataset versions: listing and reading for the UI, and one route per SDK call."""
from __future__ import annotations

from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call, Reply
from jupyter_ext.server.ops_models import page
from jupyter_ext.wire import codec


def _changed(call: Call, dataset_id: str) -> None:
    call.announce("task", dataset_id, ["dataset"])


def _list_of_objects(call: Call, name: str) -> list[dict[str, Any]]:
    items: list[Any] = call.b(name, [], list)
    if not all(isinstance(i, dict) for i in items):
        raise errors.InvalidArgument(f"body field {name} must be a list of objects")
    return [dict(i) for i in items]


def list_datasets(call: Call) -> dict[str, Any]:
    rows = call.backend.query_datasets(project=call.q("project"), name=call.q("name"),
                                       tags=call.q_list("tag", commas=False),
                                       only_final=bool(call.q_bool("final", False)))
    return page(call, rows)


_QUERY_FILTERS = ("project", "name", "tags", "ids", "only_final", "include_archived", "exact_name", "recursive")


def query_datasets(call: Call) -> dict[str, Any]:
    unknown = sorted(set(call.body) - set(_QUERY_FILTERS))
    if unknown:
        raise errors.InvalidArgument(f"query: unknown filter(s) {', '.join(unknown)}; use {', '.join(_QUERY_FILTERS)}")
    flags = {k: bool(call.b(k, default, bool)) for k, default in (
        ("only_final", False), ("include_archived", True), ("exact_name", False), ("recursive", True))}
    rows = call.backend.query_datasets(project=call.b("project", kind=str), name=call.b("name", kind=str),
                                       tags=call.b("tags", kind=list), ids=call.b("ids", kind=list), **flags)
    return {"items": codec.rows_out(rows), "total": len(rows)}


def find_dataset(call: Call) -> dict[str, Any]:
    return codec.row_out(call.backend.find_dataset(
        project=call.q("project"), name=call.q("name"), version=call.q("version"),
        tags=call.q_list("tag", commas=False), only_final=bool(call.q_bool("only_final", False)),
        include_archived=bool(call.q_bool("include_archived", False))))


def create_dataset(call: Call) -> dict[str, Any]:
    return codec.row_out(call.backend.create_dataset(call.body))


def squash_datasets(call: Call) -> dict[str, Any]:
    name, ids = call.b("name", kind=str), call.b("dataset_ids", [], list)
    if not name:
        raise errors.InvalidArgument('give the new dataset a name: {"name": ..., "dataset_ids": [...]}')
    return codec.row_out(call.backend.squash_datasets(name, [str(i) for i in ids], project=call.b("project", kind=str),
                                                      location=call.b("location", "", str)))


def get_dataset(call: Call) -> dict[str, Any]:
    return codec.row_out(call.backend.get_dataset(call.path["dataset_id"]))


def update_dataset(call: Call) -> dict[str, Any]:
    row = call.backend.update_dataset(call.path["dataset_id"], call.edits())
    _changed(call, row.id)
    return codec.row_out(row)


def delete_dataset(call: Call) -> Reply:
    dataset_id = call.path["dataset_id"]
    call.backend.delete_dataset(dataset_id, force=bool(call.q_bool("force", False)))
    _changed(call, dataset_id)
    return Reply({"deleted": dataset_id})


def get_dataset_files(call: Call) -> dict[str, Any]:
    return page(call, call.backend.get_dataset_files(call.path["dataset_id"], call.q("folder")))


def add_dataset_files(call: Call) -> dict[str, int]:
    counts = call.backend.add_dataset_files(call.path["dataset_id"], _list_of_objects(call, "entries"))
    _changed(call, call.path["dataset_id"])
    return counts


def remove_dataset_files(call: Call) -> dict[str, int]:
    pattern = call.b("pattern", kind=str)
    if pattern is None:
        raise errors.InvalidArgument('give the files to remove: {"pattern": "imgs/*.jpg", "recursive": true}')
    removed = call.backend.remove_dataset_files(call.path["dataset_id"], pattern,
                                                bool(call.b("recursive", True, bool)))
    _changed(call, call.path["dataset_id"])
    return {"removed": removed}


def get_removed_dataset_files(call: Call) -> dict[str, Any]:
    paths = call.backend.get_removed_dataset_files(call.path["dataset_id"])
    return {"items": paths, "total": len(paths)}


def get_pending_dataset_uploads(call: Call) -> dict[str, Any]:
    rows = call.backend.get_pending_dataset_uploads(call.path["dataset_id"])
    return {"items": codec.rows_out(rows), "total": len(rows)}


def mark_dataset_files_stored(call: Call) -> dict[str, Any]:
    call.backend.mark_dataset_files_stored(call.path["dataset_id"], _list_of_objects(call, "stored"))
    _changed(call, call.path["dataset_id"])
    return {"stored": True}


def finalize_dataset(call: Call) -> dict[str, Any]:
    row = call.backend.finalize_dataset(call.path["dataset_id"])
    _changed(call, row.id)
    return codec.row_out(row)


def move_dataset(call: Call) -> dict[str, Any]:
    project = call.b("project", kind=str)
    if not project:
        raise errors.InvalidArgument('give the project to move it to: {"project": "examples/data"}')
    row = call.backend.move_dataset(call.path["dataset_id"], project)
    _changed(call, row.id)
    return codec.row_out(row)


def get_dataset_graph(call: Call) -> dict[str, list[str]]:
    return call.backend.get_dataset_graph(call.path["dataset_id"])


def diff_datasets(call: Call) -> dict[str, list[str]]:
    return call.backend.diff_datasets(call.path["dataset_id"], call.path["other_id"])


OPERATIONS = {f.__name__: f for f in (
    list_datasets, query_datasets, find_dataset, create_dataset, squash_datasets, get_dataset, update_dataset,
    delete_dataset, get_dataset_files, add_dataset_files, remove_dataset_files, get_removed_dataset_files,
    get_pending_dataset_uploads, mark_dataset_files_stored, finalize_dataset, move_dataset, get_dataset_graph,
    diff_datasets,
)}
