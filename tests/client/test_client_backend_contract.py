"""What every Backend must do, written against the interface only (see conftest.BACKENDS)."""
from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.core.rules.param_types import rows_from_mapping, to_flat_dict
from jupyter_ext.errors import AlreadyExists, Conflict, InvalidArgument, NotFound
from jupyter_ext.store.rows import ConfigRow, TaskRow


def _new(b: Any, **spec: Any) -> TaskRow:
    spec.setdefault("project", "Contract/Sub")
    spec.setdefault("name", "t")
    row = b.create_task(spec)
    assert isinstance(row, TaskRow)
    return row


def _events(task_id: str, blob: str | None = None) -> EventBatch:
    return EventBatch(
        scalars=[(task_id, "loss", "train", np.array([0, 1, 2, 2]), np.array([3.0, math.nan, 1.0, 2.0]),
                  np.array([10.0, 11.0, 12.0, 13.0]))],
        single_values=[(task_id, "best", 0.75, 1.0)],
        plots=[{"task_id": task_id, "title": "cm", "series": "val", "iteration": 4,
                "figure": json.dumps({"data": [{"type": "heatmap"}]}), "time": 1.0}],
        debug_samples=[{"task_id": task_id, "title": "img", "series": "s", "iteration": 1, "kind": "image",
                        "blob_sha256": blob, "size": 3 if blob else 0, "url": None if blob else "https://x/y.png",
                        "file_name": "a.png", "content_type": "image/png", "time": 1.0}],
        console=[(task_id, 20, "hello\n", 1.0)],
    )


def test_create_get_roundtrip(any_backend: Any) -> None:
    row = _new(any_backend, name="exp", type="testing", tags=["a"], comment="c", status="in_progress",
               system_tags=["development"], script={"entry_point": "x.py"})
    got = any_backend.get_task(row.id)
    assert got == row
    assert (got.project_name, got.name, got.type, got.tags, got.status) == (
        "Contract/Sub", "exp", "testing", ("a",), "in_progress")


def test_errors_are_the_same_classes(any_backend: Any) -> None:
    with pytest.raises(NotFound):
        any_backend.get_task("no-such-task")
    with pytest.raises(InvalidArgument):
        any_backend.create_task({"name": "", "project": "P"})
    row = _new(any_backend, id="fixed-id")
    with pytest.raises(AlreadyExists):
        _new(any_backend, id="fixed-id")
    with pytest.raises(Conflict) as err:
        any_backend.set_task_status(row.id, "completed")
    assert "'created'" in str(err.value) and "'completed'" in str(err.value)


def test_query(any_backend: Any) -> None:
    a = _new(any_backend, project="Q", name="alpha", tags=["x"], created=1.0)
    b = _new(any_backend, project="Q/sub", name="beta", tags=["y"], created=2.0)
    _new(any_backend, project="R", name="alpha", created=3.0)
    assert [r.id for r in any_backend.query_tasks(project_name="Q")] == [b.id, a.id]
    assert [r.id for r in any_backend.query_tasks(project_name="Q", task_name="^al")] == [a.id]
    assert [r.id for r in any_backend.query_tasks(project_name="Q", tags=["-x"])] == [b.id]
    assert [r.id for r in any_backend.query_tasks(task_ids=[a.id])] == [a.id]
    assert {p.name for p in any_backend.list_projects()} == {"Q", "Q/sub", "R"}


def test_status_update_reset_clone_move_archive_delete(any_backend: Any) -> None:
    row = _new(any_backend, status="in_progress", system_tags=["development"])
    any_backend.set_parameters(row.id, rows_from_mapping("General", {"lr": 0.1}))
    any_backend.write_events(_events(row.id))
    assert any_backend.update_task(row.id, {"comment": "edited", "tags": ["t"]}).comment == "edited"
    done = any_backend.set_task_status(row.id, "completed", message="ok")
    assert done.status == "completed" and done.status_message == "ok"
    assert any_backend.set_task_status(row.id, "failed", force=True, reason="why").status_reason == "why"
    assert any_backend.is_task_reusable(row.id, project="Contract/Sub", name="t", task_type="training") is False

    clone = any_backend.clone_task(row.id, name="copy")
    assert (clone.name, clone.status, clone.parent_id) == ("copy", "created", row.id)
    assert to_flat_dict(any_backend.get_parameters(clone.id)) == {"General/lr": 0.1}
    assert any_backend.get_last_metrics(clone.id) == {}

    reset = any_backend.reset_task(row.id)
    assert reset.status == "created"
    assert any_backend.get_last_metrics(row.id) == {} and any_backend.get_console(row.id) == []
    assert to_flat_dict(any_backend.get_parameters(row.id)) == {"General/lr": 0.1}
    assert any_backend.is_task_reusable(row.id, project="Contract/Sub", name="t", task_type="training") is True

    assert any_backend.move_task(row.id, "Moved").project_name == "Moved"
    assert any_backend.archive_task(row.id).archived is True
    assert any_backend.query_tasks(project_name="Moved", include_archived=False) == []
    any_backend.delete_task(row.id)
    with pytest.raises(NotFound):
        any_backend.get_task(row.id)


