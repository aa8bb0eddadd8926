"""Notebook provenance with real kernels: which cell execution each result came from, the
execution history and its warnings, snapshot versions."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import Kernel, kernel_env
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.slow  # kernels


def _run_with_nbclient(path: Path, home: Path) -> Any:
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    client = NotebookClient(nb, kernel_name="python3", timeout=180, resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=kernel_env(home, JUPYTER_TRACK_NOTEBOOK_PATH=str(path)))
    return nb


def test_every_result_kind_knows_the_cell_that_made_it(nb_home: Path, tmp_path: Path) -> None:
    from jupyter_ext import Task
    from jupyter_ext.client import notebooks
    from jupyter_ext.sdk import _session as session

    parameters = new_code_cell("lr = 0.1\nepochs = 3")
    parameters.metadata["tags"] = ["parameters"]
    cells = [
        new_code_cell("%load_ext jupyter_ext"),
        parameters,
        new_code_cell('%track "Prov/run"\nfrom jupyter_ext import Task, OutputModel\n'
                      "task = Task.current_task()\nlogger = task.get_logger()"),
        new_code_cell("for i in range(epochs):\n    logger.report_scalar('loss', 'train', lr / (i + 1), i)\n"
                      "print('training done')"),
        new_code_cell("import numpy as np\n"
                      "logger.report_plotly('ROC', 'val', {'data': [{'x': [0, 1], 'y': [0, 1]}]}, iteration=0)\n"
                      "logger.report_image('samples', 'first', iteration=0, image=np.zeros((4, 4, 3), np.uint8))"),
        new_code_cell("import pathlib\ntask.upload_artifact('table', {'a': 1}, wait_on_upload=True)\n"
                      "pathlib.Path('w.bin').write_bytes(b'weights')\n"
                      "OutputModel(task=task, name='m').update_weights('w.bin')"),
        new_code_cell("logger.report_scalar('loss', 'train', 0.001, 10)"),
        new_code_cell("print(task.id)\n%track off"),
    ]
    path = tmp_path / "prov.ipynb"
    nbformat.write(new_notebook(cells=cells), str(path))
    nb = _run_with_nbclient(path, nb_home)
    ids = [c.id for c in nb.cells]
    task_id = "".join(o.get("text", "") for o in nb.cells[7].outputs).split()[0]

    backend = session.backend()
    runs = backend.get_cell_runs(task_id)
    assert [r.execution_count for r in runs] == [3, 4, 5, 6, 7, 8]
    assert all(r.duration is not None and r.raised is None for r in runs)
    doc = backend.get_notebook_provenance(task_id)
    seq_of = {run["snapshot_cell_id"]: run["seq"] for run in doc["runs"]}  # found in the snapshot by source
    assert list(seq_of) == ids[2:8]
    (loss,) = [s for s in doc["scalars"] if (s["title"], s["series"]) == ("loss", "train")]
    assert [(s["origin"], s["count"]) for s in loss["spans"]] == [(seq_of[ids[3]], 3), (seq_of[ids[6]], 1)]
    assert [p["origin"] for p in doc["plots"]] == [seq_of[ids[4]]]
    assert [d["origin"] for d in doc["debug_samples"]] == [seq_of[ids[4]]]
    assert doc["artifacts"]["table"] == seq_of[ids[5]]
    assert list(doc["models"].values()) == [seq_of[ids[5]]]
    console = backend.get_console(task_id)
    done_line = next(c for c in console if "training done" in c["text"])
    span = next(s for s in doc["console"] if s["first_id"] <= done_line["id"] <= s["last_id"])
    assert span["origin"] == seq_of[ids[3]]

    task = Task.get_task(task_id=task_id)
    origin = task.artifacts["table"].origin
    assert origin is not None and (origin["cell_id"], origin["execution_count"]) == (ids[5], 6)
    scalars = task.get_reported_scalars(with_origin=True)["loss"]["train"]
    assert [o["cell_id"] for o in scalars["origin"]] == [ids[3]] * 3 + [ids[6]]
    # The parameters cell's values are the task's, and the snapshot's HTML says what each cell reported.
    assert notebooks.stored_parameters(backend, task_id) == {"lr": 0.1, "epochs": 3}
    html = notebooks.marked_html(backend, task_id)
    assert 'data-cell-index="3"' in html and "scalar loss / train" in html and "artifact table" in html


def _run_cell(kernel: Kernel, cell: Any) -> str:
    """Execute a notebook cell as JupyterLab does: its id in the request's metadata (``cellId``)."""
    msg = kernel.kc.session.msg("execute_request", {"code": cell.source, "silent": False, "store_history": True,
                                                    "user_expressions": {}, "allow_stdin": False,
                                                    "stop_on_error": True}, metadata={"cellId": cell.id})
    kernel.kc.shell_channel.send(msg)
    reply = kernel.kc.get_shell_msg(timeout=60)
    assert reply["content"]["status"] == "ok", reply["content"]
    return str(msg["header"]["msg_id"])


