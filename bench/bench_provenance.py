"""Notebook provenance figures.

1. ``report_scalar`` per call in a real kernel with ``%load_ext jupyter_ext`` and ``%track``
   (provenance on: the cell hooks record each execution), timed as bench_scalars.py does
   (10 series x 100k, median of 1000-call blocks); and the hooks' own cost per cell.
2. Diff of two 5 MB notebooks with 200 cells (each cell a ~25 KB PNG output; 10 sources and 10
   outputs changed): the REST answer the compare view draws first (snapshots read, nbdime diff,
   rows encoded), over HTTP from a server on 127.0.0.1.
3. "Open notebook" of a 5 MB snapshot: the REST answer the lab writes into the workspace
   (snapshot read, the task's parameters injected), and the CLI's ``notebook_to_open`` + write.
"""
from __future__ import annotations

import base64
import json
import os
import queue
import random
import time
from typing import Any

from _common import Row, child_env, fresh_home, main, repeat

KERNEL_CODE = """
import time
from jupyter_ext import Task
task = Task.current_task()
report = task.get_logger().report_scalar
pc = time.perf_counter_ns
names = [f"series-{k}" for k in range(10)]
out = []
for start in range(0, 100_000, 100):
    t0 = pc()
    for it in range(start, start + 100):
        v = it * 1e-3
        for s in names:
            report("loss", s, v, it)
    out.append((pc() - t0) / 1000)
out.sort()
from jupyter_ext.notebook import cell_runs
class Info:
    raw_cell = "x = 1"
    cell_id = "abc"
class Result:
    error_in_exec = None
    error_before_exec = None
    execution_count = 7
t0 = pc()
for _ in range(1000):
    cell_runs.before_cell(Info(), 7)
    cell_runs.after_cell(Result())
hooks = (pc() - t0) / 1000
print("@@BENCH@@" + __import__("json").dumps({"per_call": out[len(out) // 2] * 1e-9, "hooks": hooks * 1e-9}))
"""


def _kernel_run() -> dict[str, Any]:
    from jupyter_client.manager import KernelManager

    with fresh_home() as home:
        km = KernelManager(kernel_name="python3")
        km.start_kernel(env=child_env(home), cwd=home)
        kc = km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            for code in ('%load_ext jupyter_ext\n%track "bench/provenance"', KERNEL_CODE):
                msg_id = kc.execute(code)
                text = ""
                while True:
                    try:
                        msg = kc.get_iopub_msg(timeout=300)
                    except queue.Empty:
                        raise TimeoutError("the kernel did not answer") from None
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "stream":
                        text += msg["content"]["text"]
                    if msg["msg_type"] == "error":
                        raise RuntimeError("\n".join(msg["content"]["traceback"]))
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
            line = next(t for t in text.splitlines() if t.startswith("@@BENCH@@"))
            return dict(json.loads(line[len("@@BENCH@@"):]))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


def big_notebook(seed: int, changed: set[int]) -> dict[str, Any]:
    """200 code cells, each with a ~25 KB PNG-sized base64 output: ~5 MB."""
    cells = []
    for i in range(200):
        rnd = random.Random(seed * 100_000 + i + (50_000 if i in changed else 0))
        picture = base64.b64encode(rnd.randbytes(18_500)).decode()
        source = f"# cell {i}\nvalue_{i} = {i} * 2\nplot(value_{i})" + (" # tuned" if i in changed else "")
        tags = ["parameters"] if i == 0 else []
        cells.append({"cell_type": "code", "id": f"c{i}", "metadata": {"tags": tags}, "execution_count": i + 1,
                      "source": source, "outputs": [
                          {"output_type": "stream", "name": "stdout", "text": f"value {i}\n"},
                          {"output_type": "display_data", "metadata": {},
                           "data": {"image/png": picture, "text/plain": "<Figure>"}}]})
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernel}, "cells": cells}


def _server_runs() -> list[dict[str, float]]:
    import requests

    from jupyter_ext.client import notebooks
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.core.rules.param_types import rows_from_mapping
    from jupyter_ext.server.background import BackgroundServer

    results = []
    with fresh_home() as home:
        db = f"sqlite:///{os.path.join(home, 'track.db')}"
        blobs = os.path.join(home, "blobs")
        backend = LocalBackend(db, blobs)
        ids = []
        sizes = []
        for seed, changed in ((1, set()), (1, set(range(5, 200, 20)))):
            nb = big_notebook(seed, changed)
            if changed:
                for i in range(3, 200, 20):
                    nb["cells"][i]["source"] += "\nprint('edited')"
            data = json.dumps(nb).encode()
            sizes.append(len(data))
            task = backend.create_task({"project": "bench", "name": f"nb{len(ids)}"})
            sha, size = backend.put_blob(data)
            backend.add_notebook_snapshot(task.id, {"ipynb_sha256": sha, "ipynb_size": size, "taken": 1.0})
            backend.set_parameters(task.id, rows_from_mapping("Notebook", {"lr": 0.1}))
            ids.append(task.id)
        server = BackgroundServer(db, blobs)
        access, secret = server.create_key("bench")
        session = requests.Session()
        session.auth = (access, secret)
        base = server.url.rstrip("/") + "/track/api/v1/"
        try:
            for _ in range(6):
                t0 = time.perf_counter()
                r = session.get(base + "notebooks/diff", params={"a": ids[0], "b": ids[1]}, timeout=60)
                r.raise_for_status()
                rows = r.json()["rows"]
                diff_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                r = session.get(base + f"tasks/{ids[1]}/notebook/snapshots/latest", params={"format": "open"},
                                timeout=60)
                r.raise_for_status()
                open_s = time.perf_counter() - t0
                t0 = time.perf_counter()
                path = os.path.join(home, f"opened-{len(results)}.ipynb")
                notebooks.write_notebook(notebooks.notebook_to_open(backend, ids[1]), path)
                cli_s = time.perf_counter() - t0
                results.append({"diff": diff_s, "open": open_s, "cli": cli_s, "bytes": float(len(r.content)),
                                "changed_rows": float(sum(x["status"] != "unchanged" for x in rows)),
                                "nb_bytes": float(min(sizes))})
        finally:
            server.stop()
            backend.close()
    return results[1:]  # the first warms the server's imports (nbdime, nbformat)


def collect() -> list[Row]:
    kernel = repeat(_kernel_run, desc="report_scalar in a tracked kernel", warmup=0)
    served = _server_runs()
    mb = served[0]["nb_bytes"] / 1e6
    return [
        Row("report_scalar per call, provenance on (kernel, %track)", [r["per_call"] for r in kernel], 1e-6,
            unit="us", notes=["10 series x 100k in one cell of a real kernel with the cell hooks installed; "
                              "median of 1000-call blocks; the origin is found when read, never per call"]),
        Row("  cell hooks per cell execution (pre + post)", [r["hooks"] for r in kernel], None, unit="us"),
        Row(f"notebook diff, 2 x {mb:.1f} MB / 200 cells (REST answer)", [r["diff"] for r in served], 1.0, unit="s",
            notes=[f"{int(served[0]['changed_rows'])} changed rows; what the compare view needs for its first paint"]),
        Row(f"open notebook, {mb:.1f} MB snapshot (REST, parameters injected)", [r["open"] for r in served], 1.0,
            unit="s"),
        Row("  the same through notebook_to_open + write (CLI)", [r["cli"] for r in served], 1.0, unit="s"),
    ]


if __name__ == "__main__":
    main(collect)