def test_parameters_keep_types_and_replace(any_backend: Any) -> None:
    row = _new(any_backend)
    values = {"i": 1, "f": 1.5, "b": False, "n": None, "l": [1, 2], "t": (3, 4), "d": {"a": {"b": "c"}}}
    any_backend.set_parameters(row.id, rows_from_mapping("General", values))
    got = to_flat_dict(any_backend.get_parameters(row.id))
    assert got == {"General/i": 1, "General/f": 1.5, "General/b": False, "General/n": None, "General/l": [1, 2],
                   "General/t": (3, 4), "General/d/a/b": "c"}
    assert type(got["General/i"]) is int and type(got["General/t"]) is tuple
    any_backend.set_parameters(row.id, rows_from_mapping("Args", {"x": 1}), replace=True)
    assert to_flat_dict(any_backend.get_parameters(row.id)) == {"Args/x": 1}
    any_backend.set_task_status(row.id, "completed", force=True)
    with pytest.raises(Conflict):
        any_backend.set_parameters(row.id, rows_from_mapping("Args", {"x": 2}))
    any_backend.set_parameters(row.id, rows_from_mapping("Args", {"x": 2}), force=True)
    assert to_flat_dict(any_backend.get_parameters(row.id)) == {"Args/x": 2}


def test_configurations(any_backend: Any) -> None:
    row = _new(any_backend)
    any_backend.set_configuration(row.id, ConfigRow("model", "dictionary", '{"a": 1}', "d"))
    assert any_backend.get_configurations(row.id) == [ConfigRow("model", "dictionary", '{"a": 1}', "d")]


def test_events_read_back(any_backend: Any) -> None:
    row = _new(any_backend)
    sha, size = any_backend.put_blob(b"png")
    assert (sha, size) == (hashlib.sha256(b"png").hexdigest(), 3)
    result = any_backend.write_events(_events(row.id, blob=sha))
    assert result.dropped == {}
    scalars = any_backend.get_scalars(row.id, max_samples=None)
    y = scalars["loss"]["train"]["y"]
    assert scalars["loss"]["train"]["x"] == [0, 1, 2]
    assert y[0] == 3.0 and math.isnan(y[1]) and y[2] == 2.0  # the later report of iteration 2 wins
    ts = any_backend.get_scalars(row.id, max_samples=None, x_axis="timestamp")["loss"]["train"]["x"]
    assert ts == [10_000, 11_000, 13_000]
    summary = any_backend.get_last_metrics(row.id)["loss"]["train"]
    assert summary["min"] == 1.0 and summary["max"] == 3.0 and summary["last"] == 2.0
    assert any_backend.get_single_values(row.id) == {"best": 0.75}
    plots = any_backend.get_plots(row.id)
    assert [(p["title"], p["series"], p["iteration"]) for p in plots] == [("cm", "val", 4)]
    assert json.loads(plots[0]["figure"]) == {"data": [{"type": "heatmap"}]}
    samples = any_backend.get_debug_samples(row.id, "img", "s")
    assert [s["blob_sha256"] for s in samples] == [sha]
    assert any_backend.get_blob(samples[0]["blob_sha256"]) == b"png"
    assert any_backend.get_debug_samples(row.id, "img", "other") == []
    assert [c["text"] for c in any_backend.get_console(row.id)] == ["hello\n"]
    assert any_backend.get_task(row.id).last_iteration == 4


def test_console_last_n(any_backend: Any) -> None:
    row = _new(any_backend)
    for i in range(5):
        any_backend.write_events(EventBatch(console=[(row.id, 20, f"line {i}\n", float(i))]))
    assert [c["text"] for c in any_backend.get_console(row.id, last=2)] == ["line 3\n", "line 4\n"]


def test_events_for_missing_or_published_tasks_are_dropped(any_backend: Any) -> None:
    row = _new(any_backend)
    any_backend.set_task_status(row.id, "published", force=True)
    result = any_backend.write_events(_events(row.id))
    assert row.id in result.dropped and result.written == 0
    assert any_backend.get_last_metrics(row.id) == {}
    result = any_backend.write_events(_events("gone"))
    assert "no longer exists" in result.dropped["gone"]


def test_blobs(any_backend: Any) -> None:
    with pytest.raises(InvalidArgument):
        any_backend.get_blob("../../etc/passwd")
    with pytest.raises(NotFound):
        any_backend.get_blob("0" * 64)
    assert any_backend.put_blob(b"same") == any_backend.put_blob(b"same")


def test_scalars_of_a_missing_task(any_backend: Any) -> None:
    with pytest.raises(NotFound):
        any_backend.get_scalars("gone", max_samples=None)
    with pytest.raises(NotFound):
        any_backend.get_last_metrics("gone")
