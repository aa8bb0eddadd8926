"""report_matplotlib_figure: plotly when faithful, None (store a PNG) otherwise."""

from __future__ import annotations

import datetime as dt
import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import figure_from_matplotlib, matplotlib_to_png


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_line_scatter_and_bars_keep_data_and_labels(valid_figure) -> None:
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], [1.0, np.nan, 3.0], "r--o", label="line")
    ax.scatter([0.5, 1.5], [2.0, 2.5], marker="s", label="points")
    ax.bar([0, 1, 2], [0.5, 1.0, 1.5], width=0.4, bottom=0.1, label="bars")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_xlim(-1, 3)
    ax.set_title("training")
    ax.legend()

    figure = valid_figure(figure_from_matplotlib(fig))
    line, points, bars = figure["data"]
    assert (line["type"], line["name"], line["mode"]) == ("scatter", "line", "lines+markers")
    assert line["x"] == [0.0, 1.0, 2.0] and line["y"] == [1.0, None, 3.0]
    assert line["line"]["dash"] == "dash" and line["line"]["color"] == "rgba(255, 0, 0, 1)"
    assert (points["mode"], points["name"], points["marker"]["symbol"]) == ("markers", "points", "square")
    assert points["x"] == [0.5, 1.5] and points["y"] == [2.0, 2.5]
    assert (bars["type"], bars["name"]) == ("bar", "bars")
    assert bars["x"] == pytest.approx([0, 1, 2]) and bars["y"] == pytest.approx([0.5, 1.0, 1.5])
    assert bars["base"] == pytest.approx([0.1] * 3) and bars["width"] == pytest.approx([0.4] * 3)
    layout = figure["layout"]
    assert layout["title"]["text"] == "training" and layout["showlegend"] is True
    assert layout["xaxis"]["title"]["text"] == "epoch" and layout["yaxis"]["title"]["text"] == "loss"
    assert layout["xaxis"]["range"] == [-1, 3]


def test_pyplot_module_means_the_current_figure(valid_figure) -> None:
    plt.figure()
    plt.plot([1, 2], [3, 4], label="_hidden")
    plt.yscale("log")
    figure = valid_figure(figure_from_matplotlib(plt))
    assert figure["data"][0]["y"] == [3.0, 4.0] and figure["data"][0]["showlegend"] is False
    assert figure["layout"]["yaxis"]["type"] == "log" and figure["layout"]["showlegend"] is False


def test_subplots_categories_dates_and_twin_axes(valid_figure) -> None:
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("overview")
    left.bar(["a", "b"], [1, 2])
    left.set_title("counts")
    right.plot([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3)], [1, 2])
    twin = right.twinx()
    twin.plot([dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 3)], [10, 20])

    figure = valid_figure(figure_from_matplotlib(fig))
    bars, dated, twinned = figure["data"]
    layout = figure["layout"]
    assert layout["title"]["text"] == "overview"
    assert layout["xaxis"]["ticktext"] == ["a", "b"] and bars["x"] == [0.0, 1.0]
    assert dated["x"] == ["2024-01-01T00:00:00", "2024-01-03T00:00:00"] and layout["xaxis2"]["type"] == "date"
    assert (twinned["xaxis"], twinned["yaxis"]) == ("x2", "y3") and layout["yaxis3"]["overlaying"] == "y2"
    assert layout["xaxis"]["domain"][1] < layout["xaxis2"]["domain"][0]
    assert "counts" in [note["text"] for note in layout["annotations"]]


def _imshow(ax):
    ax.imshow(np.zeros((3, 3)))


def _colorbar(ax):
    ax.figure.colorbar(ax.scatter([1, 2], [1, 2], c=[1, 2]))


@pytest.mark.parametrize(
    "draw",
    [
        _imshow,
        _colorbar,
        lambda ax: ax.fill_between([0, 1], [0, 1]),
        lambda ax: ax.errorbar([0, 1], [0, 1], yerr=[0.1, 0.1]),
        lambda ax: ax.pie([1, 2]),
        lambda ax: ax.annotate("peak", (0, 0), xytext=(1, 1), arrowprops={}),
        lambda ax: ax.set_xscale("symlog"),
    ],
    ids=["imshow", "colorbar", "fill_between", "errorbar", "pie", "arrow", "symlog"],
)
def test_figures_plotly_cannot_draw_the_same_return_none(draw) -> None:
    fig, ax = plt.subplots()
    draw(ax)
    assert figure_from_matplotlib(fig) is None


@pytest.mark.parametrize("projection", ["3d", "polar"])
def test_3d_and_polar_axes_return_none(projection) -> None:
    fig = plt.figure()
    fig.add_subplot(projection=projection).plot([0, 1], [1, 2])
    assert figure_from_matplotlib(fig) is None


def test_png_rendering() -> None:
    fig, ax = plt.subplots(figsize=(2, 1))
    ax.imshow(np.zeros((3, 3)))
    content = matplotlib_to_png(fig, dpi=50)
    assert Image.open(io.BytesIO(content)).format == "PNG"


def test_bad_figure_arguments() -> None:
    with pytest.raises(InvalidArgument, match="matplotlib Figure or the matplotlib.pyplot module"):
        figure_from_matplotlib("not a figure")
    with pytest.raises(InvalidArgument, match="dpi must be a positive"):
        matplotlib_to_png(plt.figure(), dpi=0)
