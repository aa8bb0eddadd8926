"""Pipelines against the embedded store of the test's home; steps run as real child processes
(``jupyter_ext.client.execution.run_task``) or by a real ``jupyter track agent daemon``."""
from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

TEMPLATE = '''
import sys
from jupyter_ext import Task

task = Task.init(project_name="Examples", task_name={name!r})
params = task.connect({{"rows": 3, "data_url": "", "fail": False, "sleep": 0.0}})
print("STEP", {name!r}, "data_url=" + str(params["data_url"]))
if params["sleep"]:
    import time
    time.sleep(params["sleep"])
if params["fail"]:
    raise RuntimeError("failing on purpose")
task.upload_artifact("dataset", {{"rows": list(range(params["rows"]))}})
'''


@pytest.fixture(autouse=True)
def _private_home(track_home: Path) -> Path:
    """Every pipeline test runs on a tracker home of its own."""
    return track_home


@pytest.fixture
def make_template(Task: Any, tmp_path: Path) -> Callable[..., Any]:
    """A draft task whose stored script is TEMPLATE (as `jupyter track task --script` makes)."""
    folder = tmp_path / "templates"
    folder.mkdir()

    def make(name: str, code: str | None = None) -> Any:
        path = folder / (name.replace(" ", "_").lower() + ".py")
        path.write_text(textwrap.dedent(code) if code else TEMPLATE.format(name=name))
        return Task.create(project_name="Examples", task_name=name, script=str(path))

    return make


def console_of(task_id: str) -> str:
    from jupyter_ext.sdk import _session as session

    return "".join(c["text"] for c in session.backend().get_console(task_id))
