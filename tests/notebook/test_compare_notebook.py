"""``jupyter_ext.compare`` shows the diff of two runs' notebooks, the parameters cell marked."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _notebook(lr: float, printed: str, extra: bool = False) -> dict[str, Any]:
    cells = [
        {"cell_type": "code", "id": "params", "metadata": {"tags": ["parameters"]}, "execution_count": 1,
         "outputs": [], "source": f"lr = {lr}"},
        {"cell_type": "code", "id": "train", "metadata": {}, "execution_count": 2,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": printed}], "source": "print(lr)"},
        {"cell_type": "markdown", "id": "notes", "metadata": {}, "source": "# same in both"},
    ]
    if extra:
        cells.append({"cell_type": "code", "id": "new", "metadata": {}, "execution_count": 3, "outputs": [],
                      "source": "plot()"})
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}


def _run_with(nb: dict[str, Any], name: str) -> Any:
    from jupyter_ext import Task
    from jupyter_ext.sdk import _session as session

    task = Task.create(project_name="Compare notebooks", task_name=name)
    backend = session.backend()
    sha, size = backend.put_blob(json.dumps(nb).encode())
    backend.add_notebook_snapshot(task.id, {"ipynb_sha256": sha, "ipynb_size": size, "taken": 1.0})
    return task


def test_compare_shows_changed_cells_and_outputs(nb_home: Path) -> None:
    from jupyter_ext.notebook.compare import compare

    a = _run_with(_notebook(0.1, "0.1\n"), "base")
    b = _run_with(_notebook(0.3, "0.3\n", extra=True), "tuned")
    found = compare([a, b])
    diff = found.notebook_diff()
    assert diff is not None
    assert [r["status"] for r in diff["rows"]] == ["modified", "modified", "unchanged", "added"]
    page = found.html()
    assert "<h4>Notebook</h4>" in page and "class='row params'" in page
    assert "- lr = 0.1" in page and "+ lr = 0.3" in page and "0.3\n</pre>" in page
    assert "1 added, 2 modified (1 cells unchanged, folded)" in page


def test_compare_without_notebooks_has_no_notebook_part(nb_home: Path) -> None:
    from jupyter_ext import Task
    from jupyter_ext.notebook.compare import compare

    found = compare([Task.create(project_name="Compare notebooks", task_name=n) for n in ("x", "y")])
    assert found.notebook_diff() is None and "<h4>Notebook</h4>" not in found.html()
