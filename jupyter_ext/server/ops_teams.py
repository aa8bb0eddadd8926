"""Operations on users, a project's sharing and the audit log: parse, call core/, serialise."""
from __future__ import annotations

import dataclasses
from typing import Any

from jupyter_ext import errors
from jupyter_ext.server.call import Call


def _user_out(row: Any) -> dict[str, Any]:
    out = dataclasses.asdict(row)
    out["groups"] = list(row.groups)
    return out


def list_users(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import users

    items = [_user_out(u) for u in users.list_users(call.backend.store)]
    return {"items": items, "total": len(items)}


def create_user(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import users

    row = users.add(call.backend.store, call.b("name", kind=str), display_name=call.b("display_name", "", str),
                    email=call.b("email", "", str), admin=bool(call.b("admin", False, bool)),
                    groups=call.b("groups", [], list), actor=call.user.username)
    return _user_out(row)


def update_user(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import users

    meta, name, actor = call.backend.store, call.path["name"], call.user.username
    disabled = call.b("disabled", None, bool)
    fields = {k: call.body[k] for k in ("display_name", "email", "admin", "groups") if call.body.get(k) is not None}
    row = users.edit(meta, name, actor=actor, **fields) if fields else users.get(meta, name)
    if disabled is not None:
        row = users.set_disabled(meta, name, disabled, actor=actor)
    return _user_out(row)


def get_project_access(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import access

    items = access.sharing(call.backend.store, call.path["project_id"])
    return {"items": items, "total": len(items)}


def set_project_access(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import access

    principal = call.b("principal", kind=str)
    if not principal:
        raise errors.InvalidArgument('say who: {"principal": "user:ann" or "group:ml", "role": "viewer"}')
    access.share(call.backend.store, call.path["project_id"], principal, call.b("role", None, str),
                 actor=call.user.username)
    return get_project_access(call)


def get_audit(call: Call) -> dict[str, Any]:
    from jupyter_ext.core import audit

    since = call.q("since")
    try:
        since_value = float(since) if since else None
    except ValueError:
        raise errors.InvalidArgument(f"since must be a number (epoch seconds), got {since!r}") from None
    items = [dataclasses.asdict(r) for r in audit.entries(
        call.backend.store, since=since_value, actor=call.q("actor"), action=call.q("action"),
        target=call.q("target"), limit=call.q_int("limit", 100, lo=1, hi=10_000) or 100)]
    return {"items": items, "total": len(items)}


OPERATIONS = {f.__name__: f for f in (list_users, create_user, update_user, get_project_access, set_project_access,
                                      get_audit)}
