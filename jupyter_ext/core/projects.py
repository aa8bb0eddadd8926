"""Projects: nested by ``/``, created implicitly when a task names them; renamed, moved and deleted.

A project's name is its whole path (``Team/Project/Sub``), so renaming or moving one renames
every project below it in the same transaction; tasks and models point at project ids and
follow without being touched. Only an empty project tree (no task, dataset or model anywhere
in it) can be deleted: results are never removed as a side effect of tidying the tree.
"""
from __future__ import annotations

import time

from sqlalchemy.engine import Connection

from jupyter_ext.core.rules import limits, names
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import models as model_rows
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ProjectRow

DEFAULT_PROJECT = names.DEFAULT_PROJECT
normalize_name = names.normalize_project_name


def ensure(conn: Connection, name: str) -> ProjectRow:
    """The project called ``name``, creating it and every missing parent."""
    full = normalize_name(name)
    from jupyter_ext.core.rules.project_path import ensure_path

    return ensure_path(full, lambda path: project_rows.get_by_name(conn, path),
                       lambda row: project_rows.insert(conn, row))


def list_with_counts(store: MetaStore) -> list[tuple[ProjectRow, int]]:
    """Every project, with the number of tasks directly in it, read in one transaction."""
    with store.read() as conn:
        counts = task_rows.count_by_project(conn)
        return [(p, counts.get(p.id, 0)) for p in project_rows.list_all(conn)]


def get(conn: Connection, *, project_id: str | None = None, name: str | None = None) -> ProjectRow:
    row = None
    if project_id is not None:
        row = project_rows.get_by_id(conn, project_id)
    elif name is not None:
        row = project_rows.get_by_name(conn, normalize_name(name))
    if row is None:
        raise NotFound(f"no project {project_id or name!r}; projects are created when a task is created in them")
    return row


def ids_under(conn: Connection, names: list[str], recursive: bool = True) -> list[str]:
    """Ids of the named projects (and, by default, of all their subprojects)."""
    ids: list[str] = []
    for name in names:
        full = normalize_name(name)
        if recursive:
            ids.extend(r.id for r in project_rows.descendants(conn, full))
        else:
            row = project_rows.get_by_name(conn, full)
            if row is not None:
                ids.append(row.id)
    return ids


def rename(store: MetaStore, project_id: str, *, name: str | None = None, parent: str | None = None,
           to_root: bool = False) -> ProjectRow:
    """Give the project a new last name part (``name``) and/or a new parent (``parent``, a
    project path, created if missing; ``to_root`` moves it to the top level)."""
    if name is None and parent is None and not to_root:
        with store.read() as conn:  # an edit that changes nothing (a PATCH of {}): the project as it is
            return get(conn, project_id=project_id)
    if name is not None and "/" in name.strip().strip("/"):
        raise InvalidArgument(f"a project's name is one path part; to move it, give parent (got {name!r})")
    with store.write() as conn:
        row = get(conn, project_id=project_id)
        base = names.normalize_project_name(name) if name is not None else row.basename
        if to_root:
            new_parent: ProjectRow | None = None
        elif parent is not None:
            new_parent = ensure(conn, parent)
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


def describe(store: MetaStore, project_id: str, description: str) -> ProjectRow:
    """Set the project's description (markdown, shown on its dashboard)."""
    description = limits.check_free_text(description, "description", limits.DESCRIPTION)
    with store.write() as conn:
        row = get(conn, project_id=project_id)
        project_rows.update_fields(conn, row.id, description=description, last_update=time.time())
        found = project_rows.get_by_id(conn, row.id)
        assert found is not None
        return found


def delete(store: MetaStore, project_id: str) -> list[str]:
    """Delete an empty project and its (empty) subprojects; the ids deleted."""
    with store.write() as conn:
        row = get(conn, project_id=project_id)
        tree = project_rows.descendants(conn, row.name)
        ids = [p.id for p in tree]
        n_tasks = task_rows.count(conn, project_ids=ids)
        n_models = len(model_rows.query(conn, project_ids=ids, include_archived=True))
        if n_tasks or n_models:
            raise Conflict(f"project {row.name!r} is not empty ({n_tasks} tasks or datasets, {n_models} models in it "
                           f"or below); move or delete them first")
        project_rows.delete_many(conn, ids)
        return ids
