"""Access per project on a team server: what the caller may do, and sharing a project.

Every request asks :func:`require` (or :func:`visible_projects` for a list) with the role its
route needs. The grants, the projects' parents and the users are held in memory, one index
per store, so a check is a few dictionary lookups (bench/bench_team.py measures it with 10,000
grants). A change made in this process is seen at once; one made by another process (another
server replica, ``jupyter track users`` beside the server) within ``RECHECK_SECONDS``: the
store's small signatures are compared at most that often.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import weakref
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from jupyter_ext.core import audit
from jupyter_ext.core.rules import access as rules
from jupyter_ext.errors import Conflict, Forbidden, InvalidArgument, NotFound
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store import teams as rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.schema import projects as projects_table
from jupyter_ext.store.teams import GrantRow, UserRow

RECHECK_SECONDS = 1.0


@dataclasses.dataclass(frozen=True)
class Caller:
    """Who asks, as access sees it: a user name and their key's scope (``full`` in a browser)."""

    name: str
    scope: str = "full"


@dataclasses.dataclass
class Index:
    teams: bool  # False: a personal store (no users), where every caller may do everything
    parents: dict[str, str | None]
    names: dict[str, str]  # project id -> name
    grants: dict[str, dict[str, str]]  # project id -> principal -> role
    users: dict[str, UserRow]
    visible: dict[str, frozenset[str]] = dataclasses.field(default_factory=dict)  # user -> project ids

    def principals(self, user: UserRow) -> tuple[str, ...]:
        return (f"user:{user.name}", *(f"group:{g}" for g in user.groups))


_lock = threading.Lock()
_indexes: weakref.WeakKeyDictionary[MetaStore, tuple[Index, float, Any]] = weakref.WeakKeyDictionary()


def forget_all() -> None:
    with _lock:
        _indexes.clear()


def _signature(conn: Connection) -> Any:
    projects = conn.execute(select(func.count(), func.max(projects_table.c.created))).one()
    return (rows.grants_signature(conn), rows.identity_signature(conn), tuple(projects))


def _build(conn: Connection) -> Index:
    users = {u.name: u for u in rows.list_users(conn)}
    grants: dict[str, dict[str, str]] = {}
    for g in rows.all_grants(conn):
        grants.setdefault(g.project_id, {})[g.principal] = g.role
    projects = project_rows.list_all(conn)
    return Index(teams=bool(users), parents={p.id: p.parent_id for p in projects},
                 names={p.id: p.name for p in projects}, grants=grants, users=users)


def index(meta: MetaStore, *, projects_now: bool = False) -> Index:
    """The index, rebuilt when the store's signatures moved (looked at once a second at most, or at
    once for ``projects_now``: a list must show a project made a moment ago)."""
    now = time.monotonic()
    with _lock:
        hit = _indexes.get(meta)
    if hit is not None and now - hit[1] < RECHECK_SECONDS and not projects_now:
        return hit[0]
    if hit is not None and projects_now and now - hit[1] < RECHECK_SECONDS:
        with meta.read() as conn:
            current = tuple(conn.execute(select(func.count(), func.max(projects_table.c.created))).one())
        if current == hit[2][2]:
            return hit[0]
    with meta.read() as conn:
        signature = _signature(conn)
        built = hit[0] if hit is not None and hit[2] == signature else _build(conn)
    with _lock:
        _indexes[meta] = (built, now, signature)
    return built


# -- checks ---------------------------------------------------------------------------------------
def role(meta: MetaStore, caller: Caller, project_id: str | None) -> str | None:
    """The caller's role on the project (``None``: no access); ``admin`` for a server admin."""
    idx = index(meta)
    if not idx.teams:
        return "admin"
    user = idx.users.get(caller.name)
    if user is None or user.disabled is not None:
        return None
    if user.admin:
        return "admin"
    if project_id is None:
        return None
    if project_id not in idx.parents:  # a project made since the index was built
        idx = index(meta, projects_now=True)
    return rules.role_on(project_id, idx.parents, idx.grants, idx.principals(user))


def _member(meta: MetaStore, caller: Caller) -> bool:
    idx = index(meta)
    user = idx.users.get(caller.name)
    return not idx.teams or (user is not None and user.disabled is None)


