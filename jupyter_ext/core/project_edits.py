"""Renaming, moving and deleting projects.

A project's name is its whole path (``Team/Project/Sub``), so renaming or moving one renames
every project below it in the same transaction; tasks and models point at project ids and
follow without being touched. Only an empty project tree (no task, dataset or model anywhere
in it) can be deleted: results are never removed as a side effect of tidying the tree.
"""
from __future__ import annotations

import time

from ..errors import AlreadyExists, Conflict, InvalidArgument
from ..store import models as model_rows
from ..store import projects as project_rows
from ..store import tasks as task_rows
from ..store.meta import MetaStore
from ..store.rows import ProjectRow
from . import names, projects


def rename(store: MetaStore, project_id: str, *, name: str | None = None, parent: str | None = None,
           to_root: bool = False) -> ProjectRow:
    """Give the project a new last name part (``name``) and/or a new parent (``parent``, a
    project path, created if missing; ``to_root`` moves it to the top level)."""
    if name is None and parent is None and not to_root:
        raise InvalidArgument("give the project's new name, its new parent, or both")
    if name is not None and "/" in name.strip().strip("/"):
        raise InvalidArgument(f"a project's name is one path part; to move it, give parent (got {name!r})")
    with store.write() as conn:
        row = projects.get(conn, project_id=project_id)
        base = names.normalize_project_name(name) if name is not None else row.basename
        if to_root:
            new_parent: ProjectRow | None = None
        elif parent is not None:
            new_parent = projects.ensure(conn, parent)
        else:
            new_parent = project_rows.get_by_id(conn, row.parent_id) if row.parent_id else None
        new_name = f"{new_parent.name}/{base}" if new_parent is not None else base
        if new_name == row.name:
            return row
        if new_name.startswith(row.name + "/"):
            raise InvalidArgument(f"cannot move project {row.name!r} into its own subproject {new_name!r}")
        if project_rows.get_by_name(conn, new_name) is not None:
            raise AlreadyExists(f"a project {new_name!r} already exists; pick another name or move the tasks into it")
        now = time.time()
        for sub in project_rows.descendants(conn, row.name):
            fields: dict[str, object] = {"name": new_name + sub.name[len(row.name):], "last_update": now}
            if sub.id == row.id:
                fields["parent_id"] = new_parent.id if new_parent is not None else None
            project_rows.update_fields(conn, sub.id, **fields)
        found = project_rows.get_by_id(conn, row.id)
        assert found is not None
        return found


def delete(store: MetaStore, project_id: str) -> list[str]:
    """Delete an empty project and its (empty) subprojects; the ids deleted."""
    with store.write() as conn:
        row = projects.get(conn, project_id=project_id)
        tree = project_rows.descendants(conn, row.name)
        ids = [p.id for p in tree]
        n_tasks = task_rows.count(conn, project_ids=ids)
        n_models = len(model_rows.query(conn, project_ids=ids, include_archived=True))
        if n_tasks or n_models:
            raise Conflict(f"project {row.name!r} is not empty ({n_tasks} tasks or datasets, {n_models} models in it "
                           f"or below); move or delete them first")
        project_rows.delete_many(conn, ids)
        return ids
