"""A draft's Execution edited through the REST API (as the task page does) is what the agent runs:
the repository and branch (no commit: the branch's newest), the entry point, the arguments and the
environment variables; a bad environment is refused at the door."""
from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument

from .conftest import Stack, _http


@pytest.fixture
def http_stack(run_py: Any, tmp_path: Path, db_url: str) -> Iterator[Stack]:
    backend, env, close = _http(run_py, tmp_path, db_url)
    made = Stack("http", backend, env, run_py)
    yield made
    for proc in made.procs:
        if proc.poll() is None:
            proc.kill()
    close()


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


SCRIPT = """import os, sys
from jupyter_ext import Task
task = Task.init(project_name="Edited", task_name="ignored")
print("VERSION=" + {version!r})
print("ARGS=" + " ".join(sys.argv[1:]))
print("GREETING=" + os.environ.get("GREETING", "unset"))
"""


@pytest.mark.slow
def test_the_agent_runs_what_the_execution_tab_set(http_stack: Stack, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "--bare", "-q", "-b", "main", str(origin))
    work = tmp_path / "work"
    _git(tmp_path, "clone", "-q", str(origin), str(work))
    _git(work, "checkout", "-q", "-b", "main")
    (work / "tools").mkdir()
    (work / "tools" / "run.py").write_text(SCRIPT.format(version="one"))
    _git(work, "add", "-A")
    _git(work, "commit", "-q", "-m", "one")
    _git(work, "push", "-q", "origin", "main")

    be = http_stack.backend
    draft = be.create_task({"project": "Edited", "name": "edited draft", "type": "training"})
    assert draft.status == "created"
    script = {"repository": str(origin), "branch": "main", "version_num": "", "entry_point": "tools/run.py",
              "working_dir": "tools", "argv": ["tools/run.py", "--epochs", "3"],
              "environment": {"GREETING": "hello from the task"}}
    be.update_task(draft.id, {"script": script})

    done = http_stack.cli("agent", "execute", "--id", draft.id)
    assert done.returncode == 0, done.stdout + done.stderr
    console = http_stack.console(draft.id)
    assert "VERSION=one" in console
    assert "ARGS=--epochs 3" in console
    assert "GREETING=hello from the task" in console
    assert "environment variables from the task: GREETING" in console
    assert be.get_task(draft.id).status == "completed"

    # A branch without a commit follows the branch: a new commit pushed is what the next run gets.
    (work / "tools" / "run.py").write_text(SCRIPT.format(version="two"))
    _git(work, "commit", "-q", "-am", "two")
    _git(work, "push", "-q", "origin", "main")
    again = be.clone_task(draft.id)
    assert http_stack.cli("agent", "execute", "--id", again.id).returncode == 0
    assert "VERSION=two" in http_stack.console(again.id)


def test_an_environment_that_is_not_variables_is_refused(http_stack: Stack) -> None:
    be = http_stack.backend
    draft = be.create_task({"project": "Edited", "name": "bad env", "type": "training"})
    for bad, says in (({"1ABC": "x"}, "'1ABC' is not a variable name"), (["A=1"], "must be an object"),
                      ({"A": {"nested": 1}}, "environment.A must be a string")):
        with pytest.raises(InvalidArgument, match=says):
            be.update_task(draft.id, {"script": {"entry_point": "x.py", "environment": bad}})
    with pytest.raises(InvalidArgument, match="argv must be a list of strings"):
        be.update_task(draft.id, {"script": {"entry_point": "x.py", "argv": "python x.py"}})
    assert be.get_task(draft.id).script == {}  # nothing half-written
