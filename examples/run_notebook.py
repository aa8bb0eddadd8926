"""Run a notebook headlessly in a real kernel, as a tracked run, and print what it printed.

    python examples/run_notebook.py notebooks/titanic_walkthrough.ipynb

The notebook runs in its own folder (so its relative data paths hold) and is not rewritten:
its outputs go to the task's snapshot, not back into the file.
"""
from __future__ import annotations

import argparse
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def _printed(nb: nbformat.NotebookNode) -> str:
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream" and out.get("name") == "stdout")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="path of the .ipynb to run")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell (default 900)")
    args = parser.parse_args(argv)
    path = os.path.abspath(args.notebook)
    if not os.path.isfile(path):
        parser.error(f"no notebook at {path}")
    nb = nbformat.read(path, as_version=4)
    env = dict(os.environ, JUPYTER_TRACK_NOTEBOOK_PATH=path)
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(path)}})
    print(f"running {os.path.relpath(path)} in a fresh kernel ...", flush=True)
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        print(f"the notebook stopped with an error:\n{exc}", file=sys.stderr)
        return 1
    lines = [line for line in _printed(nb).splitlines() if line.startswith("task ")]
    for line in lines:
        print(line)
    if lines:
        task_id = lines[-1].split()[1].rstrip(":")
        print(f"see it all with: jupyter track show {task_id}   (or in JupyterLab: the Experiments panel)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
