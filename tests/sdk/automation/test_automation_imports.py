"""``jupyter_ext.automation`` leaves the Jupyter server and kernel stack unimported."""
from __future__ import annotations

import json
from typing import Any

FORBIDDEN = ("jupyter_server", "tornado", "IPython", "ipywidgets", "traitlets")


def test_automation_imports_nothing_of_jupyter(run_py: Any) -> None:
    out = run_py.run(f"""
import json, sys
from jupyter_ext.automation import HyperParameterOptimizer, TaskScheduler, TriggerScheduler, GridSearch
import jupyter_ext.automation.optuna
sched = TaskScheduler()
sched.add_task(schedule_function=print, minute="*")
sched.run_pending()
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({FORBIDDEN!r}))
print("LOADED=" + json.dumps(loaded))
""")
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("LOADED="))
    assert json.loads(line.split("=", 1)[1]) == []
