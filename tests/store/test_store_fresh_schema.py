"""A new database gets the current schema in one step; it equals what the migration chain builds."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from jupyter_ext.store import fresh_schema, migrations
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.migrations.runner import upgrade_to_head

POSTGRES_URL = os.environ.get("JUPYTER_TRACK_TEST_POSTGRES", "")


@pytest.fixture
def empty_url(tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes empty databases: SQLite files, or PostgreSQL databases in the PostgreSQL pass."""
    made: list[str] = []

    def make() -> str:
        name = "e_" + uuid.uuid4().hex[:16]
        if not POSTGRES_URL:
            return f"sqlite:///{tmp_path / (name + '.db')}"
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return POSTGRES_URL.rsplit("/", 1)[0] + "/" + name

    yield make
    if made:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            for name in made:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _by_chain(url: str) -> MetaStore:
    store = MetaStore.open(url, migrate=False)
    with store.engine.connect() as conn:
        upgrade_to_head(conn)
    return store


def _describe(store: MetaStore) -> dict[str, Any]:
    """Every table's columns (type, nullability, default, key), indexes, unique, foreign-key and
    check constraints, as the database itself reports them."""
    insp = sa.inspect(store.engine)
    out: dict[str, Any] = {}
    for table in sorted(insp.get_table_names()):
        columns = [(c["name"], str(c["type"]), c["nullable"], c.get("default"), c.get("autoincrement"))
                   for c in insp.get_columns(table)]
        pk = insp.get_pk_constraint(table)
        indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in insp.get_indexes(table))
        uniques = sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table))
        fks = sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]),
                      tuple(sorted((f.get("options") or {}).items()))) for f in insp.get_foreign_keys(table))
        checks = sorted((c["name"], c["sqltext"]) for c in insp.get_check_constraints(table))
        out[table] = {"columns": columns, "pk": (pk.get("name"), tuple(pk["constrained_columns"])),
                      "indexes": indexes, "uniques": uniques, "fks": fks, "checks": checks}
    return out


def test_a_new_database_is_created_at_head_in_one_step(empty_url: Callable[[], str]) -> None:
    store = MetaStore.open(empty_url())
    try:
        assert store.current_revision() == migrations.HEAD_REVISION
    finally:
        store.close()


def test_the_one_step_schema_equals_the_migration_chain(empty_url: Callable[[], str]) -> None:
    created, chained = MetaStore.open(empty_url()), _by_chain(empty_url())
    try:
        assert chained.current_revision() == created.current_revision() == migrations.HEAD_REVISION
        got, want = _describe(created), _describe(chained)
        assert set(got) == set(want)
        for table in want:
            assert got[table] == want[table], table
    finally:
        created.close()
        chained.close()


def test_the_comparison_sees_a_missing_index(empty_url: Callable[[], str]) -> None:
    # Guards the test above: a schema lacking one index must not compare equal.
    store = MetaStore.open(empty_url())
    try:
        before = _describe(store)
        with store.engine.begin() as conn:
            conn.execute(sa.text("DROP INDEX ix_tasks_created"))
        assert _describe(store) != before
    finally:
        store.close()


def test_a_database_with_tables_but_no_stamp_is_not_created_over(empty_url: Callable[[], str]) -> None:
    # Only a database with none of our tables is created in one step; anything else goes to Alembic.
    store = MetaStore.open(empty_url(), migrate=False)
    try:
        with store.engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE projects (id TEXT PRIMARY KEY)"))
            assert not fresh_schema.is_empty(conn)
        with pytest.raises(Exception):  # noqa: B017 - Alembic's 0001 finds "projects" already there
            store.migrate()
        assert store.current_revision() is None
    finally:
        store.close()


def _quiet_open(url: str, before: str = "") -> subprocess.CompletedProcess[str]:
    code = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.INFO, stream=sys.stderr)\n"
        + before +
        "from jupyter_ext.store.meta import MetaStore\n"
        f"s = MetaStore.open({url!r})\n"
        "print(s.current_revision(), 'alembic' in sys.modules)\n"
    )
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)


def test_a_new_store_logs_nothing_at_info_and_skips_alembic(empty_url: Callable[[], str]) -> None:
    out = _quiet_open(empty_url())
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [migrations.HEAD_REVISION, "False"]
    assert out.stderr == ""


def test_migrating_an_old_store_logs_nothing_at_info(empty_url: Callable[[], str]) -> None:
    url = empty_url()
    old = MetaStore.open(url, migrate=False)
    try:
        from alembic import command

        from jupyter_ext.store.migrations.runner import alembic_config

        with old.engine.connect() as conn:
            command.upgrade(alembic_config(conn), "0007")
            conn.commit()
    finally:
        old.close()
    # the test process's own Alembic run may have printed; the user's process must not
    out = _quiet_open(url)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [migrations.HEAD_REVISION, "True"]
    assert "alembic" not in out.stderr.lower(), out.stderr
