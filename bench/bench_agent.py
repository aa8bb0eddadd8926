"""The agent: how long a queued task waits before its script prints its first line (a daemon
polling every second, on the embedded store), and what running a task through the agent costs
over running the same script directly (``jupyter track agent execute`` vs ``python script.py``)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from typing import Any

from _common import PYTHON, Row, child_env, fresh_home, main, repeat

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

POLL_S = 1.0

# Its first line is the moment it started; the agent records it as console, we read the file.
_FIRST_LINE = """import time
stamp = time.time()
print("first line", flush=True)
open({path!r}, "w").write(repr(stamp))
"""

_TRAIN = """from jupyter_ext import Task
task = Task.init(project_name="bench/agent", task_name="train")
params = task.connect({"lr": 0.1, "epochs": 20})
for i in range(params["epochs"]):
    task.get_logger().report_scalar("loss", "train", params["lr"] / (i + 1), i)
print("done", flush=True)
"""


def _backend(home: str) -> Any:
    from jupyter_ext.client.local import LocalBackend

    return LocalBackend(f"sqlite:///{os.path.join(home, 'track.db')}", os.path.join(home, "blobs"))


def _wait(backend: Any, task_id: str, timeout: float = 120.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        row = backend.get_task(task_id)
        if row.status in ("completed", "failed", "stopped"):
            return row
        if time.monotonic() > deadline:
            raise RuntimeError(f"task {task_id} still {row.status} after {timeout} s")
        time.sleep(0.02)


def pickup_latency() -> Row:
    with fresh_home() as home:
        env = child_env(home)
        backend = _backend(home)
        backend.create_queue("default")
        daemon = subprocess.Popen([PYTHON, "-m", "jupyter_ext.cli.main", "agent", "daemon", "--queues", "default",
                                   "--polling-interval", str(POLL_S)], env=env, cwd=home,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not backend.list_workers():
                time.sleep(0.05)
            counter = iter(range(1000))

            def once() -> float:
                n = next(counter)
                stamp = os.path.join(home, f"first-{n}.txt")
                row = backend.create_task({"project": "bench/agent", "name": f"first line {n}", "script": {
                    "entry_point": f"first_{n}.py", "argv": [f"first_{n}.py"],
                    "diff": _FIRST_LINE.format(path=stamp)}})
                time.sleep(POLL_S * (n % 7) / 7)  # enqueue at different phases of the polling cycle
                t0 = time.time()
                backend.enqueue_task(row.id, "default")
                done = _wait(backend, row.id)
                if done.status != "completed":
                    raise RuntimeError(f"task ended {done.status}: {done.status_reason}")
                with open(stamp) as fh:
                    return float(fh.read()) - t0

            samples = repeat(once, desc="enqueue to first line")
        finally:
            daemon.terminate()
            daemon.wait(timeout=60)
            backend.close()
    return Row(f"enqueue -> the script's first line (daemon polling every {POLL_S:g} s)", samples, None,
               notes=["includes the wait for the next poll (on average half the interval), the code "
                      "written to a work folder and the interpreter's start"])


def overhead() -> list[Row]:
    with fresh_home() as home:
        env = child_env(home)
        script = os.path.join(home, "train.py")
        with open(script, "w") as fh:
            fh.write(_TRAIN)
        subprocess.run([PYTHON, script], env=env, cwd=home, check=True, stdout=subprocess.DEVNULL)
        backend = _backend(home)
        source = backend.query_tasks(project_name="bench/agent")[0].id

        def direct() -> float:
            t0 = time.perf_counter()
            subprocess.run([PYTHON, script], env=env, cwd=home, check=True, stdout=subprocess.DEVNULL)
            return time.perf_counter() - t0

        def through_agent() -> float:
            clone = backend.clone_task(source).id
            t0 = time.perf_counter()
            subprocess.run([PYTHON, "-m", "jupyter_ext.cli.main", "agent", "execute", "--id", clone], env=env,
                           cwd=home, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            took = time.perf_counter() - t0
            if backend.get_task(clone).status != "completed":
                raise RuntimeError("the agent's run did not complete")
            return took

        plain = repeat(direct, desc="python train.py")
        agent = repeat(through_agent, desc="agent execute")
        backend.close()
    extra = [a - p for a, p in zip(sorted(agent), sorted(plain), strict=True)]
    return [Row("python train.py (Task.init, connect, 20 scalars)", plain, None),
            Row("jupyter track agent execute --id <clone of it>", agent, None),
            Row("agent overhead per task (sorted pairs)", extra, None,
                notes=["the agent's own interpreter and store, the code written out, console piped "
                       "into the task's log, the final status"])]


def collect() -> list[Row]:
    """Pickup latency; the per-task overhead is a cold-start figure, run by bench_coldstart.py."""
    return [pickup_latency()]


if __name__ == "__main__":  # alone, it prints both
    main(lambda: [pickup_latency(), *overhead()])
