"""Two tracked notebook runs for the provenance UI tests, made in real kernels (nbclient).

    JUPYTER_TRACK_HOME=/tmp/x python seed_notebooks.py

The same notebook (a cell tagged ``parameters``, training that reports scalars, a plot, a debug
sample, an artifact and console output) runs twice with another learning rate; the frontend's
autosave is played by writing the notebook after each cell, so the snapshots have outputs. The
second run goes back up the notebook once (out of order). Prints the ids as JSON on the last line.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

import nbformat
from nbclient import NotebookClient

CELLS = [
    "%load_ext jupyter_ext",
    "lr = {lr}\nepochs = 20",
    '%track "Notebook runs/{name}"\nfrom jupyter_ext import Task\ntask = Task.current_task()\n'
    'logger = task.get_logger()',
    "import math\nfor i in range(epochs):\n    logger.report_scalar('loss', 'train', math.exp(-i * lr), i)\n"
    "print(f'final loss {{math.exp(-(epochs - 1) * lr):.4f}}')",
    "import numpy as np\nlogger.report_plotly('ROC', 'validation', "
    "{{'data': [{{'x': [0, 0.2, 1], 'y': [0, {lr} + 0.5, 1]}}]}}, iteration=0)\n"
    "logger.report_image('samples', 'digits', iteration=0, image=(np.arange(1024).reshape(32, 32) % 255)"
    ".astype('uint8'))",
    "task.upload_artifact('summary', {{'lr': lr, 'epochs': epochs}}, wait_on_upload=True)\nprint('stored summary')",
    "%track snapshot",
]


def run(folder: str, name: str, lr: float, back_up: bool) -> str:
    path = os.path.join(folder, f"{name}.ipynb")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c.format(lr=lr, name=name)) for c in CELLS]
    nb.cells[1].metadata["tags"] = ["parameters"]
    nbformat.write(nb, path)
    env = dict(os.environ, JUPYTER_TRACK_NOTEBOOK_PATH=path)
    client = NotebookClient(nb, kernel_name="python3", timeout=300, resources={"metadata": {"path": folder}})
    with client.setup_kernel(env=env):
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
            nbformat.write(nb, path)  # what a frontend's autosave does
        if back_up:  # the training cell again, after the last one: out of order
            client.execute_cell(nb.cells[3], 3)
            nbformat.write(nb, path)
            client.execute_cell(nb.cells[-1], len(nb.cells) - 1)
        probe = nbformat.v4.new_code_cell("print(Task.current_task().id)\n%track off")
        nb.cells.append(probe)  # not saved: the notebook on disk ends with the snapshot cell
        client.execute_cell(probe, len(nb.cells) - 1)
    return "".join(o.get("text", "") for o in probe.outputs).split()[0]


def main() -> None:
    folder = tempfile.mkdtemp(prefix="je-seed-notebooks-")
    first = run(folder, "baseline", 0.1, back_up=False)
    second = run(folder, "tuned", 0.3, back_up=True)
    print(json.dumps({"baseline": first, "tuned": second}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
