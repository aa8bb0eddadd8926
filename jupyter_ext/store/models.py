"""Rows of the model registry: ``models``, ``model_tags``, ``model_versions``, ``task_models``."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, delete, exists, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store import tags as tag_rows
from jupyter_ext.store.rows import ModelRow, ModelVersionRow, dumps, loads
from jupyter_ext.store.schema import model_tags, model_versions, models, projects, task_models

_JSON = ("labels", "metadata")


def _rows(conn: Connection, result: Any) -> list[ModelRow]:
    raw = list(result)
    tags = tag_rows.load(conn, model_tags, "model_id", [r.id for r in raw])
    return [_row_to_model(r, tags[r.id]) for r in raw]


def _row_to_model(r: Any, tags: Sequence[str]) -> ModelRow:
    d = dict(r._mapping)
    for k in _JSON:
        d[k] = loads(d.get(k), {})
    d["published"], d["archived"] = bool(d["published"]), bool(d["archived"])
    return ModelRow(**d, tags=tuple(tags))


def _row_to_version(r: Any) -> ModelVersionRow:
    d = dict(r._mapping)
    d["is_package"] = bool(d["is_package"])
    return ModelVersionRow(**d)


def _select() -> Any:
    return select(models, projects.c.name.label("project_name")).join(projects, projects.c.id == models.c.project_id)


def insert(conn: Connection, row: dict[str, Any]) -> None:
    values = {c.name: row.get(c.name) for c in models.columns}
    for k in _JSON:
        values[k] = dumps(row.get(k) or {})
    conn.execute(models.insert().values(**values))
    set_tags(conn, row["id"], row.get("tags") or ())


def get(conn: Connection, model_id: str) -> ModelRow | None:
    found = _rows(conn, conn.execute(_select().where(models.c.id == model_id)))
    return found[0] if found else None


def update_fields(conn: Connection, model_id: str, **fields: Any) -> None:
    if "tags" in fields:
        set_tags(conn, model_id, fields.pop("tags"))
    for k in _JSON:
        if k in fields:
            fields[k] = dumps(fields[k])
    if fields:
        conn.execute(update(models).where(models.c.id == model_id).values(**fields))


def set_tags(conn: Connection, model_id: str, tags: Sequence[str]) -> None:
    tag_rows.replace(conn, model_tags, "model_id", model_id, tags)


def query(conn: Connection, *, project_ids: Sequence[str] | None = None, any_tags: Sequence[str] = (),
          not_tags: Sequence[str] = (), only_published: bool = False, include_archived: bool = False,
          task_id: str | None = None, weights_url: str | None = None) -> list[ModelRow]:
    stmt = _select()
    if project_ids is not None:
        stmt = stmt.where(models.c.project_id.in_(list(project_ids)))
    if only_published:
        stmt = stmt.where(models.c.published.is_(True))
    if not include_archived:
        stmt = stmt.where(models.c.archived.is_(False))
    if task_id is not None:
        stmt = stmt.where(models.c.task_id == task_id)
    if weights_url is not None:
        stmt = stmt.where(exists().where(and_(model_versions.c.model_id == models.c.id,
                                              model_versions.c.url == weights_url)))

    def has(tag: str) -> Any:
        return exists().where(and_(model_tags.c.model_id == models.c.id, model_tags.c.tag == tag))

    if any_tags:
        from sqlalchemy import or_

        stmt = stmt.where(or_(*[has(t) for t in any_tags]))
    for t in not_tags:
        stmt = stmt.where(~has(t))
    return _rows(conn, conn.execute(stmt.order_by(models.c.last_update.desc(), models.c.id)))


def delete_model(conn: Connection, model_id: str) -> None:
    conn.execute(delete(model_versions).where(model_versions.c.model_id == model_id))
    conn.execute(delete(task_models).where(task_models.c.model_id == model_id))
    conn.execute(delete(model_tags).where(model_tags.c.model_id == model_id))
    conn.execute(delete(models).where(models.c.id == model_id))


def add_version(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(model_versions.insert().values(**{c.name: row.get(c.name) for c in model_versions.columns}))


def versions(conn: Connection, model_id: str) -> list[ModelVersionRow]:
    stmt = select(model_versions).where(model_versions.c.model_id == model_id).order_by(model_versions.c.version)
    return [_row_to_version(r) for r in conn.execute(stmt)]


def version(conn: Connection, model_id: str, number: int) -> ModelVersionRow | None:
    r = conn.execute(select(model_versions).where(and_(
        model_versions.c.model_id == model_id, model_versions.c.version == number))).first()
    return None if r is None else _row_to_version(r)


def link(conn: Connection, task_id: str, model_id: str, mode: str, name: str) -> None:
    conn.execute(delete(task_models).where(and_(
        task_models.c.task_id == task_id, task_models.c.model_id == model_id, task_models.c.mode == mode)))
    conn.execute(task_models.insert().values(task_id=task_id, model_id=model_id, mode=mode, name=name))


def links_of_task(conn: Connection, task_id: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(select(task_models).where(task_models.c.task_id == task_id))]


def tasks_using(conn: Connection, model_id: str, mode: str = "input") -> list[str]:
    stmt = select(task_models.c.task_id).where(and_(task_models.c.model_id == model_id, task_models.c.mode == mode))
    return [r.task_id for r in conn.execute(stmt)]


def unlink_task(conn: Connection, task_id: str, mode: str | None = None) -> None:
    stmt = delete(task_models).where(task_models.c.task_id == task_id)
    if mode is not None:
        stmt = stmt.where(task_models.c.mode == mode)
    conn.execute(stmt)
