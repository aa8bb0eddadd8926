"""``python -m jupyter_ext.client.notebook_runner NOTEBOOK``: run a notebook top to bottom in a
kernel (nbclient), printing each cell's output as it ends so the agent records it.

The kernel inherits this process's environment, ``JUPYTER_TRACK_TASK_ID`` included: a
``Task.init`` (or ``%track``) inside the notebook attaches to the agent's task. The executed
notebook is written next to the source as ``<name>.executed.ipynb``. Exit code 1 when a cell
raised.
"""
from __future__ import annotations

import os
import sys
from typing import Any


def _print_outputs(cell: Any) -> None:
    for out in cell.get("outputs", ()):
        kind = out.get("output_type")
        if kind == "stream":
            stream = sys.stderr if out.get("name") == "stderr" else sys.stdout
            stream.write(out.get("text", ""))
        elif kind in ("execute_result", "display_data"):
            text = out.get("data", {}).get("text/plain")
            if text:
                print(text)
        elif kind == "error":
            print("\n".join(out.get("traceback", ())) or f"{out.get('ename')}: {out.get('evalue')}", file=sys.stderr)
    sys.stdout.flush()
    sys.stderr.flush()


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m jupyter_ext.client.notebook_runner NOTEBOOK.ipynb", file=sys.stderr)
        return 2
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    path = os.path.abspath(argv[0])
    nb = nbformat.read(path, as_version=4)
    kernel = (nb.metadata.get("kernelspec") or {}).get("name") or "python3"
    client = NotebookClient(nb, kernel_name=kernel, timeout=None, allow_errors=False,
                            resources={"metadata": {"path": os.path.dirname(path)}})
    client.on_cell_executed = lambda cell, **_: _print_outputs(cell)
    code = 0
    try:
        client.execute(env=dict(os.environ))
    except CellExecutionError as exc:
        print(f"a cell raised: {exc.ename}: {exc.evalue}", file=sys.stderr)
        code = 1
    finally:
        root, _ = os.path.splitext(path)
        try:
            nbformat.write(nb, root + ".executed.ipynb")
        except OSError:
            pass
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
