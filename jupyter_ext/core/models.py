"""The model registry: models by (project, name), numbered weight versions, metadata, tags,
publishing, archiving, removal, and the lineage of tasks and models.

Rules:
- each ``add_version`` makes the next version (1, 2, 3 …) of the same model;
- a published model is final: no new weights, design, labels or metadata (clone it instead);
- removing a model leaves its weight files to garbage collection, which frees them once no
  other version or artifact names the same bytes.
"""
from __future__ import annotations

import dataclasses
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core import projects
from jupyter_ext.core.rules import limits
from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules.names import check_artifact_name, check_framework, check_tags
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import blob_refs
from jupyter_ext.store import models as model_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ModelRow, ModelVersionRow

EDITABLE = ("name", "comment", "tags", "framework", "labels", "design", "metadata", "parent_id", "task_id")
LINK_MODES = ("input", "output")


def _get(conn: Any, model_id: str) -> ModelRow:
    row = model_rows.get(conn, model_id)
    if row is None:
        raise NotFound(f"no model with id {model_id!r}; find models with Model.query_models(...)")
    return row


def _check_open(row: ModelRow, what: str) -> None:
    if row.published:
        raise Conflict(f"model {row.id} ({row.name!r}) is published, so its {what} cannot change; "
                       f"register a new model (OutputModel(...)) based on it instead")


def create(store: MetaStore, spec: Mapping[str, Any]) -> ModelRow:
    name = check_artifact_name(spec.get("name"), "a model")
    now = time.time()
    with store.write() as conn:
        project = projects.ensure(conn, spec.get("project") or projects.DEFAULT_PROJECT)
        row: dict[str, Any] = {
            "id": spec.get("id") or uuid.uuid4().hex, "project_id": project.id, "name": name,
            "framework": check_framework(spec.get("framework")),
            "comment": limits.check_free_text(spec.get("comment") or "", "comment", limits.COMMENT),
            "task_id": spec.get("task_id"), "parent_id": spec.get("parent_id"),
            "labels": dict(spec.get("labels") or {}),
            "design": limits.check_free_text(spec.get("design") or "", "design", limits.CONFIG_TEXT),
            "metadata": dict(spec.get("metadata") or {}), "published": False, "archived": False,
            "latest_version": 0, "user": str(spec.get("user") or ""), "created": now, "last_update": now,
            "tags": list(check_tags(spec.get("tags"))),
        }
        if model_rows.get(conn, row["id"]) is not None:
            raise AlreadyExists(f"a model with id {row['id']} already exists")
        if row["parent_id"] is not None:
            _get(conn, row["parent_id"])
        if row["task_id"]:
            from jupyter_ext.core.tasks import _get as get_task

            get_task(conn, row["task_id"])  # NotFound with a hint, not a foreign-key error
        model_rows.insert(conn, row)
        if row["task_id"]:
            model_rows.link(conn, row["task_id"], row["id"], "output", name)
        return _get(conn, row["id"])


def get(store: MetaStore, model_id: str) -> ModelRow:
    with store.read() as conn:
        return _get(conn, model_id)


def update(store: MetaStore, model_id: str, fields: Mapping[str, Any]) -> ModelRow:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidArgument(f"cannot edit {', '.join(sorted(unknown))} of a model; editable: {', '.join(EDITABLE)}")
    values = dict(fields)
    if "name" in values:
        values["name"] = check_artifact_name(values["name"], "a model")
    if "tags" in values:
        values["tags"] = list(check_tags(values["tags"]))
    if "framework" in values:
        values["framework"] = check_framework(values["framework"])
    for text, limit in (("comment", limits.COMMENT), ("design", limits.CONFIG_TEXT)):
        if values.get(text) is not None:
            values[text] = limits.check_free_text(values[text], text, limit)
    with store.write() as conn:
        row = _get(conn, model_id)
        if set(values) - {"tags", "comment"}:
            _check_open(row, ", ".join(sorted(set(values) - {"tags", "comment"})))
        model_rows.update_fields(conn, model_id, last_update=time.time(), **values)
        return _get(conn, model_id)


