"""The task table over HTTP: pages ordered and counted in SQL, extra metric/parameter columns,
and chart windows (``x_min``/``x_max``) downsampled on their own."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event

from jupyter_ext.core import params as core_params
from jupyter_ext.core import scalars as core_scalars
from jupyter_ext.core import tasks as core_tasks
from jupyter_ext.store import tasks as task_rows
from jupyter_ext.store.meta import MetaStore
from jupyter_ext.store.rows import ParamRow

N = 60


@pytest.fixture
def seeded(db_url: str) -> Iterator[MetaStore]:
    """N tasks in P (some in P/sub, some archived, some completed) with shuffled update times,
    plus one task elsewhere; every third task has a loss series and parameters."""
    store = MetaStore.open(db_url)
    rng = np.random.default_rng(7)
    updates = rng.permutation(N)
    for i in range(N):
        row = core_tasks.create(store, {"id": f"t{i:03d}", "name": f"run {i}" if i % 4 else f"Sweep {i}",
                                        "project": "P/sub" if i % 5 == 0 else "P", "created": 1000.0 + i,
                                        "status": "in_progress", "tags": ["even"] if i % 2 == 0 else []})
        with store.write() as conn:
            task_rows.update_fields(conn, row.id, last_update=5000.0 + float(updates[i]),
                                    completed=None if i % 3 else 9000.0 - i, archived=i % 7 == 0)
        if i % 3 == 0:
            core_params.set_parameters(store, row.id, [ParamRow("General", "lr", 0.001 * (i + 1), "float", ""),
                                                       ParamRow("General", "layers", i, "int", "")])
            with store.write() as conn:
                core_scalars.append(conn, row.id, [("loss", "train", [0, 1], [1.0, float(N - i)], [1.0, 2.0])])
    core_tasks.create(store, {"name": "elsewhere", "project": "Q"})
    yield store
    store.close()


def _all_rows(store: MetaStore, **filters: Any) -> list[Any]:
    return core_tasks.query(store, project_name="P", **filters)


def _ids(body: dict[str, Any]) -> list[str]:
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize("order", ["-last_update", "last_update", "-completed", "completed", "name", "-project_name",
                                   "created"])
def test_pages_follow_the_order_and_add_up_to_the_whole(api: Any, seeded: MetaStore, order: str) -> None:
    field = order.lstrip("-")
    rows = _all_rows(seeded)
    # The documented order: the field, NULLs as the largest value, the id breaking ties.
    present = sorted((r for r in rows if getattr(r, field) is not None), key=lambda r: (getattr(r, field), r.id))
    missing = sorted((r for r in rows if getattr(r, field) is None), key=lambda r: r.id)
    expected = [r.id for r in present + missing]
    if order.startswith("-"):
        expected.reverse()
    got: list[str] = []
    for offset in range(0, N + 20, 25):
        body = api("GET", "tasks", params={"project": "P", "limit": 25, "offset": offset, "order_by": order}).json()
        assert body["total"] == N
        got += _ids(body)
    assert got == expected


def test_a_name_filter_pages_the_matches_only(api: Any, seeded: MetaStore) -> None:
    pattern = r"^run 1\d$|Sweep"  # a regex SQL could not run the same way on both databases
    matching = [r for r in _all_rows(seeded) if re.search(pattern, r.name)]
    expected = [r.id for r in sorted(matching, key=lambda r: (r.last_update, r.id), reverse=True)]
    first = api("GET", "tasks", params={"project": "P", "name": pattern, "order_by": "-last_update", "limit": 7}).json()
    rest = api("GET", "tasks", params={"project": "P", "name": pattern, "order_by": "-last_update", "limit": 100,
                                       "offset": 7}).json()
    assert first["total"] == rest["total"] == len(matching) > 7
    assert _ids(first) + _ids(rest) == expected
    search = api("GET", "tasks", params={"project": "P", "search": "SWEEP", "limit": 3}).json()
    assert search["total"] == sum(1 for r in _all_rows(seeded) if "sweep" in r.name.lower())


def test_archived_tags_and_subprojects_filter_in_sql(api: Any, seeded: MetaStore) -> None:
    only = api("GET", "tasks", params={"project": "P", "archived": "only", "limit": 2}).json()
    assert only["total"] == len([i for i in range(N) if i % 7 == 0]) and len(only["items"]) == 2
    assert all(item["archived"] for item in only["items"])
    live = api("GET", "tasks", params={"project": "P", "archived": "false", "tag": "even", "limit": 5}).json()
    assert live["total"] == len([i for i in range(N) if i % 7 and i % 2 == 0])
    top = api("GET", "tasks", params={"project": "P", "subprojects": "false", "limit": 1}).json()
    assert top["total"] == len([i for i in range(N) if i % 5])
    past_end = api("GET", "tasks", params={"project": "P", "limit": 10, "offset": 1000}).json()
    assert past_end == {"items": [], "total": N}
    assert api("GET", "tasks", params={"order_by": "comment"}).status_code == 400


def test_a_page_costs_a_fixed_number_of_queries(seeded: MetaStore) -> None:
    statements: list[str] = []
    event.listen(seeded.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    small, _ = core_tasks.page(seeded, core_tasks.TaskFilter(project_name="P"), limit=2, order_by="last_update")
    n_small = len(statements)
    statements.clear()
    big, total = core_tasks.page(seeded, core_tasks.TaskFilter(project_name="P"), limit=50, order_by="last_update")
    assert len(small) == 2 and len(big) == 50 and total == N
    assert len(statements) == n_small <= 6  # project ids, page ids, COUNT, rows, tags (+ BEGIN)


def test_extra_columns_add_metric_and_parameter_values(api: Any, seeded: MetaStore) -> None:
    cols = "name,metric:loss/train,param:General/lr,param:General/layers,metric:loss/none"
    body = api("GET", "tasks", params={"project": "P", "columns": cols, "order_by": "created", "limit": 7}).json()
    first = body["items"][0]
    assert set(first) == {"id", "name", "columns"}  # plain names still trim
    assert first["columns"] == {"metric:loss/train": float(N), "param:General/lr": 0.001,
                                "param:General/layers": 0, "metric:loss/none": None}
    assert isinstance(first["columns"]["param:General/layers"], int)
    assert body["items"][1]["columns"] == dict.fromkeys(first["columns"])  # t001 has none of them
    only_extra = api("GET", "tasks", params={"project": "P", "columns": "metric:loss/train", "limit": 1}).json()
    assert "status" in only_extra["items"][0] and "columns" in only_extra["items"][0]
    bad = api("GET", "tasks", params={"columns": "metric:loss"})
    assert bad.status_code == 400 and "metric:<title>/<series>" in bad.json()["error"]["message"]


@pytest.mark.parametrize("column", ["metric:loss/train", "param:General/layers", "param:General/lr"])
@pytest.mark.parametrize("descending", [False, True])
def test_order_by_an_extra_column_puts_tasks_without_it_last(api: Any, seeded: MetaStore, column: str,
                                                             descending: bool) -> None:
    order = ("-" if descending else "") + column
    body = api("GET", "tasks", params={"project": "P", "order_by": order, "limit": N, "columns": column}).json()
    values = [item["columns"][column] for item in body["items"]]
    with_value = [v for v in values if v is not None]
    # By number, not by text ("57" before "9" would be the text order of layers).
    assert with_value == sorted(with_value, reverse=descending) and len(with_value) == N // 3
    assert values[:len(with_value)] == with_value  # then every task without it
    second = api("GET", "tasks", params={"project": "P", "order_by": order, "limit": 10, "offset": 10}).json()
    assert _ids(second) == _ids(body)[10:20]


def test_a_chart_window_gets_its_own_downsample(api: Any) -> None:
    task_id = str(api("POST", "tasks", json={"name": "zoom", "project": "R", "status": "in_progress"}).json()["id"])
    n = 20_000
    it = np.arange(n)
    y = np.sin(it / 50.0)
    y[12_345] = 9.0  # a spike the window must keep
    assert api("POST", f"tasks/{task_id}/events", json={"scalars": [
        {"title": "loss", "series": "s", "iter": it.tolist(), "value": y.tolist(),
         "time": (1_700_000_000.0 + it).tolist()}]}).status_code == 200

    def xy(**params: Any) -> tuple[list[float], list[float]]:
        got = api("GET", f"tasks/{task_id}/scalars", params={"max_points": 200, **params})
        assert got.status_code == 200, got.text
        s = got.json()["loss"]["s"]
        return s["x"], s["y"]

    full_x, _ = xy()
    x, values = xy(x_min=12_000, x_max=12_999.5)
    assert min(x) >= 12_000 and max(x) <= 12_999 and 9.0 in values
    assert len(x) > 150 and (x[-1] - x[0]) / len(x) < (full_x[-1] - full_x[0]) / len(full_x) / 10  # finer
    few, _ = xy(x_min=100, x_max=109)
    assert few == list(range(100, 110))  # a small window comes back whole
    t, _ = xy(x_axis="timestamp", x_min=1_700_000_000 + 50, x_max=1_700_000_000 + 59)
    assert t == [(1_700_000_000 + k) * 1000 for k in range(50, 60)]  # epoch seconds in, ms out as ever
    assert xy(x_min=n + 10)[0] == []
    assert api("GET", f"tasks/{task_id}/scalars", params={"x_min": 5, "x_max": 1}).status_code == 400
    assert api("GET", f"tasks/{task_id}/scalars", params={"x_min": "soon"}).status_code == 400
