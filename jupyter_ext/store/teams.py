"""Rows of the ``users``, ``group_members``, ``grants`` and ``audit_log`` tables."""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import audit_log, grants, group_members, users


@dataclasses.dataclass(frozen=True)
class UserRow:
    name: str
    display_name: str
    email: str
    admin: bool
    created: float
    disabled: float | None
    groups: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class GrantRow:
    project_id: str
    principal: str  # user:<name> or group:<name>
    role: str
    granted_by: str
    created: float


@dataclasses.dataclass(frozen=True)
class AuditRow:
    id: int
    at: float
    actor: str
    action: str
    target: str
    detail: dict[str, Any]


# -- users and groups -----------------------------------------------------------------------------
def _user(r: Any, groups: Sequence[str] = ()) -> UserRow:
    return UserRow(name=r.name, display_name=r.display_name, email=r.email, admin=bool(r.admin), created=r.created,
                   disabled=r.disabled, groups=tuple(sorted(groups)))


def _groups_of(conn: Connection, names: Sequence[str] | None = None) -> dict[str, list[str]]:
    stmt = select(group_members.c.user_name, group_members.c.group_name)
    if names is not None:
        stmt = stmt.where(group_members.c.user_name.in_(list(names)))
    out: dict[str, list[str]] = {}
    for user_name, group_name in conn.execute(stmt):
        out.setdefault(user_name, []).append(group_name)
    return out


def insert_user(conn: Connection, row: UserRow) -> None:
    conn.execute(insert(users).values(name=row.name, display_name=row.display_name, email=row.email,
                                      admin=row.admin, created=row.created, disabled=row.disabled))
    set_groups(conn, row.name, row.groups)


def get_user(conn: Connection, name: str) -> UserRow | None:
    r = conn.execute(select(users).where(users.c.name == name)).first()
    return None if r is None else _user(r, _groups_of(conn, [name]).get(name, []))


def list_users(conn: Connection) -> list[UserRow]:
    groups = _groups_of(conn)
    return [_user(r, groups.get(r.name, [])) for r in conn.execute(select(users).order_by(users.c.name))]


def count_users(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(users)).scalar_one())


def set_user_fields(conn: Connection, name: str, **fields: Any) -> None:
    conn.execute(update(users).where(users.c.name == name).values(**fields))


def set_groups(conn: Connection, name: str, groups: Sequence[str]) -> None:
    conn.execute(delete(group_members).where(group_members.c.user_name == name))
    for group in sorted(set(groups)):
        conn.execute(insert(group_members).values(group_name=group, user_name=name))


def group_names(conn: Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute(select(group_members.c.group_name).distinct())}


def identity_signature(conn: Connection) -> tuple[Any, ...]:
    """Differs after a user is added, disabled, enabled, made or unmade admin: what a remembered
    authentication or role depends on."""
    r = conn.execute(select(func.count(), func.count(users.c.disabled), func.max(users.c.disabled),
                            func.sum(func.coalesce(users.c.disabled, 0.0)),
                            func.count().filter(users.c.admin.is_(True)))).one()
    return tuple(r)


# -- grants ---------------------------------------------------------------------------------------
def _grant(r: Any) -> GrantRow:
    return GrantRow(project_id=r.project_id, principal=r.principal, role=r.role, granted_by=r.granted_by,
                    created=r.created)


def all_grants(conn: Connection) -> list[GrantRow]:
    return [_grant(r) for r in conn.execute(select(grants))]


def grants_on(conn: Connection, project_ids: Sequence[str]) -> list[GrantRow]:
    stmt = select(grants).where(grants.c.project_id.in_(list(project_ids))).order_by(grants.c.created)
    return [_grant(r) for r in conn.execute(stmt)]


def put_grant(conn: Connection, row: GrantRow) -> None:
    conn.execute(delete(grants).where(grants.c.project_id == row.project_id, grants.c.principal == row.principal))
    conn.execute(insert(grants).values(**dataclasses.asdict(row)))


def remove_grant(conn: Connection, project_id: str, principal: str) -> int:
    result = conn.execute(delete(grants).where(grants.c.project_id == project_id, grants.c.principal == principal))
    return int(result.rowcount or 0)


def grants_signature(conn: Connection) -> tuple[Any, ...]:
    r = conn.execute(select(func.count(), func.max(grants.c.created), func.sum(grants.c.created))).one()
    members = conn.execute(select(func.count()).select_from(group_members)).scalar_one()
    return (*tuple(r), members)


# -- audit ----------------------------------------------------------------------------------------
def add_audit(conn: Connection, at: float, actor: str, action: str, target: str, detail: dict[str, Any]) -> None:
    conn.execute(insert(audit_log).values(at=at, actor=actor, action=action, target=target,
                                          detail=json.dumps(detail, sort_keys=True, default=str)))


def list_audit(conn: Connection, *, since: float | None = None, actor: str | None = None,
               action: str | None = None, target: str | None = None, limit: int = 100) -> list[AuditRow]:
    stmt = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit)
    if since is not None:
        stmt = stmt.where(audit_log.c.at >= since)
    if actor:
        stmt = stmt.where(audit_log.c.actor == actor)
    if action:
        stmt = stmt.where(audit_log.c.action == action)
    if target:
        stmt = stmt.where(audit_log.c.target == target)
    return [AuditRow(id=r.id, at=r.at, actor=r.actor, action=r.action, target=r.target, detail=json.loads(r.detail))
            for r in conn.execute(stmt)]
