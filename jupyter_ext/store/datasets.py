"""Rows of the dataset tables: ``dataset_versions``, ``dataset_tags``, ``dataset_files``,
``dataset_removed``."""
from __future__ import annotations

import operator
import time
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store import tags as tag_rows
from jupyter_ext.store.blob_refs import DEFAULT_LOCATION
from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow, dumps, loads
from jupyter_ext.store.schema import (
    blob_copies,
    blobs,
    dataset_files,
    dataset_removed,
    dataset_tags,
    dataset_versions,
    projects,
)


def _select() -> Any:
    return select(dataset_versions, projects.c.name.label("project_name")).join(
        projects, projects.c.id == dataset_versions.c.project_id)


def _rows(conn: Connection, result: Any) -> list[DatasetVersionRow]:
    raw = list(result)
    tags = tag_rows.load(conn, dataset_tags, "dataset_id", [r.id for r in raw])
    return [_row_to_dataset(r, tags[r.id]) for r in raw]


def _row_to_dataset(r: Any, tags: Sequence[str]) -> DatasetVersionRow:
    d = dict(r._mapping)
    d["parents"] = tuple(loads(d.get("parents"), []))
    d["metadata"] = loads(d.get("metadata"), {})
    d["archived"] = bool(d["archived"])
    return DatasetVersionRow(**d, tags=tuple(tags))


def insert(conn: Connection, row: dict[str, Any]) -> None:
    values = {c.name: row.get(c.name) for c in dataset_versions.columns}
    values["parents"] = dumps(list(row.get("parents") or []))
    values["metadata"] = dumps(row.get("metadata") or {})
    conn.execute(dataset_versions.insert().values(**values))
    set_tags(conn, row["id"], row.get("tags") or ())


def get(conn: Connection, dataset_id: str) -> DatasetVersionRow | None:
    found = _rows(conn, conn.execute(_select().where(dataset_versions.c.id == dataset_id)))
    return found[0] if found else None


def query(conn: Connection, *, project_ids: Sequence[str] | None = None, name: str | None = None,
          ids: Sequence[str] | None = None, only_final: bool = False, include_archived: bool = True
          ) -> list[DatasetVersionRow]:
    stmt = _select()
    if project_ids is not None:
        stmt = stmt.where(dataset_versions.c.project_id.in_(list(project_ids)))
    if name is not None:
        stmt = stmt.where(dataset_versions.c.name == name)
    if ids is not None:
        stmt = stmt.where(dataset_versions.c.id.in_(list(ids)))
    if only_final:
        stmt = stmt.where(dataset_versions.c.status == "final")
    if not include_archived:
        stmt = stmt.where(dataset_versions.c.archived.is_(False))
    stmt = stmt.order_by(dataset_versions.c.version_key.desc(), dataset_versions.c.created.desc())
    return _rows(conn, conn.execute(stmt))


def update_fields(conn: Connection, dataset_id: str, **fields: Any) -> None:
    if "tags" in fields:
        set_tags(conn, dataset_id, fields.pop("tags"))
    for k in ("parents", "metadata"):
        if k in fields:
            fields[k] = dumps(fields[k])
    if fields:
        conn.execute(update(dataset_versions).where(dataset_versions.c.id == dataset_id).values(**fields))


def set_tags(conn: Connection, dataset_id: str, tags: Sequence[str]) -> None:
    tag_rows.replace(conn, dataset_tags, "dataset_id", dataset_id, tags)


def children_of(conn: Connection, dataset_id: str) -> list[str]:
    """Versions that name ``dataset_id`` among their parents."""
    rows = conn.execute(select(dataset_versions.c.id, dataset_versions.c.parents)
                        .where(dataset_versions.c.parents.contains(dataset_id)))
    return [r.id for r in rows if dataset_id in loads(r.parents, [])]


# -- files ----------------------------------------------------------------------------------------
def files(conn: Connection, dataset_id: str, prefix: str | None = None) -> list[DatasetFileRow]:
    stmt = select(dataset_files).where(dataset_files.c.dataset_id == dataset_id)
    if prefix:
        stmt = stmt.where(dataset_files.c.path.startswith(prefix, autoescape=True))
    return _row_to_files(conn.execute(stmt.order_by(dataset_files.c.path)))


def files_by_path(conn: Connection, dataset_id: str) -> dict[str, DatasetFileRow]:
    return {f.path: f for f in files(conn, dataset_id)}


def insert_files(conn: Connection, dataset_id: str, rows: Sequence[Mapping[str, Any] | DatasetFileRow]) -> None:
    plain = [r.to_dict() if isinstance(r, DatasetFileRow) else r for r in rows]
    if plain:
        _many(conn, dataset_files.insert(), [{
            "dataset_id": dataset_id, "path": r["path"], "sha256": r.get("sha256"), "size": int(r.get("size") or 0),
            "location": r.get("location") or "", "url": r.get("url"), "state": r["state"], "source": r.get("source"),
        } for r in plain])


def delete_files(conn: Connection, dataset_id: str, paths: Sequence[str]) -> None:
    for start in range(0, len(paths), 500):
        conn.execute(delete(dataset_files).where(and_(
            dataset_files.c.dataset_id == dataset_id, dataset_files.c.path.in_(list(paths[start:start + 500])))))


