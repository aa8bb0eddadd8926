"""``jupyter track schedules``: the schedulers and trigger services, with each entry's next run,
last runs and the tasks they launched (read from the state each service stores)."""
from __future__ import annotations

import argparse
import json
from typing import Any

SERVICE_TAGS = ("task-scheduler", "trigger-scheduler")
STATE_CONFIG = "Automation State"  # sdk/automation/service_task.py; not imported: it loads the SDK


def _services(backend: Any) -> list[tuple[Any, dict[str, Any]]]:
    out = []
    for row in backend.query_tasks(types=["service"]):
        if not set(SERVICE_TAGS) & set(row.system_tags):
            continue
        state: dict[str, Any] = {}
        for config in backend.get_configurations(row.id):
            if config.name == STATE_CONFIG:
                try:
                    state = json.loads(config.text)
                except ValueError:
                    state = {"error": "the stored state is not valid JSON"}
        out.append((row, state))
    return out


def _when(value: Any) -> str:
    if not value:
        return "-"
    if isinstance(value, (int, float)):
        from jupyter_ext.cli.main import _ago

        return _ago(float(value))
    return str(value).replace("T", " ")[:16] + (" UTC" if str(value).endswith("+00:00") else "")


def cmd_schedules(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _backend, _table

    found = _services(_backend())
    if args.json:
        print(json.dumps([{"task": row.id, "name": row.name, "project": row.project_name, "status": row.status,
                           "state": state} for row, state in found], indent=2, default=str))
        return 0
    if not found:
        print("no schedulers or trigger services yet; see TaskScheduler and TriggerScheduler in "
              "jupyter_ext.automation")
        return 0
    for row, state in found:
        print(f"{row.name}  ({row.project_name}, task {row.id}, {row.status})")
        if state.get("kind") == "task-scheduler":
            rows = []
            for e in state.get("entries") or []:
                target = f"task {str(e.get('task'))[:12]} -> {e.get('queue')}" if e.get("task") else \
                    f"{e.get('function')}()"
                runs = [h for h in e.get("history") or [] if h.get("task")]
                schedule = " ".join(f"{k}={v}" for k, v in (e.get("schedule") or {}).items())
                rows.append([str(e.get("name")), target, f"{schedule} ({e.get('timezone')})",
                             "done" if e.get("done") else _when(e.get("next_fire")), _when(e.get("last_fire")),
                             str(len(runs)), str(e.get("last_task") or "-")])
            print(_table(rows, ["ENTRY", "TARGET", "SCHEDULE", "NEXT RUN", "LAST RUN", "RUNS", "LAST TASK"]))
        elif state.get("kind") == "trigger-scheduler":
            rows = []
            history = state.get("history") or []
            for t in state.get("triggers") or []:
                fires = [h for h in history if h.get("trigger") == t.get("name") and h.get("what") != "already fired"]
                target = f"task {str(t.get('task'))[:12]} -> {t.get('queue')}" if t.get("task") else \
                    f"{t.get('function')}()"
                rows.append([str(t.get("name")), str(t.get("kind")), str(t.get("project") or "*"), target,
                             _when(fires[-1]["at"]) if fires else "-", str(len(fires)), str(t.get("last_task") or "-")])
            print(_table(rows, ["TRIGGER", "ON", "PROJECT", "TARGET", "LAST FIRED", "FIRES", "LAST TASK"]))
        else:
            print("  (no state stored yet)")
        print()
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schedules", help="schedulers and triggers: next run, last runs, their tasks")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_schedules)
