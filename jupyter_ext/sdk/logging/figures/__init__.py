"""Pure functions turning what a user passes to the Logger into stored figures.

Plots are plotly figures as plain JSON dicts (``{"data": [...], "layout": {...}}``), built by hand:
plotly itself is never imported. numpy, pandas, PIL and matplotlib are imported only inside the
functions that need them, and each module of this package only when one of its names is first
asked for, so importing it stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names, for type checkers; at run time each submodule loads on first use
    from jupyter_ext.sdk.logging.figures._common import PlotDict
    from jupyter_ext.sdk.logging.figures._json import JSONValue, to_jsonable
    from jupyter_ext.sdk.logging.figures.bars import histogram, vector
    from jupyter_ext.sdk.logging.figures.images import image_to_png
    from jupyter_ext.sdk.logging.figures.lines import SeriesInfo, line_plot, scatter2d
    from jupyter_ext.sdk.logging.figures.matplotlib_figure import figure_from_matplotlib, matplotlib_to_png
    from jupyter_ext.sdk.logging.figures.matrices import confusion_matrix, matrix, surface
    from jupyter_ext.sdk.logging.figures.media import media_from
    from jupyter_ext.sdk.logging.figures.plotly_json import figure_from_plotly
    from jupyter_ext.sdk.logging.figures.scatter3d import scatter3d
    from jupyter_ext.sdk.logging.figures.table import MAX_TABLE_ROWS, table

# Named like their modules: importing the module (from anywhere) binds its name on this package to
# the module, so these two are bound here, after their modules, as the package always did. Both
# are small and import nothing more than the rest of this package's common part.
from jupyter_ext.sdk.logging.figures.scatter3d import scatter3d  # noqa: E402
from jupyter_ext.sdk.logging.figures.table import MAX_TABLE_ROWS, table  # noqa: E402

# name -> submodule: a script that never plots never imports the figure builders (decimal, datetime …)
_WHERE = {
    "PlotDict": "_common",
    "JSONValue": "_json",
    "to_jsonable": "_json",
    "histogram": "bars",
    "vector": "bars",
    "image_to_png": "images",
    "SeriesInfo": "lines",
    "line_plot": "lines",
    "scatter2d": "lines",
    "figure_from_matplotlib": "matplotlib_figure",
    "matplotlib_to_png": "matplotlib_figure",
    "confusion_matrix": "matrices",
    "matrix": "matrices",
    "surface": "matrices",
    "media_from": "media",
    "figure_from_plotly": "plotly_json",
}

__all__ = [
    "MAX_TABLE_ROWS",
    "JSONValue",
    "PlotDict",
    "SeriesInfo",
    "confusion_matrix",
    "figure_from_matplotlib",
    "figure_from_plotly",
    "histogram",
    "image_to_png",
    "line_plot",
    "matplotlib_to_png",
    "matrix",
    "media_from",
    "scatter2d",
    "scatter3d",
    "surface",
    "table",
    "to_jsonable",
    "vector",
]


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{where}"), name)
    globals()[name] = value
    return value
