"""fire, jsonargparse and Hydra arguments are captured as ClearML captures them, whether
Task.init runs before the command or inside it, and a clone run by an agent gets its edited
values back (real libraries, fresh interpreters, a real store)."""
from __future__ import annotations

from typing import Any

from jupyter_ext.store.rows import ParamRow

from .conftest import PRELUDE, result_of

FIRE_CLASS = PRELUDE + """
import fire

class Calculator:
    def __init__(self, offset=1):
        self.offset = offset

    def add(self, x, y=2):
        task = Task.init(project_name="Auto", task_name="fire class")   # inside the command
        done(task, total=x + y + self.offset)

fire.Fire(Calculator)
"""


def _clone(source: str, rows: list[ParamRow], configs: dict[str, str] | None = None) -> str:
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.store.rows import ConfigRow

    backend = session.backend()
    clone = backend.clone_task(source, name="edited")
    backend.set_parameters(clone.id, rows)
    for name, text in (configs or {}).items():
        backend.set_configuration(clone.id, ConfigRow(name=name, type="OmegaConf YAML", text=text))
    return clone.id


def test_fire_class_command_arguments_with_task_init_inside(run_py: Any, stored: Any) -> None:
    proc = run_py.run(FIRE_CLASS, args=("--offset", "10", "add", "5", "--", "--verbose"))
    out = result_of(proc)
    assert out["total"] == 17
    params = stored(out["id"]).get_parameters_as_dict()
    assert params["Args"] == {"offset": 10, "x": 5, "y": 2}   # fire's --verbose is not the command's


def test_fire_function_after_task_init_and_switched_off(run_py: Any, stored: Any) -> None:
    code = PRELUDE + """
import fire
task = Task.init(project_name="Auto", task_name="fire fn", auto_connect_frameworks=SWITCH,
                 reuse_last_task_id=False)

def hello(count, name="world", **extra):
    done(task, said=[name] * count)

fire.Fire(hello)
"""
    proc = run_py.run(code.replace("SWITCH", "True"), args=("2", "--name=ann", "--color", "red", "--", "--verbose"))
    out = result_of(proc)
    assert out["said"] == ["ann", "ann"]
    assert stored(out["id"]).get_parameters_as_dict()["Args"] == {"count": 2, "name": "ann", "color": "red"}
    proc = run_py.run(code.replace("SWITCH", "{'fire': False}"), args=("1",))
    assert "Args" not in stored(result_of(proc)["id"]).get_parameters_as_dict()


def test_fire_clone_runs_with_its_edited_values(run_py: Any, stored: Any, fresh_session: Any) -> None:
    first = result_of(run_py.run(FIRE_CLASS, name="calc.py", args=("add", "5")))
    assert first["total"] == 8
    clone = _clone(first["id"], [ParamRow("Args", "offset", "100", "str"), ParamRow("Args", "y", 7, "int")])
    fresh_session()
    again = result_of(run_py.run(FIRE_CLASS, name="calc.py", args=("add", "5"),
                                 env={"JUPYTER_TRACK_TASK_ID": clone}))
    assert again["id"] == clone and again["total"] == 5 + 7 + 100
    assert stored(clone).get_parameters_as_dict()["Args"] == {"offset": 100, "x": 5, "y": 7}
