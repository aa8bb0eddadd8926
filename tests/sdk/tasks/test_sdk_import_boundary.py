"""The SDK imports nothing from the Jupyter server or kernel stack (STYLE.md: a core that
knows nothing of Jupyter)."""
from __future__ import annotations

import json
from typing import Any

FORBIDDEN = ("jupyter_server", "tornado", "IPython", "ipywidgets", "traitlets")


def test_sdk_task_leaves_the_jupyter_stack_unimported(run_py: Any) -> None:
    out = run_py.run(f"""
import json, sys
import jupyter_ext.sdk.tasks.task
from jupyter_ext.sdk.tasks.task import Task
task = Task.init(project_name="Boundary", task_name="imports")
task.connect({{"a": 1}})
task.get_logger().report_scalar("a", "b", 1.0, 0)
task.close()
assert task.get_status() == "completed", task.get_status()
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({FORBIDDEN!r}))
print("LOADED=" + json.dumps(loaded))
""")
    assert out.returncode == 0, out.stderr
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("LOADED="))
    assert json.loads(line.split("=", 1)[1]) == []


def test_the_check_itself_sees_an_import(run_py: Any) -> None:
    # Guards the test above: the same probe reports a module that is imported.
    out = run_py.run("""
import sys
import traitlets
print("traitlets" in {name.split(".")[0] for name in sys.modules})
""")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
