"""ClearML-style scripts written for this project, one per API of the compatibility promise.

Each script in ``scripts/`` is what a ClearML user writes, with only the import changed. It runs
in a fresh ``python`` process (its own folder, this test's tracker home, no network needed), and
the test then reads the same home through the SDK and checks what landed.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

SCRIPTS = Path(__file__).parent / "scripts"
REPO = Path(__file__).resolve().parents[2]


def run(script: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(SCRIPTS / script, work / script)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run([sys.executable, script, *args], cwd=work, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def printed(done: subprocess.CompletedProcess[str], key: str) -> str:
    return next(line.split("=", 1)[1] for line in done.stdout.splitlines() if line.startswith(key + "="))


def only_task(Task: Any, name: str) -> Any:
    tasks = Task.get_tasks(project_name="Corpus", task_name=f"^{name}$")
    assert len(tasks) == 1, [t.name for t in tasks]
    return tasks[0]


def check_storage(Task: Any, done: Any) -> None:
    task = only_task(Task, "storage")
    assert task.status == "completed" and list(task.artifacts) == ["table"]
    assert printed(done, "UNREACHABLE_ERROR")


def check_task_api(Task: Any, done: Any) -> None:
    task = Task.get_task(task_id=printed(done, "TASK_ID"))
    assert task.get_user_properties(value_only=True) == {"owner": "bob", "dataset_rev": 3}
    params = task.get_parameters()
    assert params["General/lr"] == 0.5 and params["General/epochs"] == 3 and "lr" not in params
    requirements = str(task.data["script"].get("requirements"))
    assert "numpy>=1.20" in requirements and "pandas>=1.0" in requirements, requirements


def check_parameters(Task: Any, done: Any) -> None:
    task = only_task(Task, "parameters")
    params = task.get_parameters()
    assert params["General/iterations"] == 1000 and params["General/target_accuracy"] == 0.9, params
    assert "target_accuracy" in printed(done, "REFUSED")
    (plot,) = task.get_reported_plots()
    assert plot["metric"] == "loss curves"
    assert [t["name"] for t in __import__("json").loads(plot["plot_str"])["data"]] == ["train", "val"]


def check_pipeline(Task: Any, done: Any) -> None:
    assert printed(done, "DECORATED_RESULT") == "6"
    decorated = only_task(Task, "decorated")
    assert decorated.task_type == "controller" and decorated.status == "completed"
    assert only_task(Task, "double").status == "completed"
    controller = Task.get_task(task_id=printed(done, "CONTROLLER_ID"))
    assert controller.status == "completed"
    count = only_task(Task, "count")
    assert count.artifacts["size"].get() == 4


def check_model_plots(Task: Any, done: Any) -> None:
    from jupyter_ext import Model

    model = Model(model_id=printed(done, "MODEL_ID"))
    titles = {p["title"] for p in model.get_reported_plots()}
    assert titles == {"Summary", "Accuracy", "hist", "confusion", "scatter", "surface", "scatter3d", "vector",
                      "matrix", "plotly"}, titles
    assert model.get_reported_single_values() == {"epochs": 8}
    assert only_task(Task, "model plots").models["output"][0].id == model.id


def check_fire(Task: Any, done: Any) -> None:
    params = only_task(Task, "fire").get_parameters()
    assert params["Args/epochs"] == 3 and params["Args/name"] == "big", params
    assert not any(k.startswith("Args/") and k[5:] in ("help", "trace", "verbose", "interactive", "completion")
                   for k in params), params
    assert printed(done, "TRAINED") == "3,0.01,big"


def check_hydra(Task: Any, done: Any) -> None:
    task = only_task(Task, "hydra")
    import yaml

    config = yaml.safe_load(task.get_configuration_object("OmegaConf"))  # YAML text, as ClearML stores it
    assert config == {"data": {"path": "data.csv", "batch": 64}, "lr": 0.5}, config
    params = task.get_parameters()
    assert params.get("Hydra/lr") == "0.5" or params.get("Hydra/lr") == 0.5, params
    assert not [k for k in params if k.startswith("Args/")], params


def check_jsonargparse(Task: Any, done: Any) -> None:
    params = only_task(Task, "jsonargparse").get_parameters()
    assert params["Args/epochs"] == 5 and params["Args/model"] == "large", params
    assert printed(done, "FIT") == "large,5,0.1"


def check_model_loads(Task: Any, done: Any) -> None:
    task = only_task(Task, "model loads")
    inputs = sorted(m.name for m in task.models["input"])
    assert len(inputs) == 3, inputs
    assert task.models["output"] == [] or len(task.models["output"]) == 0


CASES: dict[str, tuple[tuple[str, ...], Callable[[Any, Any], None]]] = {
    "storage.py": ((), check_storage),
    "task_api.py": ((), check_task_api),
    "parameters.py": ((), check_parameters),
    "pipeline.py": ((), check_pipeline),
    "model_plots.py": ((), check_model_plots),
    "fire_cli.py": (("--epochs", "3", "--name", "big"), check_fire),
    "hydra_app.py": (("lr=0.5", "data.batch=64"), check_hydra),
    "jsonargparse_cli.py": (("--model", "large", "--epochs", "5"), check_jsonargparse),
    "model_loads.py": ((), check_model_loads),
}


def test_every_script_has_a_check() -> None:
    assert sorted(p.name for p in SCRIPTS.glob("*.py")) == sorted(CASES)


@pytest.mark.parametrize("script", sorted(CASES))
def test_script(script: str, Task: Any, tmp_path: Path) -> None:
    args, check = CASES[script]
    done = run(script, tmp_path, *args)
    check(Task, done)
