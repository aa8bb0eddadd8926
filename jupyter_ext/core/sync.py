"""Copying a store's content into another store, with ids kept: the rules of ``jupyter track sync``.

A copy is a sequence of JSON-able records (so it travels over HTTP as well as in process):
``projects``; per task a ``task`` record, ``scalars`` records (packed points, a few MB each) and a
``finish_task``; then ``model`` records (each with the model's own metrics) and ``dataset`` records.
Importing is idempotent:

- a task is created with the system tag ``importing`` and loses it with ``finish_task``; a task
  found without that tag is complete and is left alone, one found with it (an earlier copy broke
  off) is deleted and copied again;
- a model or dataset version is one record, one transaction: there or not;
- a task or model changed in the source since it was copied (its ``last_update`` is newer than the
  destination's) is copied again over the destination's row, which keeps its id (the newer wins);
- stored files are content-addressed, so sending one twice stores it once.

Rows keep their ids, times and statuses. Files in the source's own folders are sent along and
land in the destination's default store; files at shared URLs (``s3://`` …) stay where they are.
"""
from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError, StatementError

from jupyter_ext.core import projects
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store import blob_refs, raw
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store.meta import MetaStore

FORMAT = 1
IMPORTING_TAG = "importing"
SCALAR_RECORD_BYTES = 8 << 20
_BINARY = ("iters", "values", "times")
# task-owned tables copied verbatim (their autoincrement ids are the destination's business)
_TASK_TABLES = (("params", ("section", "position", "name")), ("configurations", ("name",)),
                ("single_values", ("name",)), ("plots", ("id",)), ("debug_samples", ("id",)),
                ("console", ("id",)), ("artifacts", ("id",)))


# -- what there is ----------------------------------------------------------------------------------
def inventory(store: MetaStore) -> dict[str, list[str]]:
    with store.read() as conn:
        return {
            "projects": raw.column_values(conn, "projects", "name", order_by="name"),
            "tasks": raw.column_values(conn, "tasks", "id", order_by="created"),
            "models": raw.column_values(conn, "models", "id", order_by="created"),
            "datasets": raw.column_values(conn, "dataset_versions", "id", order_by="created"),
        }


def export(store: MetaStore, kind: str, ident: str = "") -> Iterator[dict[str, Any]]:
    """The records that copy one item (``projects``, ``task``, ``model`` or ``dataset``), in order.
    The first record of an item lists the files to send before it under ``uploads``."""
    if kind == "projects":
        yield _export_projects(store)
    elif kind == "task":
        yield from _export_task(store, ident)
    elif kind == "model":
        yield _export_model(store, ident)
    elif kind == "dataset":
        yield _export_dataset(store, ident)
    else:
        raise InvalidArgument(f"cannot export {kind!r}: use projects, task, model or dataset")


def _strip(row: Mapping[str, Any], *drop: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in drop}


def _project_name(conn: Any, project_id: str) -> str:
    row = project_rows.get_by_id(conn, project_id)
    if row is None:
        raise NotFound(f"project {project_id} is missing")
    return row.name


def _portable(conn: Any, rows: list[dict[str, Any]], sha_col: str, loc_col: str | None,
              uploads: dict[str, dict[str, Any]], blobs: dict[tuple[str, str], int]) -> None:
    """Point rows at the destination's default store when their bytes live in a folder of this
    machine (and note the files to send); rows naming a shared URL keep it."""
    for row in rows:
        sha = row.get(sha_col)
        if not sha:
            continue
        location = str(row.get(loc_col) or "") if loc_col else ""
        size = int(row.get("size") or 0) or _stored_size(conn, sha, location)
        if location and "://" in location and not location.startswith("file://"):
            blobs[(location, sha)] = size
            continue
        uploads.setdefault(sha, {"sha256": sha, "size": size, "source_location": location})
        blobs[("", sha)] = size
        if loc_col:
            row[loc_col] = ""


def _stored_size(conn: Any, sha: str, location: str) -> int:
    name, where = ("blobs", {"sha256": sha}) if not location else ("blob_copies", {"sha256": sha, "location": location})
    found = raw.select_rows(conn, name, **where)
    return int(found[0]["size"]) if found else 0


