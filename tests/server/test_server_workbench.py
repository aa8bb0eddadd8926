"""The experiments table's server side: filters by user, date, metric and parameter ranges;
metric minimum/maximum columns and sorts; dataset versions and pipeline steps left out of a
table of every project; counts by status; the column picker's choices; the global search;
a project's markdown description."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_ext.core import datasets as core_datasets
from jupyter_ext.core import params as core_params
from jupyter_ext.core import scalars as core_scalars
from jupyter_ext.core import tasks as core_tasks
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ParamRow


@pytest.fixture
def seeded(db_url: str) -> Iterator[MetaStore]:
    """Twelve tasks in W by two users; task i reported loss/val 10, i, i + 0.5 (its last value
    is i + 0.5), lr = i/100; one dataset version, one pipeline step."""
    store = MetaStore.open(db_url)
    for i in range(12):
        row = core_tasks.create(store, {"id": f"w{i:02d}", "name": f"run {i}", "project": "W", "created": 1000.0 + i,
                                        "user": "ann" if i % 2 else "bob", "status": "in_progress",
                                        "tags": ["gpu"] if i % 3 == 0 else []})
        core_params.set_parameters(store, row.id, [ParamRow("General", "lr", i / 100, "float", ""),
                                                   ParamRow("General", "opt", "adam" if i % 2 else "sgd", "str", "")])
        with store.write() as conn:
            core_scalars.append(conn, row.id, [("loss", "val", [0, 1, 2], [10.0, float(i), float(i) + 0.5],
                                                [1.0, 2.0, 3.0])])
        if i < 4:
            core_tasks.set_status(store, row.id, "completed")
    with store.write() as conn:
        task_rows.update_fields(conn, "w00", archived=True)
    core_datasets.create(store, {"name": "images", "project": "W", "tags": ["gpu"]})
    core_tasks.create(store, {"id": "step1", "name": "a step", "project": "W", "system_tags": ["pipeline-step"]})
    yield store
    store.close()


def _ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [t["id"] for t in answer.json()["items"]]


def test_filters_by_user_dates_metric_and_parameter_ranges(api: Any, seeded: MetaStore) -> None:
    base = {"project": "W", "order_by": "created", "parts": "false"}
    assert _ids(api("GET", "tasks", params={**base, "user": "ann"})) == [f"w{i:02d}" for i in range(1, 12, 2)]
    assert _ids(api("GET", "tasks", params={**base, "range": "created=1003..1005"})) == ["w03", "w04", "w05"]
    # Metric statistics: min is min(i, 10), max is max(10, i + 0.5), last is i + 0.5.
    assert _ids(api("GET", "tasks", params={**base, "range": "metric_min:loss/val=..2"})) == ["w00", "w01", "w02"]
    assert _ids(api("GET", "tasks", params={**base, "range": "metric:loss/val=9.5.."})) == ["w09", "w10", "w11"]
    assert _ids(api("GET", "tasks", params={**base, "range": "param:General/lr=0.05..0.07"})) == ["w05", "w06", "w07"]
    # A metric range with a sort by a metric: both read the metrics table.
    sorted_by = {**base, "range": "metric_min:loss/val=..2", "order_by": "-metric:loss/val"}
    assert _ids(api("GET", "tasks", params=sorted_by)) == ["w02", "w01", "w00"]
    both = {**base, "range": ["param:General/lr=0.02..", "metric_min:loss/val=..4"], "user": "bob"}
    assert _ids(api("GET", "tasks", params=both)) == ["w02", "w04"]


@pytest.mark.parametrize("spec", ["loss=1..2", "metric:loss/val=a..2", "metric:loss/val=1", "name=1..2",
                                  "metric:loss=1..2"])
def test_a_bad_range_is_refused_saying_the_form(api: Any, seeded: MetaStore, spec: str) -> None:
    answer = api("GET", "tasks", params={"range": spec})
    assert answer.status_code == 400
    assert "range filter" in answer.text or "column" in answer.text


def test_metric_min_and_max_columns_sort_and_show(api: Any, seeded: MetaStore) -> None:
    answer = api("GET", "tasks", params={"project": "W", "order_by": "-metric_min:loss/val", "parts": "false",
                                         "columns": ["metric_min:loss/val", "metric_max:loss/val", "metric:loss/val"],
                                         "limit": 3})
    assert _ids(answer) == ["w11", "w10", "w09"]
    first = answer.json()["items"][0]["columns"]
    assert first == {"metric_min:loss/val": 10.0, "metric_max:loss/val": 11.5, "metric:loss/val": 11.5}


def test_dataset_versions_and_pipeline_steps_are_left_out_when_asked(api: Any, seeded: MetaStore) -> None:
    every = _ids(api("GET", "tasks", params={"limit": 100}))
    assert "step1" in every and len(every) == 14
    shown = _ids(api("GET", "tasks", params={"limit": 100, "parts": "false"}))
    assert sorted(shown) == [f"w{i:02d}" for i in range(12)]


def test_counts_by_status_follow_the_filters(api: Any, seeded: MetaStore) -> None:
    answer = api("GET", "tasks/counts", params={"project": "W", "parts": "false"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"counts": {"completed": 4, "in_progress": 8}, "total": 12}
    archived = api("GET", "tasks/counts", params={"project": "W", "archived": "false", "parts": "false",
                                                  "search": "RUN"}).json()
    assert archived == {"counts": {"completed": 3, "in_progress": 8}, "total": 11}


def test_the_column_picker_offers_what_the_tasks_report(api: Any, seeded: MetaStore) -> None:
    answer = api("GET", "tasks/columns", params={"project": "W", "parts": "false"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["metrics"] == [["loss", "val"]]
    assert body["params"] == [["General", "lr"], ["General", "opt"]]
    assert body["tasks_read"] == 12 and body["sampled"] is False
    none = api("GET", "tasks/columns", params={"project": "nowhere"}).json()
    assert none["metrics"] == [] and none["tasks_read"] == 0


def test_search_finds_each_kind_by_name_id_and_tag(api: Any, seeded: MetaStore) -> None:
    found = api("GET", "search", params={"q": "images"}).json()
    assert [d["name"] for d in found["datasets"]] == ["images"]
    assert found["tasks"] == []  # the dataset's own task is a dataset, not an experiment
    by_tag = api("GET", "search", params={"q": "gpu"}).json()
    assert sorted(t["id"] for t in by_tag["tasks"]) == ["w00", "w03", "w06", "w09"]
    assert [d["name"] for d in by_tag["datasets"]] == ["images"]
    by_id = api("GET", "search", params={"q": "w1", "limit": 5}).json()
    assert sorted(t["id"] for t in by_id["tasks"]) == ["w10", "w11"]
    projects = api("GET", "search", params={"q": "w"}).json()["projects"]
    assert [p["name"] for p in projects] == ["W"]  # W/.datasets/images is hidden
    assert api("GET", "search", params={"q": "100%_"}).json()["tasks"] == []
    empty = api("GET", "search", params={"q": "  "})
    assert empty.status_code == 400 and "text to search" in empty.text


def test_a_project_description_is_saved_and_listed(api: Any, seeded: MetaStore) -> None:
    project = next(p for p in api("GET", "projects").json()["items"] if p["path"] == "W")
    answer = api("PATCH", f"projects/{project['id']}", json={"description": "# W\nAll **runs**."})
    assert answer.status_code == 200, answer.text
    assert answer.json()["description"] == "# W\nAll **runs**." and answer.json()["path"] == "W"
    again = next(p for p in api("GET", "projects").json()["items"] if p["path"] == "W")
    assert again["description"] == "# W\nAll **runs**."
    renamed = api("PATCH", f"projects/{project['id']}", json={"name": "W2"}).json()
    assert renamed["path"] == "W2" and renamed["description"] == "# W\nAll **runs**."


@pytest.mark.parametrize("order", ["metric:loss/val", "-metric:loss/val", "metric_max:loss/val",
                                   "-metric_min:loss/val"])
def test_metric_order_pages_add_up_from_both_ends(api: Any, seeded: MetaStore, order: str) -> None:
    """Pages past the middle are read backwards: every page size and offset gives the same
    sequence as one whole listing; tasks without the series (the dataset, the step) come last."""
    core_tasks.create(seeded, {"id": "w99", "name": "no metric", "project": "W"})
    whole = _ids(api("GET", "tasks", params={"project": "W", "order_by": order, "limit": 100}))
    assert len(whole) == 15 and {"w99", "step1"} <= set(whole[-3:]) and not any(i.startswith("w") for i in whole[-3:]
                                                                              if i != "w99")
    key = order.lstrip("-").split(":")[0]
    stat = {"metric": "last", "metric_min": "min", "metric_max": "max"}[key]
    values = {f"w{i:02d}": {"last": i + 0.5, "min": min(i, 10.0), "max": max(10.0, i + 0.5)}[stat] for i in range(12)}
    expected = sorted(values, key=lambda t: (values[t], t), reverse=order.startswith("-"))
    assert whole[:12] == expected
    for size in (1, 4, 7):
        pages = []
        for offset in range(0, 15, size):
            answer = api("GET", "tasks", params={"project": "W", "order_by": order, "limit": size, "offset": offset})
            pages += _ids(answer)
            assert answer.json()["total"] == 15
        assert pages == whole

    # A filter that keeps few tasks counts them from their side: the same pages.
    few = _ids(api("GET", "tasks", params={"project": "W", "order_by": order, "user": "ann", "limit": 100}))
    assert few == [t for t in expected if int(t[1:]) % 2]
    tail = _ids(api("GET", "tasks", params={"project": "W", "order_by": order, "user": "ann", "limit": 2,
                                            "offset": 4}))
    assert tail == few[4:6]
