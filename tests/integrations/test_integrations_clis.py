"""fire, jsonargparse and Hydra arguments are captured as ClearML captures them, whether
Task.init runs before the command or inside it, and a clone run by an agent gets its edited
values back (real libraries, fresh interpreters, a real store)."""
from __future__ import annotations

from typing import Any

import pytest

from jupyter_ext.store.rows import ParamRow

from .conftest import PRELUDE, result_of

FIRE_CLASS = PRELUDE + """
import fire

class Calculator:
    def __init__(self, offset=1):
        self.offset = offset

    def add(self, x, y=2, cast=float):                              # a default fire cannot parse back
        task = Task.init(project_name="Auto", task_name="fire class")   # inside the command
        done(task, total=cast(x + y + self.offset))

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
    assert params["Args"] == {"offset": 10, "x": 5, "y": 2, "cast": "<class 'float'>"}  # not fire's --verbose


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
    assert stored(clone).get_parameters_as_dict()["Args"] == {"offset": 100, "x": 5, "y": 7,
                                                              "cast": "<class 'float'>"}


JSONARGPARSE = PRELUDE + """
from dataclasses import dataclass
from jsonargparse import ArgumentParser

@dataclass
class Optim:
    lr: float = 0.1
    momentum: float = 0.9

task = Task.init(project_name="Auto", task_name="jsonargparse")
parser = ArgumentParser()
parser.add_argument("--config", action="config")
parser.add_argument("--optim", type=Optim, default=Optim())
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--layers", type=list[int], default=[64, 32])
args = parser.parse_args()
done(task, lr=args.optim.lr, epochs=args.epochs, layers=args.layers)
"""


def test_jsonargparse_values_and_config_file_and_the_clone(run_py: Any, stored: Any, fresh_session: Any) -> None:
    (run_py.workdir / "train.yaml").write_text("epochs: 8\noptim:\n  momentum: 0.5\n")
    first = result_of(run_py.run(JSONARGPARSE, name="ja.py", args=("--config", "train.yaml", "--optim.lr", "0.3")))
    assert (first["lr"], first["epochs"]) == (0.3, 8)
    args = stored(first["id"]).get_parameters_as_dict()["Args"]
    assert args == {"config": ["train.yaml"], "optim.lr": 0.3, "optim.momentum": 0.5, "epochs": 8,
                    "layers": [64, 32]}
    assert "--config" not in str(args) and "help" not in args  # jsonargparse's, not argparse's, capture

    clone = _clone(first["id"], [ParamRow("Args", "optim.lr", "0.01", "str"), ParamRow("Args", "epochs", 2, "int"),
                                 ParamRow("Args", "layers", "[8]", "str")])
    fresh_session()
    again = result_of(run_py.run(JSONARGPARSE, name="ja.py", args=("--config", "train.yaml", "--optim.lr", "0.3"),
                                 env={"JUPYTER_TRACK_TASK_ID": clone}))
    assert (again["id"], again["lr"], again["epochs"], again["layers"]) == (clone, 0.01, 2, [8])


LIGHTNING_CLI = PRELUDE + """
from lightning.pytorch.cli import LightningCLI
from lightning.pytorch.demos.boring_classes import DemoModel, BoringDataModule
task = Task.init(project_name="Auto", task_name="lightning cli")
cli = LightningCLI(DemoModel, BoringDataModule, save_config_kwargs={"overwrite": True})
done(task, epochs=cli.trainer.max_epochs, out_dim=cli.model.l1.out_features)
"""
LIGHTNING_ARGS = ("fit", "--trainer.max_epochs=1", "--trainer.limit_train_batches=2", "--trainer.limit_val_batches=1",
                  "--trainer.enable_progress_bar=false", "--trainer.logger=false", "--model.out_dim=4")


@pytest.mark.slow
def test_lightning_cli_through_jsonargparse_and_its_clone(run_py: Any, stored: Any, fresh_session: Any) -> None:
    first = result_of(run_py.run(LIGHTNING_CLI, name="cli.py", args=LIGHTNING_ARGS, timeout=240))
    assert (first["epochs"], first["out_dim"]) == (1, 4)
    args = stored(first["id"]).get_parameters_as_dict()["Args"]
    assert args["subcommand"] == "fit"
    assert args["fit.trainer.max_epochs"] == 1 and args["fit.model.out_dim"] == 4
    assert "fit.trainer.accelerator" in args                  # defaults too: every parsed value

    clone = _clone(first["id"], [ParamRow("Args", "fit.trainer.max_epochs", "2", "str"),
                                 ParamRow("Args", "fit.model.out_dim", 3, "int")])
    fresh_session()
    again = result_of(run_py.run(LIGHTNING_CLI, name="cli.py", args=LIGHTNING_ARGS, timeout=240,
                                 env={"JUPYTER_TRACK_TASK_ID": clone}))
    assert (again["id"], again["epochs"], again["out_dim"]) == (clone, 2, 3)


HYDRA = PRELUDE + """
import hydra
from omegaconf import OmegaConf

