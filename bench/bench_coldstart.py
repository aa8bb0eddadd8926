"""Cold start: what a short tracked script pays in a fresh process on a fresh home.

    python bench/bench_coldstart.py

Figures (medians of fresh processes, each on its own new JUPYTER_TRACK_HOME):
- ``Task.init`` + ``connect`` (1,000 params) + 100,000 scalars in 10 series + ``close()``, and
  ``close()`` alone; every point read back afterwards (the peers' harness workload);
- ``upload_artifact`` of a 50 MiB file with ``wait_on_upload=True`` right after ``Task.init``,
  against ``sha256sum`` + ``cp`` of the same file;
- opening a new store: the one-step schema against the migration chain;
- ``python -c "from jupyter_ext import Task"`` above ``python -c pass``;
- ``jupyter track tasks`` on a store of 10,000 tasks;
- the agent's overhead per task (``agent execute`` against ``python script.py``, bench_agent.py) and a
  local pipeline step's overhead (bench_pipelines.py).
The machine's state (cores, load average, memory) is printed with the table, before and after.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time

import bench_agent
import bench_pipelines
from _common import EMIT, PYTHON, Row, child_env, fresh_home, main, repeat, run_child, wall_of

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = EMIT + """
import resource, time
t0 = time.perf_counter()
from jupyter_ext import Task
t1 = time.perf_counter()
task = Task.init(project_name="bench", task_name="coldstart")
params = {f"param_{i:04d}": (i if i % 4 == 0 else i * 0.5 if i % 4 == 1 else f"value-{i}" if i % 4 == 2
                              else bool(i % 8)) for i in range(1000)}
task.connect(params)
report_scalar = task.get_logger().report_scalar
keys = [f"s{k}" for k in range(10)]
for i in range(10_000):
    for k in range(10):
        report_scalar("bench", keys[k], i * 0.001 + k, iteration=i)
t2 = time.perf_counter()
task.close()
t3 = time.perf_counter()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
every = Task.get_task(task_id=task.id).get_all_reported_scalars()["bench"]
emit(imp=t1 - t0, total=t3 - t1, close=t3 - t2, rss=rss, points=sum(len(v["x"]) for v in every.values()))
"""

UPLOAD = EMIT + """
import os, time
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="artifact")
t0 = time.perf_counter()
task.upload_artifact("blob-50mib", artifact_object=os.environ["BENCH_BLOB"], wait_on_upload=True)
t1 = time.perf_counter()
task.close()
emit(upload=t1 - t0)
"""

OPEN_NEW = EMIT + """
import time
from jupyter_ext.store.meta import MetaStore
t0 = time.perf_counter()
store = MetaStore.open("sqlite:///new.db", migrate=False)
if CHAIN:
    from jupyter_ext.store.migrations.runner import upgrade_to_head
    with store.engine.connect() as conn:
        upgrade_to_head(conn)
else:
    store.migrate()
