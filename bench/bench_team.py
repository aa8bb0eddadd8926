"""A lab showing a team server: what the hop through the lab's server extension adds.

A team server (``jupyter track server`` in its own process, embedded store) holds 500 tasks,
one with 2 series x 20,000 points. A Jupyter server (its own process, the extension loaded,
``JUPYTER_TRACK_API_HOST`` and a key set: the proxy) forwards to it. One client with a
keep-alive session asks the same read directly (HTTP Basic key) and through the lab (Jupyter
token), alternating, 200 times per kind per run: the task list (a page of 50), one task, and a
chart (2,000 points). The figure is the added latency: p50 (and p99) through the lab minus
the same percentile direct. The proxy opens a new connection to the team server per request
(tornado's simple client keeps none), which is part of what is measured.
"""
from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time

import requests
from _common import PYTHON, RUNS, Row, child_env, fresh_home, main
from bench_http import Server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = 200


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _fill(server: Server) -> str:
    sys.path.insert(0, ROOT)
    import numpy as np

    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.core.event_batch import EventBatch

    backend = HttpBackend(server.url, server.access, server.secret)
    for i in range(500):
        task = backend.create_task({"name": f"t{i}", "project": "Team"})
    it = np.arange(20_000, dtype="int64")
    values = np.random.default_rng(1).random(20_000)
    backend.write_events(EventBatch(scalars=[(task.id, "loss", s, it, values, it * 1e-3) for s in ("train", "val")]))
    backend.close()
    return task.id


class Lab:
    """A Jupyter server with the extension, its settings naming the team server."""

    def __init__(self, home: str, server: Server) -> None:
        self.token = secrets.token_hex(16)
        self.log = open(os.path.join(home, "lab.log"), "wb")  # noqa: SIM115 - the server's whole life
        self.port = _free_port()
        env = child_env(home)
        env.update(JUPYTER_TRACK_API_HOST=server.url, JUPYTER_TRACK_ACCESS_KEY=server.access,
                   JUPYTER_TRACK_SECRET_KEY=server.secret, PYTHONPATH=ROOT, JUPYTER_CONFIG_DIR=os.path.join(home, "jc"),
                   JUPYTER_RUNTIME_DIR=os.path.join(home, "rt"))
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={self.port}", "--ip=127.0.0.1",
             f"--IdentityProvider.token={self.token}", "--ServerApp.jpserver_extensions={'jupyter_ext.server': True}",
             f"--ServerApp.root_dir={home}"], env=env, cwd=home, stdout=subprocess.DEVNULL, stderr=self.log)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{self.url}/api/status", params={"token": self.token}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                with open(os.path.join(home, "lab.log")) as fh:
                    raise RuntimeError("the Jupyter server did not start:\n" + fh.read()[-3000:])
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)
        self.log.close()


def _times(session: requests.Session, url: str) -> float:
    t0 = time.perf_counter()
    response = session.get(url, timeout=30)
    elapsed = time.perf_counter() - t0
    response.raise_for_status()
    return elapsed


def one_run(server: Server, lab: Lab, task_id: str) -> dict[str, tuple[float, float]]:
    direct = requests.Session()
    direct.auth = (server.access, server.secret)
    through = requests.Session()
    through.headers["Authorization"] = f"token {lab.token}"
    reads = {"list": "tasks?limit=50", "detail": f"tasks/{task_id}",
             "chart": f"tasks/{task_id}/scalars?max_points=2000"}
    out: dict[str, tuple[float, float]] = {}
    for kind, path in reads.items():
        a, b = [], []
        for _ in range(N):
            a.append(_times(direct, f"{server.url}/track/api/v1/{path}"))
            b.append(_times(through, f"{lab.url}/track/api/v1/{path}"))
        a.sort()
        b.sort()
        p50 = statistics.median(b) - statistics.median(a)
        p99 = b[int(0.99 * N) - 1] - a[int(0.99 * N) - 1]
        out[kind] = (p50, p99)
    return out


def collect() -> list[Row]:
    with fresh_home() as home:
        server = Server(home)
        try:
            task_id = _fill(server)
            lab = Lab(home, server)
            try:
                one_run(server, lab, task_id)  # warm-up: caches, imports, the first connections
                runs = [one_run(server, lab, task_id) for _ in range(RUNS)]
            finally:
                lab.stop()
        finally:
            server.stop()
    load = os.getloadavg()
    rows = []
    for kind in ("list", "detail", "chart"):
        rows.append(Row(f"proxy hop p50, {kind}", [r[kind][0] for r in runs], 0.005,
                        notes=[f"load average {load[0]:.2f} on {os.cpu_count()} cores"] if kind == "list" else []))
        rows.append(Row(f"proxy hop p99, {kind}", [r[kind][1] for r in runs], None))
    return rows


if __name__ == "__main__":
    main(collect)