def _blob_list(blobs: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    return [{"location": loc, "sha256": sha, "size": size} for (loc, sha), size in sorted(blobs.items())]


def _export_projects(store: MetaStore) -> dict[str, Any]:
    with store.read() as conn:
        rows = raw.select_rows(conn, "projects", order_by=("name",))
    return {"kind": "projects", "format": FORMAT,
            "projects": [{k: r[k] for k in ("name", "description", "default_output_uri", "created")} for r in rows]}


def _export_task(store: MetaStore, task_id: str) -> Iterator[dict[str, Any]]:
    with store.read() as conn:
        found = raw.select_rows(conn, "tasks", id=task_id)
        if not found:
            raise NotFound(f"no task {task_id}")
        task = found[0]
        record: dict[str, Any] = {"kind": "task", "format": FORMAT, "project": _project_name(conn, task["project_id"]),
                                  "task": _strip(task, "project_id"),
                                  "tags": [r["tag"] for r in raw.select_rows(conn, "task_tags", task_id=task_id)]}
        for name, order in _TASK_TABLES:
            record[name] = [_strip(r, "id", "task_id") for r in raw.select_rows(conn, name, order, task_id=task_id)]
        metrics = raw.select_rows(conn, "metrics", ("id",), task_id=task_id)
        record["metrics"] = [_strip(m, "id", "task_id") for m in metrics]
        uploads: dict[str, dict[str, Any]] = {}
        blobs: dict[tuple[str, str], int] = {}
        _portable(conn, record["debug_samples"], "blob_sha256", None, uploads, blobs)
        _portable(conn, record["artifacts"], "blob_sha256", "location", uploads, blobs)
        record["blobs"] = _blob_list(blobs)
        record["uploads"] = list(uploads.values())
    yield record
    for metric in metrics:
        yield from _export_scalars(store, task_id, metric)
    yield {"kind": "finish_task", "format": FORMAT, "task_id": task_id}


def _export_scalars(store: MetaStore, task_id: str, metric: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    with store.read() as conn:
        chunks = raw.select_rows(conn, "scalar_chunks", ("seq",), metric_id=metric["id"])
    batch: list[dict[str, Any]] = []
    size = 0
    for chunk in chunks:
        item = _strip(chunk, "metric_id", "summary")  # derived from the points: remade on import
        for col in _BINARY:
            item[col] = base64.b64encode(bytes(item[col])).decode("ascii")
        batch.append(item)
        size += sum(len(item[c]) for c in _BINARY)
        if size >= SCALAR_RECORD_BYTES:
            yield _scalars_record(task_id, metric, batch)
            batch, size = [], 0
    if batch:
        yield _scalars_record(task_id, metric, batch)


def _scalars_record(task_id: str, metric: Mapping[str, Any], chunks: list[dict[str, Any]]) -> dict[str, Any]:
    return {"kind": "scalars", "format": FORMAT, "task_id": task_id, "title": metric["title"],
            "series": metric["series"], "chunks": chunks}


def _export_model(store: MetaStore, model_id: str) -> dict[str, Any]:
    with store.read() as conn:
        found = raw.select_rows(conn, "models", id=model_id)
        if not found:
            raise NotFound(f"no model {model_id}")
        model = found[0]
        versions = [_strip(v, "model_id") for v in raw.select_rows(conn, "model_versions", ("version",),
                                                                   model_id=model_id)]
        uploads: dict[str, dict[str, Any]] = {}
        blobs: dict[tuple[str, str], int] = {}
        _portable(conn, versions, "blob_sha256", "location", uploads, blobs)
        return {"kind": "model", "format": FORMAT, "project": _project_name(conn, model["project_id"]),
                "model": _strip(model, "project_id"),
                "tags": [r["tag"] for r in raw.select_rows(conn, "model_tags", model_id=model_id)],
                "versions": versions,
                "links": [_strip(r, "model_id") for r in raw.select_rows(conn, "task_models", model_id=model_id)],
                "metrics": [_strip(r, "model_id") for r in raw.select_rows(
                    conn, "model_metrics", ("title", "series", "iteration"), model_id=model_id)],
                "plots": [_strip(r, "model_id") for r in raw.select_rows(
                    conn, "model_plots", ("title", "series", "iteration"), model_id=model_id)],
                "blobs": _blob_list(blobs), "uploads": list(uploads.values())}


def _export_dataset(store: MetaStore, dataset_id: str) -> dict[str, Any]:
    with store.read() as conn:
        found = raw.select_rows(conn, "dataset_versions", id=dataset_id)
        if not found:
            raise NotFound(f"no dataset version {dataset_id}")
        version = found[0]
        files = [_strip(f, "dataset_id") for f in raw.select_rows(conn, "dataset_files", ("path",),
                                                                  dataset_id=dataset_id)]
        pending = [f["path"] for f in files if f.get("source")]
        if pending:
            raise InvalidArgument(f"dataset version {dataset_id} has {len(pending)} files not uploaded yet "
                                  f"(e.g. {pending[0]}); upload or finalize it first")
        uploads: dict[str, dict[str, Any]] = {}
        blobs: dict[tuple[str, str], int] = {}
        _portable(conn, files, "sha256", "location", uploads, blobs)
        if version.get("location") and "://" not in str(version["location"]):
            version = {**version, "location": ""}
        return {"kind": "dataset", "format": FORMAT, "project": _project_name(conn, version["project_id"]),
                "version": _strip(version, "project_id"),
                "tags": [r["tag"] for r in raw.select_rows(conn, "dataset_tags", dataset_id=dataset_id)],
                "files": files, "removed": [r["path"] for r in raw.select_rows(conn, "dataset_removed",
                                                                                dataset_id=dataset_id)],
                "blobs": _blob_list(blobs), "uploads": list(uploads.values())}


# -- importing ----------------------------------------------------------------------------------------
def import_record(store: MetaStore, record: Mapping[str, Any]) -> dict[str, Any]:
    """Apply one record in one transaction; ``{"created": bool}`` (False: it was already there)."""
    if not isinstance(record, Mapping) or record.get("format") != FORMAT:
        raise InvalidArgument(f"not a sync record of format {FORMAT}; is the other side the same version?")
    handlers = {"projects": _import_projects, "task": _import_task, "scalars": _import_scalars,
                "finish_task": _import_finish, "model": _import_model, "dataset": _import_dataset}
    handler = handlers.get(str(record.get("kind")))
    if handler is None:
        raise InvalidArgument(f"unknown sync record kind {record.get('kind')!r}")
    try:
        with store.write() as conn:
            return handler(conn, record)
    except (KeyError, TypeError, ValueError, IntegrityError, StatementError) as exc:
        if isinstance(exc, InvalidArgument):
            raise
        raise InvalidArgument(f"sync record ({record.get('kind')}) is not valid: {type(exc).__name__}: {exc}") from exc


def _record_blobs(conn: Any, record: Mapping[str, Any]) -> None:
    for b in record.get("blobs") or ():
        blob_refs.record(conn, str(b["sha256"]), int(b["size"]), str(b["location"]))


def _import_projects(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    created = 0
    for p in record["projects"]:
        existed = project_rows.get_by_name(conn, projects.normalize_name(p["name"])) is not None
        row = projects.ensure(conn, p["name"])
        if not existed:
            created += 1
            project_rows.update_fields(conn, row.id, description=p.get("description") or "",
                                       default_output_uri=p.get("default_output_uri"),
                                       created=float(p.get("created") or row.created))
    return {"created": created > 0, "count": created}


def _system_tags(row: Mapping[str, Any]) -> list[str]:
    value = json.loads(row.get("system_tags") or "[]")
    return [str(v) for v in value] if isinstance(value, list) else []


def _newer(incoming: Mapping[str, Any], there: Mapping[str, Any]) -> bool:
    return float(incoming.get("last_update") or 0) > float(there.get("last_update") or 0)


def _import_task(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    task = dict(record["task"])
    task_id = str(task["id"])
    found = raw.select_rows(conn, "tasks", id=task_id)
    updated = False
    if found and IMPORTING_TAG not in _system_tags(found[0]):
        if not _newer(task, found[0]):
            return {"created": False}
        # Changed since the last copy (it ran on, was edited, published…): the source's copy
        # replaces this one's content; the row stays, so models and datasets naming it keep it.
        updated = True
        _clear_task_content(conn, task_id)
    elif found:
        raw.delete_rows(conn, "tasks", id=task_id)  # a copy that broke off: start it again
    task["project_id"] = projects.ensure(conn, record["project"]).id
    task["system_tags"] = json.dumps(_system_tags(task) + [IMPORTING_TAG])
    if updated:
        t = raw.table("tasks")
        conn.execute(t.update().where(t.c.id == task_id).values(**{k: v for k, v in task.items() if k != "id"}))
    else:
        raw.insert_rows(conn, "tasks", [task])
    if task.get("status") == "queued":  # a queued task waits in a queue here too (its own, made if missing)
        from jupyter_ext.core import queues

        queues.join(conn, task_id, queues.resolve(conn, task.get("queue"), create=True), time.time())
    raw.insert_rows(conn, "task_tags", [{"task_id": task_id, "tag": t} for t in record.get("tags") or ()])
    _record_blobs(conn, record)
    for name, _order in _TASK_TABLES:
        raw.insert_rows(conn, name, [{**r, "task_id": task_id} for r in record.get(name) or ()])
    raw.insert_rows(conn, "metrics", [{**m, "task_id": task_id} for m in record.get("metrics") or ()])
    return {"created": True, "updated": updated}


def _clear_task_content(conn: Any, task_id: str) -> None:
    for name, _order in _TASK_TABLES:
        raw.delete_rows(conn, name, task_id=task_id)
    raw.delete_rows(conn, "metrics", task_id=task_id)  # their scalar chunks go with them
    raw.delete_rows(conn, "task_tags", task_id=task_id)
    raw.delete_rows(conn, "queue_entries", task_id=task_id)


def _importing(conn: Any, task_id: str) -> bool:
    found = raw.select_rows(conn, "tasks", id=task_id)
    if not found:
        raise InvalidArgument(f"task {task_id} is not there; send its task record first")
    return IMPORTING_TAG in _system_tags(found[0])


def _import_scalars(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    import numpy as np

    from jupyter_ext.store import scalars as scalar_rows

    task_id = str(record["task_id"])
    if not _importing(conn, task_id):
        return {"created": False}
    metric = raw.select_rows(conn, "metrics", task_id=task_id, title=record["title"], series=record["series"])
    if not metric:
        raise InvalidArgument(f"task {task_id} has no series {record['title']}/{record['series']}")
    metric_id = metric[0]["id"]
    rows = []
    for chunk in record["chunks"]:
        raw.delete_rows(conn, "scalar_chunks", metric_id=metric_id, seq=int(chunk["seq"]))
        row = {**chunk, "metric_id": metric_id}
        for col in _BINARY:
            row[col] = base64.b64decode(chunk[col], validate=True)
        row["summary"] = scalar_rows.block_summary(np.frombuffer(row["iters"], "<i8"),
                                                   np.frombuffer(row["values"], "<f8"))
        rows.append(row)
    raw.insert_rows(conn, "scalar_chunks", rows)
    return {"created": True}


def _import_finish(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    task_id = str(record["task_id"])
    if not _importing(conn, task_id):
        return {"created": False}
    row = raw.select_rows(conn, "tasks", id=task_id)[0]
    tags = [t for t in _system_tags(row) if t != IMPORTING_TAG]
    t = raw.table("tasks")
    conn.execute(t.update().where(t.c.id == task_id).values(system_tags=json.dumps(tags)))
    return {"created": True}


def _import_model(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    model = dict(record["model"])
    model_id = str(model["id"])
    found = raw.select_rows(conn, "models", id=model_id)
    if found and not _newer(model, found[0]):
        return {"created": False}
    model["project_id"] = projects.ensure(conn, record["project"]).id
    if found:  # published, retagged, new weights…: the source's copy wins
        t = raw.table("models")
        conn.execute(t.update().where(t.c.id == model_id).values(**{k: v for k, v in model.items() if k != "id"}))
        for name in ("model_tags", "model_versions", "task_models", "model_metrics", "model_plots"):
            raw.delete_rows(conn, name, model_id=model_id)
    else:
        raw.insert_rows(conn, "models", [model])
    raw.insert_rows(conn, "model_tags", [{"model_id": model_id, "tag": t} for t in record.get("tags") or ()])
    _record_blobs(conn, record)
    raw.insert_rows(conn, "model_versions", [{**v, "model_id": model_id} for v in record.get("versions") or ()])
    raw.insert_rows(conn, "model_metrics", [{**m, "model_id": model_id} for m in record.get("metrics") or ()])
    raw.insert_rows(conn, "model_plots", [{**m, "model_id": model_id} for m in record.get("plots") or ()])
    links = [{**link, "model_id": model_id} for link in record.get("links") or ()]
    present = {r["id"] for r in raw.select_in(conn, "tasks", "id", [link["task_id"] for link in links])}
    raw.insert_rows(conn, "task_models", [link for link in links if link["task_id"] in present])
    return {"created": True, "updated": bool(found)}


def _import_dataset(conn: Any, record: Mapping[str, Any]) -> dict[str, Any]:
    version = dict(record["version"])
    dataset_id = str(version["id"])
    if raw.select_rows(conn, "dataset_versions", id=dataset_id):
        return {"created": False}
    if not raw.select_rows(conn, "tasks", id=dataset_id):
        raise InvalidArgument(f"dataset version {dataset_id} needs its task; send the task first")
    version["project_id"] = projects.ensure(conn, record["project"]).id
    raw.insert_rows(conn, "dataset_versions", [version])
    raw.insert_rows(conn, "dataset_tags", [{"dataset_id": dataset_id, "tag": t} for t in record.get("tags") or ()])
    _record_blobs(conn, record)
    raw.insert_rows(conn, "dataset_files", [{**f, "dataset_id": dataset_id} for f in record.get("files") or ()])
    raw.insert_rows(conn, "dataset_removed",
                    [{"dataset_id": dataset_id, "path": p} for p in record.get("removed") or ()])
    return {"created": True}