def test_out_of_order_and_edited_cells_are_flagged(kernel: Kernel, tmp_path: Path) -> None:
    from jupyter_ext.sdk import _session as session

    path = tmp_path / "work.ipynb"
    nb = new_notebook(cells=[new_code_cell('%load_ext jupyter_ext\n%track "Prov/order"\nfrom jupyter_ext import Task'),
                             new_code_cell("a = 1"), new_code_cell("b = a + 1"), new_code_cell("c = b * 2")])
    nbformat.write(nb, str(path))
    _run_cell(kernel, nb.cells[0])
    for i in (1, 2, 1, 3):  # the third execution goes back up the notebook
        _run_cell(kernel, nb.cells[i])
    nb.cells[2].source = "b = a + 100"  # edited after it ran
    nbformat.write(nb, str(path))
    assert "notebook stored" in kernel.text(kernel.run("%track snapshot"))
    status = kernel.text(kernel.run("%track status"))
    task_id = kernel.text(kernel.run("print(Task.current_task().id)")).strip().splitlines()[-1]
    assert "warning: cells ran out of order" in status and "edited after they ran" in status, status
    assert "out of order" in status and "edited since" in status

    doc = session.backend().get_notebook_provenance(task_id)
    by_seq = {r["seq"]: r for r in doc["runs"]}
    (back,) = doc["warnings"]["out_of_order"]
    assert (by_seq[back]["cell_index"], by_seq[back]["cell_id"]) == (1, nb.cells[1].id)
    (edited,) = doc["warnings"]["edited_after_run"]
    assert by_seq[edited]["cell_id"] == nb.cells[2].id
    assert by_seq[1]["cell_id"] == nb.cells[0].id  # the cell that started the task is in its history too


def test_a_notebook_run_top_to_bottom_has_no_warning(nb_home: Path, tmp_path: Path) -> None:
    from jupyter_ext.sdk import _session as session

    cells = [new_code_cell('%load_ext jupyter_ext'), new_code_cell('%track "Prov/clean"'),
             new_code_cell("x = 1"), new_code_cell("from jupyter_ext import Task\nprint(Task.current_task().id)"),
             new_code_cell("%track off")]
    path = tmp_path / "clean.ipynb"
    nbformat.write(new_notebook(cells=cells), str(path))
    nb = _run_with_nbclient(path, nb_home)
    task_id = "".join(o.get("text", "") for o in nb.cells[3].outputs).split()[0]
    doc = session.backend().get_notebook_provenance(task_id)
    assert [r["cell_index"] for r in doc["runs"]] == [1, 2, 3, 4]
    assert doc["warnings"]["messages"] == []


def test_every_snapshot_is_kept_and_an_emptied_notebook_does_not_hide_the_last_good_one(
        kernel: Kernel, tmp_path: Path) -> None:
    from jupyter_ext.client import notebooks
    from jupyter_ext.sdk import _session as session

    path = tmp_path / "work.ipynb"
    ran = new_notebook(cells=[new_code_cell("x = 1", execution_count=1), new_code_cell("y = 2", execution_count=2)])
    nbformat.write(ran, str(path))
    kernel.run('%load_ext jupyter_ext\n%track "Prov/versions"\nfrom jupyter_ext import Task')
    assert "notebook stored" in kernel.text(kernel.run("%track snapshot"))
    ran.cells.append(new_code_cell("z = 3", execution_count=3))
    nbformat.write(ran, str(path))
    assert "notebook stored" in kernel.text(kernel.run("%track snapshot"))
    fresh = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("y = 2"), new_code_cell("z = 3")])
    nbformat.write(fresh, str(path))  # re-opened in a new kernel: nothing has run
    assert "notebook stored" in kernel.text(kernel.run("%track snapshot"))
    task_id = kernel.text(kernel.run("print(Task.current_task().id)")).strip().splitlines()[-1]
    kernel.run("%track off")

    backend = session.backend()
    versions = backend.get_notebook_snapshots(task_id)
    assert [(v.version, v.cells, v.executed) for v in versions] == [(1, 2, 2), (2, 3, 3), (3, 3, 0)]
    first = json.loads(backend.read_notebook_snapshot(task_id, 1))
    assert [c["source"] for c in first["cells"]] == ["x = 1", "y = 2"]
    assert json.loads(backend.read_notebook_snapshot(task_id))["cells"][2]["execution_count"] == 3
    opened = notebooks.notebook_to_open(backend, task_id)
    assert opened["metadata"]["jupyter_track"] == {"task_id": task_id, "version": 2}
    assert [c["execution_count"] for c in opened["cells"]] == [1, 2, 3]
