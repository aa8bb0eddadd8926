"""A notebook run on both backends: execution history, snapshot versions, results' origins, and
(through the REST routes) the marked HTML, the notebook to open, re-runs and diffs."""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from jupyter_ext.core.event_batch import EventBatch
from jupyter_ext.core.rules.notebook_history import source_sha
from jupyter_ext.errors import InvalidArgument, NotFound


def _notebook(lr: float, printed: str) -> dict[str, Any]:
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "id": "params", "metadata": {"tags": ["parameters"]}, "execution_count": 1,
         "outputs": [], "source": f"lr = {lr}\nname = 'base'"},
        {"cell_type": "code", "id": "train", "metadata": {}, "execution_count": 2,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}], "source": "print(lr)"},
    ]}


def _store_version(backend: Any, task_id: str, nb: dict[str, Any], taken: float) -> Any:
    ipynb, _ = backend.put_blob(json.dumps(nb).encode())
    html_text = ('<html><head></head><body><div id="cell-id=params" class="jp-Cell"></div>'
                 '<div id="cell-id=train" class="jp-Cell"></div></body></html>')
    html, _ = backend.put_blob(html_text.encode())
    return backend.add_notebook_snapshot(task_id, {"ipynb_sha256": ipynb, "html_sha256": html, "taken": taken,
                                                   "source": "file", "cells": 2, "executed": 2})


def test_history_versions_and_origins(any_backend: Any) -> None:
    task = any_backend.create_task({"project": "Notebooks", "name": "run"})
    train = "print(lr)"
    any_backend.record_cell_run(task.id, {"seq": 1, "cell_id": "params", "execution_count": 1, "started": 100.0,
                                          "source_sha": source_sha("lr = 0.1\nname = 'base'")})
    any_backend.record_cell_run(task.id, {"seq": 1, "duration": 0.5})
    any_backend.record_cell_run(task.id, {"seq": 2, "cell_id": "train", "execution_count": 2, "started": 200.0,
                                          "duration": 1.0, "raised": "ValueError: bad",
                                          "source_sha": source_sha(train)})
    runs = any_backend.get_cell_runs(task.id)
    assert [(r.seq, r.cell_id, r.duration, r.raised) for r in runs] == [
        (1, "params", 0.5, None), (2, "train", 1.0, "ValueError: bad")]
    with pytest.raises(InvalidArgument):
        any_backend.record_cell_run(task.id, {"seq": 0})

    any_backend.write_events(EventBatch(
        scalars=[(task.id, "loss", "train", np.array([0, 1, 2]), np.array([1.0, 0.5, 0.2]),
                  np.array([150.0, 201.0, 202.0]))],
        plots=[{"task_id": task.id, "title": "ROC", "series": "", "iteration": 0, "figure": "{}", "time": 201.5}],
        console=[(task.id, 20, "hello\n", 201.0), (task.id, 20, "bye\n", 90.0)]))
    first = _store_version(any_backend, task.id, _notebook(0.1, "0.1\n"), taken=300.0)
    again = _store_version(any_backend, task.id, _notebook(0.1, "0.1\n"), taken=301.0)
    assert (first.version, again.version) == (1, 1)  # the same bytes are not a new version
    second = _store_version(any_backend, task.id, _notebook(0.1, "0.1 again\n"), taken=400.0)
    assert second.version == 2
    assert [v.version for v in any_backend.get_notebook_snapshots(task.id)] == [1, 2]
    assert json.loads(any_backend.read_notebook_snapshot(task.id, 1))["cells"][1]["outputs"][0]["text"] == "0.1\n"
    assert b"0.1 again" in any_backend.read_notebook_snapshot(task.id)
    with pytest.raises(NotFound):
        any_backend.read_notebook_snapshot(task.id, 9)

    doc = any_backend.get_notebook_provenance(task.id)
    assert [(r["seq"], r["cell_index"], r["snapshot_version"]) for r in doc["runs"]] == [(1, 0, 1), (2, 1, 1)]
    (loss,) = doc["scalars"]
    assert [(s["origin"], s["count"], s["first_iter"]) for s in loss["spans"]] == [(1, 1, 0), (2, 2, 1)]
    assert [p["origin"] for p in doc["plots"]] == [2]
    assert [c["origin"] for c in doc["console"]] == [2, None]  # a line from before any cell has no origin
    assert doc["warnings"]["messages"] == []


