"""`jupyter track server --workers 2`: forked processes on one port, one store, one truth."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from jupyter_ext.core import keys
from jupyter_ext.store.meta import MetaStore

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not os.path.exists("/proc/self/task"),
                                reason="--workers forks; the test reads the worker pids from /proc")


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.slow
def test_workers_share_the_port_the_store_and_revocations(tmp_path: Path) -> None:
    store_url = f"sqlite:///{tmp_path / 'track.db'}"
    meta = MetaStore.open(store_url)
    access, secret = keys.create(meta, "workers")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(tmp_path / "home"), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "server", "--port", "0", "--store",
                             store_url, "--workers", "2"], env=env, stdout=subprocess.PIPE, text=True)
    workers: list[int] = []
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/track/api/v1/ .*2 worker processes", line)
        assert found, line
        api = found.group(1) + "/track/api/v1/"
        deadline = time.monotonic() + 30
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 2

        def fresh(method: str, path: str, **kw: object) -> requests.Response:
            # a new connection each time: the kernel spreads them over the workers
            with requests.Session() as s:
                return s.request(method, api + path, auth=(access, secret), timeout=30,
                                 headers={"Connection": "close"}, **kw)  # type: ignore[arg-type]

        task = fresh("POST", "tasks", json={"name": "v0", "project": "w"}).json()
        for i in range(1, 6):  # each write, through whichever worker, is read back by all
            assert fresh("PATCH", f"tasks/{task['id']}", json={"name": f"v{i}"}).status_code == 200
            assert {fresh("GET", f"tasks/{task['id']}").json()["name"] for _ in range(6)} == {f"v{i}"}
        token = fresh("POST", "auth/token", json={}).json()["token"]
        keys.revoke(meta, access)  # by this test process: neither worker is told
        for _ in range(6):
            assert fresh("GET", "projects").status_code == 401
            assert requests.get(api + "projects", headers={"Authorization": f"Bearer {token}",
                                                           "Connection": "close"}, timeout=30).status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
        meta.close()
    deadline = time.monotonic() + 15
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "the workers outlived the server process"
