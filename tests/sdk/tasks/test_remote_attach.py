"""Run by an agent: ``Task.init`` attaches to the task named by ``JUPYTER_TRACK_TASK_ID`` and the
values stored with it win over the script's (real child processes on a real store)."""
from __future__ import annotations

import json
from typing import Any

from jupyter_ext.store.rows import ConfigRow, ParamRow

SCRIPT = """
    import argparse, json, sys
    from dataclasses import dataclass
    from jupyter_ext import Task

    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--name", default="local")
    args = parser.parse_args()

    @dataclass
    class Opt:
        momentum: float = 0.9
        nesterov: bool = False

    task = Task.init(project_name="Remote attach", task_name="train")
    print("TASK_ID=" + task.id)
    params = {"lr": 0.1, "batch": 32, "layers": [64, 32], "flag": True, "nested": {"depth": 2}}
    returned = task.connect(params)
    opt = Opt()
    task.connect(opt, name="Opt")
    cfg = {"model": "small", "dropout": 0.1}
    got = task.connect_configuration(cfg, name="Model")
    kept = {"lr": 0.5}
    task.connect(kept, name="Kept", ignore_remote_overrides=True)
    print("PARAMS=" + json.dumps(params, sort_keys=True))
    print("RETURNED=" + json.dumps(dict(returned), sort_keys=True))
    print("ARGS=" + json.dumps(vars(args), sort_keys=True))
    print("OPT=" + json.dumps([opt.momentum, opt.nesterov]))
    print("CFG=" + json.dumps(got, sort_keys=True) + " SAME=" + str(got is cfg))
    print("KEPT=" + json.dumps(kept))
    print("LOCAL=" + str(Task.running_locally()))
    task.get_logger().report_scalar("loss", "train", params["lr"], 0)
"""


def _value(stdout: str, key: str) -> Any:
    for line in stdout.splitlines():
        if line.startswith(key + "="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no {key}= line in:\n{stdout}")


def test_a_clone_runs_with_its_edited_values(run_py: Any, task_id_of: Any, fresh_session: Any) -> None:
    local = run_py.run(SCRIPT, name="train.py")
    assert local.returncode == 0, local.stderr
    source = task_id_of(local.stdout)
    assert _value(local.stdout, "LOCAL") == "True"

    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    clone = backend.clone_task(source, name="train (edited)")
    # Edits as a user makes them: typed values, and text typed into a form.
    backend.set_parameters(clone.id, [ParamRow("General", "lr", "0.01", "str"),
                                      ParamRow("General", "batch", 64, "int"),
                                      ParamRow("General", "layers", "[128, 64, 32]", "str"),
                                      ParamRow("General", "flag", "false", "str"),
                                      ParamRow("General", "nested/depth", 5, "int"),
                                      ParamRow("General", "added", "from the UI", "str"),
                                      ParamRow("Args", "epochs", "7", "str"),
                                      ParamRow("Opt", "momentum", 0.5, "float"),
                                      ParamRow("Kept", "lr", 9.0, "float")])
    backend.set_configuration(clone.id, ConfigRow(name="Model", type="dictionary",
                                                  text=json.dumps({"model": "large", "dropout": 0.3})))
    fresh_session()

    remote = run_py.run(SCRIPT, name="train.py", env={"JUPYTER_TRACK_TASK_ID": clone.id})
    assert remote.returncode == 0, remote.stderr
    out = remote.stdout
    assert task_id_of(out) == clone.id  # attached, no new task
    params = json.loads(_value(out, "PARAMS"))
    assert params == {"lr": 0.01, "batch": 64, "layers": [128, 64, 32], "flag": False, "nested": {"depth": 5},
                      "added": "from the UI"}
    assert json.loads(_value(out, "RETURNED")) == params
    assert json.loads(_value(out, "ARGS")) == {"epochs": 7, "name": "local"}  # int again, unedited kept
    assert json.loads(_value(out, "OPT")) == [0.5, False]
    assert _value(out, "CFG") == '{"dropout": 0.3, "model": "large"} SAME=True'
    assert json.loads(_value(out, "KEPT")) == {"lr": 0.5}
    assert _value(out, "LOCAL") == "False"

    from jupyter_ext.core.rules.param_types import to_flat_dict

    backend = session.backend()
    row = backend.get_task(clone.id)
    assert (row.name, row.project_name, row.status) == ("train (edited)", "Remote attach", "completed")
    stored = to_flat_dict(backend.get_parameters(clone.id))
    assert stored["General/lr"] == 0.01 and stored["Args/epochs"] == 7 and stored["Kept/lr"] == 0.5
    assert stored["Opt/nesterov"] is False  # not stored before: recorded from the script
    assert backend.get_scalars(clone.id, max_samples=None)["loss"]["train"]["y"] == [0.01]
    assert len(backend.query_tasks(project_name="Remote attach")) == 2  # the source and the clone only


def test_an_unknown_task_id_is_a_clear_error(run_py: Any) -> None:
    done = run_py.run("""
        from jupyter_ext import Task
        Task.init(project_name="P", task_name="t")
    """, env={"CLEARML_TASK_ID": "0" * 32})
    assert done.returncode != 0
    assert "names no task" in done.stderr and "unset it" in done.stderr


def test_the_configuration_file_comes_back_as_the_stored_text(run_py: Any, task_id_of: Any,
                                                              fresh_session: Any, tmp_path: Any) -> None:
    (run_py.workdir / "conf.yaml").write_text("lr: 1\n")
    code = """
        from jupyter_ext import Task
        task = Task.init(project_name="P", task_name="cfg")
        print("TASK_ID=" + task.id)
        path = task.connect_configuration("conf.yaml", name="File")
        print("TEXT=" + open(path).read().strip())
    """
    first = run_py.run(code)
    assert first.returncode == 0, first.stderr
    from jupyter_ext.sdk import _session as session

    backend = session.backend()
    clone = backend.clone_task(task_id_of(first.stdout))
    backend.set_configuration(clone.id, ConfigRow(name="File", type="yaml", text="lr: 2\n"))
    fresh_session()
    second = run_py.run(code, env={"JUPYTER_TRACK_TASK_ID": clone.id})
    assert second.returncode == 0, second.stderr
    assert "TEXT=lr: 2" in second.stdout and "TEXT=lr: 1" in first.stdout
