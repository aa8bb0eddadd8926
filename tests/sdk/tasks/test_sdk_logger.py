"""Logger: every report_* call stores something readable; bad values fail in the caller."""
from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import SeriesInfo


def plots_by_title(task: Any) -> dict[str, dict[str, Any]]:
    return {p["metric"]: {**p, "figure": json.loads(p["plot_str"])} for p in task.get_reported_plots()}


def test_report_scalar_and_read_back(task: Any) -> None:
    logger = task.get_logger()
    assert task.logger is logger
    for i in range(3):
        logger.report_scalar(title="Accuracy", series="Train", value=0.5 + i / 10, iteration=i)
        logger.report_scalar("Accuracy", "Val", 0.4 + i / 10, i)
    got = task.get_reported_scalars()
    assert got["Accuracy"]["Train"] == {"x": [0, 1, 2], "y": [0.5, 0.6, 0.7]}
    assert got["Accuracy"]["Val"]["y"] == pytest.approx([0.4, 0.5, 0.6])
    assert task.get_last_scalar_metrics()["Accuracy"]["Train"]["max"] == 0.7
    assert task.get_all_reported_scalars()["Accuracy"]["Val"]["x"] == [0, 1, 2]


@pytest.mark.parametrize("bad", ["0.5", b"1", None, [1.0], {"v": 1}, object()])
def test_non_numbers_raise_type_error_at_once(task: Any, bad: Any) -> None:
    with pytest.raises(TypeError, match="must be a number"):
        task.get_logger().report_scalar("t", "s", bad, 0)
    assert task.get_reported_scalars() == {}


@pytest.mark.parametrize("bad_iteration", ["1", 1.5, [1]])
def test_bad_iterations_raise_type_error(task: Any, bad_iteration: Any) -> None:
    with pytest.raises(TypeError, match="iteration"):
        task.get_logger().report_scalar("t", "s", 1.0, bad_iteration)


def test_bad_title_is_refused(task: Any) -> None:
    with pytest.raises(TypeError):
        task.get_logger().report_scalar(1, "s", 1.0, 0)
    with pytest.raises(InvalidArgument):
        task.get_logger().report_scalar("", "s", 1.0, 0)


def test_numpy_values_and_iterations_are_accepted(task: Any) -> None:
    logger = task.get_logger()
    logger.report_scalar("np", "f32", np.float32(0.5), np.int64(1))
    logger.report_scalar("np", "f64", np.float64(0.25), np.int32(2))
    logger.report_scalar("np", "i64", np.int64(7), 3)
    logger.report_scalar("np", "bool", True, 4)
    logger.report_scalar("np", "0d", np.array(1.5), 5)
    logger.report_scalar("np", "whole float iteration", 1.0, 6.0)
    got = task.get_reported_scalars()["np"]
    assert got["f32"] == {"x": [1], "y": [0.5]}
    assert got["f64"] == {"x": [2], "y": [0.25]}
    assert got["i64"] == {"x": [3], "y": [7.0]}
    assert got["bool"] == {"x": [4], "y": [1.0]}
    assert got["0d"] == {"x": [5], "y": [1.5]}
    assert got["whole float iteration"] == {"x": [6], "y": [1.0]}


def test_nan_and_inf_are_stored(task: Any) -> None:
    logger = task.get_logger()
    logger.report_scalar("bad", "values", math.nan, 0)
    logger.report_scalar("bad", "values", math.inf, 1)
    logger.report_scalar("bad", "values", 2.0, 2)
    y = task.get_reported_scalars()["bad"]["values"]["y"]
    assert math.isnan(y[0]) and y[1] == math.inf and y[2] == 2.0
    summary = task.get_last_scalar_metrics()["bad"]["values"]
    assert summary["min"] == 2.0 and summary["max"] == math.inf


