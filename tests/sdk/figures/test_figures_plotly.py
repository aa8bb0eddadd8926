"""report_plotly: dicts and plotly Figure objects."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import figure_from_plotly


def test_plotly_figure_object(valid_figure) -> None:
    fig = go.Figure(
        go.Scatter(x=np.arange(3), y=np.array([1.0, np.nan, 3.0])), layout={"title": {"text": "t"}}
    )
    figure = valid_figure(figure_from_plotly(fig))
    assert figure["data"][0]["type"] == "scatter"
    assert figure["data"][0]["y"] == [1.0, None, 3.0]
    assert figure["layout"]["title"]["text"] == "t"


def test_typed_arrays_are_decoded(valid_figure) -> None:
    fig = go.Figure(go.Heatmap(z=np.array([[1.0, np.nan, 3.0], [4.0, 5.0, 6.0]]), x=["a", "b", "c"]))
    figure = valid_figure(figure_from_plotly(fig.to_dict()))
    assert figure["data"][0]["z"] == [[1.0, None, 3.0], [4.0, 5.0, 6.0]]
    ints = figure_from_plotly(go.Figure(go.Bar(y=np.array([1, 2], dtype=np.int16))))
    assert ints["data"][0]["y"] == [1, 2]


def test_plain_dict(valid_figure) -> None:
    figure = valid_figure(figure_from_plotly({"data": [{"type": "bar", "y": (1, math.inf)}]}))
    assert figure == {"data": [{"type": "bar", "y": [1, None]}], "layout": {}}


def test_bad_input() -> None:
    with pytest.raises(InvalidArgument, match="plotly Figure or a dict"):
        figure_from_plotly([1, 2])
    with pytest.raises(InvalidArgument, match="list of trace dicts"):
        figure_from_plotly({"data": [1]})
