"""papermill's convention under the agent: a cell tagged ``parameters`` gets a cell tagged
``injected-parameters`` with the task's values; and a tracked notebook run is opened again and
re-run on a queue with an edited parameter."""
from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import pytest

from .conftest import Stack

pytestmark = pytest.mark.slow  # notebooks in kernels, run by an agent


def _parameters_cell(source: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    return cell


def _notebook(*cells: nbformat.NotebookNode) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def test_a_papermill_notebook_runs_under_the_agent_with_injected_values(local_stack: Stack) -> None:
    from jupyter_ext.core.rules.param_types import rows_from_mapping

    path = local_stack.runner.workdir / "pm.ipynb"
    nbformat.write(_notebook(_parameters_cell("alpha = 1\nlabel = 'x'"),
                             nbformat.v4.new_code_cell("print('alpha is', alpha * 2, label)")), str(path))
    made = local_stack.cli("task", "--project", "PM", "--name", "papermill", "--script", str(path))
    assert made.returncode == 0, made.stdout + made.stderr
    backend = local_stack.backend
    (row,) = backend.query_tasks(project_name="PM")
    backend.set_parameters(row.id, rows_from_mapping("Notebook", {"alpha": 21}))
    backend.enqueue_task(row.id, "default")

    done = local_stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1",
                           timeout=240)
    assert done.returncode == 0, done.stdout
    assert backend.get_task(row.id).status == "completed", local_stack.console(row.id)
    console = local_stack.console(row.id)
    assert "alpha is 42 x" in console and "parameters injected: alpha=21" in console
    stored = {p.name: p.value for p in backend.get_parameters(row.id) if p.section == "Notebook"}
    assert stored == {"alpha": 21, "label": "x"}  # the default it did not hold is recorded, to edit next time


def test_open_edit_a_parameter_and_run_on_a_queue(local_stack: Stack) -> None:
    from jupyter_ext.client import notebooks

    path = local_stack.runner.workdir / "train.ipynb"
    nbformat.write(_notebook(
        nbformat.v4.new_code_cell("%load_ext jupyter_ext"),
        _parameters_cell("lr = 0.1\nepochs = 2"),
        nbformat.v4.new_code_cell('%track "Reruns/train"\nfrom jupyter_ext import Task\ntask = Task.current_task()'),
        nbformat.v4.new_code_cell("print('lr used', lr)\ntask.get_logger().report_scalar('lr', 'used', lr, 0)\n"
                                  "print(task.id)"),
        nbformat.v4.new_code_cell("%track off"),  # waits for the last snapshot, as a kernel shut down at once may not
    ), str(path))
    env = local_stack.env({"JUPYTER_TRACK_NOTEBOOK_PATH": str(path)})
    here = subprocess.run([sys.executable, "-m", "jupyter_ext.client.notebook_runner", str(path)], env=env,
                          cwd=local_stack.runner.workdir, capture_output=True, text=True, timeout=180, check=False)
    assert here.returncode == 0, here.stdout + here.stderr
    task_id = here.stdout.split("lr used 0.1")[1].split()[0]
    backend = local_stack.backend
    assert notebooks.stored_parameters(backend, task_id) == {"lr": 0.1, "epochs": 2}

    opened = local_stack.cli("notebook", task_id, "--to", str(local_stack.runner.workdir / "opened.ipynb"))
    assert opened.returncode == 0, opened.stdout + opened.stderr
    nb = json.loads((local_stack.runner.workdir / "opened.ipynb").read_text())
    assert nb["cells"][2]["metadata"]["tags"] == ["injected-parameters"]
    assert "lr = 0.1" in nb["cells"][2]["source"]

    rerun = local_stack.cli("notebook", task_id, "--rerun", "--set", "lr=0.5")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    clone_id = rerun.stdout.split()[1]
    done = local_stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1",
                           timeout=240)
    assert done.returncode == 0, done.stdout
    clone = backend.get_task(clone_id)
    assert clone.status == "completed", local_stack.console(clone_id)
    assert "lr used 0.5" in local_stack.console(clone_id)
    assert backend.get_scalars(clone_id, max_samples=None)["lr"]["used"]["y"] == [0.5]
    assert backend.get_scalars(task_id, max_samples=None)["lr"]["used"]["y"] == [0.1]
