"""Find projects, tasks, models and dataset versions by a text: in the name (any case), an id
starting with it, or a tag equal to it. Each kind is one query with a limit."""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import dataset_tags, dataset_versions, model_tags, models, projects, task_tags, tasks


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(name: Any, key: Any, text: str) -> Any:
    return or_(func.lower(name).like(_like(text), escape="\\"), key.like(text.replace("%", "") + "%"))


def _within(column: Any, project_ids: Collection[str] | None) -> list[Any]:
    """The condition keeping rows of these projects (what a team server's caller may see); none for all."""
    return [] if project_ids is None else [column.in_(sorted(project_ids))]


def _tagged(table: Any, owner: Any, key: Any, text: str) -> Any:
    return exists().where(and_(owner == key, table.c.tag == text))


def projects_matching(conn: Connection, text: str, limit: int,
                      within: Collection[str] | None = None) -> list[dict[str, Any]]:
    hidden = or_(projects.c.name.like(".%"), projects.c.name.like("%/.%"))
    stmt = (select(projects.c.id, projects.c.name).where(_matches(projects.c.name, projects.c.id, text), not_(hidden),
                   *_within(projects.c.id, within))
            .order_by(projects.c.name).limit(limit))
    return [{"id": i, "name": n} for i, n in conn.execute(stmt)]


def tasks_matching(conn: Connection, text: str, limit: int, hide_tags: tuple[str, ...],
                   within: Collection[str] | None = None) -> list[dict[str, Any]]:
    stmt = (select(tasks.c.id, tasks.c.name, tasks.c.status, projects.c.name.label("project"))
            .join_from(tasks, projects, projects.c.id == tasks.c.project_id)
            .where(or_(_matches(tasks.c.name, tasks.c.id, text), _tagged(task_tags, task_tags.c.task_id,
                                                                       tasks.c.id, text)),
                   *[not_(tasks.c.system_tags.like(f'%"{t}"%')) for t in hide_tags],
                   *_within(tasks.c.project_id, within))
            .order_by(tasks.c.last_update.desc()).limit(limit))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def models_matching(conn: Connection, text: str, limit: int,
                    within: Collection[str] | None = None) -> list[dict[str, Any]]:
    stmt = (select(models.c.id, models.c.name, projects.c.name.label("project"))
            .join_from(models, projects, projects.c.id == models.c.project_id)
            .where(or_(_matches(models.c.name, models.c.id, text), _tagged(model_tags, model_tags.c.model_id,
                                                                         models.c.id, text)),
                   *_within(models.c.project_id, within))
            .order_by(models.c.last_update.desc()).limit(limit))
    return [dict(r._mapping) for r in conn.execute(stmt)]


def datasets_matching(conn: Connection, text: str, limit: int,
                      within: Collection[str] | None = None) -> list[dict[str, Any]]:
    stmt = (select(dataset_versions.c.id, dataset_versions.c.name, dataset_versions.c.version,
                   projects.c.name.label("project"))
            .join_from(dataset_versions, projects, projects.c.id == dataset_versions.c.project_id)
            .where(or_(_matches(dataset_versions.c.name, dataset_versions.c.id, text),
                       _tagged(dataset_tags, dataset_tags.c.dataset_id, dataset_versions.c.id, text)),
                   *_within(dataset_versions.c.project_id, within))
            .order_by(dataset_versions.c.created.desc()).limit(limit))
    return [dict(r._mapping) for r in conn.execute(stmt)]
