"""MetaStore transactions and error translation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from jupyter_ext.errors import InvalidArgument, Unavailable
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.schema import blobs


def test_write_commits(store: MetaStore) -> None:
    with store.write() as conn:
        conn.execute(blobs.insert().values(sha256="a" * 64, size=1, created=0.0))
    with store.read() as conn:
        assert conn.execute(sa.select(blobs.c.size)).scalar_one() == 1


def test_write_rolls_back_on_error(store: MetaStore) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute(blobs.insert().values(sha256="b" * 64, size=1, created=0.0))
        raise RuntimeError("boom")
    with store.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(blobs)).scalar_one() == 0


def test_unsupported_url_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="sqlite:///"):
        MetaStore.open("mysql://nope/db")


@pytest.mark.sqlite_only
def test_operational_errors_become_unavailable(store: MetaStore) -> None:
    with pytest.raises(Unavailable), store.read() as conn:
        conn.exec_driver_sql("SELECT * FROM no_such_table")