def test_reported_scalars_downsample_and_x_axes(task: Any) -> None:
    logger = task.get_logger()
    for i in range(6000):
        logger.report_scalar("big", "s", 1000.0 if i == 4321 else float(i % 7), i)
    default = task.get_reported_scalars()["big"]["s"]
    assert len(default["x"]) <= 5000 and 1000.0 in default["y"]
    small = task.get_reported_scalars(max_samples=100)["big"]["s"]
    assert len(small["x"]) <= 100 and small["x"][small["y"].index(1000.0)] == 4321
    assert len(task.get_all_reported_scalars()["big"]["s"]["x"]) == 6000
    stamps = task.get_reported_scalars(max_samples=10, x_axis="timestamp")["big"]["s"]["x"]
    assert all(isinstance(x, int) and x > 1_600_000_000_000 for x in stamps)
    iso = task.get_reported_scalars(max_samples=10, x_axis="iso_time")["big"]["s"]["x"]
    assert all(isinstance(x, str) and "T" in x for x in iso)
    with pytest.raises(InvalidArgument):
        task.get_reported_scalars(max_samples=-1)


def test_report_single_value(task: Any) -> None:
    logger = task.get_logger()
    logger.report_single_value("Best ROC AUC", 91.5)
    logger.report_single_value("Best ROC AUC", 92.0)  # the last one counts
    logger.report_single_value("epochs", np.int64(12))
    assert task.get_reported_single_value("Best ROC AUC") == 92.0
    assert task.get_reported_single_values() == {"Best ROC AUC": 92.0, "epochs": 12.0}
    assert task.get_reported_single_value("missing") is None
    with pytest.raises(TypeError):
        logger.report_single_value("x", "high")


def test_every_plot_kind_is_stored(task: Any) -> None:
    import pandas as pd

    logger = task.get_logger()
    logger.report_line_plot("line", [SeriesInfo("train", [[0, 1.0], [1, 0.5]])], xaxis="epoch", yaxis="loss",
                            iteration=1)
    logger.report_scatter2d("scatter", "pts", [[0, 1], [1, 2], [2, 0]], iteration=2, mode="markers")
    logger.report_scatter3d("scatter3d", "pts", [[0, 1, 2], [1, 2, 3]], iteration=3)
    logger.report_histogram("hist", "h", [1, 2, 3, 2], iteration=4, xlabels=["a", "b", "c", "d"])
    logger.report_vector("vector", "v", [3, 1, 2], iteration=5)
    logger.report_confusion_matrix("cm", "val", np.array([[5, 1], [2, 7]]), iteration=6,
                                   xlabels=["cat", "dog"], ylabels=["cat", "dog"])
    logger.report_matrix("matrix", "m", np.eye(3), iteration=7)
    logger.report_surface("surface", "s", np.arange(9.0).reshape(3, 3), iteration=8)
    logger.report_table("table df", "t", iteration=9, table_plot=pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}))
    logger.report_table("table rows", "t", iteration=10, table_plot=[["h1", "h2"], [1, 2]])
    logger.report_plotly("plotly", "p", {"data": [{"type": "bar", "x": [1], "y": [2]}], "layout": {}}, iteration=11)
    plots = plots_by_title(task)
    expected_iters = {"line": 1, "scatter": 2, "scatter3d": 3, "hist": 4, "vector": 5, "cm": 6, "matrix": 7,
                      "surface": 8, "table df": 9, "table rows": 10, "plotly": 11}
    assert {k: v["iter"] for k, v in plots.items()} == expected_iters
    for title, plot in plots.items():
        assert plot["figure"]["data"], title
        assert plot["task"] == task.id
    assert plots["cm"]["variant"] == "val"
    assert plots["cm"]["figure"]["data"][0]["type"] == "heatmap"
    assert plots["surface"]["figure"]["data"][0]["type"] == "surface"
    assert plots["table df"]["figure"]["data"][0]["type"] == "table"
    assert plots["plotly"]["figure"]["data"][0]["y"] == [2]
    assert [p["metric"] for p in task.get_reported_plots(max_iterations=2)] == ["table rows", "plotly"]
    assert task.get_last_iteration() == 11


