"""The guide's workflow with a real agent: run a script, clone its task, edit a parameter,
enqueue the clone, let ``jupyter track agent daemon`` run it — on the embedded store and
against a server. Also: failures, aborts, signals, and two daemons sharing a queue."""
from __future__ import annotations

import signal
import time
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.store.rows import ParamRow

from .conftest import Stack, pid_alive

# a script run, then an agent daemon running its clone, per test
pytestmark = pytest.mark.slow

TRAIN = """
    import os
    from jupyter_ext import Task
    task = Task.init(project_name="Agent tests", task_name="train")
    print("TASK_ID=" + task.id)
    params = task.connect({"lr": 0.1, "epochs": 3})
    print(f"training with lr={params['lr']}")
    for i in range(params["epochs"]):
        task.get_logger().report_scalar("loss", "train", params["lr"] / (i + 1), i)
    print("REMOTE" if not Task.running_locally() else "LOCAL")
"""


def test_clone_edit_enqueue_runs_with_the_edited_value(stack: Stack, task_id_of: Any) -> None:
    local = stack.script(TRAIN, name="train.py")
    assert local.returncode == 0, local.stderr
    source = task_id_of(local.stdout)
    backend = stack.backend
    clone = backend.clone_task(source, name="train (lr 0.5)")
    backend.set_parameters(clone.id, [ParamRow("General", "lr", 0.5, "float")])
    queued = backend.enqueue_task(clone.id, "default")
    assert queued.status == "queued"

    done = stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"task {clone.id}" in done.stdout and "no tasks in the queues" in done.stdout

    row = backend.get_task(clone.id)
    assert row.status == "completed", (row.status, row.status_reason)
    assert row.worker and ":" in row.worker  # the worker id that ran it
    loss = backend.get_scalars(clone.id, max_samples=None)["loss"]["train"]
    assert loss["y"] == [0.5, 0.25, 0.5 / 3]
    console = stack.console(clone.id)
    assert console.count("training with lr=0.5") == 1  # recorded by the agent, not twice
    assert "REMOTE" in console and "jupyter-track agent: finished: completed" in console
    assert backend.get_task(source).status == "completed"  # the source is untouched
    assert backend.list_workers() == []  # the --once daemon unregistered


def test_a_failing_script_ends_failed_with_the_reason(stack: Stack, tmp_path: Path) -> None:
    script = stack.runner.write("""
        import sys
        print("starting")
        print("the data file is missing", file=sys.stderr)
        sys.exit(3)
    """, name="broken.py")
    made = stack.cli("task", "--project", "Agent tests", "--name", "broken", "--script", str(script),
                     "--queue", "default")
    assert made.returncode == 0, made.stderr
    task_id = made.stdout.strip()
    done = stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout
    row = stack.backend.get_task(task_id)
    assert row.status == "failed"
    assert "exit code 3" in row.status_reason and "the data file is missing" in row.status_reason
    assert "starting" in stack.console(task_id)


def test_an_exception_keeps_the_sdk_reason(stack: Stack, task_id_of: Any) -> None:
    local = stack.script("""
        from jupyter_ext import Task
        task = Task.init(project_name="Agent tests", task_name="raises")
        print("TASK_ID=" + task.id)
        if not Task.running_locally():
            raise ValueError("bad learning rate")
    """, name="raises.py")
    clone = stack.backend.clone_task(task_id_of(local.stdout))
    stack.backend.enqueue_task(clone.id)
    done = stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout
    row = stack.backend.get_task(clone.id)
    assert row.status == "failed" and "ValueError: bad learning rate" in row.status_reason
    assert "Traceback" in stack.console(clone.id)


def test_a_bare_system_exit_under_the_agent_ends_failed(stack: Stack, task_id_of: Any) -> None:
    local = stack.script("""
        from jupyter_ext import Task
        task = Task.init(project_name="Agent tests", task_name="exits")
        print("TASK_ID=" + task.id)
        if not Task.running_locally():
            raise SystemExit("no GPU on this worker")
    """, name="exits.py")
    clone = stack.backend.clone_task(task_id_of(local.stdout))
    stack.backend.enqueue_task(clone.id)
    done = stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout
    row = stack.backend.get_task(clone.id)
    assert row.status == "failed", (row.status, row.status_reason)
    assert "exit code 1" in row.status_reason and "no GPU on this worker" in row.status_reason


SLOW = """
    import os, time
    from jupyter_ext import Task
    task = Task.init(project_name="Agent tests", task_name="slow")
    print("TASK_ID=" + task.id, flush=True)
    if not Task.running_locally():
        with open(os.environ["PID_FILE"], "w") as fh:
            fh.write(str(os.getpid()))
        for i in range(600):
            print("tick", i, flush=True)
            time.sleep(0.1)
"""


def _slow_clone(stack: Stack, task_id_of: Any, tmp_path: Path) -> tuple[str, Path]:
    pid_file = tmp_path / "child.pid"
    stack.extra_env["PID_FILE"] = str(pid_file)
    local = stack.script(SLOW, name="slow.py")
    assert local.returncode == 0, local.stderr
    clone = stack.backend.clone_task(task_id_of(local.stdout))
    stack.backend.enqueue_task(clone.id)
    return clone.id, pid_file


