"""The builders of Logger plots: trace types, data, layout, and helpful errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import (
    SeriesInfo,
    confusion_matrix,
    histogram,
    line_plot,
    matrix,
    scatter2d,
    scatter3d,
    surface,
    vector,
)


def test_line_plot_one_trace_per_series(valid_figure) -> None:
    series = [
        SeriesInfo("train", np.array([[0, 1.0], [1, math.nan]])),
        SeriesInfo("val", [[0, 2], [1, 3]], labels=["a", "b"]),
    ]
    figure = valid_figure(
        line_plot(
            series,
            "loss",
            "epoch",
            "value",
            mode="lines+markers",
            reverse_xaxis=True,
            comment="note",
            extra_layout={"yaxis": {"type": "log"}},
        )
    )
    train, val = figure["data"]
    assert train == {
        "type": "scatter",
        "name": "train",
        "x": [0.0, 1.0],
        "y": [1.0, None],
        "mode": "lines+markers",
    }
    assert val["text"] == ["a", "b"] and val["y"] == [2, 3]
    layout = figure["layout"]
    assert layout["title"]["text"] == "loss<br><sup>note</sup>"
    assert layout["xaxis"]["title"]["text"] == "epoch" and layout["xaxis"]["autorange"] == "reversed"
    assert layout["yaxis"]["type"] == "log" and layout["yaxis"]["showspikes"] is True  # merged, not replaced


def test_line_plot_accepts_any_series_like_object(valid_figure) -> None:
    class ClearMLSeries:
        name, data, labels = "s", [[1, 2]], None

    assert valid_figure(line_plot([ClearMLSeries()], "t", None, None))["data"][0]["x"] == [1]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: SeriesInfo("s", [1, 2, 3]), r"shape \(N, 2\)"),
        (lambda: SeriesInfo("s", [[1, 2], [3]]), "rectangular"),
        (
            lambda: SeriesInfo("s", [[1, 2]], labels=["a", "b"]),
            "labels of series 's' has 2 entries but there are 1",
        ),
        (lambda: SeriesInfo("s", np.zeros((0, 2))), "empty"),
        (lambda: line_plot([], "t", "x", "y"), "non-empty list of SeriesInfo"),
        (lambda: line_plot([SeriesInfo("s", [[1, 2]])], "t", "x", "y", mode="bars"), "mode must be"),
        (lambda: line_plot([object()], "t", "x", "y"), "without 'name'"),
    ],
)
def test_line_plot_errors(make, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        make()


def test_scatter2d(valid_figure) -> None:
    figure = valid_figure(
        scatter2d(np.array([[1, 2], [3, 4]]), "pts", "title", "x", "y", labels=["p", "q"], mode="markers")
    )
    (trace,) = figure["data"]
    assert (trace["type"], trace["name"], trace["mode"]) == ("scatter", "pts", "markers")
    assert (trace["x"], trace["y"], trace["text"]) == ([1, 3], [2, 4], ["p", "q"])
    with pytest.raises(InvalidArgument, match=r"scatter must have shape \(N, 2\).*got shape \(2, 3\)"):
        scatter2d([[1, 2, 3], [4, 5, 6]], "s", "t")


def test_scatter3d(valid_figure) -> None:
    figure = valid_figure(
        scatter3d([[1, 2, 3], [4, 5, math.inf]], "cloud", "t", "x", "y", "z", labels=["a", "b"], fill=True)
    )
    (trace,) = figure["data"]
    assert trace["type"] == "scatter3d" and trace["mode"] == "markers" and trace["surfaceaxis"] == 2
    assert (trace["x"], trace["z"], trace["text"]) == ([1.0, 4.0], [3.0, None], ["a", "b"])
    assert figure["layout"]["scene"]["zaxis"]["title"]["text"] == "z"


def test_scatter3d_several_arrays(valid_figure) -> None:
    figure = valid_figure(
        scatter3d([np.zeros((2, 3)), np.ones((1, 3))], ["a", "b"], "t", labels=[["p", "q"], ["r"]])
    )
    assert [t["name"] for t in figure["data"]] == ["a", "b"]
    assert figure["data"][1]["text"] == ["r"]
    with pytest.raises(InvalidArgument, match=r"shape \(N, 3\)"):
        scatter3d([[1, 2]], "s", "t")


def test_histogram_vector_and_matrix_of_rows(valid_figure) -> None:
    figure = valid_figure(
        histogram(
            [1, 2, 3],
            "counts",
            "hist",
            xlabels=["a", "b", "c"],
            xaxis="bin",
            mode="stack",
            data_args={"marker": {"color": "red"}},
        )
    )
    (trace,) = figure["data"]
    assert trace == {
        "type": "bar",
        "name": "counts",
        "x": ["a", "b", "c"],
        "y": [1, 2, 3],
        "marker": {"color": "red"},
    }
    assert figure["layout"]["barmode"] == "stack"
    rows = valid_figure(
        histogram(np.array([[1.0, np.nan], [3.0, 4.0]]), "s", "t", labels=["first", "second"])
    )
    assert [t["name"] for t in rows["data"]] == ["first", "second"]
    assert rows["data"][0]["y"] == [1.0, None] and rows["data"][0]["x"] == [0, 1]
    assert rows["layout"]["barmode"] == "group"
    assert valid_figure(vector([5, 6], "v", "t", mode="relative"))["layout"]["barmode"] == "relative"


def test_histogram_takes_what_numpy_histogram_returns(valid_figure) -> None:
    """ClearML's tabular pipeline example passes ``np.histogram(df["age"])`` as it is."""
    counts, edges = np.histogram([1, 2, 2, 3, 3, 3], bins=3)
    (trace,) = valid_figure(histogram((counts, edges), "age", "histogram"))["data"]
    assert trace["y"] == [1, 2, 3]
    assert trace["x"] == pytest.approx([(edges[i] + edges[i + 1]) / 2 for i in range(3)])
    (labelled,) = valid_figure(histogram((counts, edges), "age", "h", xlabels=["lo", "mid", "hi"]))["data"]
    assert labelled["x"] == ["lo", "mid", "hi"]
    # two equal-length rows stay two traces, as before
    assert len(valid_figure(histogram(([1, 2], [3, 4]), "s", "t"))["data"]) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"values": [[1, 2], [3, 4]], "labels": ["a", "b", "c"]},
            "labels has 3 entries but there are 2 rows",
        ),
        ({"values": [1, 2], "xlabels": ["a"]}, "xlabels has 1 entries but there are 2 bars"),
        ({"values": [], "labels": None}, "values is empty"),
        ({"values": np.zeros((2, 2, 2))}, "vector of bar heights or a 2-D array"),
        ({"values": [1, 2], "mode": "overlay"}, "mode must be one of group, stack, relative"),
        ({"values": ["a", "b"]}, "must be numbers"),
    ],
)
def test_histogram_errors(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        histogram(series="s", title="t", **kwargs)


def test_confusion_matrix(valid_figure) -> None:
    figure = valid_figure(
        confusion_matrix(
            np.array([[5, 1], [2, 7]]),
            "cm",
            "t",
            "predicted",
            "actual",
            xlabels=["cat", "dog"],
            ylabels=["cat", "dog"],
            yaxis_reversed=True,
        )
    )
    (trace,) = figure["data"]
    assert trace["type"] == "heatmap" and trace["z"] == [[5, 1], [2, 7]]
    assert (trace["x"], trace["y"], trace["texttemplate"]) == (["cat", "dog"], ["cat", "dog"], "%{z}")
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    plain = valid_figure(matrix([[0.5, math.nan]], "m", "t"))
    assert plain["data"][0]["z"] == [[0.5, None]] and "texttemplate" not in plain["data"][0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"matrix": [1, 2, 3]}, r"2-D array \(rows x columns\); got shape \(3,\)"),
        ({"matrix": [[1, 2]], "xlabels": ["a"]}, "xlabels has 1 entries but there are 2 columns"),
        ({"matrix": [[1, 2]], "ylabels": ["a", "b"]}, "ylabels has 2 entries but there are 1 rows"),
        ({"matrix": np.zeros((0, 0))}, "matrix is empty"),
    ],
)
def test_matrix_errors(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        confusion_matrix(series="s", title="t", **kwargs)


def test_surface(valid_figure) -> None:
    figure = valid_figure(
        surface([[1, 2], [3, 4]], "s", "t", "x", "y", "z", xlabels=["a", "b"], camera=(1, 2, 3))
    )
    (trace,) = figure["data"]
    assert trace["type"] == "surface" and trace["z"] == [[1, 2], [3, 4]]
    scene = figure["layout"]["scene"]
    assert scene["xaxis"]["ticktext"] == ["a", "b"] and scene["xaxis"]["tickvals"] == [0, 1]
    assert scene["camera"] == {"eye": {"x": 1, "y": 2, "z": 3}}
    with pytest.raises(InvalidArgument, match="camera must be the"):
        surface([[1]], "s", "t", camera=[1, 2])


def test_extra_layout_must_be_a_dict() -> None:
    with pytest.raises(InvalidArgument, match="extra_layout must be a dict"):
        vector([1], "s", "t", extra_layout=["not", "a", "dict"])  # type: ignore[arg-type]