def set_metadata(store: MetaStore, model_id: str, items: Mapping[str, Any], *, replace: bool = False) -> ModelRow:
    """Typed metadata: each value keeps its type (``"0.93"`` stays a string, ``0.93`` a float)."""
    typed = {}
    for key, value in items.items():
        if not isinstance(key, str) or not key:
            raise InvalidArgument("metadata keys must be non-empty strings")
        if isinstance(value, Mapping) and "value" in value:  # ClearML's {"key", "value", "type"} form
            value = value["value"]
        encoded, type_name = param_values.encode(value)
        typed[key] = {"value": encoded, "type": type_name}
    with store.write() as conn:
        row = _get(conn, model_id)
        _check_open(row, "metadata")
        merged = {} if replace else dict(row.metadata)
        merged.update(typed)
        model_rows.update_fields(conn, model_id, metadata=merged, last_update=time.time())
        return _get(conn, model_id)


def add_version(store: MetaStore, model_id: str, spec: Mapping[str, Any]) -> ModelRow:
    """The next version of the model's weights (bytes already stored, or a remote ``url``)."""
    if not spec.get("blob_sha256") and not spec.get("url"):
        raise InvalidArgument("a model version needs stored weights or a URL (register_uri=...)")
    with store.write() as conn:
        row = _get(conn, model_id)
        _check_open(row, "weights")
        number = int(row.latest_version) + 1
        location = str(spec.get("location") or blob_refs.DEFAULT_LOCATION)
        if spec.get("blob_sha256"):
            blob_refs.record(conn, spec["blob_sha256"], int(spec.get("size") or 0), location)
        model_rows.add_version(conn, {
            "model_id": model_id, "version": number, "location": location, "blob_sha256": spec.get("blob_sha256"),
            "url": spec.get("url"), "file_name": str(spec.get("file_name") or ""), "size": int(spec.get("size") or 0),
            "is_package": bool(spec.get("is_package")), "iteration": spec.get("iteration"), "created": time.time(),
        })
        model_rows.update_fields(conn, model_id, latest_version=number, last_update=time.time())
        return version(conn, model_id, number)


def version(conn: Any, model_id: str, number: int | None = None) -> ModelRow:
    row = _get(conn, model_id)
    n = row.latest_version if number is None else int(number)
    v = model_rows.version(conn, model_id, n) if n else None
    if number is not None and v is None:
        raise NotFound(f"model {model_id} ({row.name!r}) has no version {number}; it has {row.latest_version}")
    return dataclasses.replace(row, version=n, weights=v)


def get_version(store: MetaStore, model_id: str, number: int | None = None) -> ModelRow:
    with store.read() as conn:
        return version(conn, model_id, number)


def versions(store: MetaStore, model_id: str) -> list[ModelVersionRow]:
    with store.read() as conn:
        _get(conn, model_id)
        return model_rows.versions(conn, model_id)


def publish(store: MetaStore, model_id: str) -> ModelRow:
    with store.write() as conn:
        row = _get(conn, model_id)
        if not row.latest_version:
            raise Conflict(f"model {model_id} ({row.name!r}) has no weights yet; "
                           f"update_weights(...) before publish()")
        model_rows.update_fields(conn, model_id, published=True, last_update=time.time())
        return _get(conn, model_id)


def archive(store: MetaStore, model_id: str, archived: bool = True) -> ModelRow:
    with store.write() as conn:
        _get(conn, model_id)
        model_rows.update_fields(conn, model_id, archived=archived, last_update=time.time())
        return _get(conn, model_id)