def test_rest_routes_for_the_lab(any_backend: Any, tmp_path: Any) -> None:
    from jupyter_ext.client import notebooks
    from jupyter_ext.client.http import HttpBackend

    task = any_backend.create_task({"project": "Notebooks", "name": "served"})
    any_backend.record_cell_run(task.id, {"seq": 1, "cell_id": "train", "started": 10.0, "duration": 1.0,
                                          "source_sha": source_sha("print(lr)")})
    any_backend.write_events(EventBatch(plots=[{"task_id": task.id, "title": "ROC", "series": "", "iteration": 0,
                                                "figure": "{}", "time": 10.5}]))
    _store_version(any_backend, task.id, _notebook(0.1, "0.1\n"), taken=20.0)
    other = any_backend.create_task({"project": "Notebooks", "name": "other"})
    _store_version(any_backend, other.id, _notebook(0.3, "0.3\n"), taken=20.0)
    if not isinstance(any_backend, HttpBackend):
        html = notebooks.marked_html(any_backend, task.id)
        assert '<div class="je-reported" data-cell-index="1">' in html and "plot ROC" in html
        return
    html = any_backend._json("get_notebook_snapshot", {"task_id": task.id, "version": "latest"},
                             params={"format": "html"})
    assert html["version"] == 1 and "plot ROC" in html["html"]
    opened = any_backend._json("get_notebook_snapshot", {"task_id": task.id, "version": "1"},
                               params={"format": "open"})["notebook"]
    assert [c["id"] for c in opened["cells"]] == ["params", "train"]  # nothing stored yet: nothing injected
    with pytest.raises(InvalidArgument, match="no workspace"):  # a standalone server
        any_backend._json("open_notebook", {"task_id": task.id}, body={})
    any_backend.test_server.services.workspace = str(tmp_path)  # as inside Jupyter: its contents root
    (tmp_path / "runs").mkdir()
    written = any_backend._json("open_notebook", {"task_id": task.id}, body={"folder": "runs", "name": "my run"})
    again = any_backend._json("open_notebook", {"task_id": task.id}, body={"folder": "runs", "name": "my run"})
    assert (written["path"], again["path"]) == (f"runs/my-run-{task.id[:8]}-v1.ipynb",
                                                f"runs/my-run-{task.id[:8]}-v1-1.ipynb")
    assert json.loads((tmp_path / written["path"]).read_text())["cells"][1]["outputs"][0]["text"] == "0.1\n"
    with pytest.raises(InvalidArgument, match="not a folder of the workspace"):
        any_backend._json("open_notebook", {"task_id": task.id}, body={"folder": "../.."})
    diff = any_backend._json("diff_notebooks", params={"a": task.id, "b": other.id})
    assert [(r["status"], r["parameters"]) for r in diff["rows"]] == [("modified", True), ("modified", False)]
    assert diff["rows"][1]["outputs_changed"] and diff["rows"][1]["outputs_b"][0]["text"] == "0.3\n"
    assert ["-", "lr = 0.1"] in diff["rows"][0]["source_diff"] and ["+", "lr = 0.3"] in diff["rows"][0]["source_diff"]

    queued = any_backend._json("rerun_notebook", {"task_id": task.id}, body={"queue": "default",
                                                                             "parameters": {"lr": "0.5"}})
    clone = any_backend.get_task(queued["id"])
    assert clone.status == "queued" and clone.script["entry_point"] == "notebook.ipynb"
    values = {p.name: p.value for p in any_backend.get_parameters(clone.id) if p.section == "Notebook"}
    assert values == {"lr": 0.5, "name": "base"}  # typed like the notebook's own value
    stored_nb = json.loads(clone.script["diff"])
    assert all(c["outputs"] == [] for c in stored_nb["cells"])
    with pytest.raises(InvalidArgument, match="no parameter 'epochs'"):
        any_backend._json("rerun_notebook", {"task_id": task.id}, body={"parameters": {"epochs": 3}})