def test_report_table_from_csv(task: Any, tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\n1,x\n2,y\n")
    task.get_logger().report_table("csv", "t", 0, csv=str(csv))
    trace = plots_by_title(task)["csv"]["figure"]["data"][0]
    assert trace["header"]["values"] == ["a", "b"]
    assert trace["cells"]["values"] == [[1, 2], ["x", "y"]]


def test_matplotlib_figure_as_plot_and_as_image(task: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [3, 1, 2])
    logger = task.get_logger()
    logger.report_matplotlib_figure("mpl", "interactive", fig, iteration=1)
    logger.report_matplotlib_figure("mpl png", "image", fig, iteration=2, report_image=True)
    logger.report_matplotlib_figure("mpl static", "picture", fig, iteration=3, report_interactive=False)
    plt.close(fig)
    plots = plots_by_title(task)
    assert plots["mpl"]["figure"]["data"][0]["y"] == [3.0, 1.0, 2.0]
    # report_interactive=False: among the plots as a picture (ClearML), not a debug sample
    static = plots["mpl static"]["figure"]
    assert static["data"] == [] and static["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    assert "mpl png" not in plots and task.get_debug_samples("mpl static", "picture") == []
    samples = task.get_debug_samples("mpl png", "image")
    assert len(samples) == 1
    assert task.get_debug_sample_bytes(samples[0]).startswith(b"\x89PNG")


def test_report_image_numpy_pil_path_and_url(task: Any, tmp_path: Path) -> None:
    from PIL import Image

    logger = task.get_logger()
    logger.report_image("img", "numpy", iteration=0, image=np.zeros((8, 8, 3), dtype=np.uint8))
    logger.report_image("img", "pil", iteration=1, image=Image.new("RGB", (4, 4), "red"))
    path = tmp_path / "pic.png"
    Image.new("L", (2, 2)).save(path)
    logger.report_image("img", "path", iteration=2, local_path=str(path))
    logger.report_image("img", "url", iteration=3, url="https://example.com/x.png")
    for series in ("numpy", "pil", "path"):
        (sample,) = task.get_debug_samples("img", series)
        data = task.get_debug_sample_bytes(sample)
        assert data.startswith(b"\x89PNG"), series
        assert sample["content_type"] == "image/png"
    assert task.get_debug_sample_bytes(task.get_debug_samples("img", "path")[0]) == path.read_bytes()
    (url_sample,) = task.get_debug_samples("img", "url")
    assert url_sample["url"] == "https://example.com/x.png"
    with pytest.raises(InvalidArgument):
        task.get_debug_sample_bytes(url_sample)
    with pytest.raises(InvalidArgument):
        logger.report_image("img", "none", iteration=0)


def test_image_history_keeps_the_newest(task: Any) -> None:
    logger = task.get_logger()
    for i in range(5):
        logger.report_image("hist", "s", iteration=i, image=np.full((2, 2), i, dtype=np.uint8),
                            max_image_history=2)
    assert [s["iter"] for s in task.get_debug_samples("hist", "s")] == [4, 3]
    assert len(task.get_debug_samples("hist", "s", n_last_iterations=1)) == 1


def test_report_media_stream_and_file(task: Any, tmp_path: Path) -> None:
    logger = task.get_logger()
    logger.report_media("media", "html", iteration=0, stream=io.StringIO("<b>hi</b>"), file_extension="html")
    audio = tmp_path / "a.wav"
    audio.write_bytes(b"RIFF0000WAVEfmt ")
    logger.report_media("media", "audio", iteration=1, local_path=str(audio))
    (html,) = task.get_debug_samples("media", "html")
    assert task.get_debug_sample_bytes(html) == b"<b>hi</b>"
    assert html["content_type"] == "text/html"
    (wav,) = task.get_debug_samples("media", "audio")
    assert task.get_debug_sample_bytes(wav) == b"RIFF0000WAVEfmt "


def test_same_image_twice_is_one_blob(task: Any, track_home: Path) -> None:
    logger = task.get_logger()
    img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    logger.report_image("dup", "a", 0, image=img)
    logger.report_image("dup", "b", 0, image=img)
    a = task.get_debug_samples("dup", "a")[0]
    b = task.get_debug_samples("dup", "b")[0]
    assert a["sha256"] == b["sha256"]
    assert len([p for p in (track_home / "blobs").rglob("*") if p.is_file()]) == 1


def test_logger_current_logger(task: Any) -> None:
    from jupyter_ext import Logger

    assert Logger.current_logger() is task.get_logger()


def test_flush_wait(task: Any) -> None:
    logger = task.get_logger()
    logger.report_scalar("f", "s", 1.0, 0)
    assert logger.flush(wait=True) is True
    from jupyter_ext.sdk import _session as session

    assert session.reporter().pending() == 0
