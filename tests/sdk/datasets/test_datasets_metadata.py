"""What a version carries besides its files: metadata and attached files (the preparing script),
as ClearML's Dataset.set_metadata / get_metadata, and the task that made it."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.errors import InvalidArgument


def test_a_version_carries_its_preparing_script_and_metadata(Dataset: Any, write_files: Callable[..., Path],
                                                             tmp_path: Path) -> None:
    script = tmp_path / "prepare_data.py"
    script.write_text("# cleans the raw images\nprint('prepared')\n")
    v1 = Dataset.create(dataset_name="prep", dataset_project="DS")
    v1.add_files(write_files({"a.txt": b"a"}))
    v1.set_metadata(str(script), metadata_name="script")
    v1.set_metadata({"rows": 1, "source": "raw"})
    v1.finalize(auto_upload=True)

    again = Dataset.get(dataset_name="prep", dataset_project="DS", dataset_version=1)
    stored = again.get_metadata("script")
    assert Path(stored).name == "prepare_data.py"
    assert Path(stored).read_text() == script.read_text()
    assert again.get_metadata() == {"rows": 1, "source": "raw"}
    assert again.get_metadata("nothing") is None

    v2 = Dataset.create(dataset_name="prep", dataset_project="DS", parent_datasets=[v1])
    assert v2.get_metadata("script") is None and v2.get_metadata() is None  # per version, not inherited
    script.write_text("print('prepared differently')\n")
    v2.set_metadata(script, metadata_name="script")
    v2.set_metadata({"rows": 2})
    v2.set_metadata({"rows": 3})  # a name used again is replaced
    assert Path(v2.get_metadata("script")).read_text() == "print('prepared differently')\n"
    assert v2.get_metadata() == {"rows": 3}
    assert Path(Dataset.get(dataset_id=v1.id).get_metadata("script")).read_text().startswith("# cleans")


def test_dataframe_metadata_comes_back_as_a_dataframe_and_shows_as_a_table(Dataset: Any) -> None:
    pd = pytest.importorskip("pandas")
    from jupyter_ext.sdk import _session as session

    ds = Dataset.create(dataset_name="tab", dataset_project="DS")
    frame = pd.DataFrame({"label": ["cat", "dog"], "count": [10, 12]})
    ds.set_metadata(frame, metadata_name="classes")
    back = Dataset.get(dataset_id=ds.id).get_metadata("classes")
    assert back.to_dict("list") == {"label": ["cat", "dog"], "count": [10, 12]}
    assert any("classes" in str(p) for p in session.backend().get_plots(ds.id))


def test_a_missing_file_is_refused_and_nothing_is_attached(Dataset: Any, tmp_path: Path) -> None:
    ds = Dataset.create(dataset_name="bad", dataset_project="DS")
    with pytest.raises(InvalidArgument, match="does not exist"):
        ds.set_metadata(tmp_path / "no_such_script.py", metadata_name="script")
    assert ds.get_metadata("script") is None


def test_the_running_task_is_recorded_as_the_one_that_made_the_version(Dataset: Any, task: Any, Task: Any) -> None:
    ds = Dataset.create(dataset_name="made", dataset_project="DS")
    assert Task.get_task(task_id=ds.id).parent == task.id  # its script, packages and git state are there


def test_the_versions_task_is_reachable_as_clearml_scripts_reach_it(Dataset: Any) -> None:
    # ClearML's urbansounds example: dataset._task.upload_artifact(name="metadata", artifact_object=frame)
    import pandas as pd

    ds = Dataset.create(dataset_project="Audio", dataset_name="sounds")
    ds._task.upload_artifact(name="metadata", artifact_object=pd.DataFrame({"fold": [1, 2]}), wait_on_upload=True)
    assert ds._task.id == ds.id
    assert list(ds._task.artifacts["metadata"].get()["fold"]) == [1, 2]
