"""notebooks/pipelines.ipynb runs in a real kernel: steps made from functions written in cells,
the run drawn as the cell's value."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


def test_pipelines_notebook(track_home: Path, tmp_path: Path) -> None:
    import nbformat
    from nbclient import NotebookClient

    work = tmp_path / "nb"
    work.mkdir()
    path = work / "pipelines.ipynb"
    shutil.copyfile(ROOT / "notebooks" / "pipelines.ipynb", path)
    nb = nbformat.read(str(path), as_version=4)
    env = {k: v for k, v in os.environ.items() if k.startswith("JUPYTER_TRACK_") or not k.startswith("CLEARML_")}
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(work)}}).execute(env=env)
    html = [o["data"]["text/html"] for c in nb.cells for o in c.get("outputs", [])
            if "text/html" in o.get("data", {})]
    text = "\n".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                     for c in nb.cells for o in c.get("outputs", []))
    assert "successful: True" in text and "'n': 200" in text and "total: 45.0" in text
    drawn = [h for h in html if "jupyter-ext-pipeline" in h]
    assert len(drawn) == 2
    assert 'data-step="make" data-status="completed"' in drawn[0]
    assert 'data-step="summary" data-status="completed"' in drawn[0]
    from jupyter_ext.sdk import _session as session

    runs = session.backend().list_pipelines(project="Notebooks/Pipelines")
    assert sorted(r.task.name for r in runs) == ["Decorated pipeline", "Notebook pipeline"]
    assert all(r.task.status == "completed" for r in runs)


def test_dag_drawing_marks_each_status() -> None:
    from jupyter_ext.notebook.pipeline_view import pipeline_html

    view: dict[str, Any] = {"task": {"id": "r1", "name": "P <x>", "status": "failed", "status_reason": "step 'b'"},
                            "nodes": [{"name": "a", "parents": [], "status": "completed", "duration": 75.0},
                                      {"name": "b", "parents": ["a"], "status": "failed", "task_id": "t2"},
                                      {"name": "c", "parents": ["b"], "status": "skipped"}],
                            "edges": [["a", "b"], ["b", "c"]]}
    html = pipeline_html(view)
    assert 'data-step="a" data-status="completed"' in html and "1.2 min" in html
    assert 'data-step="c" data-status="skipped"' in html
    assert html.count("<line ") == 2 and "P &lt;x&gt;" in html and "(task t2)" in html
