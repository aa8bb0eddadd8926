"""The notebooks in notebooks/ run end to end in a real kernel, and what they track is stored."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import kernel_env
from nbclient import NotebookClient

pytestmark = pytest.mark.slow  # whole notebooks executed in kernels

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    target = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, target)
    return target


def _execute(path: Path, home: Path, timeout: int = 600) -> Any:
    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=kernel_env(home, JUPYTER_TRACK_NOTEBOOK_PATH=str(path)))
    return nb


def _outputs(nb: Any) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(str(out.get("text", "")))
            parts.append(str(out.get("data", {}).get("text/plain", "")))
            parts.append(str(out.get("data", {}).get("text/html", "")))
    return "\n".join(parts)


def _task(project: str, name: str) -> Any:
    from jupyter_ext import Task

    (task,) = Task.get_tasks(project_name=project, task_name=name)
    return task


def test_quick_start_under_nbconvert_finds_its_path(workdir: Path, nb_home: Path) -> None:
    # `jupyter nbconvert --execute`: the notebook's path comes from the command line of the kernel's parent.
    out = workdir / "out.ipynb"
    subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                    "--output", str(out), str(workdir / "quick_start.ipynb")],
                   check=True, env=kernel_env(nb_home), cwd=str(workdir), capture_output=True, timeout=600)
    nb = nbformat.read(str(out), as_version=4)
    text = _outputs(nb)
    assert f"notebook {workdir / 'quick_start.ipynb'} [command-line]" in text
    task = _task("Notebooks", "Quick start")
    assert task.get_status() == "completed"
    assert {"notebook", "notebook preview", "settings"} <= set(task.artifacts)
    assert task.get_last_scalar_metrics()["loss"]["train"]["count"] == 200
    # The live plot left a picture of itself in the saved notebook, and the artifact a JSON tree.
    plot = [o for c in nb.cells for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in
            o.get("data", {})]
    assert plot and "image/png" in plot[0]["data"]
    assert "<details" in text and "optimizer" in text
    assert task.data["script"]["entry_point"] == str(workdir / "quick_start.ipynb")


def test_titanic_walkthrough(workdir: Path, nb_home: Path) -> None:
    nb = _execute(workdir / "titanic_walkthrough.ipynb", nb_home)
    text = _outputs(nb)
    assert "completed" in text
    task = _task("ClearML_Test", "Titanic Survival Prediction")
    assert {"data.raw", "data.train", "data.test", "notebook", "notebook preview"} <= set(task.artifacts)
    assert task.get_reported_single_values()["Train Rows"] == 596
    assert task.models["output"], "the best model is in the registry"
    assert "<table" in text and "PassengerId" in text  # the CSV preview is a table
    snapshot = Path(task.artifacts["notebook"].get_local_copy(raise_on_error=True)).read_text()
    assert "Titanic survival prediction" in snapshot


def test_datasets_notebook(workdir: Path, nb_home: Path) -> None:
    nb = _execute(workdir / "datasets.ipynb", nb_home)
    text = _outputs(nb)
    assert "second_class.csv" in text and "first_class.csv" in text
    assert "Dataset &#x27;titanic by class&#x27;" in text or "Dataset 'titanic by class'" in text


def test_comparison_notebook(workdir: Path, nb_home: Path) -> None:
    nb = _execute(workdir / "comparison.ipynb", nb_home)
    text = _outputs(nb)
    assert "data-differs='true'><td>General/lr" in text
    assert "data-differs='false'><td>General/epochs" in text
    assert "final loss" in text and "summary" in text
    widgets = [o for c in nb.cells for o in c.get("outputs", []) if "application/vnd.jupyter.widget-view+json" in
               o.get("data", {})]
    assert len(widgets) == 2 and all("image/png" in w["data"] for w in widgets)


def test_titanic_hyperparameter_search(workdir: Path, nb_home: Path) -> None:
    nb = _execute(workdir / "titanic_hpo.ipynb", nb_home)
    text = _outputs(nb)
    assert "HyperParameterOptimizer" in text and "optimizer completed" in text
    assert "['Objective over trials', 'Parallel Coordinates', 'Trials']" in text
    from jupyter_ext import Task

    trials = [t for t in Task.get_tasks(project_name="ClearML_Test") if "optimizer-trial" in t.data["system_tags"]]
    assert len(trials) == 4 and all(t.get_status() == "completed" for t in trials)
    assert sum(1 for t in trials if not t.get_archived()) == 3  # save_top_k_tasks_only
