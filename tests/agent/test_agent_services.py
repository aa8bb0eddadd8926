"""``jupyter track agent daemon --services-mode N``: several tasks at once, each in its own
process, one worker per slot; nothing that ended is started again."""
from __future__ import annotations

import signal
import time
from pathlib import Path

from .conftest import Stack

# Each task waits until every task of the test has started: they can only all complete when
# they run side by side.
BARRIER = """
    import os, sys, time
    folder = os.environ["BARRIER_DIR"]
    me = os.environ["JUPYTER_TRACK_TASK_ID"]
    open(os.path.join(folder, me), "w").write(os.environ["JUPYTER_TRACK_WORKER_ID"])
    want = int(os.environ["BARRIER_SIZE"])
    for _ in range(1200):
        if len(os.listdir(folder)) >= want:
            break
        time.sleep(0.1)
    else:
        sys.exit("the other tasks never started")
    if me == os.environ.get("FAIL_ID"):
        sys.exit("failing on purpose")
"""


def _enqueue(stack: Stack, script: Path, name: str) -> str:
    made = stack.cli("task", "--project", "Services", "--name", name, "--script", str(script),
                     "--queue", "services")
    assert made.returncode == 0, made.stderr
    return made.stdout.strip()


def test_services_mode_runs_tasks_side_by_side_and_restarts_none(stack: Stack, tmp_path: Path) -> None:
    folder = tmp_path / "barrier"
    folder.mkdir()
    script = stack.runner.write(BARRIER, name="service.py")
    stack.extra_env.update(BARRIER_DIR=str(folder), BARRIER_SIZE="3")
    stack.backend.create_queue("services")
    ids = [_enqueue(stack, script, f"service {i}") for i in range(3)]
    stack.extra_env["FAIL_ID"] = ids[2]
    daemon = stack.start_cli("agent", "daemon", "--queues", "services", "--services-mode", "3", "--create-queue",
                             "--polling-interval", "0.2", "--name", "svc")
    rows = [stack.wait_status(i, {"completed", "failed"}, timeout=120) for i in ids]
    assert [r.status for r in rows] == ["completed", "completed", "failed"]
    workers = {(folder / i).read_text() for i in ids}
    assert len(workers) == 3 and all(":svc:service-" in w for w in workers)  # one slot each
    listed = {w.id for w in stack.backend.list_workers()}
    assert {f"{w}" for w in workers} <= listed  # each slot is a worker the panel shows
    # the failed task stays failed: nothing is started again on its own
    time.sleep(1.0)  # lets an (unwanted) restart happen before the agent is stopped; nothing is timed
    daemon.send_signal(signal.SIGTERM)
    out, _ = daemon.communicate(timeout=60)
    assert daemon.returncode == 0, out
    for task_id in ids:
        assert out.count(f"task {task_id} (") == 1, out
    assert stack.backend.get_task(ids[2]).status == "failed"
    assert stack.backend.list_workers() == []


def test_a_scheduler_started_remotely_runs_in_services_mode(local_stack: Stack, tmp_path: Path) -> None:
    fired = tmp_path / "fired"
    local_stack.extra_env["FIRED_FILE"] = str(fired)
    started = local_stack.script("""
        import os
        from jupyter_ext.automation import TaskScheduler

        def cleanup():
            open(os.environ["FIRED_FILE"], "a").write("cleanup\\n")

        sched = TaskScheduler(force_create_task_name="cleanup scheduler")
        sched.add_task(schedule_function=cleanup, minute=30, execute_immediately=True)
        sched.start_remotely(queue="services")
        print("not reached: start_remotely ends this process")
    """, name="scheduler.py")
    assert started.returncode == 0, started.stderr
    assert "not reached" not in started.stdout
    [row] = local_stack.backend.query_tasks(project_name="DevOps", task_name="^cleanup scheduler$")
    assert row.status == "queued" and row.type == "service", started.stdout + started.stderr
    daemon = local_stack.start_cli("agent", "daemon", "--queues", "services", "--services-mode", "--create-queue",
                                   "--polling-interval", "0.2")
    local_stack.wait_status(row.id, {"in_progress"}, timeout=60)
    deadline = time.monotonic() + 120
    while not fired.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert fired.read_text() == "cleanup\n"  # execute_immediately, run by the scheduler under the agent
    assert local_stack.backend.get_task(row.id).status == "in_progress"  # a service keeps running
    daemon.send_signal(signal.SIGTERM)
    out, _ = daemon.communicate(timeout=60)
    assert local_stack.backend.get_task(row.id).status == "stopped", out
    configs = {c.name: c.text for c in local_stack.backend.get_configurations(row.id)}
    assert "Automation State" in configs, (configs, local_stack.console(row.id))
    state = configs["Automation State"]
    assert '"name": "cleanup"' in state
