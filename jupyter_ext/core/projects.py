"""Projects: nested by ``/``, created implicitly when a task names them."""
from __future__ import annotations

import time
import uuid

from sqlalchemy.engine import Connection

from ..errors import NotFound
from ..store import projects as project_rows
from ..store.rows import ProjectRow
from . import names

DEFAULT_PROJECT = names.DEFAULT_PROJECT
normalize_name = names.normalize_project_name


def ensure(conn: Connection, name: str) -> ProjectRow:
    """The project called ``name``, creating it and every missing parent."""
    full = normalize_name(name)
    found = project_rows.get_by_name(conn, full)
    if found is not None:
        return found
    parent_id = None
    parts = full.split("/")
    row = None
    for depth in range(1, len(parts) + 1):
        path = "/".join(parts[:depth])
        row = project_rows.get_by_name(conn, path)
        if row is None:
            now = time.time()
            row = ProjectRow(id=uuid.uuid4().hex, name=path, parent_id=parent_id, description="",
                             default_output_uri=None, created=now, last_update=now)
            project_rows.insert(conn, row)
        parent_id = row.id
    assert row is not None
    return row


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
