"""Every Backend method runs in the two-backend contract tests, and the few that are not about
one noun (lifecycle, copying between stores) answer alike on both backends."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.client.backend import Backend
from jupyter_ext.client.local import LocalBackend
from jupyter_ext.errors import InvalidArgument

HERE = Path(__file__).resolve().parent


def test_every_backend_method_is_called_by_a_contract_test() -> None:
    public = {name for name, value in vars(Backend).items() if callable(value) and not name.startswith("_")}
    text = "".join(p.read_text() for p in sorted(HERE.glob("test_*contract*.py")))
    called = set(re.findall(r"\b(?:any_)?backend\.(\w+)\(", text))
    assert len(public) > 60
    assert public <= called, sorted(public - called)


def test_opening_and_copying_between_stores(any_backend: Any, tmp_path: Path) -> None:
    any_backend.open_in_background()  # nothing to wait for, and harmless twice
    any_backend.open_in_background()
    any_backend.finish_opening(10.0)  # what a fork waits for; returns once open
    source = LocalBackend(f"sqlite:///{tmp_path / 'source.db'}", str(tmp_path / "source-blobs"))
    try:
        source.create_task({"project": "Copied", "name": "t"})
        (record,) = list(source.sync_export("projects"))
        assert any_backend.sync_import(record)["created"] is True
        assert any_backend.sync_import(record)["created"] is False  # a second copy is a no-op
        assert "Copied" in [p.name for p in any_backend.list_projects()]
    finally:
        source.close()
    if isinstance(any_backend, LocalBackend):
        assert "Copied" in any_backend.sync_inventory()["projects"]
    else:  # a server is the destination of a copy, never its source
        with pytest.raises(InvalidArgument, match="cannot be the source of a sync"):
            any_backend.sync_inventory()
        with pytest.raises(InvalidArgument, match="cannot be the source of a sync"):
            list(any_backend.sync_export("projects"))
    any_backend.close()
    any_backend.close()  # closing twice is fine too


def test_the_change_feed_read_once_follows_the_store_by_its_own_clock(any_backend: Any) -> None:
    first = any_backend.create_task({"project": "Feed", "name": "a"})
    found = any_backend.changes_since(0.0)
    assert [c.id for c in found if c.kind == "task"] == [first.id]
    newest = max(c.stamp for c in found)
    assert any_backend.changes_since(newest) == []  # asking again with the newest stamp: nothing new
    second = any_backend.create_task({"project": "Feed", "name": "b"})
    any_backend.update_task(first.id, {"comment": "edited"})
    later = any_backend.changes_since(newest, ["task"])
    assert {c.id for c in later} == {first.id, second.id}
    assert [c.stamp for c in later] == sorted(c.stamp for c in later)  # oldest first
    assert all(c.stamp > newest for c in later)
    assert any_backend.changes_since(newest, ["model"]) == []
    with pytest.raises(InvalidArgument, match="unknown change kind tasks"):
        any_backend.changes_since(0.0, ["tasks"])
    with pytest.raises(InvalidArgument, match="finite"):
        any_backend.changes_since(float("nan"))
