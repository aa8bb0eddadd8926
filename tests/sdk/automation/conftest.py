"""Automation tests on the embedded store of the test's home: trials run as real child
processes (``jupyter_ext.agent.execute``) or by a real ``jupyter track agent daemon``."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# loss = (x - 3)^2 + (y - 1)^2, reported at iterations 0..2; x == 99 fails, x >= 50 holds on
# (a slow, bad trial that only stops when told to).
TOY = '''
import sys, time
from jupyter_ext import Task

task = Task.init(project_name="HPO", task_name="toy")
params = task.connect({"x": 0, "y": 0.0})
x, y = params["x"], params["y"]
if x == 99:
    raise RuntimeError("failing on purpose")
loss = (x - 3) ** 2 + (y - 1) ** 2
for i in range(3):
    task.get_logger().report_scalar("loss", "validation", loss + (2 - i) * 0.01, iteration=i)
if x >= 50:
    task.flush()
    for _ in range(600):
        time.sleep(0.5)
print("TASK_ID=" + task.id)
'''


@pytest.fixture(autouse=True)
def _private_home(track_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # On a loaded machine a child may need more than the default 5 s to store its last reports
    # at exit; the trials (children of this process) and scripts get longer.
    monkeypatch.setenv("JUPYTER_TRACK_EXIT_TIMEOUT", "120")
    backend().list_projects()  # the store is made and migrated once, before any child opens it
    return track_home


@pytest.fixture
def toy_base(run_py: Any, task_id_of: Callable[[str], str]) -> str:
    """The id of the toy objective's base task, run once here (x=0, y=0)."""
    done = run_py.run(TOY, name="toy.py", env={"JUPYTER_TRACK_EXIT_TIMEOUT": "120"})
    assert done.returncode == 0, done.stderr
    task_id = task_id_of(done.stdout)
    found = [r.status for r in backend().query_tasks(task_ids=[task_id])]
    assert found == ["completed"], done.stdout + done.stderr
    return task_id


def backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()
