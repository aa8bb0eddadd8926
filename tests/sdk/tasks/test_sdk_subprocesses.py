"""Workers and subprocesses report to the task of the run that started them, as in ClearML:
a forked pool worker's ``connect()`` and scalars are kept, and its SIGTERM ends it (after
writing what it reported), not the parent's exit work; a ``Popen`` child's
``Task.init`` returns its parent's task unless the child's environment leaves the link out."""
from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import task_id_from

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="fork start method")]

_POOL = '''
import multiprocessing, os, signal, sys
from jupyter_ext import Logger, Task

def work(i):
    assert signal.getsignal(signal.SIGTERM) is not PARENTS, "the parent's SIGTERM handler was inherited"
    Task.current_task().connect({f"worker_{i}": i})
    Logger.current_logger().report_scalar("from workers", f"w{i}", float(i), iteration=0)
    return i

if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    task = Task.init(project_name="Sub", task_name="pool")
    print("TASK_ID=" + task.id)
    PARENTS = signal.getsignal(signal.SIGTERM)
    assert PARENTS not in (signal.SIG_DFL, None), "the run installs its SIGTERM handler"
    with multiprocessing.Pool(2) as pool:  # leaving the block terminates the workers with SIGTERM
        assert pool.map(work, range(4)) == [0, 1, 2, 3]
    child = os.fork()
    if child == 0:  # a plain forked child that exits normally runs atexit: it must not finish the task
        Task.current_task().connect({"forked": 1})
        sys.exit(0)
    os.waitpid(child, 0)
    print("STATUS_AFTER_CHILD=" + Task.get_task(task_id=task.id).get_status())
'''


def test_pool_workers_report_to_the_parents_task_and_end_on_sigterm(run_py: Any, Task: Any) -> None:
    done = run_py.run(_POOL, timeout=120)
    assert done.returncode == 0, done.stderr
    task = Task.get_task(task_id=task_id_from(done.stdout))
    assert "STATUS_AFTER_CHILD=in_progress" in done.stdout
    assert task.get_status() == "completed"
    params = task.get_parameters()
    assert {f"General/worker_{i}": i for i in range(4)}.items() <= params.items()
    assert params["General/forked"] == 1
    assert set(task.get_reported_scalars()["from workers"]) == {f"w{i}" for i in range(4)}


_PARENT = '''
import os, subprocess, sys
from jupyter_ext import Task

task = Task.init(project_name="Sub", task_name="parent")
print("TASK_ID=" + task.id)
env = dict(os.environ)
if sys.argv[1:] == ["own"]:
    env.pop("JUPYTER_TRACK_PROC_MASTER_ID")
child = subprocess.run([sys.executable, "child.py"], env=env, capture_output=True, text=True)
assert child.returncode == 0, child.stderr
print(child.stdout)
print("STATUS_AFTER_CHILD=" + Task.get_task(task_id=task.id).get_status())
'''
_CHILD = '''
from jupyter_ext import Task

task = Task.init(project_name="Sub", task_name="a child names another task")
print("CHILD_ID=" + task.id)
task.connect({"from_child": 1})
'''


def _child_id(stdout: str) -> str:
    return next(line.split("=", 1)[1] for line in stdout.splitlines() if line.startswith("CHILD_ID="))


def test_a_popen_childs_task_init_returns_the_parents_task(run_py: Any, Task: Any) -> None:
    run_py.write(_CHILD, name="child.py")
    done = run_py.run(_PARENT)
    assert done.returncode == 0, done.stderr
    parent_id = task_id_from(done.stdout)
    assert _child_id(done.stdout) == parent_id
    assert "STATUS_AFTER_CHILD=in_progress" in done.stdout  # the child did not finish its parent's task
    parent = Task.get_task(task_id=parent_id)
    assert parent.get_parameters()["General/from_child"] == 1 and parent.get_status() == "completed"


def test_a_child_without_the_link_makes_its_own_task(run_py: Any, Task: Any) -> None:
    run_py.write(_CHILD, name="child.py")
    done = run_py.run(_PARENT, args=("own",))
    assert done.returncode == 0, done.stderr
    child_id = _child_id(done.stdout)
    assert child_id != task_id_from(done.stdout)
    assert Task.get_task(task_id=child_id).get_parameters()["General/from_child"] == 1
