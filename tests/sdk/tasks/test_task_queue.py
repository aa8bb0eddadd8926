"""Task.enqueue / Task.dequeue / execute_remotely: in this process, in a script, and in a kernel."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import Conflict, InvalidArgument, NotFound


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def test_enqueue_a_task_or_an_id_and_dequeue_it(Task: Any) -> None:
    draft = Task.create(project_name="Q", task_name="draft")
    got = Task.enqueue(draft, queue_name="default")
    assert got["queued"] == 1 and got["queue"] == "default" and got["task_id"] == draft.id
    assert draft.get_status() == "queued"
    assert Task.dequeue(draft.id)["dequeued"] == 1
    assert draft.get_status() == "created"
    Task.enqueue(draft.id)  # no queue: the default one
    assert [e.task_id for e in _backend().get_queue("default").entries] == [draft.id]


def test_enqueue_by_queue_id_and_unknown_queues(Task: Any) -> None:
    queue = _backend().create_queue("gpu")
    draft = Task.create(project_name="Q", task_name="draft")
    assert Task.enqueue(draft, queue_id=queue.id)["queue"] == "gpu"
    other = Task.create(project_name="Q", task_name="other")
    with pytest.raises(NotFound, match="queues create"):
        Task.enqueue(other, queue_name="nope")
    with pytest.raises(InvalidArgument, match="different queues"):
        Task.enqueue(other, queue_name="default", queue_id=queue.id)
    with pytest.raises(InvalidArgument):
        Task.enqueue(42)


def test_enqueue_a_finished_task_needs_force_which_resets_it(Task: Any) -> None:
    run = Task.init(project_name="Q", task_name="ran", reuse_last_task_id=False)
    run.connect({"lr": 0.1})
    run.get_logger().report_scalar("loss", "train", 1.0, 0)
    run.close()
    with pytest.raises(Conflict, match="reset"):
        Task.enqueue(run)
    Task.enqueue(run, force=True)
    assert run.get_status() == "queued"
    assert run.get_last_scalar_metrics() == {}  # reset first, as ClearML's force does
    assert run.get_parameters()["General/lr"] in (0.1, "0.1")


def test_execute_remotely_under_an_agent_returns_at_once(Task: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    draft = Task.create(project_name="Q", task_name="remote")
    monkeypatch.setenv("JUPYTER_TRACK_TASK_ID", draft.id)
    assert Task.running_locally() is False
    assert draft.execute_remotely(queue_name="default") is None
    assert draft.get_status() == "created"


def test_execute_remotely_without_clone_must_exit(Task: Any) -> None:
    run = Task.init(project_name="Q", task_name="x", reuse_last_task_id=False)
    with pytest.raises(InvalidArgument, match="exit_process"):
        run.execute_remotely(queue_name="default", exit_process=False)
    assert run.get_status() == "in_progress"


def test_execute_remotely_with_clone_keeps_this_run_going(Task: Any) -> None:
    run = Task.init(project_name="Q", task_name="local", reuse_last_task_id=False)
    run.connect({"epochs": 3})
    copy = run.execute_remotely(queue_name="default", clone=True, exit_process=False)
    assert copy.id != run.id and copy.get_status() == "queued"
    assert copy.get_parameters()["General/epochs"] in (3, "3")
    assert run.get_status() == "in_progress" and Task.current_task() is run
    run.get_logger().report_scalar("loss", "train", 0.5, 0)  # still tracked here
    run.close()
    assert run.get_last_scalar_metrics()["loss"]["train"]["last"] == 0.5


def test_execute_remotely_in_a_script_enqueues_the_reset_task_and_exits(run_py: Any) -> None:
    result = run_py.run("""
        from jupyter_ext import Task
        task = Task.init(project_name="Q", task_name="script")
        task.connect({"lr": 0.5})
        task.connect_configuration({"layers": 3}, name="model")
        task.get_logger().report_scalar("loss", "train", 1.0, 0)
        print("TASK_ID=" + task.id, flush=True)
        task.execute_remotely(queue_name="default")
        print("STILL HERE")
    """)
    assert result.returncode == 0, result.stderr
    assert "STILL HERE" not in result.stdout
    assert "enqueued in 'default'" in result.stderr
    task_id = [ln for ln in result.stdout.splitlines() if ln.startswith("TASK_ID=")][0].split("=", 1)[1]
    backend = _backend()
    row = backend.get_task(task_id)
    assert (row.status, row.queue) == ("queued", "default")
    assert "development" not in row.system_tags
    assert backend.get_last_metrics(task_id) == {}
    assert {p.name: p.value for p in backend.get_parameters(task_id)}["lr"] in (0.5, "0.5")
    assert [c.name for c in backend.get_configurations(task_id)] == ["model"]
    assert [e.task_id for e in backend.get_queue("default").entries] == [task_id]


def test_execute_remotely_without_a_queue_leaves_a_draft_as_clearml_does(run_py: Any) -> None:
    result = run_py.run("""
        from jupyter_ext import Task
        task = Task.init(project_name="Q", task_name="no queue")
        print("TASK_ID=" + task.id, flush=True)
        task.execute_remotely()
        print("STILL HERE")
    """)
    assert result.returncode == 0, result.stderr
    assert "STILL HERE" not in result.stdout and "left as a draft" in result.stderr
    task_id = [ln for ln in result.stdout.splitlines() if ln.startswith("TASK_ID=")][0].split("=", 1)[1]
    assert _backend().get_task(task_id).status == "created"
    assert _backend().list_queues() == []


def test_execute_remotely_in_a_kernel_stops_the_cell_not_the_kernel(track_home: Path, tmp_path: Path) -> None:
    from jupyter_client.manager import KernelManager

    env = {k: v for k, v in __import__("os").environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(track_home), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
               CLEARML_CONFIG_FILE=str(tmp_path / "none.conf"))
    km = KernelManager(kernel_name="python3")
    km.start_kernel(env=env, cwd=str(tmp_path))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        outputs: list[dict[str, Any]] = []
        reply = kc.execute_interactive(
            "from jupyter_ext import Task\n"
            "task = Task.init(project_name='Q', task_name='nb')\n"
            "tid = task.id\n"
            "task.execute_remotely(queue_name='default')\n"
            "print('NOT REACHED')", timeout=120, output_hook=outputs.append)
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "ExecutedRemotely"
        shown = "".join("\n".join(m["content"].get("traceback", [])) + m["content"].get("text", "")
                        for m in outputs)
        assert "the kernel keeps running" in shown and "NOT REACHED" not in shown
        assert "Traceback" not in shown  # a message, not a stack
        after: list[dict[str, Any]] = []
        reply = kc.execute_interactive("import json; print(json.dumps([tid, Task.current_task() is None]))",
                                       timeout=60, output_hook=after.append)
        assert reply["content"]["status"] == "ok"  # the kernel lives on
        text = "".join(m["content"].get("text", "") for m in after if m["msg_type"] == "stream")
        task_id, closed = json.loads(text.strip().splitlines()[-1])
        assert closed is True
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    row = _backend().get_task(task_id)
    assert row.status == "queued"

