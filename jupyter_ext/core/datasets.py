"""Versioned datasets: the rules.

- A version lists every file it holds; a child starts from its parents' lists merged in order
  (a later parent wins) and records what it added, modified and removed. Inherited files keep
  their parent's bytes: nothing is stored twice.
- Versions are numbered 1, 2, 3 … per (project, name); semantic versions ("1.0.0") are
  accepted and continue as 1.0.1, 1.0.2 ….
- A finalized version is read-only; a parent must be finalized before a child is made from it;
  a version with files not yet uploaded cannot be finalized.
- Paths inside a dataset are relative and "/"-separated; ``..``, absolute paths and empty
  segments are refused.
- A dataset version is backed by a task (type data_processing, system tag "dataset") in the
  project ``<dataset project>/.datasets/<name>``: it has a logger and artifacts of its own.
"""
from __future__ import annotations

import dataclasses
import fnmatch
import re
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.core import projects, tasks
from jupyter_ext.core.rules import limits, status
from jupyter_ext.core.rules.dataset_paths import check_dataset_path, check_folder
from jupyter_ext.core.rules.names import check_artifact_name, check_tags
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.store import datasets as rows
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.blobs import check_sha256
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow

DATASET_TAG = "dataset"
DRAFT = "draft"
FINAL = "final"
_SEMVER = re.compile(r"^\d+(\.\d+)*$")


def version_key(version: str) -> str:
    """A string that sorts versions numerically: "2" < "10", "1.0.2" < "1.0.10"."""
    if _SEMVER.match(version):
        return ".".join(f"{int(p):012d}" for p in (version.split(".") + ["0", "0"])[:max(3, version.count(".") + 1)])
    return "~" + version  # not numeric: after every numeric version, in text order


def next_version(existing: Sequence[str]) -> str:
    numeric = [v for v in existing if _SEMVER.match(v)]
    if not numeric:
        return "1"
    last = max(numeric, key=version_key)
    parts = last.split(".")
    parts[-1] = str(int(parts[-1]) + 1)
    return ".".join(parts)


def check_version(version: object) -> str:
    text = str(version).strip() if version is not None else ""
    if not text or len(text) > 64 or "/" in text:
        raise InvalidArgument(f"dataset version {version!r} is not valid: use 1, 2, 3 … or 1.0.0")
    return text


def _get(conn: Any, dataset_id: str) -> DatasetVersionRow:
    row = rows.get(conn, dataset_id)
    if row is None:
        raise NotFound(f"no dataset version with id {dataset_id!r}; list them with Dataset.list_datasets()")
    return row


def _check_draft(row: DatasetVersionRow) -> None:
    if row.status == FINAL:
        raise Conflict(f"dataset {row.name!r} version {row.version} ({row.id}) is finalized and read-only; "
                       f"make a new version with Dataset.create(..., parent_datasets=[{row.id!r}])")