def mark_stored_many(conn: Connection, dataset_id: str, stored: Sequence[Mapping[str, Any]]) -> None:
    """Record files' bytes as stored (their ``sha256``, ``size`` and ``location``: a file that changed
    after add_files is stored as it is now), in one statement (a version may hold 100,000 files:
    building one statement per file costs more than the upload)."""
    if not stored:
        return
    stmt = (update(dataset_files)
            .where(and_(dataset_files.c.dataset_id == bindparam("d_id"), dataset_files.c.path == bindparam("d_path")))
            .values(sha256=bindparam("d_sha"), size=bindparam("d_size"), location=bindparam("d_loc"),
                    source=bindparam("d_src")))
    _many(conn, stmt, [{"d_id": dataset_id, "d_path": s["path"], "d_sha": s["sha256"], "d_size": int(s["size"]),
                        "d_loc": s.get("location") or "", "d_src": None} for s in stored])


def record_blobs(conn: Connection, stored: Sequence[Mapping[str, Any]]) -> None:
    """:func:`jupyter_ext.store.blob_refs.record` for many files: a few queries, not two per file."""
    by_location: dict[str, dict[str, int]] = {}
    for s in stored:
        by_location.setdefault(s.get("location") or DEFAULT_LOCATION, {})[s["sha256"]] = int(s.get("size") or 0)
    now = time.time()
    for location, sizes in by_location.items():
        # Blobs recorded before stay as they are; one statement for all, no lookup first.
        if location == DEFAULT_LOCATION:
            _many(conn, _insert_new(conn, blobs), [{"sha256": sha, "size": size, "created": now}
                                                    for sha, size in sizes.items()])
        else:
            _many(conn, _insert_new(conn, blob_copies), [{"location": location, "sha256": sha, "size": size,
                                                          "created": now} for sha, size in sizes.items()])


def _insert_new(conn: Connection, table: Any) -> Any:
    """INSERT that skips rows whose primary key exists (both SQLite and PostgreSQL say it so)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing()


def removed(conn: Connection, dataset_id: str) -> list[str]:
    stmt = (select(dataset_removed.c.path).where(dataset_removed.c.dataset_id == dataset_id)
            .order_by(dataset_removed.c.path))
    return [r.path for r in conn.execute(stmt)]


def add_removed(conn: Connection, dataset_id: str, paths: Sequence[str]) -> None:
    existing = set(removed(conn, dataset_id))
    new = [p for p in paths if p not in existing]
    if new:
        conn.execute(dataset_removed.insert(), [{"dataset_id": dataset_id, "path": p} for p in new])


def drop_removed(conn: Connection, dataset_id: str, paths: Sequence[str]) -> None:
    if not paths or conn.execute(select(dataset_removed.c.path).where(
            dataset_removed.c.dataset_id == dataset_id).limit(1)).first() is None:
        return  # nothing was removed from this version (the usual case): no statement per 500 paths
    for start in range(0, len(paths), 500):
        conn.execute(delete(dataset_removed).where(and_(
            dataset_removed.c.dataset_id == dataset_id, dataset_removed.c.path.in_(list(paths[start:start + 500])))))


def stats(conn: Connection, dataset_id: str) -> dict[str, int]:
    rows = conn.execute(select(dataset_files.c.state, func.count(), func.coalesce(func.sum(dataset_files.c.size), 0))
                        .where(dataset_files.c.dataset_id == dataset_id).group_by(dataset_files.c.state)).all()
    by_state = {r[0]: (int(r[1]), int(r[2])) for r in rows}
    return {
        "file_count": sum(n for n, _ in by_state.values()), "total_size": sum(s for _, s in by_state.values()),
        "added": by_state.get("added", (0, 0))[0], "modified": by_state.get("modified", (0, 0))[0],
        "removed": len(removed(conn, dataset_id)),
    }


def pending(conn: Connection, dataset_id: str) -> list[DatasetFileRow]:
    stmt = select(dataset_files).where(and_(dataset_files.c.dataset_id == dataset_id,
                                            dataset_files.c.source.is_not(None)))
    return _row_to_files(conn.execute(stmt.order_by(dataset_files.c.path)))


def delete_version(conn: Connection, dataset_id: str) -> None:
    for table in (dataset_files, dataset_removed, dataset_tags):
        conn.execute(delete(table).where(table.c.dataset_id == dataset_id))
    conn.execute(delete(dataset_versions).where(dataset_versions.c.id == dataset_id))


# -- many rows at once ------------------------------------------------------------------------------
# A version may list 100,000 files. SQLAlchemy builds each row's parameters (and each result
# row's mapping) in Python at tens of microseconds apiece; these tables hold only text, integers
# and floats, which need none of its conversions, so many rows go straight to the driver.
def _many(conn: Connection, stmt: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    compiled = stmt.compile(dialect=conn.dialect)
    params: list[Any]
    if compiled.positional:  # SQLite: "?"
        names = list(compiled.positiontup or ())
        if len(names) > 1:
            pick = operator.itemgetter(*names)  # a tuple per row, built in C
            params = [pick(r) for r in rows]
        else:
            params = [tuple(r[n] for n in names) for r in rows]
    else:  # PostgreSQL: "%(name)s"
        params = [dict(r) for r in rows]
    conn.exec_driver_sql(compiled.string, params)


def _row_to_files(result: Any) -> list[DatasetFileRow]:
    """Rows straight from the driver's tuples, in the table's column order (no mapping per row)."""
    keys = list(result.keys())
    assert tuple(keys) == _FILE_COLUMNS, keys
    return [DatasetFileRow(*row) for row in result]


_FILE_COLUMNS = tuple(c.name for c in dataset_files.columns)
