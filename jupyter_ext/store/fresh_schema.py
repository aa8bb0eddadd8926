"""A new database gets the current schema in one step: the tables of ``schema.py``, stamped at
the head revision, so it never runs (nor imports) the chain of migrations.

The stamp is the table Alembic itself keeps (``alembic_version``, same columns and key), so a
later release migrates such a database exactly like one built by the chain; a test proves the
two schemas identical on SQLite and PostgreSQL.
"""
from __future__ import annotations

from sqlalchemy import Column, MetaData, PrimaryKeyConstraint, String, Table, inspect
from sqlalchemy.engine import Connection

from jupyter_ext.store.migrations import HEAD_REVISION
from jupyter_ext.store.schema import metadata

# Alembic's own definition of its version table (alembic.runtime.migration).
_stamp = MetaData()
alembic_version = Table(
    "alembic_version",
    _stamp,
    Column("version_num", String(32), nullable=False),
    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def is_empty(conn: Connection) -> bool:
    """True when none of the schema's tables (nor a version stamp) exist yet."""
    present = set(inspect(conn).get_table_names())
    return not (present & (set(metadata.tables) | {"alembic_version"}))


def create_current_schema(conn: Connection) -> None:
    """Create every table and index of the schema and stamp the head revision, in the caller's
    transaction (all or nothing: DDL is transactional on SQLite and PostgreSQL)."""
    metadata.create_all(conn, checkfirst=False)
    _stamp.create_all(conn, checkfirst=False)
    conn.execute(alembic_version.insert().values(version_num=HEAD_REVISION))
