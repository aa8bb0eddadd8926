"""``jupyter track schedules`` lists what the schedulers and trigger services stored."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from jupyter_ext.automation import TaskScheduler, TriggerScheduler
from jupyter_ext.cli.main import main


def nightly() -> None:
    pass


def test_schedules_lists_entries_and_triggers(Task: Any, capsys: Any) -> None:
    assert main(["schedules"]) == 0
    assert "no schedulers" in capsys.readouterr().out
    sched = TaskScheduler(force_create_task_name="cleanups")
    sched.add_task(schedule_function=nightly, hour=2, minute=0, name="nightly cleanup")
    sched.begin(dt.datetime(2027, 3, 1, 1, 0, tzinfo=dt.timezone.utc))
    sched.run_pending(dt.datetime(2027, 3, 1, 2, 0, 1, tzinfo=dt.timezone.utc))
    for thread in sched._threads.values():
        thread.join(timeout=30)
    trig = TriggerScheduler(force_create_task_name="watchers")
    trig.add_model_trigger(schedule_function=nightly, trigger_project="Titanic", trigger_on_publish=True,
                           name="deploy")
    trig.run_pending()
    assert main(["schedules"]) == 0
    out = capsys.readouterr().out
    assert "cleanups  (DevOps" in out and "watchers  (DevOps" in out
    line = next(x for x in out.splitlines() if x.startswith("nightly cleanup"))
    assert "nightly()" in line and "2027-03-02 02:00 UTC" in line and "2027-03-01 02:00 UTC" in line
    assert next(x for x in out.splitlines() if x.startswith("deploy")).split()[1:3] == ["model", "Titanic"]
    assert main(["schedules", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {s["name"] for s in listed} == {"cleanups", "watchers"}
