"""A 57 MiB JSON events body against the standalone server: time and the server's peak memory.

Three cases, each on a fresh server process (its peak RSS, VmHWM, is the process's high-water mark):

- ``raw``: the body POSTed as one request (plain JSON lists of points), as a careless client would.
  With the old 64 MiB cap it was parsed whole; with the 16 MiB cap it is refused (413) unread.
- ``sdk``: the same points through ``HttpBackend.write_events``, which splits the batch into
  requests under the cap (``wire.routes.MAX_JSON_BYTES``).

``--code DIR`` runs server and client from another checkout (``--code /path/to/old`` gives "before").
Prints medians of ``BENCH_RUNS`` (default 3) runs and the machine's state.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

SERVER = """
import json, sys
from jupyter_ext.server.background import BackgroundServer
with BackgroundServer(sys.argv[1], sys.argv[2]) as server:
    access, secret = server.create_key("bench")
    print(json.dumps({"url": server.url, "auth": [access, secret]}), flush=True)
    sys.stdin.read()
"""

CLIENT = """
import json, sys, time
import numpy as np
import requests
url, access, secret, case, target = sys.argv[1:6]
target = int(target)
points = int(target / 28.6)  # about 28.6 bytes of JSON per point
from jupyter_ext.client.http import HttpBackend
backend = HttpBackend(url, access, secret, read_timeout=600)
task = backend.create_task({"name": "bench", "project": "bench"})
its = np.arange(points, dtype="<i8")
values = np.linspace(0.1234567, 0.9876543, points)
if case == "raw":
    per = points // 4
    body = json.dumps({"scalars": [{"task_id": task.id, "title": "loss", "series": f"s{k}",
                                    "iter": its[k * per:(k + 1) * per].tolist(),
                                    "value": values[k * per:(k + 1) * per].tolist()} for k in range(4)]}).encode()
    t0 = time.perf_counter()
    answer = requests.post(url + "/track/api/v1/events", data=body, auth=(access, secret), timeout=600,
                           headers={"Content-Type": "application/json"})
    took = time.perf_counter() - t0
    print(json.dumps({"status": answer.status_code, "seconds": took, "body_mib": len(body) / 2**20}))
else:
    from jupyter_ext.core.event_batch import EventBatch
    batch = EventBatch(scalars=[(task.id, "loss", "train", its, values, np.full(points, time.time()))])
    t0 = time.perf_counter()
    result = backend.write_events(batch)
    took = time.perf_counter() - t0
    print(json.dumps({"status": 200 if result.written == points else 0, "seconds": took, "body_mib": 0}))
"""


def peak_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB."""
    found = {}
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0]) / 1024
    return found["VmRSS"], found["VmHWM"]


def one(code: str, case: str, target: int, work: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": code}
    home = os.path.join(work, f"{case}-{time.time_ns()}")
    os.makedirs(home)
    server = subprocess.Popen([sys.executable, "-c", SERVER, f"sqlite:///{home}/track.db", f"{home}/blobs"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stdout is not None
        info = json.loads(server.stdout.readline())
        rss_before, _ = peak_mib(server.pid)
        done = subprocess.run([sys.executable, "-c", CLIENT, info["url"], *info["auth"], case, str(target)],
                              capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:  # the old code refused the SDK's own batch: report it, do not stop
            last = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
            print(f"  {case}: the client failed: {last[:200]}")
            got = {"status": 413 if "at most" in last else -1, "seconds": float("nan"), "body_mib": 0}
        else:
            got = json.loads(done.stdout.strip().splitlines()[-1])
        _, hwm = peak_mib(server.pid)
        return {"status": got["status"], "seconds": got["seconds"], "body_mib": got["body_mib"],
                "server_peak_mib": hwm, "server_growth_mib": hwm - rss_before}
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--mib", type=float, default=57.0)
    parser.add_argument("--cases", default="raw,sdk")
    args = parser.parse_args()
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    import tempfile

    print(f"machine: {os.cpu_count()} cpus, load {os.getloadavg()[0]:.2f}, python {sys.version.split()[0]}, "
          f"code {args.code}, runs {runs}")
    with tempfile.TemporaryDirectory() as work:
        for case in args.cases.split(","):
            results = [one(args.code, case, int(args.mib * 2**20), work) for _ in range(runs)]
            med = {k: statistics.median(r[k] for r in results) for k in results[0]}
            print(f"{case:4s} status {int(med['status'])}  body {med['body_mib']:.1f} MiB  "
                  f"time {med['seconds']:.2f} s  server peak {med['server_peak_mib']:.0f} MiB "
                  f"(+{med['server_growth_mib']:.0f} MiB over idle)")


if __name__ == "__main__":
    main()
