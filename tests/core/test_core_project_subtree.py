"""A project's subtree: exactly the names below ``name/``, letter case and LIKE's wildcards
taken literally."""
from __future__ import annotations

from jupyter_ext.core import projects, tasks
from jupyter_ext.store import projects as project_rows
from jupyter_ext.store.meta import MetaStore


def test_the_subtree_is_the_names_below_the_slash_and_nothing_else(store: MetaStore) -> None:
    for name in ("team", "team/a", "team/a/deep", "Team/b", "team-x/c", "team0", "teams/d", "t_am/e", "te%m/f"):
        tasks.create(store, {"project": name, "name": "t"})
    with store.read() as conn:
        assert {p.name for p in project_rows.descendants(conn, "team")} == {"team", "team/a", "team/a/deep"}
        assert {p.name for p in project_rows.descendants(conn, "Team")} == {"Team", "Team/b"}
        assert {p.name for p in project_rows.descendants(conn, "t_am")} == {"t_am", "t_am/e"}
        assert {p.name for p in project_rows.descendants(conn, "te%m")} == {"te%m", "te%m/f"}
        assert project_rows.descendants(conn, "nope") == []
        found = projects.ids_under(conn, ["team"])
    listed = {t.project_name for t in tasks.query(store, project_name="team")}
    assert len(found) == 3 and listed == {"team", "team/a", "team/a/deep"}