def _wait_for_file(path: Path, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)
    return int(path.read_text())


def test_abort_while_running_stops_the_task_and_kills_the_child(stack: Stack, task_id_of: Any,
                                                                tmp_path: Path) -> None:
    task_id, pid_file = _slow_clone(stack, task_id_of, tmp_path)
    daemon = stack.start_cli("agent", "daemon", "--queues", "default", "--polling-interval", "0.5", "--name", "w1")
    child = _wait_for_file(pid_file)
    row = stack.wait_status(task_id, {"in_progress"})
    assert row.worker and row.worker.endswith(":w1")
    workers = stack.backend.list_workers()
    assert [(w.id.split(":")[-1], w.state, w.task.id if w.task else None) for w in workers] == \
        [("w1", "running", task_id)]
    listed = stack.cli("agent", "list")
    assert ":w1" in listed.stdout and "running" in listed.stdout

    stack.backend.abort_task(task_id)
    row = stack.wait_status(task_id, {"stopped", "failed", "completed"}, timeout=30)
    assert row.status == "stopped"
    deadline = time.monotonic() + 15
    while pid_alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pid_alive(child)
    assert "tick" in stack.console(task_id)
    # the daemon lives on and stops cleanly on SIGTERM
    assert daemon.poll() is None
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(timeout=30) == 0
    assert stack.backend.list_workers() == []


def test_sigterm_to_the_daemon_stops_its_task(stack: Stack, task_id_of: Any, tmp_path: Path) -> None:
    task_id, pid_file = _slow_clone(stack, task_id_of, tmp_path)
    daemon = stack.start_cli("agent", "daemon", "--queues", "default", "--polling-interval", "0.5")
    child = _wait_for_file(pid_file)
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(timeout=40) == 0
    row = stack.backend.get_task(task_id)
    assert row.status == "stopped", (row.status, row.status_reason)
    assert not pid_alive(child)
    assert stack.backend.list_workers() == []


def test_two_daemons_never_run_the_same_task(stack: Stack, tmp_path: Path) -> None:
    log = tmp_path / "ran.log"
    script = stack.runner.write("""
        import os, time
        with open(os.environ["RAN_LOG"], "a") as fh:
            fh.write(os.environ["JUPYTER_TRACK_TASK_ID"] + " " + os.environ["JUPYTER_TRACK_WORKER_ID"] + "\\n")
        time.sleep(0.3)
    """, name="job.py")
    stack.extra_env["RAN_LOG"] = str(log)
    ids = []
    for i in range(6):
        made = stack.cli("task", "--project", "Agent tests", "--name", f"job {i}", "--script", str(script),
                         "--queue", "default")
        assert made.returncode == 0, made.stderr
        ids.append(made.stdout.strip())
    first = stack.start_cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "0.2",
                            "--name", "a")
    second = stack.start_cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "0.2",
                             "--name", "b")
    assert first.wait(timeout=120) == 0 and second.wait(timeout=120) == 0
    runs = [line.split() for line in log.read_text().splitlines()]
    assert sorted(r[0] for r in runs) == sorted(ids)  # each task ran exactly once
    assert all(stack.backend.get_task(i).status == "completed" for i in ids)
    by_worker = {r[1].split(":")[-1] for r in runs}
    assert by_worker <= {"a", "b"}


def test_the_guide_sdk_calls_clone_edit_enqueue(stack: Stack, task_id_of: Any) -> None:
    local = stack.script(TRAIN, name="train.py")
    assert local.returncode == 0, local.stderr
    driver = stack.script(f"""
        from jupyter_ext import Task
        draft = Task.clone(source_task="{task_id_of(local.stdout)}", name="lr 0.01")
        draft.set_parameter("General/lr", 0.01)
        Task.enqueue(draft, queue_name="default")
        print("TASK_ID=" + draft.id)
    """, name="driver.py")
    assert driver.returncode == 0, driver.stderr
    draft = task_id_of(driver.stdout)
    done = stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout
    assert stack.backend.get_task(draft).status == "completed"
    assert "training with lr=0.01" in stack.console(draft)


def test_execute_remotely_continues_under_the_agent(local_stack: Stack, task_id_of: Any) -> None:
    local = local_stack.script("""
        from jupyter_ext import Task
        task = Task.init(project_name="Agent tests", task_name="self-enqueue")
        print("TASK_ID=" + task.id)
        params = task.connect({"size": 3})
        task.execute_remotely(queue_name="default")
        print("ran the rest with size", params["size"])
    """, name="self_enqueue.py")
    assert local.returncode == 0, local.stderr
    assert "ran the rest" not in local.stdout
    task_id = task_id_of(local.stdout)
    assert local_stack.backend.get_task(task_id).status == "queued"
    done = local_stack.cli("agent", "daemon", "--queues", "default", "--once", "--polling-interval", "1")
    assert done.returncode == 0, done.stdout
    assert local_stack.backend.get_task(task_id).status == "completed"
    assert "ran the rest with size 3" in local_stack.console(task_id)
