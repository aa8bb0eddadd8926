"""A model's own plots (OutputModel.report_table, report_line_plot, … every Logger plot kind),
stored on the model, on the local store and against a real server over HTTP."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.server.background import BackgroundServer


@pytest.fixture(params=["local", "http"])
def where(request: pytest.FixtureRequest, track_home: Path, tmp_path: Path, db_url: str,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from jupyter_ext.sdk import _session as session

    if request.param == "local":
        session.reset_for_tests()
        yield "local"
        return
    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    access, secret = server.create_key("sdk")
    monkeypatch.setenv("JUPYTER_TRACK_API_HOST", server.url)
    monkeypatch.setenv("JUPYTER_TRACK_ACCESS_KEY", access)
    monkeypatch.setenv("JUPYTER_TRACK_SECRET_KEY", secret)
    session.reset_for_tests()
    yield "http"
    session.reset_for_tests()
    server.stop()


def test_every_plot_kind_lands_on_the_model_not_the_task(where: str) -> None:
    import numpy as np

    from jupyter_ext import Logger, Model, OutputModel, Task

    task = Task.init(project_name="Model plots", task_name="eval", reuse_last_task_id=False)
    out = OutputModel(task=task, name="net")
    out.report_table("metrics", "val", iteration=0, table_plot=[["name", "value"], ["acc", 0.9]])
    out.report_line_plot("roc", [Logger.SeriesInfo("model", [[0, 0], [0.5, 0.8], [1, 1]])], "fpr", "tpr")
    out.report_scatter2d("points", "s", np.array([[0, 1], [1, 2]]), iteration=1)
    out.report_scatter3d("cloud", "s", [[0, 1, 2], [1, 2, 3]], iteration=1)
    out.report_histogram("hist", "h", [1, 2, 3], iteration=np.int64(1))  # a numpy int, over HTTP too
    out.report_vector("vec", "v", [3, 2, 1], iteration=1)
    out.report_confusion_matrix("cm", "val", np.eye(2), iteration=1)
    out.report_matrix("mat", "m", np.ones((2, 2)), iteration=1)
    out.report_surface("surf", "s", np.ones((3, 3)), iteration=1)
    out.report_plotly("custom", "p", {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {}}, iteration=2)
    out.report_table("metrics", "val", iteration=0, table_plot=[["name", "value"], ["acc", 0.95]])  # replaces
    plots = Model(out.id).get_reported_plots()
    titles = [p["title"] for p in plots]
    assert sorted(titles) == sorted(["metrics", "roc", "points", "cloud", "hist", "vec", "cm", "mat", "surf",
                                     "custom"])
    table = next(p for p in plots if p["title"] == "metrics")
    assert "0.95" in str(table["figure"]) and "0.9," not in str(table["figure"])
    assert next(p for p in plots if p["title"] == "custom")["figure"]["data"][0]["type"] == "bar"
    assert task.get_reported_plots() == []  # nothing on the task
    task.close()


def test_a_bad_figure_is_refused_at_the_call(track_home: Path) -> None:
    from jupyter_ext import OutputModel, Task

    task = Task.init(project_name="Model plots", task_name="bad")
    out = OutputModel(task=task, name="net")
    with pytest.raises(InvalidArgument, match="title"):
        out.report_plotly("", "s", {"data": []})
    with pytest.raises(InvalidArgument, match="debug samples"):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig = plt.figure()
        out.report_matplotlib_figure("fig", "s", fig, report_image=True)
    assert out.get_reported_plots() == []
    task.close()


def test_the_plots_of_a_model_go_with_it_in_a_sync(track_home: Path, tmp_path: Path) -> None:
    from jupyter_ext import OutputModel, Task
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.client.sync import sync
    from jupyter_ext.sdk import _session as session

    task = Task.init(project_name="Model plots", task_name="synced")
    out = OutputModel(task=task, name="net")
    out.report_histogram("hist", "h", [1, 2, 3])
    task.close()
    dest = LocalBackend(f"sqlite:///{tmp_path / 'dest.db'}", str(tmp_path / "dest-blobs"))
    try:
        sync(session.backend(), dest, show_progress=False)
        assert [p["title"] for p in dest.get_model_metrics(out.id)["plots"]] == ["hist"]
    finally:
        dest.close()
