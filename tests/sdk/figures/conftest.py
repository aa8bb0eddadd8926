"""Shared checks for the figure builders: strict JSON and a valid plotly schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest


def assert_valid_figure(figure: dict[str, Any]) -> dict[str, Any]:
    """The figure is strict JSON and plotly accepts every property in it; returns it re-parsed."""
    import plotly.graph_objects as go

    assert set(figure) >= {"data", "layout"}
    text = json.dumps(figure, allow_nan=False)
    go.Figure(figure)  # raises ValueError on any property plotly does not know
    parsed: dict[str, Any] = json.loads(text)
    assert parsed == figure, "figure must hold only plain JSON types (no tuples, numpy values)"
    return parsed


@pytest.fixture
def valid_figure() -> Callable[[dict[str, Any]], dict[str, Any]]:
    return assert_valid_figure