def create(store: MetaStore, spec: Mapping[str, Any]) -> DatasetVersionRow:
    """A new draft version: ``name``, ``project``, ``parents`` (ids), ``version``, ``description``,
    ``tags``, ``location`` (where its files go), ``created_by`` (the id of the task that made it,
    recorded as its backing task's parent, as ClearML does: the way back to the preparing code)."""
    name = check_artifact_name(spec.get("name"), "a dataset")
    project = spec.get("project") or projects.DEFAULT_PROJECT
    parent_ids = [str(p) for p in spec.get("parents") or []]
    tag_list = list(check_tags(spec.get("tags")))
    dataset_id = spec.get("id") or uuid.uuid4().hex
    tasks.create(store, {"id": dataset_id, "project": f"{projects.normalize_name(project)}/.datasets/{name}",
                         "name": name, "type": "data_processing", "status": status.IN_PROGRESS,
                         "system_tags": [DATASET_TAG], "tags": tag_list, "user": spec.get("user") or "",
                         "parent_id": spec.get("created_by") or None})
    try:
        with store.write() as conn:
            proj = projects.ensure(conn, project)
            merged: dict[str, DatasetFileRow] = {}
            for pid in parent_ids:
                parent = _get(conn, pid)
                if parent.status != FINAL:
                    raise Conflict(f"parent dataset {pid} ({parent.name!r} v{parent.version}) is not finalized; "
                                   f"call finalize() on it before making a child version")
                for f in rows.files(conn, pid):
                    merged[f.path] = dataclasses.replace(f, state="inherited", source=None)
            existing = [r.version for r in rows.query(conn, project_ids=[proj.id], name=name)]
            version = check_version(spec["version"]) if spec.get("version") is not None else next_version(existing)
            if version in existing:
                raise Conflict(f"dataset {name!r} in {proj.name!r} already has version {version}; "
                               f"leave dataset_version out to get the next one")
            now = time.time()
            row: dict[str, Any] = {
                "id": dataset_id, "project_id": proj.id, "name": name, "version": version,
                "version_key": version_key(version), "status": DRAFT,
                "description": limits.check_free_text(spec.get("description") or "", "description", limits.DESCRIPTION),
                "parents": parent_ids, "location": str(spec.get("location") or ""), "file_count": len(merged),
                "total_size": sum(int(f.size) for f in merged.values()), "added": 0, "modified": 0, "removed": 0,
                "metadata": {}, "archived": False, "created": now, "finalized": None, "tags": tag_list,
            }
            rows.insert(conn, row)
            rows.insert_files(conn, dataset_id, list(merged.values()))
            return _get(conn, dataset_id)
    except BaseException:
        tasks.delete(store, dataset_id, force=True)  # nothing half-made stays behind
        raise


def get(store: MetaStore, dataset_id: str) -> DatasetVersionRow:
    with store.read() as conn:
        return _get(conn, dataset_id)


def find(store: MetaStore, *, project: str | None, name: str | None, version: str | None = None,
         tags: Sequence[str] | None = None, only_final: bool = False, include_archived: bool = False
         ) -> DatasetVersionRow:
    """The newest version (highest version number) matching, or the given ``version``."""
    if not name and not project:
        raise InvalidArgument("give dataset_id=, or dataset_name= (and dataset_project=)")
    found = list_versions(store, project=project, name=name, tags=tags, only_final=only_final,
                          include_archived=include_archived, exact_name=True, recursive=False)
    if version is not None:
        found = [r for r in found if r.version == check_version(version)]
    if not found:
        what = (f"{name!r}" + (f" version {version}" if version is not None else "")
                + (f" in {project!r}" if project else ""))
        raise NotFound(f"no dataset {what}" + (" that is finalized" if only_final else ""))
    return found[0]


def list_versions(store: MetaStore, *, project: str | None = None, name: str | None = None,
                  tags: Sequence[str] | None = None, ids: Sequence[str] | None = None, only_final: bool = False,
                  include_archived: bool = True, exact_name: bool = False, recursive: bool = True
                  ) -> list[DatasetVersionRow]:
    with store.read() as conn:
        project_ids = None
        if project:
            project_ids = projects.ids_under(conn, [project], recursive=recursive)
            if not project_ids:
                return []
        found = rows.query(conn, project_ids=project_ids, name=name if exact_name else None, ids=ids,
                           only_final=only_final, include_archived=include_archived)
    if name and not exact_name:
        found = [r for r in found if name.lower() in r.name.lower()]
    if tags:
        wanted = set(tags)
        found = [r for r in found if wanted & set(r.tags)]
    return found


def files(store: MetaStore, dataset_id: str, folder: str | None = None) -> list[DatasetFileRow]:
    with store.read() as conn:
        _get(conn, dataset_id)
        return rows.files(conn, dataset_id, (check_folder(folder) + "/") if check_folder(folder) else None)


def removed_files(store: MetaStore, dataset_id: str) -> list[str]:
    with store.read() as conn:
        _get(conn, dataset_id)
        return rows.removed(conn, dataset_id)


