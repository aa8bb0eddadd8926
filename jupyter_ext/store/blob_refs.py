"""Rows of the ``blobs`` table, and which blobs no row refers to any more."""
from __future__ import annotations

import time

from sqlalchemy import delete, select, union
from sqlalchemy.engine import Connection

from .schema import BLOB_REFERENCES, blobs


def record(conn: Connection, sha: str, size: int) -> None:
    if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is None:
        conn.execute(blobs.insert().values(sha256=sha, size=size, created=time.time()))


def unreferenced(conn: Connection, older_than: float | None = None) -> list[tuple[str, int]]:
    """Blobs that no referencing table names (``older_than``: skip blobs created after it,
    so a blob written just before its referencing row is committed is never taken)."""
    selects = [select(table.c[col].label("sha")).where(table.c[col].is_not(None)) for table, col in BLOB_REFERENCES]
    ref_sub = (union(*selects) if len(selects) > 1 else selects[0]).subquery()
    stmt = select(blobs.c.sha256, blobs.c.size).where(blobs.c.sha256.not_in(select(ref_sub.c.sha)))
    if older_than is not None:
        stmt = stmt.where(blobs.c.created < older_than)
    return [(r.sha256, int(r.size)) for r in conn.execute(stmt)]


def forget(conn: Connection, shas: list[str]) -> None:
    for start in range(0, len(shas), 500):
        conn.execute(delete(blobs).where(blobs.c.sha256.in_(shas[start:start + 500])))


def known(conn: Connection) -> set[str]:
    return {r.sha256 for r in conn.execute(select(blobs.c.sha256))}