@hydra.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    task = Task.init(project_name="Auto", task_name="hydra", reuse_last_task_id=False)
    done(task, cfg=OmegaConf.to_container(cfg, resolve=True))

app()
"""


def _hydra_files(workdir: Any) -> None:
    (workdir / "conf" / "db").mkdir(parents=True)
    (workdir / "conf" / "config.yaml").write_text("defaults:\n  - db: sqlite\n  - _self_\n"
                                                  "train:\n  lr: 0.1\n  epochs: 3\n  name: run-${train.epochs}\n")
    (workdir / "conf" / "db" / "sqlite.yaml").write_text("driver: sqlite\nport: 0\n")
    (workdir / "conf" / "db" / "postgres.yaml").write_text("driver: postgres\nport: 5432\n")


def test_hydra_config_overrides_and_no_hydra_flags_in_args(run_py: Any, stored: Any) -> None:
    _hydra_files(run_py.workdir)
    out = result_of(run_py.run(HYDRA, args=("train.lr=0.5", "db=postgres", "+extra=1", "hydra.job.chdir=False"),
                               timeout=120))
    assert out["cfg"]["train"] == {"lr": 0.5, "epochs": 3, "name": "run-3"} and out["cfg"]["db"]["port"] == 5432
    task = stored(out["id"])
    params = task.get_parameters_as_dict()
    assert params["Hydra"] == {"train.lr": "0.5", "db": "postgres", "extra": "1", "_allow_omegaconf_edit_": False}
    assert "Args" not in params                                 # Hydra's own argparse flags are not the app's
    text = task.get_configuration_object("OmegaConf")
    assert "name: run-${train.epochs}" in text and "port: 5432" in text  # composed, interpolations kept


def test_hydra_clone_with_edited_overrides_or_an_edited_config(run_py: Any, stored: Any,
                                                              fresh_session: Any) -> None:
    _hydra_files(run_py.workdir)
    first = result_of(run_py.run(HYDRA, name="app.py", args=("train.lr=0.5",), timeout=120))
    edited = _clone(first["id"], [ParamRow("Hydra", "train.lr", "0.01", "str"),
                                  ParamRow("Hydra", "train.epochs", "9", "str"),
                                  ParamRow("Hydra", "db", "postgres", "str")])
    fresh_session()
    again = result_of(run_py.run(HYDRA, name="app.py", args=("train.lr=0.5",), timeout=120,
                                 env={"JUPYTER_TRACK_TASK_ID": edited}))
    assert again["id"] == edited
    assert again["cfg"]["train"] == {"lr": 0.01, "epochs": 9, "name": "run-9"} and again["cfg"]["db"]["port"] == 5432

    whole = _clone(first["id"], [ParamRow("Hydra", "_allow_omegaconf_edit_", True, "bool")],
                   configs={"OmegaConf": "train:\n  lr: 0.7\n  epochs: 1\n  name: whole\n"})
    fresh_session()
    third = result_of(run_py.run(HYDRA, name="app.py", timeout=120, env={"JUPYTER_TRACK_TASK_ID": whole}))
    assert third["cfg"] == {"train": {"lr": 0.7, "epochs": 1, "name": "whole"}}


def test_hydra_multirun_records_a_task_per_job_and_the_switch(run_py: Any, stored: Any) -> None:
    _hydra_files(run_py.workdir)
    code = PRELUDE + """