def _runs_work(meta: MetaStore, caller: Caller) -> bool:
    """A server admin, or an editor or admin of at least one project (any caller on a personal store)."""
    idx = index(meta)
    if not idx.teams:
        return True
    user = idx.users.get(caller.name)
    if user is None or user.disabled is not None:
        return False
    if user.admin:
        return True
    principals = set(idx.principals(user))
    return any(rules.RANK[role] >= rules.RANK["editor"] for on in idx.grants.values()
               for who, role in on.items() if who in principals)


def is_server_admin(meta: MetaStore, caller: Caller) -> bool:
    idx = index(meta)
    if not idx.teams:
        return True
    user = idx.users.get(caller.name)
    return user is not None and user.disabled is None and user.admin


def require(meta: MetaStore, caller: Caller, project_id: str | None, needed: str, doing: str) -> None:
    """Refuse with 403, naming the role needed, unless the caller holds ``needed`` on the project
    (``needed`` is viewer, editor, admin, or ``server-admin``) and their key's scope allows it."""
    if caller.scope != "full":
        kind = "viewer" if needed in ("any", "viewer") else needed
        if kind not in rules.SCOPE_ALLOWS.get(caller.scope, frozenset()):
            raise Forbidden(f"this key is limited to {caller.scope!r} work and cannot {doing}; use a full key")
    if needed == "agent":  # reporting to a task is changing it
        if project_id is None:  # an agent's own routes (queues, workers, uploads): someone who runs work
            if not _runs_work(meta, caller):
                raise Forbidden(f"the editor role on some project is needed to {doing} (agents run work); "
                                f"{caller.name or 'this caller'} has none")
            return
        needed = "editor"
    if needed == "any":
        return
    if needed == "member":  # anyone the server knows, enabled
        if not _member(meta, caller):
            raise Forbidden(f"{caller.name!r} is not a user of this server and cannot {doing}")
        return
    if needed == "server-admin":
        if not is_server_admin(meta, caller):
            raise Forbidden(f"an administrator of this server is needed to {doing}")
        return
    held = role(meta, caller, project_id)
    if not rules.satisfies(held, needed):
        idx = index(meta)
        where = idx.names.get(project_id or "", project_id or "this server")
        raise Forbidden(f"the {needed} role on project {where!r} is needed to {doing}; "
                        f"{caller.name or 'this caller'} has {'the ' + held + ' role' if held else 'no access'} there "
                        "(an admin of the project can share it)")


def visible_projects(meta: MetaStore, caller: Caller) -> frozenset[str] | None:
    """The project ids the caller may see (viewer or more), or ``None`` for every one."""
    idx = index(meta, projects_now=True)
    if not idx.teams:
        return None
    user = idx.users.get(caller.name)
    if user is None or user.disabled is not None:
        return frozenset()
    if user.admin:
        return None
    found = idx.visible.get(user.name)
    if found is None:
        principals = idx.principals(user)
        found = frozenset(p for p in idx.parents if rules.role_on(p, idx.parents, idx.grants, principals))
        idx.visible[user.name] = found
    return found


def project_names(meta: MetaStore, project_ids: frozenset[str]) -> frozenset[str]:
    names = index(meta).names
    return frozenset(names[p] for p in project_ids if p in names)


# -- sharing --------------------------------------------------------------------------------------
def _project(conn: Connection, project_id: str) -> Any:
    found = project_rows.get_by_id(conn, project_id)
    if found is None:
        raise NotFound(f"no project {project_id!r}")
    return found


def _check_principal(conn: Connection, principal: str) -> str:
    kind, name = rules.parse_principal(principal)
    if kind == "user":
        if rows.get_user(conn, name) is None:
            raise InvalidArgument(f"unknown user {name!r}; add them with `jupyter track users add {name}`")
    elif name not in rows.group_names(conn):
        raise InvalidArgument(f"unknown group {name!r}: a group exists once a user is in it "
                              f"(`jupyter track users edit NAME --group {name}`)")
    return f"{kind}:{name}"


