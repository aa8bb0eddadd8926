"""One colour per task and one dash per series: the same palette as the lab's compare view."""
from __future__ import annotations

# Tableau 10, told apart in light and dark themes (labextension/src/model/compare.ts).
TASK_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
               "#bab0ac"]
# Canvas dash patterns (solid, dash, dot, dash-dot, long dash, long dash-dot), in drawing order.
DASHES: list[list[int]] = [[], [6, 4], [2, 3], [6, 3, 2, 3], [10, 4], [10, 3, 2, 3]]


def task_color(index: int) -> str:
    """The colour of the task at ``index`` in a comparison; past ten, hues spread by the golden angle."""
    if index < len(TASK_COLORS):
        return TASK_COLORS[index]
    return f"hsl({(index * 137.508) % 360:.0f}, 60%, 52%)"


def series_dash(index: int) -> list[int]:
    return DASHES[index % len(DASHES)]
