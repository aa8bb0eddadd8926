"""`jupyter track` against a real store, as a user runs it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

SCRIPT = """
from jupyter_ext import Task
t = Task.init(project_name="Team/Vision", task_name="cli run", tags=["cli"])
t.connect({"lr": 0.1, "layers": 3})
t.get_logger().report_scalar("loss", "train", 0.5, 1)
t.get_logger().report_single_value("Best", 0.9)
t.close()
print(t.id)
"""


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture()
def home_env(tmp_path):
    env = dict(os.environ, JUPYTER_TRACK_HOME=str(tmp_path / "home"),
               JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return env, out.stdout.strip().splitlines()[-1]


def test_help_lists_the_verbs(home_env):
    env, _ = home_env
    out = _run(["--help"], env)
    assert out.returncode == 0
    for verb in ("tasks", "show", "projects", "gc", "where"):
        assert verb in out.stdout


@pytest.mark.slow
def test_tasks_lists_the_task_with_filters(home_env):
    env, task_id = home_env
    out = _run(["tasks", "--json"], env)
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == [task_id]
    assert rows[0]["status"] == "completed" and rows[0]["project_name"] == "Team/Vision"
    assert json.loads(_run(["tasks", "--project", "Team", "--json"], env).stdout)[0]["id"] == task_id
    assert json.loads(_run(["tasks", "--tag", "other", "--json"], env).stdout) == []
    table = _run(["tasks"], env).stdout
    assert "cli run" in table and "Completed" in table


def test_show_by_prefix_prints_parameters_and_metrics(home_env):
    env, task_id = home_env
    out = _run(["show", task_id[:10]], env)
    assert out.returncode == 0, out.stderr
    assert "General/lr = 0.1" in out.stdout and "General/layers = 3" in out.stdout
    assert "loss / train: 0.5" in out.stdout and "Best = 0.9" in out.stdout


def test_bad_input_says_what_to_do(home_env):
    env, _ = home_env
    out = _run(["tasks", "--status", "bogus"], env)
    assert out.returncode == 2
    assert "unknown task status 'bogus'" in out.stderr and "completed" in out.stderr
    out = _run(["show", "nope"], env)
    assert out.returncode == 2 and "no task with id" in out.stderr


def test_jupyter_finds_the_subcommand(home_env):
    env, task_id = home_env
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    out = subprocess.run([jupyter, "track", "tasks", "--full-ids"], env=env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert task_id in out.stdout


def test_show_lists_artifacts_and_models(tmp_path):
    env = dict(os.environ, JUPYTER_TRACK_HOME=str(tmp_path / "home"),
               JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    weights = tmp_path / "w.bin"
    weights.write_bytes(b"weights" * 100)
    script = (
        "from jupyter_ext import Task, OutputModel\n"
        "t = Task.init(project_name='P', task_name='with files')\n"
        "t.upload_artifact('cfg', {'a': 1})\n"
        f"OutputModel(task=t, name='Net').update_weights(weights_filename={str(weights)!r})\n"
        "t.close()\nprint(t.id)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    task_id = out.stdout.strip().splitlines()[-1]
    shown = _run(["show", task_id], env).stdout
    assert "cfg  (dict," in shown
    assert "output model  Net  v1" in shown