emit(open=time.perf_counter() - t0)
"""

BLOB_BYTES = 50 * 2**20


def machine() -> str:
    load = os.getloadavg()
    free = ""
    try:
        with open("/proc/meminfo") as fh:
            info = dict(line.split(":", 1) for line in fh)
        free = f", {int(info['MemAvailable'].split()[0]) >> 10} MB memory available"
    except (OSError, KeyError, ValueError):
        pass
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}{free}"


def _cold() -> dict[str, float]:
    """One run that stored all its points; runs that did not are counted (``lost``) and redone."""
    lost = 0
    while True:
        try:
            got = run_child(SCRIPT)
            if got["points"] == 100_000:
                return dict(got, lost=lost)
        except RuntimeError:
            pass
        lost += 1
        if lost == 5:
            raise RuntimeError("5 runs in a row lost their data")


def _upload_pair() -> tuple[float, float]:
    """(our upload, sha256sum + cp), one after the other on the same file, page cache warm."""
    with fresh_home() as home:
        blob = os.path.join(home, "blob.bin")
        with open(blob, "wb") as f:
            for _ in range(BLOB_BYTES // 2**22):
                f.write(os.urandom(2**22))
        env = dict(child_env(home), BENCH_BLOB=blob)
        subprocess.run(["cat", blob], stdout=subprocess.DEVNULL, check=True)  # both read from page cache
        t0 = time.perf_counter()
        subprocess.run(["sh", "-c", f"sha256sum {blob} >/dev/null && cp {blob} {blob}.copy"], check=True)
        ref = time.perf_counter() - t0
        proc = subprocess.run([PYTHON, "-c", textwrap.dedent(UPLOAD)], env=env, cwd=home, capture_output=True,
                              text=True, check=True)
        line = [ln for ln in proc.stdout.splitlines() if ln.startswith("@@BENCH@@")][-1]
        return json.loads(line[len("@@BENCH@@"):])["upload"], ref


def _import_pair() -> tuple[float, float]:
    with fresh_home() as home:
        bare = wall_of([PYTHON, "-c", "pass"], home)
        sdk = wall_of([PYTHON, "-c", "from jupyter_ext import Task"], home)
    return sdk, bare


def _cli_tasks(n_tasks: int = 10_000) -> tuple[list[float], float]:
    """Walls of ``jupyter track tasks`` (the default page of 50) on a store of ``n_tasks``."""
    from jupyter_ext.client.local import LocalBackend

    with fresh_home() as home:
        backend = LocalBackend(f"sqlite:///{os.path.join(home, 'track.db')}", os.path.join(home, "blobs"))
        t0 = time.perf_counter()
        for i in range(n_tasks):
            backend.create_task({"project": f"bench/p{i % 20}", "name": f"task {i}", "created": 1.7e9 + i})
        filling = time.perf_counter() - t0
        backend.close()
        argv = [PYTHON, "-m", "jupyter_ext.cli.main", "tasks"]
        return repeat(lambda: wall_of(argv, home), desc="jupyter track tasks"), filling


def collect() -> list[Row]:
    state = [machine()]
    cold = repeat(_cold, desc="init+100k+close")
    uploads = repeat(_upload_pair, desc="50 MiB upload")
    imports = repeat(_import_pair, runs=9, desc="import", warmup=2)
    one_step = repeat(lambda: run_child("CHAIN = False\n" + OPEN_NEW), desc="new store, one step")
    chain = repeat(lambda: run_child("CHAIN = True\n" + OPEN_NEW), desc="new store, chain")
    listing, filling = _cli_tasks()
    agent = [r for r in bench_agent.overhead() if r.figure.startswith("agent overhead")]
    pipeline = [r for r in bench_pipelines.collect() if r.figure.startswith("controller overhead")]
    state.append(machine())
    for row in agent:
        row.target = 0.150
    for row in pipeline:
        row.figure = "local pipeline step: " + row.figure
        row.target = 0.080
    return [
        Row("fresh process: Task.init + 1k params + 100k scalars + close()", [c["total"] for c in cold], 0.150,
            notes=["fresh process and home per run; all 100,000 points read back after close",
                   "machine: " + " -> ".join(state)]),
        Row("  of which close()", [c["close"] for c in cold], 0.050),
        Row("  peak RSS of that process, MB", [c["rss"] for c in cold], 60.0, unit=""),
        Row("  runs that failed or lost points (redone) per good run", [c["lost"] for c in cold], 0.0, unit=""),
        Row("fresh process: upload_artifact 50 MiB (wait_on_upload=True)", [u[0] for u in uploads], None),
        Row("  sha256sum + cp of the same file (reference)", [u[1] for u in uploads], None),
        Row("  upload / (sha256sum + cp)", [u[0] / u[1] for u in uploads], 1.1, unit=""),
        Row("from jupyter_ext import Task, above python -c pass", [s - b for s, b in imports], 0.030,
            notes=["subprocess wall clock, spawn to exit, pairs run back to back"]),
        Row("jupyter track tasks on a store of 10,000 tasks (wall)", listing, 0.150,
            notes=[f"python -m jupyter_ext.cli.main tasks; the store was filled in {filling:.0f} s"]),
        Row("open a new store: one step (create + stamp)", [r["open"] for r in one_step], None),
        Row("open a new store: migration chain (reference)", [r["open"] for r in chain], None),
        *agent,
        *pipeline,
    ]


if __name__ == "__main__":
    main(collect)
