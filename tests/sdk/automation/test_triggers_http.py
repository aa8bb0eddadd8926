"""Two trigger services in their own processes, both talking to one server over HTTP: each
event launches its target once."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SERVICE = """
import json, sys, time
from jupyter_ext.automation import TriggerScheduler

trig = TriggerScheduler(force_create_task_name="failure watch")
trig.add_task_trigger(schedule_task_id=sys.argv[1], schedule_queue="default", trigger_project="Train",
                      trigger_on_status=["failed"], name="on failure")
trig.begin()
print("READY", flush=True)
shown = 0
while True:
    trig.run_pending()
    for entry in trig.history[shown:]:
        print(json.dumps(entry), flush=True)
    shown = len(trig.history)
    time.sleep(0.2)
"""


def _read_until(proc: subprocess.Popen[str], wanted: Any, deadline: float) -> list[str]:
    lines: list[str] = []
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if wanted(line):
            return lines
    raise AssertionError(f"the trigger service never printed what was expected; it printed: {lines}")


def test_two_trigger_services_over_http_fire_an_event_once(db_url: str, tmp_path: Path, run_py: Any) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    server = BackgroundServer(db_url, str(tmp_path / "blobs"))
    access, secret = server.create_key("trigger tests")
    backend = HttpBackend(server.url, access, secret)
    env = run_py.env({"CLEARML_API_HOST": server.url, "CLEARML_API_ACCESS_KEY": access,
                      "CLEARML_API_SECRET_KEY": secret})
    script = run_py.write(SERVICE, name="service.py")
    procs: list[subprocess.Popen[str]] = []
    try:
        backend.create_queue("default")
        target = backend.create_task({"project": "Jobs", "name": "report"})
        for _ in range(2):
            procs.append(subprocess.Popen([sys.executable, str(script), target.id], env=env, cwd=run_py.workdir,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        deadline = time.monotonic() + 120
        for proc in procs:
            _read_until(proc, lambda line: line.startswith("READY"), deadline)
        run = backend.create_task({"project": "Train", "name": "run 1", "status": "in_progress"})
        backend.set_task_status(run.id, "failed", reason="boom")
        notes = [json.loads(_read_until(p, lambda line: line.startswith("{"), deadline)[-1]) for p in procs]
        assert sorted(n["what"] for n in notes) == ["already fired", "enqueued in default"]
        assert {n["object"] for n in notes} == {run.id}
        launched = [r for r in backend.query_tasks(project_name="Jobs") if r.id != target.id]
        assert len(launched) == 1 and launched[0].status == "queued" and "on failure" in launched[0].tags
    finally:
        for proc in procs:
            proc.kill()
            proc.communicate(timeout=30)
        backend.close()
        server.stop()
