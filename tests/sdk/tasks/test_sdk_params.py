"""connect, connect_configuration, configuration objects and flat parameters from the SDK."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_ext.errors import Conflict, InvalidArgument


@dataclasses.dataclass
class ModelConfig:
    layers: int = 3
    dropout: float = 0.25
    activation: str = "relu"
    residual: bool = True
    widths: tuple[int, ...] = (64, 32)


def test_connect_dict_returns_a_dict_that_records_later_changes(task: Any) -> None:
    config = task.connect({"lr": 0.001, "batch_size": 32, "augmentations": True})
    assert isinstance(config, dict)
    assert config == {"lr": 0.001, "batch_size": 32, "augmentations": True}
    config["lr"] = 0.01
    config["new"] = None
    config.update(batch_size=64)
    params = task.get_parameters()
    assert {k: v for k, v in params.items() if k.startswith("General/")} == {
        "General/lr": 0.01, "General/batch_size": 64, "General/augmentations": True, "General/new": None}
    assert type(params["General/batch_size"]) is int


def test_connect_dataclass_with_a_name(task: Any) -> None:
    cfg = ModelConfig()
    assert task.connect(cfg, name="model") is cfg
    assert task.get_parameters_as_dict()["model"] == {"layers": 3, "dropout": 0.25, "activation": "relu",
                                                      "residual": True, "widths": (64, 32)}


def test_connect_nested_dict_flattens(task: Any) -> None:
    task.connect({"optim": {"name": "adam", "betas": [0.9, 0.99]}, "n": 1}, name="train")
    params = task.get_parameters()
    assert params["train/optim/name"] == "adam"
    assert params["train/optim/betas"] == [0.9, 0.99]
    assert params["train/n"] == 1


def test_connect_object_and_class(task: Any) -> None:
    class Settings:
        alpha = 0.5
        _hidden = 1

    task.connect(Settings, name="cls")
    assert task.get_parameters_as_dict()["cls"] == {"alpha": 0.5}


@pytest.mark.parametrize("bad", [3, "text", [1, 2], None])
def test_connect_refuses_plain_values(task: Any, bad: Any) -> None:
    with pytest.raises(InvalidArgument, match="set_parameter"):
        task.connect(bad)


def test_types_are_kept_through_the_sdk(task: Any, Task: Any) -> None:
    task.connect({"i": 1, "f": 1.0, "b": False, "n": None, "l": [1], "t": (1, 2), "np": np.int64(5),
                  "s": "1"}, name="types")
    task.close()
    got = Task.get_task(task_id=task.id).get_parameters_as_dict()["types"]
    assert got == {"i": 1, "f": 1.0, "b": False, "n": None, "l": [1], "t": (1, 2), "np": 5, "s": "1"}
    assert [type(got[k]) for k in ("i", "f", "b", "t", "np", "s")] == [int, float, bool, tuple, int, str]


def test_set_parameters_replaces_update_parameters_merges(task: Any) -> None:
    task.connect({"a": 1, "b": 2})
    task.set_parameters({"Args/x": 1, "y": "v"})
    assert task.get_parameters() == {"Args/x": 1, "General/y": "v"}
    task.update_parameters({"Args/z": 2.5}, y="w")
    assert task.get_parameters() == {"Args/x": 1, "General/y": "w", "Args/z": 2.5}
    task.set_parameter("Args/x", 10, description="the x")
    assert task.get_parameter("Args/x") == 10
    assert task.get_parameter("y") == "w"
    assert task.get_parameter("missing", default="d") == "d"


def test_edited_get_parameters_written_back_on_a_live_task_and_a_clone(task: Any, Task: Any) -> None:
    # ClearML users edit what get_parameters() returned with the bare name and write it back
    task.connect({"lr": 0.1, "depth": 4})
    edited = task.get_parameters()
    edited["lr"] = 0.5
    task.set_parameters(edited)
    assert task.get_parameters() == {"General/lr": 0.5, "General/depth": 4}
    clone = Task.clone(task, name="edited clone")
    again = clone.get_parameters()
    again["depth"] = 8
    clone.set_parameters(again)
    task.close()
    assert Task.get_task(task_id=clone.id).get_parameters() == {"General/lr": 0.5, "General/depth": 8}
    assert Task.get_task(task_id=task.id).get_parameters() == {"General/lr": 0.5, "General/depth": 4}


def test_params_of_a_completed_task_need_force(task: Any, Task: Any) -> None:
    task.connect({"lr": 0.1})
    task.close()
    done = Task.get_task(task_id=task.id)
    with pytest.raises(Conflict, match="clone"):
        done.set_parameters({"General/lr": 0.2})
    assert done.get_parameters() == {"General/lr": 0.1}


def test_connect_configuration_dict(task: Any) -> None:
    cfg = {"model": {"depth": 4}, "lr": 0.1}
    assert task.connect_configuration(cfg, name="train config", description="d") is cfg
    assert task.get_configuration_object_as_dict("train config") == cfg
    assert json.loads(task.get_configuration_object("train config")) == cfg


def test_connect_configuration_file(task: Any, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("model:\n  depth: 4\n")
    assert task.connect_configuration(path, name="yaml") == path
    assert task.get_configuration_object("yaml") == "model:\n  depth: 4\n"
    assert task.get_configuration_object_as_dict("yaml") is None  # not JSON
    with pytest.raises(InvalidArgument, match="does not exist"):
        task.connect_configuration(str(tmp_path / "missing.yaml"))


def test_configuration_objects(task: Any) -> None:
    task.set_configuration_object("text cfg", config_text="a = 1")
    task.set_configuration_object("dict cfg", config_dict={"a": 1, "b": {"c": 2}})
    task.update_configuration("dict cfg", {"b": {"c": 3}, "d": 4})
    task.update_configuration("fresh", {"x": 1})
    assert task.get_configuration_object("text cfg") == "a = 1"
    assert task.get_configuration_object_as_dict("dict cfg") == {"a": 1, "b": {"c": 3}, "d": 4}
    assert task.get_configuration_object_as_dict("fresh") == {"x": 1}
    assert task.get_configuration_object("none") is None
    assert set(task.get_configuration_objects()) == {"text cfg", "dict cfg", "fresh"}
    with pytest.raises(InvalidArgument):
        task.set_configuration_object("bad", config_text="x", config_dict={})


def test_options_of_magics_are_not_hyperparameters(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run("""
import argparse
from IPython.core import magic_arguments
from jupyter_ext import Task
from jupyter_ext.notebook import magics
try:  # the %track line's own options are parsed, then the bad type is refused
    magics.track('"Proj/name" --type no-such-type')
