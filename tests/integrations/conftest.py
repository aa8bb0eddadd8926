"""Integration tests run the real libraries in fresh interpreters (patches are process-wide),
against the test's own tracker home, and read what was stored through the SDK."""
from __future__ import annotations

import json
from typing import Any

import pytest

MARK = "RESULT="


def result_of(proc: Any) -> Any:
    """The JSON a script printed as ``RESULT=...``; fails with the script's output otherwise."""
    assert proc.returncode == 0, f"script failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}"
    for line in proc.stdout.splitlines():
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise AssertionError(f"no {MARK} line:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


# Pasted at the top of scripts: ``done(task, **extra)`` closes the task and prints its id.
PRELUDE = """
import json, sys
from jupyter_ext import Task
def done(task, **extra):
    task.close()
    print("RESULT=" + json.dumps(dict(extra, id=task.id)), flush=True)
"""


@pytest.fixture
def stored(Task: Any) -> Any:
    """``stored(task_id)``: the task as the store has it, read in this process."""
    def get(task_id: str) -> Any:
        return Task.get_task(task_id=task_id)
    return get


def scalars(task: Any) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{title: {series: [(iteration, value), ...]}} without the :monitor: titles."""
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for title, per_series in task.get_reported_scalars().items():
        if title.startswith(":monitor:"):
            continue
        out[title] = {s: list(zip(v["x"], v["y"], strict=True)) for s, v in per_series.items()}
    return out
