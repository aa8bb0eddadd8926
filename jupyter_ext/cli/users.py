"""``jupyter track users|share|audit``: the people of a team server, who may see which project,
and who did what. Run where the server's store is (like ``jupyter track keys``)."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
from typing import Any

from jupyter_ext.cli.keys import _store


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "-"


def _actor() -> str:
    return getpass.getuser()  # the operator at the server's console


def cmd_add(args: argparse.Namespace) -> int:
    from jupyter_ext.core import users

    store = _store(args)
    try:
        row = users.add(store, args.name, display_name=args.display_name or "", email=args.email or "",
                        admin=args.admin, groups=args.group or [], actor=_actor())
    finally:
        store.close()
    role = "an administrator of this server" if row.admin else "a user (share projects with them to give access)"
    print(f"added {row.name} ({row.display_name}), {role}; give them a key: "
          f"jupyter track keys create --user {row.name} --name laptop")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _table
    from jupyter_ext.core import users

    store = _store(args)
    try:
        rows = users.list_users(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps([{**r.__dict__, "groups": list(r.groups)} for r in rows], indent=2))
        return 0
    if not rows:
        print("no users: this is a personal store (every key acts for its operator); "
              "`jupyter track users add NAME` starts a team, its first user is its administrator")
        return 0
    print(_table([[r.name, r.display_name, r.email, ",".join(r.groups), "admin" if r.admin else "",
                   "disabled " + _when(r.disabled) if r.disabled else "active"] for r in rows],
                 ["USER", "DISPLAY NAME", "EMAIL", "GROUPS", "ADMIN", "STATE"]))
    return 0


def _set_disabled(args: argparse.Namespace, disabled: bool) -> int:
    from jupyter_ext.core import users

    store = _store(args)
    try:
        row = users.set_disabled(store, args.name, disabled, actor=_actor())
    finally:
        store.close()
    print(f"{row.name} is {'disabled: their keys and tokens are refused from now on' if disabled else 'enabled'}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from jupyter_ext.core import users

    store = _store(args)
    try:
        row = users.edit(store, args.name, display_name=args.display_name, email=args.email, admin=args.admin,
                         groups=args.group, actor=_actor())
    finally:
        store.close()
    print(f"{row.name}: {row.display_name}, {row.email or 'no email'}, groups {', '.join(row.groups) or '-'}"
          f"{', administrator' if row.admin else ''}")
    return 0


def cmd_share(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _table
    from jupyter_ext.core import access
    from jupyter_ext.errors import NotFound
    from jupyter_ext.store import projects

    store = _store(args)
    try:
        with store.read() as conn:
            project = projects.get_by_name(conn, args.project) or projects.get_by_id(conn, args.project)
        if project is None:
            raise NotFound(f"no project {args.project!r}; `jupyter track projects` lists them")
        if args.principal:
            role = None if args.role in (None, "none") else args.role
            access.share(store, project.id, args.principal, role, actor=_actor())
        grants = access.sharing(store, project.id)
    finally:
        store.close()
    print(_table([[g["principal"], g["role"], g["project"] + (" (inherited)" if g["inherited"] else "")]
                  for g in grants], ["WHO", "ROLE", "ON"]) if grants else f"{project.name} is shared with nobody")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _table
    from jupyter_ext.core import audit

    since = None
    if args.since:
        since = dt.datetime.fromisoformat(args.since).timestamp()
    store = _store(args)
    try:
        rows = audit.entries(store, since=since, actor=args.actor, action=args.action, limit=args.limit)
    finally:
        store.close()
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], indent=2))
        return 0
    print(_table([[_when(r.at), r.actor, r.action, r.target, json.dumps(r.detail, sort_keys=True)[:60]]
                  for r in rows], ["WHEN", "WHO", "ACTION", "TARGET", "DETAIL"]) if rows else "nothing logged yet")
    return 0


def _with_store(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--store", default=None, help="store URL (default: the store of the settings in force)")
    return p


def add_parser(sub: Any) -> None:
    users = sub.add_parser("users", help="the users of a team server (add, list, edit, disable, enable)")
    verbs = users.add_subparsers(dest="users_verb", metavar="<users verb>")
    p = _with_store(verbs.add_parser("add", help="add a user (the first one administers the server)"))
    p.add_argument("name")
    p.add_argument("--display-name", default=None)
    p.add_argument("--email", default=None)
    p.add_argument("--admin", action="store_true", help="an administrator of the whole server")
    p.add_argument("--group", action="append", help="a group the user is in (repeat for several)")
    p.set_defaults(func=cmd_add)
    p = _with_store(verbs.add_parser("list", help="list users"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)
    p = _with_store(verbs.add_parser("edit", help="change a user's display name, email, groups or admin"))
    p.add_argument("name")
    p.add_argument("--display-name", default=None)
    p.add_argument("--email", default=None)
    p.add_argument("--admin", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--group", action="append", default=None, help="the user's groups (replaces them; repeat)")
    p.set_defaults(func=cmd_edit)
    for verb, disabled, text in (("disable", True, "refuse a user's keys and tokens at once"),
                                 ("enable", False, "let a disabled user in again")):
        p = _with_store(verbs.add_parser(verb, help=text))
        p.add_argument("name")
        p.set_defaults(func=lambda a, d=disabled: _set_disabled(a, d))

    p = _with_store(sub.add_parser("share", help="who may see or change a project (and its subprojects)"))
    p.add_argument("project", help="the project's name (Team/Project) or id")
    p.add_argument("principal", nargs="?", help="user:NAME or group:NAME (omit to list)")
    p.add_argument("role", nargs="?", help="viewer, editor, admin, or none to take the grant away")
    p.set_defaults(func=cmd_share)

    p = _with_store(sub.add_parser("audit", help="who deleted, published, moved, shared, made or revoked keys"))
    p.add_argument("--since", default=None, help="only from this time on (ISO 8601, e.g. 2026-12-01)")
    p.add_argument("--actor", default=None)
    p.add_argument("--action", default=None, help="e.g. task.delete, access.share, key.create, user.disable")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)