def sharing(meta: MetaStore, project_id: str) -> list[dict[str, Any]]:
    """Who holds which role on the project: its own grants and those inherited from ancestors."""
    with meta.read() as conn:
        project = _project(conn, project_id)
        chain = _ancestors(conn, project)
        found = rows.grants_on(conn, [p.id for p in chain])
    names = {p.id: p.name for p in chain}
    return [{"principal": g.principal, "role": g.role, "project_id": g.project_id, "project": names[g.project_id],
             "inherited": g.project_id != project_id, "granted_by": g.granted_by, "created": g.created}
            for g in sorted(found, key=lambda g: (g.project_id != project_id, g.principal))]


def _ancestors(conn: Connection, project: Any) -> list[Any]:
    chain = [project]
    while chain[-1].parent_id is not None and len(chain) < 1000:
        chain.append(_project(conn, chain[-1].parent_id))
    return chain


def _admins_after(conn: Connection, project: Any, principal: str, role: str | None) -> bool:
    chain = _ancestors(conn, project)
    found = rows.grants_on(conn, [p.id for p in chain])
    holders = {(g.project_id, g.principal) for g in found if g.role == "admin"}
    had = bool(holders)
    holders.discard((project.id, principal))
    if role == "admin":
        holders.add((project.id, principal))
    return bool(holders) or not had


def share(meta: MetaStore, project_id: str, principal: str, role_name: str | None, *, actor: str = "") -> None:
    """Give ``principal`` (``user:ann``, ``group:ml``) ``role_name`` on the project's subtree, or take
    their grant on it away (``None``). The last admin of a project that has admins stays."""
    if role_name is not None:
        rules.check_role(role_name)
    with meta.write() as conn:
        project = _project(conn, project_id)
        who = _check_principal(conn, principal)
        if not _admins_after(conn, project, who, role_name):
            raise Conflict(f"{who} is the last admin of project {project.name!r}: give another user or group "
                           "the admin role first")
        if role_name is None:
            rows.remove_grant(conn, project_id, who)
        else:
            rows.put_grant(conn, GrantRow(project_id=project_id, principal=who, role=role_name, granted_by=actor,
                                          created=time.time()))
        audit.record_in(conn, actor, "access.share" if role_name else "access.unshare", project.name,
                        principal=who, role=role_name)
    forget_all()


def adopt_project(meta: MetaStore, name: str, user: str) -> None:
    """A project a user starts at the top of the tree is theirs: they are its admin (until they share
    it). Nothing happens on a personal store, or when the project has grants already."""
    with meta.write() as conn:
        if not rows.count_users(conn) or rows.get_user(conn, user) is None:
            return
        project = project_rows.get_by_name(conn, name)
        if project is None or rows.grants_on(conn, [project.id]):
            return
        rows.put_grant(conn, GrantRow(project_id=project.id, principal=f"user:{user}", role="admin",
                                      granted_by=user, created=time.time()))
        audit.record_in(conn, user, "access.share", project.name, principal=f"user:{user}", role="admin")
    forget_all()


# -- where a resource lives -----------------------------------------------------------------------
def project_of(meta: MetaStore, kind: str, ident: str) -> str | None:
    """The project id of a task, model, dataset version or project (itself); None when there is none."""
    from jupyter_ext.store.schema import dataset_versions, models, tasks

    if kind == "project":
        return ident if ident in index(meta).parents or _exists(meta, ident) else None
    table = {"task": tasks, "model": models, "dataset": dataset_versions}[kind]
    with meta.read() as conn:
        found = conn.execute(select(table.c.project_id).where(table.c.id == ident)).first()
    return None if found is None else str(found[0])


def _exists(meta: MetaStore, project_id: str) -> bool:
    with meta.read() as conn:
        return project_rows.get_by_id(conn, project_id) is not None


def nearest_project(meta: MetaStore, name: str) -> str | None:
    """The project called ``name`` or, when it does not exist yet, its nearest existing ancestor
    (whose role decides whether it may be made); None at the top of the tree."""
    from jupyter_ext.core.rules.names import normalize_project_name

    parts = normalize_project_name(name).split("/")
    with meta.read() as conn:
        for depth in range(len(parts), 0, -1):
            found = project_rows.get_by_name(conn, "/".join(parts[:depth]))
            if found is not None:
                return found.id
    return None
