"""The audit log: who deleted, published, moved, changed access, created or revoked keys, when, and what.

A row is written in the transaction of the act where the act is a change of identity or access
(users, grants, keys), and right after the act otherwise (the server's dispatch records every
audited route that succeeded). Rows are never updated; details never hold secrets.
"""
from __future__ import annotations

import time
from typing import Any

from sqlalchemy.engine import Connection

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.store import teams as rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.teams import AuditRow


def record_in(conn: Connection, actor: str, action: str, target: str = "", **detail: Any) -> None:
    """One row, in the caller's transaction."""
    rows.add_audit(conn, time.time(), actor or "(unknown)", action, target, detail)


def record(meta: MetaStore, actor: str, action: str, target: str = "", **detail: Any) -> None:
    with meta.write() as conn:
        record_in(conn, actor, action, target, **detail)


def entries(meta: MetaStore, *, since: float | None = None, actor: str | None = None, action: str | None = None,
            target: str | None = None, limit: int = 100) -> list[AuditRow]:
    """The newest entries first, at most ``limit`` (1..10,000)."""
    if not 1 <= int(limit) <= 10_000:
        raise InvalidArgument(f"limit must be between 1 and 10000, got {limit}")
    with meta.read() as conn:
        return rows.list_audit(conn, since=since, actor=actor, action=action, target=target, limit=int(limit))
