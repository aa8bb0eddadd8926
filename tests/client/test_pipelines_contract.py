"""list_pipelines / get_pipeline: the same answers from LocalBackend and over HTTP."""
from __future__ import annotations

import json
from typing import Any

import pytest

from jupyter_ext.core.rules import pipelines
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.store.rows import ConfigRow


def _run(backend: Any, name: str, project: str = "Pipes") -> tuple[str, dict[str, str]]:
    run = backend.create_task({"project": project, "name": name, "type": "controller", "status": "in_progress",
                               "system_tags": [pipelines.RUN_TAG]})
    steps = {}
    for step in ("prep", "train"):
        row = backend.create_task({"project": project, "name": step, "parent_id": run.id,
                                   "system_tags": [pipelines.STEP_TAG]})
        steps[step] = row.id
    backend.set_task_status(steps["prep"], "in_progress")
    backend.set_task_status(steps["prep"], "completed")
    backend.set_task_status(steps["train"], "in_progress")
    doc = pipelines.dag_document([
        {"name": "prep", "task_id": steps["prep"], "state": "launched"},
        {"name": "train", "parents": ["prep"], "task_id": steps["train"], "state": "launched", "queue": "gpu"},
        {"name": "report", "parents": ["train"]},
    ], parameters={"rows": 3}, version="1.2")
    backend.set_configuration(run.id, ConfigRow(name=pipelines.DAG_CONFIG, type="json", text=json.dumps(doc)))
    return run.id, steps


def test_get_pipeline_joins_live_statuses(any_backend: Any) -> None:
    run_id, steps = _run(any_backend, "Training Pipeline")
    view = any_backend.get_pipeline(run_id)
    assert view["task"]["id"] == run_id and view["task"]["type"] == "controller"
    assert isinstance(view["task"]["created"], float)  # times are epoch seconds on both ends
    assert view["version"] == "1.2" and view["parameters"] == {"rows": 3}
    by = {n["name"]: n for n in view["nodes"]}
    assert (by["prep"]["status"], by["train"]["status"], by["report"]["status"]) == \
        ("completed", "in_progress", "pending")
    assert by["prep"]["task_id"] == steps["prep"] and by["report"]["task_id"] is None
    assert isinstance(by["prep"]["started"], float) and by["prep"]["duration"] >= 0
    assert by["train"]["completed"] is None and by["train"]["queue"] == "gpu"
    assert view["edges"] == [["prep", "train"], ["train", "report"]]
    # live: a step finishing shows at the next read
    any_backend.set_task_status(steps["train"], "failed", reason="boom")
    again = {n["name"]: n for n in any_backend.get_pipeline(run_id)["nodes"]}
    assert again["train"]["status"] == "failed" and again["train"]["status_reason"] == "boom"


def test_list_pipelines_filters_and_counts(any_backend: Any) -> None:
    first, _ = _run(any_backend, "One")
    second, _ = _run(any_backend, "Two", project="Other")
    any_backend.create_task({"project": "Pipes", "name": "not a run", "type": "controller"})
    runs = any_backend.list_pipelines()
    assert [r.task.id for r in runs] == [second, first]
    assert runs[1].steps == 3 and runs[1].step_status == {"completed": 1, "in_progress": 1, "pending": 1}
    assert runs[1].version == "1.2"
    assert [r.task.id for r in any_backend.list_pipelines(project="Pipes")] == [first]
    assert [r.task.id for r in any_backend.list_pipelines(limit=1, offset=1)] == [first]
    if hasattr(any_backend, "_request"):  # the JSON itself: counts stay numbers (not mistaken for times)
        raw = any_backend._request("list_pipelines", params={"project": "Pipes"})["items"][0]
        assert raw["step_status"] == {"completed": 1, "in_progress": 1, "pending": 1}
        assert isinstance(raw["created"], str)
    any_backend.set_task_status(first, "completed")
    assert [r.task.id for r in any_backend.list_pipelines(status="completed")] == [first]


def test_errors_are_the_same_on_both_ends(any_backend: Any) -> None:
    plain = any_backend.create_task({"project": "Pipes", "name": "plain"})
    with pytest.raises(InvalidArgument, match="not a pipeline run"):
        any_backend.get_pipeline(plain.id)
    with pytest.raises(NotFound):
        any_backend.get_pipeline("0" * 32)
