"""Tasks: create, get, query, update, clone, reset, move, archive, delete."""
from __future__ import annotations

import json
import time
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core import params, reporting, scalars, tasks
from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.core.rules.param_types import rows_from_mapping, to_flat_dict
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store import events as event_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ConfigRow


def report_everything(store: MetaStore, task_id: str) -> None:
    """One of each output kind, so tests can check what survives."""
    now = time.time()
    batch = EventBatch(
        scalars=[(task_id, "loss", "train", np.arange(5), np.linspace(1, 0.2, 5), np.full(5, now))],
        single_values=[(task_id, "best", 0.9, now)],
        plots=[{"task_id": task_id, "title": "p", "series": "s", "iteration": 3,
                "figure": json.dumps({"data": [], "layout": {}}), "time": now}],
        debug_samples=[{"task_id": task_id, "title": "img", "series": "s", "iteration": 1, "kind": "image",
                        "blob_sha256": None, "url": "https://example.com/a.png", "file_name": "a.png",
                        "content_type": "image/png", "time": now}],
        console=[(task_id, 20, "hello\n", now)],
    )
    result = reporting.apply(store, batch)
    assert result.dropped == {}


def outputs(store: MetaStore, task_id: str) -> dict[str, Any]:
    with store.read() as conn:
        return {
            "scalars": scalars.last_metrics(conn, task_id),
            "single": event_rows.get_single_values(conn, task_id),
            "plots": event_rows.get_plots(conn, task_id),
            "samples": event_rows.get_debug_samples(conn, task_id),
            "console": event_rows.get_console(conn, task_id),
        }


# -- create / get ----------------------------------------------------------------------------------
def test_create_and_get(store: MetaStore) -> None:
    row = tasks.create(store, {"project": "P", "name": " exp 1 ", "type": "testing", "tags": ["a", "b", "a"],
                               "comment": "c", "user": "me", "script": {"entry_point": "x.py"}})
    got = tasks.get(store, row.id)
    assert got == row
    assert (got.name, got.type, got.tags, got.comment, got.user) == ("exp 1", "testing", ("a", "b"), "c", "me")
    assert got.status == "created"
    assert got.script == {"entry_point": "x.py"}
    assert got.last_iteration == 0 and got.archived is False


def test_create_running_sets_started(store: MetaStore) -> None:
    row = tasks.create(store, {"name": "t", "status": "in_progress"})
    assert row.status == "in_progress" and row.started is not None


