"""``%track ... --queue Q`` in a notebook: the notebook is stored with a new task and enqueued;
an agent runs it in a kernel of its own, where the same line attaches to that task."""
from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import Stack

pytestmark = pytest.mark.slow  # a notebook run in a kernel, then by an agent


def test_track_with_a_queue_hands_the_notebook_to_an_agent(local_stack: Stack) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext jupyter_ext"),
        nbformat.v4.new_code_cell('%track "Queued notebooks/nightly" --queue default'),
        nbformat.v4.new_code_cell("from jupyter_ext import Task\ntask = Task.current_task()\n"
                                  "print('tracked here:', task is not None)\n"
                                  "if task is not None:\n"
                                  "    params = task.connect({'rows': 10})\n"
                                  "    print('rows', params['rows'])\n"
                                  "    task.get_logger().report_scalar('rows', 'n', params['rows'], 0)"),
    ]
    path = local_stack.runner.workdir / "nightly.ipynb"
    nbformat.write(nb, str(path))
    env = local_stack.env({"JUPYTER_TRACK_NOTEBOOK_PATH": str(path)})
    here = subprocess.run([sys.executable, "-m", "jupyter_ext.client.notebook_runner", str(path)], env=env,
                          cwd=local_stack.runner.workdir, capture_output=True, text=True, timeout=180, check=False)
    assert here.returncode == 0, here.stdout + here.stderr
    assert "notebook queued as task" in here.stdout and "tracked here: False" in here.stdout
    task_id = here.stdout.split("queued as task ")[1].split()[0]
    backend = local_stack.backend
    row = backend.get_task(task_id)
    assert (row.status, row.project_name, row.name) == ("queued", "Queued notebooks", "nightly")
    assert row.script["entry_point"] == "nightly.ipynb" and "%track" in row.script["diff"]

    done = local_stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1",
                           timeout=240)
    assert done.returncode == 0, done.stdout
    row = backend.get_task(task_id)
    assert row.status == "completed", (row.status, row.status_reason, local_stack.console(task_id))
    console = local_stack.console(task_id)
    assert "tracked here: True" in console and "rows 10" in console
    assert backend.get_scalars(task_id, max_samples=None)["rows"]["n"]["y"] == [10]
    assert len(backend.query_tasks(project_name="Queued notebooks")) == 1  # the agent enqueued nothing more


def test_a_missing_queue_is_refused_before_anything_is_stored(local_stack: Stack,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat

    from jupyter_ext.errors import TrackError
    from jupyter_ext.notebook.magics import track

    path = local_stack.runner.workdir / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), str(path))
    monkeypatch.setenv("JUPYTER_TRACK_NOTEBOOK_PATH", str(path))
    with pytest.raises(TrackError, match="no-such"):
        track('"P/x" --queue no-such')
    assert local_stack.backend.query_tasks(project_name="P") == []
