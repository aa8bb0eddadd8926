"""Projects: nested by '/', created implicitly, names checked."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.core import projects, tasks
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store.meta import MetaStore


def test_a_task_creates_its_project_and_every_parent(store: MetaStore) -> None:
    row = tasks.create(store, {"project": "Image Classification/Cats vs Dogs/v2", "name": "t"})
    assert row.project_name == "Image Classification/Cats vs Dogs/v2"
    with store.read() as conn:
        by_name = {p.name: p for p in project_rows.list_all(conn)}
    assert set(by_name) == {"Image Classification", "Image Classification/Cats vs Dogs",
                            "Image Classification/Cats vs Dogs/v2"}
    assert by_name["Image Classification"].parent_id is None
    assert by_name["Image Classification/Cats vs Dogs"].parent_id == by_name["Image Classification"].id
    assert by_name["Image Classification/Cats vs Dogs/v2"].parent_id == by_name["Image Classification/Cats vs Dogs"].id
    assert by_name["Image Classification/Cats vs Dogs/v2"].basename == "v2"
    assert row.project_id == by_name["Image Classification/Cats vs Dogs/v2"].id


def test_ensure_is_idempotent_and_normalises(store: MetaStore) -> None:
    with store.write() as conn:
        a = projects.ensure(conn, "A/B")
        b = projects.ensure(conn, "  A / B/ ")
        c = projects.ensure(conn, "A")
        assert len(project_rows.list_all(conn)) == 2
    assert a.id == b.id
    assert a.parent_id == c.id


def test_a_new_sibling_reuses_the_parent(store: MetaStore) -> None:
    tasks.create(store, {"project": "A/B", "name": "t"})
    tasks.create(store, {"project": "A/C", "name": "t"})
    with store.read() as conn:
        names = [p.name for p in project_rows.list_all(conn)]
    assert names == ["A", "A/B", "A/C"]


@pytest.mark.parametrize("bad", ["", "   ", "/", "a//b", "a/ /b", 123, None, ["a"], "x" * 600])
def test_invalid_project_names_are_refused(store: MetaStore, bad: Any) -> None:
    with pytest.raises(InvalidArgument):
        projects.normalize_name(bad)
    if bad not in (None, ""):  # to tasks.create, an empty project means the default one
        with pytest.raises(InvalidArgument):
            tasks.create(store, {"project": bad, "name": "t"})
    with store.read() as conn:
        assert project_rows.list_all(conn) == []


def test_no_project_means_the_default_one(store: MetaStore) -> None:
    assert tasks.create(store, {"name": "t"}).project_name == projects.DEFAULT_PROJECT


def test_get_project(store: MetaStore) -> None:
    row = tasks.create(store, {"project": "X/Y", "name": "t"})
    with store.read() as conn:
        assert projects.get(conn, name="X/Y").id == row.project_id
        assert projects.get(conn, project_id=row.project_id).name == "X/Y"
        with pytest.raises(NotFound):
            projects.get(conn, name="X/Z")
