"""The schema the migrations build, and how cheaply an up-to-date database opens."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jupyter_ext.store import migrations
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.migrations.runner import alembic_config, script_head, upgrade_to_head
from jupyter_ext.store.schema import metadata


def _diffs(store: MetaStore, target: sa.MetaData) -> list[object]:
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, target))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[MetaStore]:
    """A database built by running the migration chain now (a new store opened by MetaStore
    gets the schema in one step instead; test_store_fresh_schema compares the two)."""
    opened = MetaStore.open(f"sqlite:///{tmp_path / 'fresh.db'}", migrate=False)
    with opened.engine.connect() as conn:
        upgrade_to_head(conn)
    yield opened
    opened.close()


def test_migrations_build_exactly_the_schema(fresh: MetaStore) -> None:
    assert _diffs(fresh, metadata) == []


def test_the_schema_comparison_would_see_a_difference(fresh: MetaStore) -> None:
    # Guards the test above: an extra column and an extra table must show up as diffs.
    changed = sa.MetaData()
    for table in metadata.tables.values():
        table.to_metadata(changed)
    changed.tables["tasks"].append_column(sa.Column("extra", sa.Text, nullable=True))
    sa.Table("not_migrated", changed, sa.Column("id", sa.Integer, primary_key=True))
    kinds = {d[0] for d in _diffs(fresh, changed) if isinstance(d, tuple)}
    assert {"add_column", "add_table"} <= kinds


def test_head_revision_is_alembics_head() -> None:
    assert script_head() == migrations.HEAD_REVISION


def test_store_records_the_head_revision(store: MetaStore) -> None:
    assert store.current_revision() == migrations.HEAD_REVISION


def test_every_schema_table_exists(fresh: MetaStore) -> None:
    names = set(sa.inspect(fresh.engine).get_table_names())
    assert set(metadata.tables) <= names
    assert "alembic_version" in names


@pytest.mark.sqlite_only
def test_wal_mode_is_on(store: MetaStore, tmp_path: Path) -> None:
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    # WAL is a property of the file, so another plain sqlite3 client sees it too.
    raw = sqlite3.connect(tmp_path / "t.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        raw.close()


def test_opening_a_fresh_database_migrates_it(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "fresh.db"
    opened = MetaStore.open(f"sqlite:///{path}", migrate=False)
    try:
        assert opened.current_revision() is None
        opened.migrate()
        assert opened.current_revision() == migrations.HEAD_REVISION
    finally:
        opened.close()
    assert path.exists()


def test_reopening_an_up_to_date_database_does_not_import_alembic(store: MetaStore, db_url: str) -> None:
    code = (
        "import sys\n"
        "from jupyter_ext.store.meta import MetaStore\n"
        f"s = MetaStore.open({db_url!r})\n"
        "print(s.current_revision())\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    revision, alembic_loaded = out.stdout.split()
    assert revision == migrations.HEAD_REVISION
    assert alembic_loaded == "False"


def test_opening_an_old_database_does_import_alembic(tmp_path: Path) -> None:
    # The counterpart of the test above: a database that needs migrating goes through Alembic.
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = MetaStore.open(url, migrate=False)
    with old.engine.connect() as conn:
        from alembic import command

        command.upgrade(alembic_config(conn), "0007")
        conn.commit()
    old.close()
    code = (
        "import sys\n"
        "from jupyter_ext.store.meta import MetaStore\n"
        f"MetaStore.open({url!r})\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True"]
