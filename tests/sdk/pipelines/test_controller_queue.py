"""The guide's PipelineController example as written (``pipe.start(queue="default")``), its steps
run by a real ``jupyter track agent daemon --queues default`` process."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

GUIDE = '''
from jupyter_ext import Task
from jupyter_ext.automation import PipelineController

pipe = PipelineController(name="Training Pipeline", project="ML Pipelines", version="1.0")
pipe.add_step(name="prepare_data",
              base_task_project="Examples",
              base_task_name="Data Preparation")
pipe.add_step(name="train_model",
              base_task_project="Examples",
              base_task_name="Model Training",
              parents=["prepare_data"])
pipe.add_step(name="evaluate",
              base_task_project="Examples",
              base_task_name="Model Evaluation",
              parents=["train_model"])
pipe.start(queue="default")
print("RUN_ID=" + pipe.id, pipe.is_successful())
'''


def _daemon(run_py: Any) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "agent", "daemon", "--queues", "default",
                             "--polling-interval", "0.5", "--create-queue"], env=run_py.env(), cwd=run_py.workdir,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def test_guide_example_on_a_queue_with_a_real_agent(make_template: Any, run_py: Any) -> None:
    for name in ("Data Preparation", "Model Training", "Model Evaluation"):
        make_template(name)
    daemon = _daemon(run_py)
    try:
        done = run_py.run(GUIDE, timeout=180)
    finally:
        agent_output = _stop(daemon)
    assert done.returncode == 0, done.stderr + agent_output
    line = next(x for x in done.stdout.splitlines() if x.startswith("RUN_ID="))
    run_id, ok = line.split("=", 1)[1].split()
    assert ok == "True"
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    view = backend.get_pipeline(run_id)
    assert view["task"]["status"] == "completed"
    assert [(n["name"], n["status"], n["queue"]) for n in view["nodes"]] == [
        ("prepare_data", "completed", "default"), ("train_model", "completed", "default"),
        ("evaluate", "completed", "default")]
    for n in view["nodes"]:
        row = backend.get_task(n["task_id"])
        assert row.worker and row.parent_id == run_id  # a worker ran it


def test_no_worker_on_the_queue_is_said_once_with_the_command(make_template: Any, run_py: Any,
                                                             tmp_path: Path) -> None:
    make_template("Data Preparation")
    code = '''
    from jupyter_ext.automation import PipelineController

    pipe = PipelineController(name="Waiting", project="ML Pipelines")
    pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.add_step(name="b", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.start(queue="default", wait=False)
    import time
    deadline = time.time() + 30
    while len(pipe.get_running_nodes()) < 2 and time.time() < deadline:
        time.sleep(0.1)
    print("QUEUED", sorted(n.status for n in pipe.get_running_nodes()))
    pipe.stop(mark_aborted=True)
    print("STATUS", pipe.task.get_status(), sorted(n.state for n in pipe.get_pipeline_dag().values()))
    '''
    done = run_py.run(code, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "QUEUED ['queued', 'queued']" in done.stdout
    assert done.stderr.count("no worker listens to queue 'default'") == 1
    assert "jupyter track agent daemon --queues default" in done.stderr
    assert "STATUS stopped ['aborted', 'aborted']" in done.stdout


def test_a_process_ending_mid_run_stops_the_run(make_template: Any, run_py: Any) -> None:
    make_template("Data Preparation")
    code = '''
    from jupyter_ext.automation import PipelineController

    pipe = PipelineController(name="Left behind", project="ML Pipelines")
    pipe.add_step(name="a", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.add_step(name="b", base_task_project="Examples", base_task_name="Data Preparation", parents=["a"])
    pipe.start(queue="default", wait=False)
    import time
    while not pipe.get_running_nodes():
        time.sleep(0.05)
    print("RUN_ID=" + pipe.id)
    '''
    done = run_py.run(code, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "the process ends while pipeline 'Left behind' runs" in done.stderr
    run_id = next(x for x in done.stdout.splitlines() if x.startswith("RUN_ID=")).split("=", 1)[1]
    from jupyter_ext.sdk import _session as session

    view = session.backend().get_pipeline(run_id)
    assert view["task"]["status"] == "stopped"
    assert {n["name"]: n["status"] for n in view["nodes"]} == {"a": "stopped", "b": "skipped"}
    assert session.backend().get_queue("default").entries == ()


def test_decorated_pipeline_on_a_queue_runs_its_functions_on_the_agent(run_py: Any) -> None:
    code = '''
    from jupyter_ext import PipelineDecorator

    @PipelineDecorator.component(return_values=["n"])
    def count(text):
        return len(text.split())

    @PipelineDecorator.component(return_values=["doubled"], execution_queue="default")
    def double(n):
        return 2 * n

    @PipelineDecorator.pipeline(name="Queued functions", project="ML Pipelines", default_queue="default")
    def flow(text="a b c"):
        return double(count(text))

    print("RESULT", flow())
    print("RUN_ID=" + PipelineDecorator.get_current_pipeline().id)
    '''
    daemon = _daemon(run_py)
    try:
        done = run_py.run(code, timeout=180)
    finally:
        agent_output = _stop(daemon)
    assert done.returncode == 0, done.stderr + agent_output
    assert "RESULT 6" in done.stdout
    run_id = next(x for x in done.stdout.splitlines() if x.startswith("RUN_ID=")).split("=", 1)[1]
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    nodes = backend.get_pipeline(run_id)["nodes"]
    assert [(n["name"], n["status"], n["queue"]) for n in nodes] == [("count", "completed", "default"),
                                                                     ("double", "completed", "default")]
    assert all(backend.get_task(n["task_id"]).worker for n in nodes)
