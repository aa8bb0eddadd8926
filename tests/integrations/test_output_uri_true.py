"""``output_uri=True`` means the default files store, as in ClearML: with no destination set,
framework saves are uploaded to this store's blobs, so saving to one path again keeps both."""
from __future__ import annotations

from typing import Any

from .conftest import PRELUDE, result_of


def test_output_uri_true_uploads_each_save_to_the_store(run_py: Any, stored: Any) -> None:
    proc = run_py.run(PRELUDE + """
import joblib
task = Task.init(project_name="Auto", task_name="sk", output_uri=True, auto_connect_frameworks={"scikit": "*.joblib"})
joblib.dump({"weights": 1}, "model.joblib")
joblib.dump({"weights": 2}, "model.joblib")     # the same file again: ClearML's two models stay apart
done(task)
""", timeout=120)
    task = stored(result_of(proc)["id"])
    (model,) = task.models["output"]
    versions = model.versions()
    assert [v.version for v in versions] == [1, 2]
    assert all(not v.url.endswith("model.joblib") for v in versions), "registered by path, not uploaded"
    import joblib

    assert [joblib.load(v.get_local_copy())["weights"] for v in versions] == [1, 2]
    (run_py.workdir / "model.joblib").unlink()  # the uploads do not depend on the local file
    assert joblib.load(model.get_local_copy())["weights"] == 2


def test_assigning_true_to_output_uri_is_the_store_too(Task: Any) -> None:
    task = Task.init(project_name="Auto", task_name="assign", reuse_last_task_id=False, output_uri=False)
    assert task.get_output_destination() == ""
    task.output_uri = True
    assert task.get_output_destination() not in ("", "True")
    task.close()