except Exception as exc:
    assert "no-such-type" in str(exc), exc

@magic_arguments.magic_arguments()
@magic_arguments.argument("gui", nargs="?")
def matplotlib_magic(line):
    return magic_arguments.parse_argstring(matplotlib_magic, line)

matplotlib_magic("inline")
from traitlets.config import Application
Application().parse_command_line(["--Application.log_level=30"])  # a Jupyter app's command line
task = Task.init(project_name="Args", task_name="magics")
print("TASK_ID=" + task.id)
matplotlib_magic("inline")
Application().parse_command_line([])
user = argparse.ArgumentParser()
user.add_argument("--lr", type=float, default=0.1)
user.parse_args([])
""")
    assert out.returncode == 0, out.stderr
    from jupyter_ext.sdk.tasks.task import Task

    assert Task.get_task(task_id=task_id_of(out.stdout)).get_parameters_as_dict() == {"Args": {"lr": 0.1}}


def test_argparse_is_auto_connected_with_types(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run("""
import argparse
from jupyter_ext import Task
parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--name", default="run")
parser.add_argument("--flag", action="store_true")
parser.add_argument("--layers", type=int, nargs="+", default=[1])
parser.add_argument("--opt", default=None)
args = parser.parse_args()
task = Task.init(project_name="Args", task_name="argparse")
print("TASK_ID=" + task.id)
late = argparse.ArgumentParser()
late.add_argument("--late", type=int, default=7)
late.parse_args([])
""", args=("--lr", "0.5", "--epochs", "12", "--flag", "--layers", "4", "5"))
    assert out.returncode == 0, out.stderr
    from jupyter_ext.sdk.tasks.task import Task

    got = Task.get_task(task_id=task_id_of(out.stdout)).get_parameters_as_dict()["Args"]
    assert got == {"lr": 0.5, "epochs": 12, "name": "run", "flag": True, "layers": [4, 5], "opt": None, "late": 7}
    assert [type(got[k]) for k in ("lr", "epochs", "flag")] == [float, int, bool]
