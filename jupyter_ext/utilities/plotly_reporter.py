"""``from jupyter_ext.utilities.plotly_reporter import SeriesInfo`` (ClearML's path): one named
series of ``report_line_plot``, the same class as ``Logger.SeriesInfo``."""
from __future__ import annotations

from jupyter_ext.sdk.logging.figures.lines import SeriesInfo

__all__ = ["SeriesInfo"]