def remove(store: MetaStore, model_id: str, *, force: bool = False) -> list[tuple[str, str]]:
    """Delete a model and its versions; refuse one that other tasks use as input unless forced.
    Returns the (location, sha256) of the stored files its versions named (registered URLs are
    not ours and are left out), for :func:`jupyter_ext.core.gc.collect_these`."""
    with store.write() as conn:
        row = _get(conn, model_id)
        users = model_rows.tasks_using(conn, model_id, "input")
        if users and not force:
            raise Conflict(f"model {model_id} ({row.name!r}) is the input of {len(users)} task(s) "
                           f"({', '.join(users[:3])}); pass force=True to remove it anyway")
        held = [(v.location or "", v.blob_sha256) for v in model_rows.versions(conn, model_id)
                if v.blob_sha256]
        model_rows.delete_model(conn, model_id)
    return held


def query(store: MetaStore, *, project_name: str | None = None, model_name: str | None = None,
          tags: Sequence[str] | None = None, only_published: bool = False, include_archived: bool = False,
          max_results: int | None = None, metadata: Mapping[str, Any] | None = None,
          task_id: str | None = None, weights_url: str | None = None) -> list[ModelRow]:
    """Models newest first; ``model_name`` is a regex (``^name$`` for an exact name);
    ``weights_url``: only models with a version registered at that URL."""
    from jupyter_ext.core.tasks import compile_name, parse_tag_filter

    name_re = compile_name(model_name, "model_name")
    any_tags, all_tags, not_tags = parse_tag_filter(tags)
    with store.read() as conn:
        project_ids = None
        if project_name is not None:
            project_ids = projects.ids_under(conn, [project_name], recursive=False)
            if not project_ids:
                return []
        rows = model_rows.query(conn, project_ids=project_ids, any_tags=any_tags, not_tags=not_tags,
                                only_published=only_published, include_archived=include_archived, task_id=task_id,
                                weights_url=weights_url)
    out = []
    for r in rows:
        if name_re is not None and not name_re.search(r.name):
            continue
        if all_tags and not set(all_tags) <= set(r.tags):
            continue
        if metadata and any(str(r.metadata.get(k, {}).get("value")) != str(v) for k, v in metadata.items()):
            continue
        out.append(r)
        if max_results is not None and len(out) >= max_results:
            break
    return out


def find(store: MetaStore, project_name: str | None, model_name: str, version_number: int | None = None,
         tags: Sequence[str] | None = None, only_published: bool = False) -> ModelRow:
    """One model by exact name (newest if several), at a version (the latest by default)."""
    rows = query(store, project_name=project_name, model_name=f"^{re.escape(model_name)}$", tags=tags,
                 only_published=only_published, include_archived=True)
    if not rows:
        where = f" in project {project_name!r}" if project_name else ""
        raise NotFound(f"no model named {model_name!r}{where}")
    return get_version(store, rows[0].id, version_number)


def link_task(store: MetaStore, task_id: str, model_id: str, mode: str, name: str | None = None) -> None:
    """Record that a task used a model as ``input`` or made it as ``output`` (lineage)."""
    if mode not in LINK_MODES:
        raise InvalidArgument(f"mode must be 'input' or 'output', not {mode!r}")
    from jupyter_ext.core.tasks import _get as get_task

    with store.write() as conn:
        get_task(conn, task_id)
        row = _get(conn, model_id)
        model_rows.link(conn, task_id, model_id, mode, name or row.name)


def task_models(store: MetaStore, task_id: str) -> dict[str, list[ModelRow]]:
    from jupyter_ext.core.tasks import _get as get_task

    out: dict[str, list[ModelRow]] = {"input": [], "output": []}
    with store.read() as conn:
        get_task(conn, task_id)
        for link in model_rows.links_of_task(conn, task_id):
            row = model_rows.get(conn, link["model_id"])
            if row is not None:
                out[link["mode"]].append(dataclasses.replace(row, link_name=link["name"]))
    for rows in out.values():  # the link table's order is its key's (random ids): oldest model first
        rows.sort(key=lambda r: (r.created, r.id))
    return out
