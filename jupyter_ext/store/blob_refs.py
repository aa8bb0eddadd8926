"""Which stored files exist (``blobs`` for the default folder, ``blob_copies`` elsewhere), and
which of them no row refers to any more."""
from __future__ import annotations

import time
from collections.abc import Sequence

from sqlalchemy import and_, delete, select, union
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import BLOB_REFERENCES, blob_copies, blobs

DEFAULT_LOCATION = ""


def record(conn: Connection, sha: str, size: int, location: str = DEFAULT_LOCATION) -> None:
    if location == DEFAULT_LOCATION:
        if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is None:
            conn.execute(blobs.insert().values(sha256=sha, size=size, created=time.time()))
        return
    found = conn.execute(select(blob_copies.c.sha256).where(
        and_(blob_copies.c.location == location, blob_copies.c.sha256 == sha))).first()
    if found is None:
        conn.execute(blob_copies.insert().values(location=location, sha256=sha, size=size, created=time.time()))


def _references(location: str) -> object:
    selects = []
    for table, sha_col, loc_col in BLOB_REFERENCES:
        stmt = select(table.c[sha_col].label("sha")).where(table.c[sha_col].is_not(None))
        if loc_col is None:
            if location != DEFAULT_LOCATION:
                continue
        else:
            stmt = stmt.where(table.c[loc_col] == location)
        selects.append(stmt)
    return (union(*selects) if len(selects) > 1 else selects[0]).subquery()


def unreferenced(conn: Connection, older_than: float | None = None) -> list[tuple[str, str, int]]:
    """(location, sha256, size) of files that no referencing row names (``older_than``: skip
    files recorded after it, so a file written just before its row commits is never taken)."""
    out: list[tuple[str, str, int]] = []
    ref = _references(DEFAULT_LOCATION)
    stmt = select(blobs.c.sha256, blobs.c.size).where(blobs.c.sha256.not_in(select(ref.c.sha)))  # type: ignore[attr-defined]
    if older_than is not None:
        stmt = stmt.where(blobs.c.created < older_than)
    out += [(DEFAULT_LOCATION, r.sha256, int(r.size)) for r in conn.execute(stmt)]
    for (location,) in conn.execute(select(blob_copies.c.location).distinct()).all():
        ref = _references(location)
        stmt = select(blob_copies.c.sha256, blob_copies.c.size).where(and_(
            blob_copies.c.location == location, blob_copies.c.sha256.not_in(select(ref.c.sha))))  # type: ignore[attr-defined]
        if older_than is not None:
            stmt = stmt.where(blob_copies.c.created < older_than)
        out += [(location, r.sha256, int(r.size)) for r in conn.execute(stmt)]
    return out


def unreferenced_among(conn: Connection, candidates: Sequence[tuple[str, str]]) -> list[tuple[str, str, int]]:
    """Those of the recorded (location, sha256) ``candidates`` that no row names any more, with
    their sizes: what removing a few rows freed, found without looking at every stored file."""
    out: list[tuple[str, str, int]] = []
    by_location: dict[str, set[str]] = {}
    for location, sha in candidates:
        by_location.setdefault(location, set()).add(sha)
    for location, wanted in by_location.items():
        shas = sorted(wanted)
        for start in range(0, len(shas), 500):
            batch = shas[start:start + 500]
            named: set[str] = set()
            for table, sha_col, loc_col in BLOB_REFERENCES:
                if loc_col is None and location != DEFAULT_LOCATION:
                    continue
                stmt = select(table.c[sha_col]).where(table.c[sha_col].in_(batch))
                if loc_col is not None:
                    stmt = stmt.where(table.c[loc_col] == location)
                named.update(r[0] for r in conn.execute(stmt))
            if location == DEFAULT_LOCATION:
                stmt = select(blobs.c.sha256, blobs.c.size).where(blobs.c.sha256.in_(batch))
            else:
                stmt = select(blob_copies.c.sha256, blob_copies.c.size).where(and_(
                    blob_copies.c.location == location, blob_copies.c.sha256.in_(batch)))
            out += [(location, r.sha256, int(r.size)) for r in conn.execute(stmt) if r.sha256 not in named]
    return out


def forget(conn: Connection, items: list[tuple[str, str]]) -> None:
    """Drop the records of (location, sha256) files."""
    default = [sha for loc, sha in items if loc == DEFAULT_LOCATION]
    for start in range(0, len(default), 500):
        conn.execute(delete(blobs).where(blobs.c.sha256.in_(default[start:start + 500])))
    for loc, sha in items:
        if loc != DEFAULT_LOCATION:
            conn.execute(delete(blob_copies).where(and_(blob_copies.c.location == loc, blob_copies.c.sha256 == sha)))


def known(conn: Connection) -> set[str]:
    """sha256 of every file recorded in the default folder."""
    return {r.sha256 for r in conn.execute(select(blobs.c.sha256))}