@pytest.mark.parametrize("spec", [
    {"name": ""}, {"name": None}, {"name": "t", "type": "nope"}, {"name": "t", "tags": [""]},
    {"name": "t", "tags": 5}, {"name": "t", "status": "completed"}, {"name": "t", "id": "../x"},
    {"name": "x" * 2000},
])
def test_create_refuses_bad_specs(store: MetaStore, spec: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        tasks.create(store, spec)
    assert tasks.query(store) == []


def test_client_chosen_id_and_duplicates(store: MetaStore) -> None:
    tasks.create(store, {"name": "t", "id": "abc-123"})
    assert tasks.get(store, "abc-123").name == "t"
    with pytest.raises(AlreadyExists):
        tasks.create(store, {"name": "u", "id": "abc-123"})


def test_get_missing_is_not_found(store: MetaStore) -> None:
    with pytest.raises(NotFound):
        tasks.get(store, "nope")


def test_all_eleven_types(store: MetaStore) -> None:
    from jupyter_ext.core.rules.task_types import TASK_TYPES

    assert len(TASK_TYPES) == 11
    for t in TASK_TYPES:
        assert tasks.create(store, {"name": t, "type": t}).type == t


# -- query -----------------------------------------------------------------------------------------
@pytest.fixture
def population(store: MetaStore) -> dict[str, str]:
    specs = {
        "a1": {"project": "A", "name": "alpha 1", "tags": ["x"]},
        "a2": {"project": "A", "name": "alpha 2", "tags": ["x", "y"], "status": "in_progress"},
        "ab": {"project": "A/B", "name": "beta", "tags": ["y"]},
        "abc": {"project": "A/B/C", "name": "gamma", "tags": []},
        "other": {"project": "AB", "name": "alpha other", "tags": ["z"]},
        "lk": {"project": "a_b/c", "name": "underscore", "tags": []},
        "lk2": {"project": "axb/c", "name": "not underscore", "tags": []},
    }
    ids = {}
    t0 = 1_700_000_000.0
    for i, (key, spec) in enumerate(specs.items()):
        ids[key] = tasks.create(store, {**spec, "created": t0 + i}).id
    return ids


def _keys(rows: list[Any], ids: dict[str, str]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id[r.id] for r in rows}


def test_query_by_name_regex(store: MetaStore, population: dict[str, str]) -> None:
    assert _keys(tasks.query(store, task_name="alpha"), population) == {"a1", "a2", "other"}
    assert _keys(tasks.query(store, task_name="^alpha [0-9]$"), population) == {"a1", "a2"}
    assert _keys(tasks.query(store, task_name="^beta$"), population) == {"ab"}


def test_query_bad_regex_says_how_to_fix(store: MetaStore) -> None:
    with pytest.raises(InvalidArgument, match="re.escape"):
        tasks.query(store, task_name="alpha (")


def test_query_tags(store: MetaStore, population: dict[str, str]) -> None:
    assert _keys(tasks.query(store, tags=["x", "z"]), population) == {"a1", "a2", "other"}  # OR
    assert _keys(tasks.query(store, tags=["-x"]), population) == {"ab", "abc", "other", "lk", "lk2"}
    assert _keys(tasks.query(store, tags=["y", "-x"]), population) == {"ab"}
    assert _keys(tasks.query(store, tags=["__$all", "x", "y"]), population) == {"a2"}
    assert _keys(tasks.query(store, tags=["__$not", "y"]), population) == {"a1", "abc", "other", "lk", "lk2"}
    assert _keys(tasks.query(store, tags="z"), population) == {"other"}


def test_query_project_includes_subprojects(store: MetaStore, population: dict[str, str]) -> None:
    assert _keys(tasks.query(store, project_name="A"), population) == {"a1", "a2", "ab", "abc"}
    assert _keys(tasks.query(store, project_name="A", include_subprojects=False), population) == {"a1", "a2"}
    assert _keys(tasks.query(store, project_name="A/B"), population) == {"ab", "abc"}
    assert _keys(tasks.query(store, project_name=["A/B/C", "AB"]), population) == {"abc", "other"}
    # "_" is a LIKE wildcard: it must not match "axb".
    assert _keys(tasks.query(store, project_name="a_b"), population) == {"lk"}
    assert tasks.query(store, project_name="No Such") == []


def test_query_status_and_type(store: MetaStore, population: dict[str, str]) -> None:
    assert _keys(tasks.query(store, statuses=["in_progress"]), population) == {"a2"}
    assert len(tasks.query(store, statuses=["created", "in_progress"])) == len(population)
    assert tasks.query(store, types=["testing"]) == []
    with pytest.raises(InvalidArgument):
        tasks.query(store, statuses=["running"])


def test_query_order_limit_offset(store: MetaStore, population: dict[str, str]) -> None:
    newest = tasks.query(store)
    assert [r.id for r in newest][:2] == [population["lk2"], population["lk"]]
    oldest = tasks.query(store, newest_first=False, limit=2)
    assert [r.id for r in oldest] == [population["a1"], population["a2"]]
    page = tasks.query(store, newest_first=False, limit=2, offset=2)
    assert [r.id for r in page] == [population["ab"], population["abc"]]
    named = tasks.query(store, task_name="alpha", newest_first=False, limit=1, offset=1)
    assert [r.id for r in named] == [population["a2"]]


def test_query_by_ids(store: MetaStore, population: dict[str, str]) -> None:
    rows = tasks.query(store, task_ids=[population["a1"], population["abc"]])
    assert _keys(rows, population) == {"a1", "abc"}


# -- update ----------------------------------------------------------------------------------------
def test_update_fields(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    row = tasks.update(store, task.id, {"name": "renamed", "tags": ["q"], "comment": "hi", "type": "qc"})
    assert (row.name, row.tags, row.comment, row.type) == ("renamed", ("q",), "hi", "qc")
    with pytest.raises(InvalidArgument, match="cannot edit status"):
        tasks.update(store, task.id, {"status": "completed"})
    with pytest.raises(InvalidArgument):
        tasks.update(store, task.id, {"type": "bogus"})


# -- clone -----------------------------------------------------------------------------------------
def test_clone_copies_inputs_not_outputs(store: MetaStore, make_task: Any) -> None:
    src = make_task(status="in_progress", tags=["t1"], system_tags=["development"], type="testing",
                    script={"entry_point": "train.py"}, runtime={"python": "3"})
    params.set_parameters(store, src.id, rows_from_mapping("General", {"lr": 0.1, "n": 3}))
    params.set_configuration(store, src.id, ConfigRow("model", "dictionary", '{"a": 1}'))
    report_everything(store, src.id)
    tasks.set_status(store, src.id, "completed")

    clone = tasks.clone(store, src.id)
    assert clone.id != src.id
    assert clone.status == "created"
    assert clone.name == f"Clone Of {src.name}"
    assert clone.parent_id == src.id
    assert clone.tags == ("t1",) and clone.type == "testing"
    assert "development" not in clone.system_tags
    assert clone.script == {"entry_point": "train.py"} and clone.runtime == {}
    assert to_flat_dict(params.get_parameters(store, clone.id)) == {"General/lr": 0.1, "General/n": 3}
    assert params.get_configurations(store, clone.id) == [ConfigRow("model", "dictionary", '{"a": 1}')]
    got = outputs(store, clone.id)
    assert got == {"scalars": {}, "single": {}, "plots": [], "samples": [], "console": []}
    assert outputs(store, src.id)["scalars"]  # the source keeps its outputs
    # and the clone can be edited although the source is completed
    params.set_parameters(store, clone.id, rows_from_mapping("General", {"lr": 0.2}))


def test_clone_with_name_and_project(store: MetaStore, make_task: Any) -> None:
    src = make_task(parent_id="grandparent")
    clone = tasks.clone(store, src.id, name="copy", project="Elsewhere/Sub", comment="c")
    assert (clone.name, clone.project_name, clone.comment) == ("copy", "Elsewhere/Sub", "c")
    assert clone.parent_id == "grandparent"  # the source's parent, as ClearML does


# -- reset -----------------------------------------------------------------------------------------
def test_reset_clears_outputs_keeps_params(store: MetaStore, make_task: Any) -> None:
    task = make_task(status="in_progress")
    params.set_parameters(store, task.id, rows_from_mapping("General", {"lr": 0.1}))
    params.set_configuration(store, task.id, ConfigRow("cfg", "text", "x"))
    report_everything(store, task.id)
    assert tasks.get(store, task.id).last_iteration == 4
    tasks.set_status(store, task.id, "completed")

    row = tasks.reset(store, task.id)
    assert row.status == "created" and row.started is None and row.completed is None
    assert row.last_iteration == 0
    assert outputs(store, task.id) == {"scalars": {}, "single": {}, "plots": [], "samples": [], "console": []}
    assert to_flat_dict(params.get_parameters(store, task.id)) == {"General/lr": 0.1}
    assert [c.name for c in params.get_configurations(store, task.id)] == ["cfg"]


def test_reset_refuses_running_and_published(store: MetaStore, make_task: Any) -> None:
    running = make_task(status="in_progress")
    with pytest.raises(Conflict, match="stop it first"):
        tasks.reset(store, running.id)
    assert tasks.reset(store, running.id, force=True).status == "created"
    published = make_task()
    tasks.set_status(store, published.id, "published", force=True)
    with pytest.raises(Conflict, match="clone"):
        tasks.reset(store, published.id)


# -- move / archive --------------------------------------------------------------------------------
def test_move(store: MetaStore, make_task: Any) -> None:
    task = make_task(project="Old")
    row = tasks.move(store, task.id, "New/Place")
    assert row.project_name == "New/Place"
    assert [r.id for r in tasks.query(store, project_name="New")] == [task.id]
    assert tasks.query(store, project_name="Old") == []


def test_archive(store: MetaStore, make_task: Any) -> None:
    task = make_task()
    assert tasks.archive(store, task.id).archived is True
    assert tasks.query(store, include_archived=False) == []
    assert [r.id for r in tasks.query(store)] == [task.id]
    assert tasks.archive(store, task.id, archived=False).archived is False
    assert [r.id for r in tasks.query(store, include_archived=False)] == [task.id]


def test_archive_refuses_a_running_task(store: MetaStore, make_task: Any) -> None:
    task = make_task(status="in_progress")
    with pytest.raises(Conflict, match="stop"):
        tasks.archive(store, task.id)


# -- delete ----------------------------------------------------------------------------------------
def test_delete_removes_everything(store: MetaStore, make_task: Any) -> None:
    task = make_task(tags=["t"])
    params.set_parameters(store, task.id, rows_from_mapping("General", {"lr": 0.1}))
    params.set_configuration(store, task.id, ConfigRow("cfg", "text", "x"))
    report_everything(store, task.id)
    tasks.delete(store, task.id)
    with pytest.raises(NotFound):
        tasks.get(store, task.id)
    assert outputs(store, task.id) == {"scalars": {}, "single": {}, "plots": [], "samples": [], "console": []}
    with store.read() as conn:
        for table in ("params", "task_tags", "metrics", "scalar_chunks", "configurations"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table


def test_delete_refuses_running_and_published_unless_forced(store: MetaStore, make_task: Any) -> None:
    running = make_task(status="in_progress")
    with pytest.raises(Conflict):
        tasks.delete(store, running.id)
    tasks.delete(store, running.id, force=True)
    published = make_task()
    tasks.set_status(store, published.id, "published", force=True)
    with pytest.raises(Conflict):
        tasks.delete(store, published.id)
    tasks.delete(store, published.id, force=True)
    assert tasks.query(store) == []


# -- reuse -----------------------------------------------------------------------------------------
def test_is_reusable(store: MetaStore, make_task: Any) -> None:
    fresh = make_task(project="P", name="n", system_tags=["development"], status="in_progress")
    assert tasks.is_reusable(store, fresh.id, project="P", name="n", task_type="training")
    assert not tasks.is_reusable(store, fresh.id, project="P", name="other", task_type="training")
    assert not tasks.is_reusable(store, fresh.id, project="Q", name="n", task_type="training")
    assert not tasks.is_reusable(store, fresh.id, project="P", name="n", task_type="testing")
    assert not tasks.is_reusable(store, "missing", project="P", name="n", task_type="training")
    report_everything(store, fresh.id)
    assert not tasks.is_reusable(store, fresh.id, project="P", name="n", task_type="training")
    agent_run = make_task(project="P", name="a", system_tags=[])
    assert not tasks.is_reusable(store, agent_run.id, project="P", name="a", task_type="training")
