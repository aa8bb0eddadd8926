"""SDK fixtures: a live task in this process on a private home."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def Task(track_home: Path) -> Any:
    from jupyter_ext.sdk.task import Task as TaskClass

    return TaskClass


@pytest.fixture
def task(Task: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """``Task.init`` in this process; closed (if the test did not) by ``track_home``."""
    live = Task.init(project_name="SDK Tests", task_name=request.node.name, reuse_last_task_id=False)
    yield live


@pytest.fixture
def fresh_session(track_home: Path) -> Any:
    """Call it to forget this process's SDK state, as a new process would start (the store stays)."""
    from jupyter_ext.sdk import session

    return session.reset_for_tests