def add_files(store: MetaStore, dataset_id: str, entries: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """Record files by their dataset path: ``{"path", "sha256", "size", "source"}`` (bytes to
    upload) or ``{"path", "url", "size"}`` (an external link). Unchanged files are skipped."""
    counts = {"added": 0, "modified": 0, "unchanged": 0}
    with store.write() as conn:
        row = _get(conn, dataset_id)
        _check_draft(row)
        current = rows.files_by_path(conn, dataset_id)
        latest = {check_dataset_path(e.get("path")): e for e in entries}  # a path given twice: the last wins
        new_rows: list[dict[str, Any]] = []
        replaced: list[str] = []
        total = sum(int(f.size or 0) for p, f in current.items() if p not in latest)
        for path, e in latest.items():
            if not e.get("sha256") and not e.get("url"):
                raise InvalidArgument(f"dataset file {path!r} has neither a hash nor a link")
            size = e.get("size") or 0
            if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= limits.FILE_SIZE:
                raise InvalidArgument(f"dataset file {path!r}: size must be a whole number of bytes from 0 to "
                                      f"{limits.FILE_SIZE:,}, got {size!r:.40}")
            total += size
            if total > limits.TOTAL_SIZE:
                raise InvalidArgument(f"the dataset's files would add up to more than {limits.TOTAL_SIZE:,} bytes")
            old = current.get(path)
            if old is not None and old.sha256 == e.get("sha256") and old.url == e.get("url"):
                counts["unchanged"] += 1
                continue
            state = "added" if old is None or old.state == "added" else "modified"
            counts[state] += 1
            if old is not None:
                replaced.append(path)
            new_rows.append({"path": path, "sha256": e.get("sha256"), "size": int(e.get("size") or 0),
                             "location": row.location, "url": e.get("url"), "state": state,
                             "source": e.get("source")})
        rows.delete_files(conn, dataset_id, replaced)
        rows.insert_files(conn, dataset_id, new_rows)
        rows.drop_removed(conn, dataset_id, [r["path"] for r in new_rows])
        rows.update_fields(conn, dataset_id, **rows.stats(conn, dataset_id))
    return counts


def remove_files(store: MetaStore, dataset_id: str, pattern: str, recursive: bool = True) -> int:
    """Remove files whose dataset path matches ``pattern`` (a wildcard, or a folder)."""
    norm = check_dataset_path(pattern) if pattern not in ("*", "") else "*"
    with store.write() as conn:
        row = _get(conn, dataset_id)
        _check_draft(row)
        current = rows.files_by_path(conn, dataset_id)

        def hit(path: str) -> bool:
            if fnmatch.fnmatchcase(path, norm) or path.startswith(norm.rstrip("/") + "/"):
                return recursive or "/" not in path[len(norm.rstrip("/*")):].lstrip("/")
            return False

        gone = [p for p in current if hit(p)]
        rows.delete_files(conn, dataset_id, gone)
        rows.add_removed(conn, dataset_id, [p for p in gone if current[p].state != "added"])
        rows.update_fields(conn, dataset_id, **rows.stats(conn, dataset_id))
        return len(gone)


def pending_uploads(store: MetaStore, dataset_id: str) -> list[DatasetFileRow]:
    with store.read() as conn:
        _get(conn, dataset_id)
        return rows.pending(conn, dataset_id)


def mark_stored(store: MetaStore, dataset_id: str, stored: Sequence[Mapping[str, Any]]) -> None:
    """Record that files' bytes are now stored (``path``, ``sha256``, ``size``, ``location``)."""
    for s in stored:
        check_sha256(s.get("sha256") or "")
        if not isinstance(s.get("size"), int) or not 0 <= s["size"] <= limits.FILE_SIZE:
            raise InvalidArgument(f"stored file {s.get('path')!r} needs its size in bytes (an int from 0 to "
                                  f"{limits.FILE_SIZE:,})")
    with store.write() as conn:
        _check_draft(_get(conn, dataset_id))
        rows.record_blobs(conn, stored)
        rows.mark_stored_many(conn, dataset_id, stored)
        rows.update_fields(conn, dataset_id, **rows.stats(conn, dataset_id))  # sizes may have changed


def finalize(store: MetaStore, dataset_id: str) -> DatasetVersionRow:
    with store.write() as conn:
        row = _get(conn, dataset_id)
        _check_draft(row)
        waiting = rows.pending(conn, dataset_id)
        if waiting:
            raise Conflict(f"dataset {row.name!r} has {len(waiting)} file(s) not uploaded yet "
                           f"(e.g. {waiting[0].path!r}); call upload() first, or finalize(auto_upload=True)")
        rows.update_fields(conn, dataset_id, status=FINAL, finalized=time.time(), **rows.stats(conn, dataset_id))
    task = tasks.get(store, dataset_id)
    if task.status == status.IN_PROGRESS:
        tasks.set_status(store, dataset_id, status.COMPLETED)
    return get(store, dataset_id)


def update(store: MetaStore, dataset_id: str, fields: Mapping[str, Any]) -> DatasetVersionRow:
    allowed = {"description", "tags", "metadata", "archived", "name"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidArgument(f"cannot edit {sorted(unknown)} of a dataset; editable: {sorted(allowed)}")
    values = dict(fields)
    if "tags" in values:
        values["tags"] = list(check_tags(values["tags"]))
    if "description" in values:
        values["description"] = limits.check_free_text(values["description"], "description", limits.DESCRIPTION)
    if "name" in values:
        values["name"] = check_artifact_name(values["name"], "a dataset")
    with store.write() as conn:
        _get(conn, dataset_id)
        rows.update_fields(conn, dataset_id, **values)
        _touch(conn, dataset_id)
        return _get(conn, dataset_id)


def move(store: MetaStore, dataset_id: str, project: str) -> DatasetVersionRow:
    with store.write() as conn:
        _get(conn, dataset_id)
        rows.update_fields(conn, dataset_id, project_id=projects.ensure(conn, project).id)
        _touch(conn, dataset_id)
        return _get(conn, dataset_id)


def _touch(conn: Any, dataset_id: str) -> None:
    """A version's task row is stamped by every edit: the change feed (the lab, triggers on a
    tagged version) learns of the edit through it."""
    task_rows.update_fields(conn, dataset_id, last_update=time.time())


def dependency_graph(store: MetaStore, dataset_id: str) -> dict[str, list[str]]:
    """``{id: [parent ids]}`` for the version and all its ancestors."""
    graph: dict[str, list[str]] = {}
    todo = [dataset_id]
    with store.read() as conn:
        while todo:
            current = todo.pop()
            if current in graph:
                continue
            graph[current] = list(_get(conn, current).parents)
            todo.extend(graph[current])
    return graph


def diff(store: MetaStore, source_id: str, target_id: str) -> dict[str, list[str]]:
    """What ``target`` has that ``source`` has not (added), lacks (removed) and holds differently."""
    with store.read() as conn:
        _get(conn, source_id)
        _get(conn, target_id)
        a = rows.files_by_path(conn, source_id)
        b = rows.files_by_path(conn, target_id)
    return {
        "added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
        "modified": sorted(p for p in set(a) & set(b)
                           if (a[p].sha256, a[p].url) != (b[p].sha256, b[p].url)),
    }


def squash(store: MetaStore, *, name: str, dataset_ids: Sequence[str], project: str | None = None,
           location: str = "") -> DatasetVersionRow:
    """One standalone, finalized version holding the merged files of ``dataset_ids`` (later wins);
    no bytes are copied."""
    if not dataset_ids:
        raise InvalidArgument("squash needs dataset_ids=[...] (two or more versions)")
    with store.read() as conn:
        merged: dict[str, DatasetFileRow] = {}
        first = None
        for did in dataset_ids:
            src = _get(conn, str(did))
            first = first or src
            for f in rows.files(conn, src.id):
                if f.source is not None:
                    raise Conflict(f"dataset {did} has files not uploaded yet; upload() it before squashing")
                merged[f.path] = f
    assert first is not None
    new = create(store, {"name": name, "project": project or first.project_name, "location": location})
    with store.write() as conn:
        rows.insert_files(conn, new.id, [dataclasses.replace(f, state="added", source=None)
                                         for f in merged.values()])
        rows.update_fields(conn, new.id, **rows.stats(conn, new.id))
    return finalize(store, new.id)


def delete(store: MetaStore, dataset_id: str, *, force: bool = False) -> None:
    """Delete one version (its files become garbage unless other versions share them)."""
    with store.read() as conn:
        row = _get(conn, dataset_id)
        children = rows.children_of(conn, dataset_id)
    if children and not force:
        raise Conflict(f"dataset {row.name!r} v{row.version} is the parent of {len(children)} version(s) "
                       f"({', '.join(children[:3])}); delete them first or pass force=True")
    with store.write() as conn:
        rows.delete_version(conn, dataset_id)
    tasks.delete(store, dataset_id, force=True)
