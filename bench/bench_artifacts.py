"""Artifacts: a 1 GB file against ``sha256sum`` + ``cp``, a 100 k-row DataFrame, and reading
the ``artifacts`` dict of a task with 1,000 artifacts.

The 1 GB file is made once per run (untimed, random bytes so nothing compresses or dedupes);
``sha256sum f && cp f copy`` is the reference for "hash and store a file" on this machine.
Peak RSS growth is ``ru_maxrss`` after the upload minus before it, in the same process.
"""
from __future__ import annotations

import os
import subprocess
import time

from _common import EMIT, SETTLE, Row, fresh_home, main, repeat, run_child

GB = 1 << 30

MAKE_FILE = """
import os
with open("big.bin", "wb") as fh:
    for _ in range({n} >> 24):
        fh.write(os.urandom(1 << 24))
"""

UPLOAD_BIG = EMIT + """
import resource, time
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="upload-1GB", reuse_last_task_id=False)
""" + SETTLE + """
settle(task)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
task.upload_artifact(name="big", artifact_object="big.bin", wait_on_upload=True)
t1 = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
task.close()
emit(seconds=t1 - t0, rss_growth_mb=(after - before) / 1024)
"""

UPLOAD_DF = EMIT + """
import time
import numpy as np, pandas as pd
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="upload-df", reuse_last_task_id=False)
""" + SETTLE + """
settle(task)
rng = np.random.default_rng(0)
n = 100_000
df = pd.DataFrame({{"id": np.arange(n), "x": rng.normal(size=n), "y": rng.integers(0, 100, n),
                   "name": [f"row-{{i}}" for i in range(n)], "flag": rng.random(n) > 0.5,
                   "cat": rng.choice(["a", "b", "c"], n)}})
t0 = time.perf_counter()
task.upload_artifact(name="df", artifact_object=df, wait_on_upload=True)
t1 = time.perf_counter()
task.upload_artifact(name="df async", artifact_object=df)
t2 = time.perf_counter()
task.close()
emit(wait=t1 - t0, caller=t2 - t1)
"""

MAKE_MANY = EMIT + """
from jupyter_ext import Task
task = Task.init(project_name="bench", task_name="many-artifacts", reuse_last_task_id=False)
for i in range(1000):
    task.upload_artifact(name=f"a{{i:04d}}", artifact_object={{"i": i, "tag": "x" * 50}})
task.close()
emit(id=task.id)
"""

READ_MANY = EMIT + """
import time
from jupyter_ext import Task
task = Task.get_task(task_id="{task_id}")   # opens the store; untimed
t0 = time.perf_counter()
arts = task.artifacts
n = len(arts)
first = arts["a0000"].size
t1 = time.perf_counter()
emit(seconds=t1 - t0, n=n)
"""


def _reference(home: str) -> float:
    t0 = time.perf_counter()
    subprocess.run("sha256sum big.bin > /dev/null && cp big.bin copy.bin", shell=True, cwd=home, check=True)
    elapsed = time.perf_counter() - t0
    os.remove(os.path.join(home, "copy.bin"))
    return elapsed


def _one_big_run() -> dict[str, float]:
    with fresh_home() as home:
        run_child(MAKE_FILE.format(n=GB) + EMIT + "emit(ok=1)\n", home)
        ref = _reference(home)
        got = run_child(UPLOAD_BIG, home, timeout=600)
        return {"ref": ref, "ours": got["seconds"], "rss": got["rss_growth_mb"]}


def collect() -> list[Row]:
    big = repeat(_one_big_run, desc="1 GB upload", warmup=0)
    ratio = [b["ours"] / b["ref"] for b in big]
    rows = [
        Row("upload_artifact 1 GB file (wait_on_upload=True)", [b["ours"] for b in big], None, unit="s"),
        Row("  sha256sum + cp of the same file (reference)", [b["ref"] for b in big], None, unit="s"),
        Row("1 GB upload time / (sha256sum + cp) time", ratio, 1 / 0.70, unit="",
            notes=["<= 1.43 means at least 70 % of the speed of sha256sum + cp"]),
        Row("1 GB upload peak RSS growth, MB", [b["rss"] for b in big], 100.0, unit=""),
    ]
    df = repeat(lambda: run_child(UPLOAD_DF.format()), desc="100k-row DataFrame")
    rows += [
        Row("upload_artifact 100k-row DataFrame (wait_on_upload=True)", [d["wait"] for d in df], 1.0, unit="s"),
        Row("  same, wait_on_upload=False: caller time", [d["caller"] for d in df], None, unit="s"),
    ]
    with fresh_home() as home:
        task_id = run_child(MAKE_MANY.format(), home, timeout=600)["id"]
        many = repeat(lambda: run_child(READ_MANY.format(task_id=task_id), home), desc="1,000 artifacts")
    rows.append(Row("task.artifacts of a task with 1,000 artifacts", [m["seconds"] for m in many], 0.050, unit="s",
                    notes=[f"artifacts returned: {sorted({m['n'] for m in many})}"]))
    return rows


if __name__ == "__main__":
    main(collect)
