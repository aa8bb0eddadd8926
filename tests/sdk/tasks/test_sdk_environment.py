"""What Task.init captures about the run (packages, git) and that secrets never reach the store."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

SCRIPT = """
from jupyter_ext import Task
task = Task.init(project_name="Env", task_name="capture")
print("TASK_ID=" + task.id)
task.connect({"lr": 0.1})
"""


def stored(task_id: str) -> Any:
    from jupyter_ext.sdk.tasks.task import Task

    return Task.get_task(task_id=task_id)


def test_packages_and_python_are_captured(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run(SCRIPT)
    assert out.returncode == 0, out.stderr
    data = stored(task_id_of(out.stdout)).data
    packages = data["runtime"]["packages"]
    names = {str(p.get("name", "")).lower().replace("_", "-") for p in packages} if isinstance(packages, list) \
        else {str(k).lower().replace("_", "-") for k in packages}
    assert {"numpy", "sqlalchemy"} <= names
    assert "numpy" in data["script"]["requirements"].lower()
    assert data["runtime"]["python"]["version"].count(".") == 2
    assert data["script"]["entry_point"].endswith(".py")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_commit_is_captured(run_py: Any, task_id_of: Any) -> None:
    repo = run_py.workdir / "repo"
    repo.mkdir()
    script = repo / "train.py"
    script.write_text(SCRIPT)
    git_env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
               "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(run_py.workdir)}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env={**run_py.env(), **git_env}, check=True,
                              capture_output=True, text=True).stdout.strip()

    git("init", "-q", "-b", "main")
    git("add", "train.py")
    git("commit", "-q", "-m", "first")
    commit = git("rev-parse", "HEAD")
    script.write_text(SCRIPT + "# an uncommitted change\n")

    out = run_py.run_file(script)
    assert out.returncode == 0, out.stderr
    data = stored(task_id_of(out.stdout)).data["script"]
    assert data["version_num"] == commit
    assert data["branch"] == "main"
    assert data["entry_point"] == "train.py"
    assert "an uncommitted change" in data["diff"]


@pytest.mark.parametrize("capture", ["1", "0"])
def test_secrets_never_reach_the_store(run_py: Any, task_id_of: Any, track_home: Path, capture: str) -> None:
    secret = "s3cr3t"
    out = run_py.run(SCRIPT, env={"JUPYTER_TRACK_LOG_ENVIRONMENT": "*", "MY_API_TOKEN": secret,
                                  "DATABASE_URL": f"postgresql://me:{secret}@db/x",
                                  "JUPYTER_TRACK_CAPTURE_ENVIRONMENT": capture},
                     args=("--api-token", secret, f"--password={secret}"))
    assert out.returncode == 0, out.stderr
    task = stored(task_id_of(out.stdout))
    params = task.get_parameters()
    if capture == "1":  # the capture did run: the variables are there, masked
        assert params["Environment/MY_API_TOKEN"] == "********"
        assert params["Environment/DATABASE_URL"] == "postgresql://db/x"
    else:
        assert not any(k.startswith("Environment/") for k in params)
    assert "--api-token" in task.data["script"]["argv"]  # argv is kept, its secrets masked
    assert secret not in repr(params)
    assert secret not in repr(task.data)
    # and not in any byte on disk: the database, its WAL, the session cache
    files = [p for p in track_home.rglob("*") if p.is_file()]
    assert any(p.name == "track.db" for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path
