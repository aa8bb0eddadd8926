"""Where the agent takes a task's code from (git + uncommitted changes, the stored script, a
notebook), ``jupyter track task``, ``agent execute`` (also with ``--venv``), ``--detached``."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import Stack, pid_alive


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.mark.slow
def test_a_task_from_a_git_checkout_runs_its_commit_plus_the_uncommitted_change(
        local_stack: Stack, task_id_of: Any, tmp_path: Path) -> None:
    origin = tmp_path / "origin.git"
    _git(tmp_path, "init", "--bare", "-q", str(origin))
    repo = local_stack.runner.workdir / "project"
    _git(local_stack.runner.workdir, "clone", "-q", str(origin), str(repo))
    (repo / "pkg").mkdir()
    (repo / "pkg" / "helper.py").write_text("WORD = 'committed'\n")
    (repo / "train.py").write_text(
        "import sys\nsys.path.insert(0, '.')\nfrom jupyter_ext import Task\nfrom pkg.helper import WORD\n"
        "task = Task.init(project_name='Git', task_name='train')\nprint('TASK_ID=' + task.id)\n"
        "print('WORD=' + WORD)\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "first")
    _git(repo, "push", "-q", "origin", "HEAD")
    (repo / "pkg" / "helper.py").write_text("WORD = 'uncommitted'\n")  # a change the run used, not committed
    local = local_stack.runner.run_file(repo / "train.py")
    assert local.returncode == 0, local.stderr
    assert "WORD=uncommitted" in local.stdout
    source = task_id_of(local.stdout)  # the run has exited: everything it recorded is stored
    script = local_stack.backend.get_task(source).script
    assert script["repository"] == str(origin) and script["entry_point"] == "train.py"
    (repo / "pkg" / "helper.py").write_text("WORD = 'changed after the run'\n")  # must not matter

    clone = local_stack.backend.clone_task(source)
    done = local_stack.cli("agent", "execute", "--id", clone.id)
    assert done.returncode == 0, done.stdout + done.stderr
    console = local_stack.console(clone.id)
    assert "WORD=uncommitted" in console and "applied the recorded uncommitted changes" in console
    assert local_stack.backend.get_task(clone.id).status == "completed"
    cache = list((local_stack.runner.home / "agent" / "vcs-cache").glob("*.git"))
    assert len(cache) == 1  # cloned once into the cache, reused by the next run
    again = local_stack.backend.clone_task(source)
    assert local_stack.cli("agent", "execute", "--id", again.id[:10]).returncode == 0
    assert "cloning" not in local_stack.console(again.id)

    # `jupyter track task` on a script in that checkout records the same git state
    made = local_stack.cli("task", "--project", "Git", "--name", "from the checkout", "--script",
                           str(repo / "train.py"))
    assert made.returncode == 0, made.stderr
    recorded = local_stack.backend.get_task(made.stdout.strip()).script
    assert (recorded["repository"], recorded["entry_point"]) == (str(origin), "train.py")
    assert recorded["version_num"] == _git(repo, "rev-parse", "HEAD") and "changed after the run" in recorded["diff"]


@pytest.mark.slow
def test_jupyter_track_task_creates_a_draft_with_args_and_requirements(local_stack: Stack,
                                                                       tmp_path: Path) -> None:
    script = local_stack.runner.write("""
        import argparse
        from jupyter_ext import Task
        parser = argparse.ArgumentParser()
        parser.add_argument("--epochs", type=int, default=1)
        parser.add_argument("--optimizer", default="sgd")
        args = parser.parse_args()
        task = Task.init(project_name="ignored", task_name="ignored")
        print(f"epochs={args.epochs} optimizer={args.optimizer}")
    """, name="cli_train.py")
    req = tmp_path / "requirements.txt"
    req.write_text("numpy\n")
    made = local_stack.cli("task", "--project", "CLI", "--name", "from the command line", "--script", str(script),
                           "--args", "epochs=4", "optimizer=adam", "--requirements", str(req),
                           "--packages", "tqdm", "--tags", "cli", "--task-type", "testing")
    assert made.returncode == 0, made.stderr
    task_id = made.stdout.strip()
    backend = local_stack.backend
    row = backend.get_task(task_id)
    assert (row.status, row.project_name, row.name, row.type, row.tags) == \
        ("created", "CLI", "from the command line", "testing", ("cli",))
    assert row.script["requirements"] == "numpy\ntqdm\n" and "parse_args" in row.script["diff"]
    from jupyter_ext.core.rules.param_types import to_flat_dict
    from jupyter_ext.store.rows import ParamRow

    assert to_flat_dict(backend.get_parameters(task_id)) == {"Args/epochs": 4, "Args/optimizer": "adam"}
    backend.set_parameters(task_id, [ParamRow("Args", "epochs", "9", "str")])  # edited as text in a form
    done = local_stack.cli("agent", "execute", "--id", task_id)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "epochs=9 optimizer=adam" in local_stack.console(task_id)
    assert backend.get_task(task_id).name == "from the command line"  # Task.init's names are ignored


def test_bad_input_to_jupyter_track_task_writes_nothing(local_stack: Stack) -> None:
    script = local_stack.runner.write("print(1)\n", name="ok.py")
    for args, message in (
        (("--script", "missing.py"), "does not exist"),
        (("--script", str(script), "--args", "novalue"), "name=value"),
        (("--script", str(script), "--queue", "no-such-queue"), "no-such-queue"),
    ):
        done = local_stack.cli("task", "--project", "Bad", "--name", "x", *args)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    assert local_stack.backend.query_tasks(project_name="Bad") == []


@pytest.mark.slow
def test_execute_in_a_venv_installs_the_requirements_once(local_stack: Stack) -> None:
    script = local_stack.runner.write("""
        import sys
        print("PREFIX=" + sys.prefix)
        import numpy
        print("numpy", numpy.__version__)
    """, name="uses_numpy.py")
    made = local_stack.cli("task", "--project", "Venv", "--name", "numpy", "--script", str(script),
                           "--packages", "numpy")
    first = made.stdout.strip()
    done = local_stack.cli("agent", "execute", "--id", first, "--venv", timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    console = local_stack.console(first)
    venvs = local_stack.runner.home / "agent" / "venvs"
    assert f"PREFIX={venvs}" in console  # ran by the venv's python
    assert "Requirement already satisfied: numpy" in console  # pip's output is in the task's console
    made = local_stack.cli("task", "--project", "Venv", "--name", "numpy again", "--script", str(script),
                           "--packages", "numpy")
    second = made.stdout.strip()
    assert local_stack.cli("agent", "execute", "--id", second, "--venv", timeout=300).returncode == 0
    assert "environment: reusing" in local_stack.console(second)
    assert len([p for p in venvs.iterdir() if p.is_dir()]) == 1


@pytest.mark.slow
def test_a_notebook_task_runs_in_a_kernel(local_stack: Stack, tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("from jupyter_ext import Task\ntask = Task.init(project_name='NB', task_name='nb')\n"
                                  "params = task.connect({'n': 2})"),
        nbformat.v4.new_code_cell("for i in range(params['n']):\n"
                                  "    task.get_logger().report_scalar('x', 'y', i * 10, i)\nprint('cells ran', i)"),
        nbformat.v4.new_code_cell("task.close()"),
    ]
    path = local_stack.runner.workdir / "analysis.ipynb"
    nbformat.write(nb, str(path))
    made = local_stack.cli("task", "--project", "NB", "--name", "notebook", "--script", str(path))
    task_id = made.stdout.strip()
    from jupyter_ext.store.rows import ParamRow

    local_stack.backend.set_parameters(task_id, [ParamRow("General", "n", 3, "int")])
    done = local_stack.cli("agent", "execute", "--id", task_id, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "cells ran 2" in local_stack.console(task_id)
    row = local_stack.backend.get_task(task_id)
    assert row.status == "completed"
    assert local_stack.backend.get_scalars(task_id, max_samples=None)["x"]["y"]["y"] == [0, 10, 20]


@pytest.mark.slow
def test_detached_daemon_runs_tasks_and_stops(local_stack: Stack) -> None:
    script = local_stack.runner.write("print('ran in the background')\n", name="bg.py")
    started = local_stack.cli("agent", "daemon", "--queues", "default", "--detached", "--name", "bg",
                              "--polling-interval", "0.5")
    assert started.returncode == 0, started.stderr
    pid = int(started.stdout.split("pid ")[1].split(")")[0])
    again = local_stack.cli("agent", "daemon", "--queues", "default", "--detached", "--name", "bg")
    assert again.returncode == 2 and "already runs" in again.stderr
    made = local_stack.cli("task", "--project", "BG", "--name", "bg", "--script", str(script), "--queue", "default")
    task_id = made.stdout.strip()
    local_stack.wait_status(task_id, {"completed"}, timeout=60)
    assert "ran in the background" in local_stack.console(task_id)
    stopped = local_stack.cli("agent", "daemon", "--stop")
    assert stopped.returncode == 0 and str(pid) in stopped.stdout
    assert not pid_alive(pid)
    assert local_stack.backend.list_workers() == []
    log = (local_stack.runner.home / "agent" / "daemons" / "bg.log").read_text()
    assert f"task {task_id}" in log


def test_a_missing_queue_is_a_clear_error(local_stack: Stack) -> None:
    done = local_stack.cli("agent", "daemon", "--queues", "gpu", "--once")
    assert done.returncode == 2 and "no queue named 'gpu'" in done.stderr and "--create-queue" in done.stderr
    done = local_stack.cli("agent", "daemon", "--queues", "gpu", "--once", "--create-queue")
    assert done.returncode == 0, done.stderr
    assert [q.name for q in local_stack.backend.list_queues()] == ["gpu"]
    listed = local_stack.cli("agent", "list", "--json")
    assert json.loads(listed.stdout) == []


@pytest.mark.slow
def test_abort_reaches_a_run_started_by_execute(local_stack: Stack, tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    script = local_stack.runner.write(f"""
        import os, time
        open({str(pid_file)!r}, "w").write(str(os.getpid()))
        while True:
            time.sleep(0.1)
    """, name="forever.py")
    made = local_stack.cli("task", "--project", "Abort", "--name", "forever", "--script", str(script))
    task_id = made.stdout.strip()
    run = local_stack.start_cli("agent", "execute", "--id", task_id)
    deadline = time.monotonic() + 60
    while not (pid_file.exists() and pid_file.read_text()):
        assert time.monotonic() < deadline and run.poll() is None, "the task never started"
        time.sleep(0.05)
    child = int(pid_file.read_text())
    row = local_stack.backend.abort_task(task_id)  # no worker runs it: stopped at once
    assert row.status == "stopped"
    assert run.wait(timeout=30) != 0
    assert not pid_alive(child)
    assert local_stack.backend.get_task(task_id).status == "stopped"
