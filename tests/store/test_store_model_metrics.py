"""``model_metrics`` rows and their rules (core/model_metrics.py) on the real store: SQLite here,
PostgreSQL too in the PostgreSQL pass."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.core import model_metrics, models
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store import model_metrics as metric_rows
from jupyter_ext.store.meta import MetaStore


@pytest.fixture
def model_id(store: MetaStore) -> str:
    return str(models.create(store, {"name": "M", "project": "P"}).id)


def _rows(store: MetaStore, model_id: str) -> list[Any]:
    with store.read() as conn:
        return metric_rows.read(conn, model_id)


def test_upsert_replaces_a_point_and_keeps_the_others(store: MetaStore, model_id: str) -> None:
    with store.write() as conn:
        assert metric_rows.upsert(conn, model_id, [("loss", "train", 0, 1.0), ("loss", "train", 1, 0.5),
                                                   ("loss", "train", 1, 0.4)], 10.0) == 2  # last one wins
    with store.write() as conn:
        metric_rows.upsert(conn, model_id, [("loss", "train", 0, 0.9), ("acc", "val", 3, 0.7)], 11.0)
    assert _rows(store, model_id) == [("acc", "val", 3, 0.7), ("loss", "train", 0, 0.9), ("loss", "train", 1, 0.4)]
    with store.read() as conn:
        assert metric_rows.count(conn, model_id) == 3


def test_large_iterations_and_negative_ones_round_trip(store: MetaStore, model_id: str) -> None:
    points = [("t", "s", 2**62, 1.0), ("t", "s", -5, 2.0), ("t", "s", 0, 3.0)]
    with store.write() as conn:
        metric_rows.upsert(conn, model_id, points, 1.0)
    assert [p[2] for p in _rows(store, model_id)] == [-5, 0, 2**62]


def test_deleting_the_model_deletes_its_metrics(store: MetaStore, model_id: str) -> None:
    model_metrics.report(store, model_id, [{"title": "t", "series": "s", "iteration": 1, "value": 1.0}],
                         [{"name": "acc", "value": 0.9}])
    models.remove(store, model_id)
    with store.read() as conn:
        assert metric_rows.count(conn, model_id) == 0


def test_report_and_get_in_the_wire_shape(store: MetaStore, model_id: str) -> None:
    before = models.get(store, model_id).last_update
    got = model_metrics.report(store, model_id, [
        {"title": "loss", "series": "val", "iteration": 2, "value": 0.3},
        {"title": "loss", "series": "train", "iteration": 2, "value": 0.2},
        {"title": "loss", "series": "train", "iteration": 1, "value": 0.5},
        {"title": "Accuracy", "series": "val", "iteration": 1, "value": 0.8},
    ], [{"name": "test f1", "value": 0.7}, {"name": "best", "value": 3}])
    assert got == {"stored": 6}
    assert model_metrics.get(store, model_id) == {
        "scalars": [{"title": "Accuracy", "series": "val", "iterations": [1], "values": [0.8]},
                    {"title": "loss", "series": "train", "iterations": [1, 2], "values": [0.5, 0.2]},
                    {"title": "loss", "series": "val", "iterations": [2], "values": [0.3]}],
        "single_values": [{"name": "best", "value": 3.0}, {"name": "test f1", "value": 0.7}],
        "plots": [],
    }
    assert models.get(store, model_id).last_update >= before  # sync copies a changed model again
    model_metrics.report(store, model_id, [], [{"name": "best", "value": 4.0}])
    assert model_metrics.get(store, model_id)["single_values"][0] == {"name": "best", "value": 4.0}


@pytest.mark.parametrize(("scalars", "singles", "message"), [
    ([{"title": "t", "series": "s", "iteration": 1, "value": float("nan")}], None, r"scalars\[1\].*finite"),
    ([{"title": "t", "series": "s", "iteration": 1, "value": float("inf")}], None, "finite"),
    ([{"title": "t", "series": "s", "iteration": 1, "value": True}], None, "not a bool"),
    ([{"title": "t", "series": "s", "iteration": 1, "value": "0.5"}], None, "must be a number"),
    ([{"title": "", "series": "s", "iteration": 1, "value": 1.0}], None, "title must be a non-empty string"),
    ([{"title": "t", "series": 3, "iteration": 1, "value": 1.0}], None, "series must be a non-empty string"),
    ([{"title": "t", "series": "s", "iteration": 1.5, "value": 1.0}], None, "iteration must be an int"),
    ([{"title": "t", "series": "s", "iteration": True, "value": 1.0}], None, "iteration must be an int"),
    ([{"title": "t", "series": "s", "iteration": -(2**31), "value": 1.0}], None, "reserved for single values"),
    ([{"title": "t", "series": "s", "value": 1.0}], None, "lacks iteration"),
    ("not a list", None, "scalars must be a list"),
    (None, [{"name": "", "value": 1.0}], "name must be a non-empty string"),
    (None, [{"name": "acc", "value": None}], "must be a number"),
    (None, [["acc", 1.0]], r"single_values\[0\] must be an object"),
])
def test_a_bad_entry_stores_nothing_of_its_request(store: MetaStore, model_id: str, scalars: Any, singles: Any,
                                                   message: str) -> None:
    good = [{"title": "t", "series": "s", "iteration": 0, "value": 1.0}]
    body = good + scalars if isinstance(scalars, list) else scalars
    with pytest.raises(InvalidArgument, match=message):
        model_metrics.report(store, model_id, body, singles)
    assert _rows(store, model_id) == []


def test_unknown_model_is_not_found(store: MetaStore) -> None:
    with pytest.raises(NotFound, match="no model"):
        model_metrics.report(store, "nope", [{"title": "t", "series": "s", "iteration": 0, "value": 1.0}])
    with pytest.raises(NotFound):
        model_metrics.get(store, "nope")


def test_a_published_model_still_takes_metrics(store: MetaStore, model_id: str) -> None:
    models.add_version(store, model_id, {"url": "s3://bucket/w.pt"})
    models.publish(store, model_id)
    model_metrics.report(store, model_id, None, [{"name": "test accuracy", "value": 0.91}])
    assert model_metrics.get(store, model_id)["single_values"] == [{"name": "test accuracy", "value": 0.91}]


def test_plots_are_stored_replaced_and_checked_whole(store: MetaStore, model_id: str) -> None:
    figure = {"data": [{"type": "bar", "y": [1]}], "layout": {}}
    assert model_metrics.report(store, model_id, plots=[
        {"title": "cm", "series": "val", "iteration": 1, "figure": figure},
        {"title": "cm", "series": "val", "iteration": 1, "figure": {"data": [], "layout": {"title": "2nd"}}},
        {"title": "table", "series": "", "iteration": 0, "figure": '{"data": []}'},
    ]) == {"stored": 2}
    plots = model_metrics.get(store, model_id)["plots"]
    assert [(p["title"], p["series"], p["iteration"]) for p in plots] == [("cm", "val", 1), ("table", "", 0)]
    assert plots[0]["figure"]["layout"] == {"title": "2nd"} and plots[1]["figure"] == {"data": []}
    with pytest.raises(InvalidArgument, match=r"plots\[1\]: the figure is not JSON"):
        model_metrics.report(store, model_id, plots=[{"title": "ok", "figure": {}}, {"title": "x", "figure": "{"}])
    assert len(model_metrics.get(store, model_id)["plots"]) == 2  # nothing of the bad request was stored
    models.remove(store, model_id)
    with store.read() as conn:
        assert metric_rows.read_plots(conn, model_id) == []
