"""Tables: ``Logger.report_table`` as a plotly ``table`` trace."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._common import PlotDict, deep_merge, finish, title_text

MAX_TABLE_ROWS = 10_000
"""Rows kept in a stored table; longer tables are cut so stored plots stay small."""

_FONT = "Heebo, verdana, arial, sans-serif"


def table(
    table_plot: Any = None,
    csv: str | None = None,
    url: str | None = None,
    title: str = "",
    series: str = "",
    extra_layout: Mapping[str, Any] | None = None,
    extra_data: Mapping[str, Any] | None = None,
) -> PlotDict:
    """Build the plotly table of ``Logger.report_table``.

    Give exactly one of ``table_plot`` (a pandas DataFrame, or a list of rows whose first row is the
    header), ``csv`` (a local path) or ``url``. CSV files are read with their first column as the
    index, and a DataFrame index that is not a ``RangeIndex`` becomes the first column,
    as in ClearML. Only the first ``MAX_TABLE_ROWS`` rows are kept; the title says when rows were cut.
    ``extra_data`` is merged into the table trace, ``extra_layout`` into the layout.
    """
    given = [
        name for name, value in (("table_plot", table_plot), ("csv", csv), ("url", url)) if value is not None
    ]
    if len(given) != 1:
        raise InvalidArgument(
            f"pass exactly one of table_plot, csv or url; got {', '.join(given) if given else 'none of them'}"
        )
    if table_plot is not None and isinstance(table_plot, (list, tuple)):
        header, columns, total = _from_rows(table_plot)
    else:
        frame = _read_csv(csv or url or "") if table_plot is None else _as_frame(table_plot)
        header, columns, total = _from_frame(frame)
    if extra_data is not None and not isinstance(extra_data, Mapping):
        raise InvalidArgument(
            f"extra_data must be a dict of plotly table options, got {type(extra_data).__name__}"
        )
    heading = title or series
    if total > MAX_TABLE_ROWS:
        heading = f"{heading} (first {MAX_TABLE_ROWS:,} of {total:,} rows)"
    trace = {
        "type": "table",
        "name": series,
        "header": {
            "values": header,
            "align": "left",
            "line": {"width": 0.5, "color": "#d4d6e0"},
            "fill": {"color": "#fff"},
            "font": {"family": _FONT, "size": 12, "color": "#333"},
        },
        "cells": {
            "values": columns,
            "height": 30,
            "align": "left",
            "line": {"color": "white", "width": 1},
            "font": {"family": _FONT, "size": 14, "color": "#384161"},
        },
    }
    return finish([deep_merge(trace, extra_data)], {"title": title_text(heading)}, extra_layout)


def _from_rows(rows: Sequence[Any]) -> tuple[list[Any], list[list[Any]], int]:
    """Header and columns from a list of rows whose first row is the header."""
    if not rows:
        raise InvalidArgument("table_plot is empty: pass a list of rows whose first row is the header")
    if not isinstance(rows[0], Sequence) or isinstance(rows[0], str) or not rows[0]:
        raise InvalidArgument(
            "the first row of table_plot must be the header: a non-empty list of column names"
        )
    header = list(rows[0])
    body = rows[1:]
    for number, row in enumerate(body, start=1):
        if not isinstance(row, Sequence) or isinstance(row, str) or len(row) != len(header):
            raise InvalidArgument(
                f"row {number} of table_plot has {len(row) if isinstance(row, Sequence) else 'no'} cells "
                f"but the header (row 0) has {len(header)}: every row must be a list with one cell per column"
            )
    kept = body[:MAX_TABLE_ROWS]
    columns = [[row[i] for row in kept] for i in range(len(header))]
    return [str(name) for name in header], columns, len(body)


def _as_frame(value: Any) -> Any:
    """A pandas DataFrame from a DataFrame, or a polars frame through ``to_pandas()``."""
    if hasattr(value, "columns") and hasattr(value, "index") and hasattr(value, "iloc"):
        return value
    if callable(getattr(value, "to_pandas", None)):
        return value.to_pandas()
    raise InvalidArgument(
        "table_plot must be a pandas DataFrame or a list of rows (first row = header); "
        f"got {type(value).__name__}"
    )


def _read_csv(source: str) -> Any:
    """Read a CSV path or URL with pandas, first column as the index."""
    import pandas as pd

    try:
        return pd.read_csv(source, index_col=[0])
    except (OSError, ValueError) as exc:  # missing file, bad URL, unparsable or empty CSV
        raise InvalidArgument(f"could not read a table from {source!r}: {exc}") from exc


def _from_frame(frame: Any) -> tuple[list[Any], list[list[Any]], int]:
    """Header and columns from a DataFrame, its index first unless it is the default range."""
    import pandas as pd

    total = len(frame)
    kept = frame.iloc[:MAX_TABLE_ROWS]
    header: list[Any] = [_header_cell(name) for name in kept.columns]
    columns = [kept.iloc[:, i].tolist() for i in range(kept.shape[1])]
    index = kept.index
    # Only an unnamed RangeIndex is pandas' default; pandas 3 also reads a CSV's first column
    # of 1, 2, 3 … as a RangeIndex, but that one has a name (its header) and is data.
    if not isinstance(index, pd.RangeIndex) or index.name is not None:
        names = [name if name is not None else "" for name in index.names]
        levels = [index.get_level_values(i).tolist() for i in range(index.nlevels)]
        header = [_header_cell(name) for name in names] + header
        columns = levels + columns
    if not header:
        raise InvalidArgument("the DataFrame has no columns: a table needs at least one column")
    return header, columns, total


def _header_cell(name: Any) -> Any:
    """A header cell: a string, or a list of strings (stacked lines) for MultiIndex columns."""
    if isinstance(name, tuple):
        return [str(part) for part in name]
    return str(name)
