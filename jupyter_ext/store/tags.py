"""Tag rows, the same for tasks, models and dataset versions: a (owner id, tag) table each."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete, select
from sqlalchemy.engine import Connection

_BATCH = 500


def replace(conn: Connection, table: Table, owner: str, owner_id: str, tags: Sequence[str]) -> None:
    """Make ``owner_id``'s tags exactly ``tags`` (duplicates dropped)."""
    conn.execute(delete(table).where(table.c[owner] == owner_id))
    unique = sorted(set(tags))
    if unique:
        conn.execute(table.insert(), [{owner: owner_id, "tag": t} for t in unique])


def load(conn: Connection, table: Table, owner: str, ids: Sequence[str]) -> dict[str, list[str]]:
    """Sorted tags of each id, in batches (parameter counts are limited on SQLite)."""
    found: dict[str, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), _BATCH):
        stmt = select(table.c[owner], table.c.tag).where(table.c[owner].in_(list(ids[start:start + _BATCH])))
        for owner_id, tag in conn.execute(stmt.order_by(table.c.tag)):
            found[owner_id].append(tag)
    return found
