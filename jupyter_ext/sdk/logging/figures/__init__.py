"""Pure functions turning what a user passes to the Logger into stored figures.

Plots are plotly figures as plain JSON dicts (``{"data": [...], "layout": {...}}``), built by hand:
plotly itself is never imported. numpy, pandas, PIL and matplotlib are imported only inside the
functions that need them, so importing this package stays fast.
"""

from __future__ import annotations

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
