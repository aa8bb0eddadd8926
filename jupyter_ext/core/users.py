"""The users of a team server: records (name, display name, email), their groups, server admins,
and disabling (a disabled user's keys and bearer tokens are refused at their next request).

A store with no users is a personal one: every key acts as the server's operator, as before teams
existed. The first user added is an administrator of the whole server, so that someone can
always grant access; the last enabled administrator can neither be disabled nor demoted.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy.engine import Connection

from jupyter_ext.core import audit
from jupyter_ext.core.rules.access import check_user_name
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import teams as rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.teams import UserRow


def _text(value: object, what: str, most: int = 200) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > most or any(ord(c) < 32 for c in text):
        raise InvalidArgument(f"{what} {text[:40]!r} is not valid: up to {most} printable characters")
    return text


def unknown_user(name: str) -> NotFound:
    return NotFound(f"no user {name!r} on this server; add them with `jupyter track users add {name}`")


def add(meta: MetaStore, name: str, *, display_name: str = "", email: str = "", admin: bool = False,
        groups: Sequence[str] = (), actor: str = "") -> UserRow:
    """A new, enabled user; the first one is made a server administrator."""
    name = check_user_name(name)
    email = _text(email, "email")
    if email and "@" not in email:
        raise InvalidArgument(f"email {email!r} is not an address (name@host)")
    groups = tuple(check_user_name(g, "group") for g in groups)
    with meta.write() as conn:
        if rows.get_user(conn, name) is not None:
            raise AlreadyExists(f"user {name!r} exists already; `jupyter track users list` shows them")
        first = rows.count_users(conn) == 0
        row = UserRow(name=name, display_name=_text(display_name, "display name") or name, email=email,
                      admin=bool(admin) or first, created=time.time(), disabled=None, groups=groups)
        rows.insert_user(conn, row)
        audit.record_in(conn, actor, "user.add", name, admin=row.admin, groups=list(groups))
    _forget()
    return row


def list_users(meta: MetaStore) -> list[UserRow]:
    with meta.read() as conn:
        return rows.list_users(conn)


def get(meta: MetaStore, name: str) -> UserRow:
    with meta.read() as conn:
        found = rows.get_user(conn, name)
    if found is None:
        raise unknown_user(name)
    return found


def require(conn: Connection, name: str) -> UserRow:
    """The user ``name``, enabled; :class:`InvalidArgument` (a 400) otherwise: for requests naming one."""
    found = rows.get_user(conn, name)
    if found is None:
        raise InvalidArgument(str(unknown_user(name)))
    if found.disabled is not None:
        raise InvalidArgument(f"user {name!r} is disabled; enable them first (`jupyter track users enable {name}`)")
    return found


def teams_on(conn: Connection) -> bool:
    return rows.count_users(conn) > 0


def _check_admins_remain(conn: Connection, name: str) -> None:
    others = [u for u in rows.list_users(conn) if u.admin and u.disabled is None and u.name != name]
    if not others:
        raise Conflict(f"{name!r} is the last enabled administrator of this server: make another user admin "
                       "first (`jupyter track users edit NAME --admin`)")


def set_disabled(meta: MetaStore, name: str, disabled: bool, *, actor: str = "") -> UserRow:
    with meta.write() as conn:
        found = rows.get_user(conn, name)
        if found is None:
            raise unknown_user(name)
        if disabled and found.admin and found.disabled is None:
            _check_admins_remain(conn, name)
        if disabled != (found.disabled is not None):
            rows.set_user_fields(conn, name, disabled=time.time() if disabled else None)
            audit.record_in(conn, actor, "user.disable" if disabled else "user.enable", name)
    _forget()
    return get(meta, name)


def edit(meta: MetaStore, name: str, *, display_name: str | None = None, email: str | None = None,
         admin: bool | None = None, groups: Sequence[str] | None = None, actor: str = "") -> UserRow:
    with meta.write() as conn:
        found = rows.get_user(conn, name)
        if found is None:
            raise unknown_user(name)
        fields: dict[str, object] = {}
        if display_name is not None:
            fields["display_name"] = _text(display_name, "display name") or name
        if email is not None:
            fields["email"] = _text(email, "email")
        if admin is not None and admin != found.admin:
            if not admin and found.disabled is None:
                _check_admins_remain(conn, name)
            fields["admin"] = bool(admin)
        if fields:
            rows.set_user_fields(conn, name, **fields)
        if groups is not None:
            rows.set_groups(conn, name, [check_user_name(g, "group") for g in groups])
            fields["groups"] = list(groups)
        if fields:
            audit.record_in(conn, actor, "user.edit", name, **fields)
    _forget()
    return get(meta, name)


def _forget() -> None:
    """Remembered authentications and roles of this process count no more (other processes notice
    through the store's signatures: core/keys.py, core/access.py)."""
    from jupyter_ext.core import access, keys

    keys.forget_all()
    access.forget_all()
