"""ClearML's Task additions: add_requirements / ignore_requirements before Task.init, user
properties, reload() after others changed the task, TaskParameters, and ClearML's import paths."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument


@pytest.fixture
def requirements_registry() -> Iterator[None]:
    from jupyter_ext.sdk.tasks import requirements

    requirements.forget_for_tests()
    yield
    requirements.forget_for_tests()


def test_added_and_ignored_requirements_land_in_the_recorded_ones(run_py: Any, task_id_of: Any,
                                                                    tmp_path: Path) -> None:
    reqs = tmp_path / "requirements.txt"
    reqs.write_text("# pinned\nrequests>=2.0  # http\nnot-installed-pkg==1.2 ; python_version >= '3'\n"
                    "skipped-pkg==1 ; python_version < '3'\n-e ./local_pkg\n")
    out = run_py.run(f"""
        from jupyter_ext import Task
        Task.add_requirements("tensorflow", "2.4.0")
        Task.add_requirements("torchvision", ">=0.15")
        Task.add_requirements("numpy")             # the installed version
        Task.add_requirements("unversioned", "")   # no version limit
        Task.add_requirements({str(reqs)!r})
        Task.ignore_requirements("SQLAlchemy")
        task = Task.init(project_name="Reqs", task_name="forced")
        print("TASK_ID=" + task.id)
        task.close()
    """)
    assert out.returncode == 0, out.stderr
    from jupyter_ext.sdk.tasks.task import Task

    text = Task.get_task(task_id=task_id_of(out.stdout)).data["script"]["requirements"]
    lines = text.splitlines()
    import numpy

    assert "tensorflow==2.4.0" in lines and "torchvision>=0.15" in lines and "unversioned" in lines
    assert f"numpy=={numpy.__version__}" in lines
    assert "requests>=2.0" in lines and "not-installed-pkg==1.2" in lines and "-e ./local_pkg" in lines
    assert not any(line.lower().startswith(("sqlalchemy", "skipped-pkg")) for line in lines)


def test_add_requirements_after_init_warns_and_bad_input_is_refused(Task: Any, requirements_registry: None,
                                                                     tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("!!nonsense\n")
    with pytest.raises(InvalidArgument, match="line 1"):
        Task.add_requirements(str(bad))
    with pytest.raises(InvalidArgument, match="package_name"):
        Task.add_requirements("")
    task = Task.init(project_name="Reqs", task_name="late")
    with pytest.warns(UserWarning, match="before Task.init"):
        Task.add_requirements("late-package")
    task.close()


def test_user_properties_are_the_properties_section_and_keep_their_types(Task: Any) -> None:
    task = Task.init(project_name="Props", task_name="t")
    task.set_user_properties(owner="ann", dataset_rev=3)
    task.set_user_properties(backbone={"value": "resnet", "description": "network type"})
    task.set_user_properties({"name": "stable", "value": True}, [{"name": "lr", "value": 0.1}])
    assert task.get_user_properties(value_only=True) == {"owner": "ann", "dataset_rev": 3, "backbone": "resnet",
                                                         "stable": True, "lr": 0.1}
    detail = task.get_user_properties()["backbone"]
    assert detail["section"] == "properties" and detail["value"] == "resnet"
    assert detail["description"] == "network type"
    assert task.get_parameters()["properties/owner"] == "ann"
    task.connect({"epochs": 5})
    assert task.delete_user_properties("owner", ("properties", "lr"), {"name": "stable"})
    assert task.get_user_properties(value_only=True) == {"dataset_rev": 3, "backbone": "resnet"}
    assert task.get_parameters()["General/epochs"] == 5  # other sections untouched
    assert not task.delete_user_properties("no-such")
    with pytest.raises(InvalidArgument, match="value"):
        task.set_user_properties(x={"description": "no value"})
    task.close()
    # notes about a finished run may change; how it ran may not
    done = Task.get_task(task_id=task.id)
    done.set_user_properties(reviewed=True)
    assert done.delete_user_properties("dataset_rev")
    assert done.get_user_properties(value_only=True) == {"backbone": "resnet", "reviewed": True}
    from jupyter_ext.errors import Conflict

    with pytest.raises(Conflict, match="completed"):
        done.set_parameter("General/epochs", 6)


def test_reload_reads_what_another_process_changed(Task: Any, run_py: Any) -> None:
    task = Task.create(project_name="Reload", task_name="watched")
    before = task._data["status"]
    out = run_py.run(f"""
        from jupyter_ext import Task
        t = Task.get_task(task_id="{task.id}")
        t.set_name("renamed elsewhere")
        t.add_tags(["seen"])
        t.mark_started(force=True)
    """)
    assert out.returncode == 0, out.stderr
    assert task._data["name"] == "watched" and task._data["status"] == before  # the copy in hand is old
    task.reload()
    assert task._data["name"] == "renamed elsewhere" and task._data["status"] == "in_progress"
    assert task.name == "renamed elsewhere" and "seen" in task.get_tags()


def test_task_parameters_validate_and_connect(Task: Any) -> None:
    from jupyter_ext.task_parameters import TaskParameters, param, percent_param

    class MyParams(TaskParameters):
        iterations = param(type=int, desc="Number of iterations", range=(0, 100000))
        target_accuracy = percent_param(desc="The target accuracy")
        name = param(type=str, default="run")

    params = MyParams(iterations=1000, target_accuracy=0.95)
    assert params.to_dict() == {"iterations": 1000, "target_accuracy": 0.95, "name": "run"}
    with pytest.raises(ValueError, match=r"target_accuracy must be in range \[0, 1\]"):
        MyParams(iterations=1, target_accuracy=1.5)
    with pytest.raises(TypeError, match="iterations must be int"):
        MyParams(iterations="many", target_accuracy=0.5)
    with pytest.raises(ValueError, match="Unknown key"):
        params.update_from_dict({"nope": 1})
    task = Task.init(project_name="TP", task_name="t")
    assert task.connect(params, name="from TaskParameters") is params
    params.update_from_dict({"iterations": 7})
    params.connect(task)
    got = task.get_parameters_as_dict()["from TaskParameters"]
    assert got == {"iterations": 1000, "target_accuracy": 0.95, "name": "run"}
    assert task.get_parameters_as_dict()["General"]["iterations"] == 7
    task.close()


def test_clearml_import_paths_resolve() -> None:
    from jupyter_ext import Logger, PipelineController, PipelineDecorator, StorageManager
    from jupyter_ext.automation.controller import PipelineController as PC
    from jupyter_ext.automation.controller import PipelineDecorator as PD
    from jupyter_ext.storage import StorageManager as SM
    from jupyter_ext.utilities.plotly_reporter import SeriesInfo

    assert SeriesInfo is Logger.SeriesInfo and PC is PipelineController and PD is PipelineDecorator
    assert SM is StorageManager
    assert SeriesInfo("s", [[0, 1]]).name == "s"
