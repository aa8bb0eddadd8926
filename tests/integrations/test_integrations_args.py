"""click parameters become the Args section, like argparse's; the same switch and filters."""
from __future__ import annotations

from typing import Any

from jupyter_ext.store.rows import ParamRow

from .conftest import PRELUDE, result_of

CLI = PRELUDE + """
import click

@click.group()
@click.option("--seed", type=int, default=1)
def cli(seed):
    pass

@cli.command()
@click.option("--lr", type=float, default=0.1)
@click.option("--epochs", type=int, default=3)
@click.argument("data")
def train(lr, epochs, data):
    task = Task.init(project_name="Auto", task_name="click " + data, auto_connect_arg_parser=SWITCH)
    done(task)

cli()
"""


def test_click_parameters_parsed_before_task_init(run_py: Any, stored: Any) -> None:
    proc = run_py.run(CLI.replace("SWITCH", "True"), args=("--seed", "7", "train", "--lr", "0.5", "titanic.csv"))
    task = stored(result_of(proc)["id"])
    assert task.get_parameters_as_dict()["Args"] == {"seed": 7, "lr": 0.5, "epochs": 3, "data": "titanic.csv"}


def test_click_filters_and_switch_off(run_py: Any, stored: Any) -> None:
    proc = run_py.run(CLI.replace("SWITCH", "{'seed': False}"), args=("train", "d.csv"))
    assert stored(result_of(proc)["id"]).get_parameters_as_dict()["Args"] == {"lr": 0.1, "epochs": 3,
                                                                              "data": "d.csv"}
    proc = run_py.run(CLI.replace("SWITCH", "False"), args=("train", "e.csv"))
    assert "Args" not in stored(result_of(proc)["id"]).get_parameters_as_dict()


def test_click_command_invoked_after_task_init(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import click
task = Task.init(project_name="Auto", task_name="click later")

@click.command()
@click.option("--batch-size", type=int, default=32)
def main(batch_size):
    print("batch", batch_size)

main(["--batch-size", "64"], standalone_mode=False)
done(task)
""")
    task = stored(result_of(proc)["id"])
    assert task.get_parameters_as_dict()["Args"] == {"batch_size": 64}


CLICK_REMOTE = PRELUDE + """
import click
seeds = []

@click.group()
@click.option("--seed", type=int, default=1)
def cli(seed):
    seeds.append(seed)

@cli.command()
@click.option("--lr", type=float, default=0.1)
@click.option("--epochs", type=int, default=3)
@click.argument("data")
def train(lr, epochs, data):
    task = Task.init(project_name="Auto", task_name="click clone")
    done(task, got=[seeds[0], lr, epochs, data])

cli()
"""


def test_click_clone_runs_with_its_edited_values(run_py: Any, fresh_session: Any) -> None:
    argv = ("--seed", "7", "train", "--lr", "0.5", "a.csv")
    first = result_of(run_py.run(CLICK_REMOTE, name="cli.py", args=argv))
    assert first["got"] == [7, 0.5, 3, "a.csv"]
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    clone = backend.clone_task(first["id"], name="edited")
    backend.set_parameters(clone.id, [ParamRow("Args", "lr", "0.01", "str"), ParamRow("Args", "seed", 3, "int"),
                                      ParamRow("Args", "data", "b.csv", "str")])
    fresh_session()
    again = result_of(run_py.run(CLICK_REMOTE, name="cli.py", args=argv, env={"JUPYTER_TRACK_TASK_ID": clone.id}))
    assert (again["id"], again["got"]) == (clone.id, [3, 0.01, 3, "b.csv"])
