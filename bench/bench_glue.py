"""The Slurm launcher on a one-node Slurm on this machine (tests/slurm_cluster.py, as root):
how long a queued task waits for its job's first line of output with an idle Slurm, what the
launcher adds per task beyond the job itself (the same job submitted by hand with sbatch), and
200 tasks through one launcher with ``--max-jobs 4``.

    python bench/bench_glue.py            # BENCH_RUNS (default 5) x 4 samples each for the latencies
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from typing import Any

from _common import PYTHON, RUNS, Row, child_env, fresh_home, main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "tests"))
import slurm_cluster  # noqa: E402 - the test suite's one-node cluster, started and stopped here

POLL_S = 2.0  # the launcher's default --polling-interval
SAMPLES = RUNS * 4
AGENT = f"{PYTHON} -m jupyter_ext.cli.main agent execute"
_FIRST_LINE = """import time
stamp = time.time()
print("first line", flush=True)
open({path!r}, "w").write(repr(stamp))
"""


def _backend(home: str) -> Any:
    from jupyter_ext.client.local import LocalBackend

    return LocalBackend(f"sqlite:///{os.path.join(home, 'track.db')}", os.path.join(home, "blobs"))


def _task(backend: Any, home: str, n: int, code: str | None = None) -> tuple[str, str]:
    stamp = os.path.join(home, f"first-{n}.txt")
    row = backend.create_task({"project": "bench/glue", "name": f"task {n}", "script": {
        "entry_point": f"first_{n}.py", "argv": [f"first_{n}.py"], "diff": code or _FIRST_LINE.format(path=stamp)}})
    return row.id, stamp


def _wait_file(path: str, timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path) as fh:
                return float(fh.read())
        except (OSError, ValueError):  # not there yet, or half-written
            if time.monotonic() > deadline:
                raise RuntimeError(f"no first line after {timeout} s ({path})") from None
            time.sleep(0.02)


def _wait_ended(backend: Any, task_id: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while backend.get_task(task_id).status not in ("completed", "failed", "stopped"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"task {task_id} did not end")
        time.sleep(0.05)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _launcher(home: str, conf: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([PYTHON, "-m", "jupyter_ext.cli.main", "glue", "slurm", "--queues", "bench",
                             "--create-queue", "--agent-command", AGENT, "--output-dir", os.path.join(home, "out"),
                             *args], env=dict(child_env(home), SLURM_CONF=conf), cwd=home,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_line(conf: str) -> list[Row]:
    with fresh_home() as home:
        backend = _backend(home)
        backend.create_queue("bench")
        launcher = _launcher(home, conf, "--max-jobs", "4")
        try:
            while not backend.list_workers():
                time.sleep(0.05)
            through, direct = [], []
            for n in range(SAMPLES + 1):  # the first one warms the caches, untimed
                task_id, stamp = _task(backend, home, n)
                time.sleep(POLL_S * (n % 7) / 7)  # enqueue at different phases of the polling cycle
                t0 = time.time()
                backend.enqueue_task(task_id, "bench")
                took = _wait_file(stamp) - t0
                _wait_ended(backend, task_id)
                if n:
                    through.append(took)
            cpu_before = _cpu_seconds(launcher.pid)
            for n in range(SAMPLES + 1):  # the same job, submitted by hand: no queue, no launcher
                task_id, stamp = _task(backend, home, 1000 + n)
                script = f"#!/bin/bash\n{AGENT} --id {task_id}\n"
                t0 = time.time()
                subprocess.run(["sbatch", "--parsable", "--no-requeue", "-o", os.path.join(home, "by-hand-%j.out")],
                               input=script.encode(), env=dict(child_env(home), SLURM_CONF=conf), check=True,
                               capture_output=True)
                took = _wait_file(stamp) - t0
                _wait_ended(backend, task_id)
                if n:
                    direct.append(took)
            idle_cpu = _cpu_seconds(launcher.pid) - cpu_before
            idle_for = sum(direct)
        finally:
            launcher.terminate()
            launcher.wait(timeout=60)
            backend.close()
    extra = [a - b for a, b in zip(sorted(through), sorted(direct), strict=True)]
    return [
        Row(f"enqueue -> the job's first line, idle Slurm (launcher polling every {POLL_S:g} s)", through, None,
            unit="s", notes=[f"p95 {_p95(through):.2f} s; includes the wait for the launcher's next look "
                             f"(on average half the interval), sbatch, Slurm's scheduling (sched_interval=1) and "
                             f"the agent's start in the job"]),
        Row("sbatch of the same job by hand -> its first line (no queue, no launcher)", direct, None, unit="s",
            notes=[f"p95 {_p95(direct):.2f} s"]),
        Row("launcher overhead per task beyond the job (sorted pairs)", extra, None, unit="s",
            notes=["mostly the wait for the next look at the queues; the launcher's idle CPU was "
                   f"{idle_cpu / max(idle_for, 1e-9) * 100:.1f} % of a core while it polled"]),
    ]


def throughput(conf: str, count: int = 200, max_jobs: int = 4) -> list[Row]:
    with fresh_home() as home:
        backend = _backend(home)
        backend.create_queue("bench")
        ids = []
        for n in range(count):
            task_id, _ = _task(backend, home, n, code='print("hello")\n')
            backend.enqueue_task(task_id, "bench")
            ids.append(task_id)
        t0 = time.perf_counter()
        launcher = _launcher(home, conf, "--max-jobs", str(max_jobs), "--once")
        pid = launcher.pid
        cpu = 0.0
        try:
            while launcher.poll() is None:
                try:
                    cpu = _cpu_seconds(pid)
                except OSError:
                    break
                time.sleep(0.2)
            launcher.wait(timeout=3600)
        finally:
            if launcher.poll() is None:
                launcher.kill()
        total = time.perf_counter() - t0
        statuses = [backend.get_task(i).status for i in ids]
        backend.close()
    done = statuses.count("completed")
    if done != count:
        raise RuntimeError(f"only {done} of {count} tasks completed: {sorted(set(statuses))}")
    per_min = count / total * 60
    return [Row(f"{count} tasks through 1 launcher, --max-jobs {max_jobs}: total", [total], None, unit="s",
                notes=[f"{per_min:.0f} jobs per minute; each job starts the agent's interpreter and a child "
                       f"for the script on this machine's {os.cpu_count()} cores"]),
            Row(f"{count} tasks: jobs per minute", [per_min], None, unit=""),
            Row(f"{count} tasks: launcher CPU per task", [cpu / count], None, unit="ms")]


def collect() -> list[Row]:
    why = slurm_cluster.unavailable()
    if why:
        raise SystemExit(f"no Slurm here: {why}")
    folder = tempfile.mkdtemp(prefix="jxbench-slurm-")
    conf = slurm_cluster.start(folder)
    try:
        load = os.getloadavg()
        rows = [*first_line(conf), *throughput(conf)]
        rows[0].notes.append(f"machine: {os.cpu_count()} cores, load {load[0]:.2f} at the start; "
                             f"samples per latency: {SAMPLES}; median of samples shown")
        return rows
    finally:
        slurm_cluster.stop(folder)
        subprocess.run(["rm", "-rf", folder], check=False)


if __name__ == "__main__":
    main(collect)
