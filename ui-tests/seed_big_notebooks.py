"""Two runs whose notebooks are 5 MB with 200 cells each (a PNG output per cell; 10 sources and 10
outputs differ), for the timing of the compare Notebook view and "Open notebook".

    JUPYTER_TRACK_HOME=/tmp/x python seed_big_notebooks.py      # prints {"a": id, "b": id}
"""
from __future__ import annotations

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "bench"))


def main() -> None:
    from bench_provenance import big_notebook

    from jupyter_ext.core.rules.param_types import rows_from_mapping
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    ids = []
    for name, changed in (("big a", set()), ("big b", set(range(5, 200, 20)))):
        nb = big_notebook(1, changed)
        if changed:
            for i in range(3, 200, 20):
                nb["cells"][i]["source"] += "\nprint('edited')"
        task = backend.create_task({"project": "Notebook runs/big", "name": name})
        sha, size = backend.put_blob(json.dumps(nb).encode())
        backend.add_notebook_snapshot(task.id, {"ipynb_sha256": sha, "ipynb_size": size, "taken": 1.0,
                                                "cells": 200, "executed": 200})
        backend.set_parameters(task.id, rows_from_mapping("Notebook", {"lr": 0.1}))
        ids.append(task.id)
    print(json.dumps({"a": ids[0], "b": ids[1]}))


if __name__ == "__main__":
    main()
