"""The store survives kill -9 mid-logging and eight processes writing at once."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

_LOGGER = """
    import time
    from jupyter_ext import Task
    task = Task.init(project_name="crash", task_name="killed")
    print("TASK", task.id, flush=True)
    logger = task.get_logger()
    i = 0
    while True:
        logger.report_scalar("loss", "train", 1.0 / (i + 1), i)
        i += 1
        if i % 500 == 0:
            time.sleep(0.01)
"""


def _task_id(proc: Any) -> str:
    line = ""
    while not line.startswith("TASK "):
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
    return line.split()[1]


def _iterations(home: Path, task_id: str) -> list[int]:
    from jupyter_ext.client.local import LocalBackend

    backend = LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))
    try:
        series = backend.get_scalars(task_id, max_samples=None).get("loss", {}).get("train", {"x": []})
        return list(series["x"])
    finally:
        backend.close()


@pytest.mark.slow
def test_kill_9_while_logging_leaves_a_sound_store_and_a_contiguous_prefix(run_py: Any, track_home: Path) -> None:
    rng = random.Random(16)
    kept = []
    for _ in range(3):
        proc = run_py.popen(_LOGGER, env={"JUPYTER_TRACK_FLUSH_PERIOD": "0.2"})
        try:
            task_id = _task_id(proc)
            time.sleep(rng.uniform(0.8, 2.0))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(30)
        db = sqlite3.connect(track_home / "track.db")
        try:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            db.close()
        got = _iterations(track_home, task_id)
        assert got == list(range(len(got))), "the points kept are not a contiguous prefix"
        kept.append(len(got))
    assert max(kept) > 0, "no trial stored a point before the kill: the probe proved nothing"


@pytest.mark.slow
def test_eight_processes_writing_one_store_lose_nothing(run_py: Any, track_home: Path) -> None:
    procs = [run_py.popen(f"""
        from jupyter_ext import Task
        task = Task.init(project_name="concurrent", task_name="writer {n}")
        print("TASK", task.id, flush=True)
        logger = task.get_logger()
        for i in range(3000):
            logger.report_scalar("loss", "train", float(i), i)
        task.close()
    """) for n in range(8)]
    ids = []
    for proc in procs:
        ids.append(_task_id(proc))
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "database is locked" not in err
    for task_id in ids:
        assert _iterations(track_home, task_id) == list(range(3000))
