"""Who may do what on a team server: roles, the names of users and groups, and how a role on a
project reaches its subprojects. Pure: the grants are handed in, nothing is read here.

A role is given on a project to a user or a group and holds for that project's whole subtree;
the strongest role found on the project or any ancestor, for the user or any of their groups,
is the one in force. A server administrator is ``admin`` everywhere. A key may be narrower than
its user: ``read`` keys read only, ``agent`` keys pop queues and run and report to the tasks
they are given, and read.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from jupyter_ext.errors import InvalidArgument

ROLES = ("viewer", "editor", "admin")
RANK = {None: 0, "viewer": 1, "editor": 2, "admin": 3}
KEY_SCOPES = ("full", "read", "agent")
# What each scope lets a key do, whatever its user's roles: reads, and for agents the work they run.
SCOPE_ALLOWS = {"full": frozenset({"viewer", "editor", "admin", "agent"}), "read": frozenset({"viewer"}),
                "agent": frozenset({"viewer", "agent"})}

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")


def check_user_name(name: object, what: str = "user") -> str:
    """A user or group name: letters, digits and ``. _ @ + -``, up to 100, not starting with a sign."""
    if not isinstance(name, str) or not _NAME.match(name.strip()):
        raise InvalidArgument(f"{what} name {name!r} is not valid: use letters, digits and . _ @ + - "
                              "(up to 100, starting with a letter or digit)")
    return name.strip()


def check_role(role: object) -> str:
    if role not in ROLES:
        raise InvalidArgument(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    return str(role)


def check_scope(scope: object) -> str:
    if scope not in KEY_SCOPES:
        raise InvalidArgument(f"unknown key scope {scope!r}: use one of {', '.join(KEY_SCOPES)}")
    return str(scope)


def parse_principal(text: object) -> tuple[str, str]:
    """``user:ann`` or ``group:ml`` -> (kind, name); a bare name is a user."""
    if not isinstance(text, str) or not text:
        raise InvalidArgument("a grant names who it is for: user:<name> or group:<name>")
    kind, sep, name = text.partition(":")
    if not sep:
        kind, name = "user", text
    if kind not in ("user", "group"):
        raise InvalidArgument(f"{text!r}: a grant is for user:<name> or group:<name>")
    return kind, check_user_name(name, kind)


def stronger(a: str | None, b: str | None) -> str | None:
    return a if RANK[a] >= RANK[b] else b


def role_on(project_id: str | None, parents: Mapping[str, str | None],
            grants: Mapping[str, Mapping[str, str]], principals: Iterable[str]) -> str | None:
    """The strongest role ``principals`` (``user:ann``, ``group:ml``) hold on ``project_id`` through a
    grant on it or on any ancestor. ``grants``: project id -> principal -> role."""
    names = tuple(principals)
    best: str | None = None
    seen = 0
    node = project_id
    while node is not None and seen < 1000:  # the depth bound guards against a cycle in bad data
        on = grants.get(node)
        if on:
            for who in names:
                best = stronger(best, on.get(who))
            if best == "admin":
                return best
        node = parents.get(node)
        seen += 1
    return best


def satisfies(role: str | None, needed: str) -> bool:
    return RANK[role] >= RANK[needed]