import hydra
from jupyter_ext import Task

@hydra.main(config_path="conf", config_name="config", version_base=None)
def app(cfg):
    task = Task.init(project_name="Auto", task_name="sweep", auto_connect_frameworks=SWITCH)
    task.get_logger().report_scalar("lr", "lr", cfg.train.lr, 0)
    print("JOB=" + task.id, flush=True)

app()
"""
    proc = run_py.run(code.replace("SWITCH", "True"), args=("--multirun", "train.lr=0.1,0.2"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    jobs = [line[4:] for line in proc.stdout.splitlines() if line.startswith("JOB=")]
    assert len(set(jobs)) == 2
    tasks = [stored(j) for j in jobs]
    assert [t.get_parameters_as_dict()["Hydra"]["train.lr"] for t in tasks] == ["0.1", "0.2"]
    assert all(t.status == "completed" and "Args" not in t.get_parameters_as_dict() for t in tasks)

    proc = run_py.run(code.replace("SWITCH", "{'hydra': False}"), args=("train.lr=0.3",), timeout=120)
    assert proc.returncode == 0, proc.stderr
    (job,) = [line[4:] for line in proc.stdout.splitlines() if line.startswith("JOB=")]
    assert stored(job).get_parameters_as_dict() == {} and stored(job).get_configuration_objects() == {}


ABSL = PRELUDE + """
from absl import app, flags

flags.DEFINE_integer("epochs", 10, "Number of epochs")
flags.DEFINE_float("lr", 0.01, "Learning rate")
flags.DEFINE_bool("cuda", True, "Use CUDA")
FLAGS = flags.FLAGS

def main(_):
    task = Task.init(project_name="Auto", task_name="abseil", auto_connect_arg_parser=SWITCH, reuse_last_task_id=False)
    done(task, epochs=FLAGS.epochs, lr=FLAGS.lr, cuda=FLAGS.cuda)

app.run(main)
"""


@pytest.mark.slow
def test_abseil_flags_of_the_script_and_the_clone(run_py: Any, stored: Any, fresh_session: Any) -> None:
    # ClearML's pytorch_abseil example: the script's own flags in TF_DEFINE (not abseil's or other libraries')
    first = result_of(run_py.run(ABSL.replace("SWITCH", "True"), name="absl_app.py",
                                 args=("--epochs", "2", "--nocuda")))
    assert (first["epochs"], first["cuda"]) == (2, False)
    assert stored(first["id"]).get_parameters_as_dict()["TF_DEFINE"] == {"epochs": 2, "lr": 0.01, "cuda": False}
    clone = _clone(first["id"], [ParamRow("TF_DEFINE", "epochs", "7", "str"),
                                 ParamRow("TF_DEFINE", "lr", 0.5, "float")])
    fresh_session()
    again = result_of(run_py.run(ABSL.replace("SWITCH", "True"), name="absl_app.py", args=("--epochs", "2"),
                                 env={"JUPYTER_TRACK_TASK_ID": clone}))
    assert again["id"] == clone and (again["epochs"], again["lr"]) == (7, 0.5)
    off = result_of(run_py.run(ABSL.replace("SWITCH", "{'lr': False}"), name="absl_app.py"))
    assert stored(off["id"]).get_parameters_as_dict()["TF_DEFINE"] == {"epochs": 10, "cuda": True}
