"""report_table: DataFrames, lists of rows, CSV files; capped in size."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures import MAX_TABLE_ROWS, table


def test_dataframe_with_named_index(valid_figure) -> None:
    frame = pd.DataFrame(
        {"acc": [0.9, math.nan], "when": pd.to_datetime(["2024-01-01", None])},
        index=pd.Index(["a", "b"], name="model"),
    )
    figure = valid_figure(table(frame, title="results", series="s", extra_data={"columnwidth": [1, 2, 2]}))
    (trace,) = figure["data"]
    assert trace["type"] == "table"
    assert trace["header"]["values"] == ["model", "acc", "when"]
    assert trace["cells"]["values"] == [["a", "b"], [0.9, None], ["2024-01-01T00:00:00", None]]
    assert trace["columnwidth"] == [1, 2, 2]
    assert figure["layout"]["title"]["text"] == "results"


def test_default_range_index_is_left_out_like_clearml(valid_figure) -> None:
    figure = valid_figure(table(pd.DataFrame({"a": [1, 2]}), title="t"))
    assert figure["data"][0]["header"]["values"] == ["a"]
    assert figure["data"][0]["cells"]["values"] == [[1, 2]]


def test_list_of_rows(valid_figure) -> None:
    figure = valid_figure(table([["name", "score"], ["x", 1], ["y", 2]], title="t"))
    trace = figure["data"][0]
    assert trace["header"]["values"] == ["name", "score"]
    assert trace["cells"]["values"] == [["x", "y"], [1, 2]]


def test_csv_file_first_column_is_the_index(tmp_path, valid_figure) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,loss\nr1,0.5\nr2,0.25\n")
    trace = valid_figure(table(csv=str(path), title="t"))["data"][0]
    assert trace["header"]["values"] == ["id", "loss"]
    assert trace["cells"]["values"] == [["r1", "r2"], [0.5, 0.25]]


def test_long_tables_are_cut_and_the_title_says_so(valid_figure) -> None:
    frame = pd.DataFrame({"v": range(MAX_TABLE_ROWS + 5)})
    figure = valid_figure(table(frame, title="big"))
    assert len(figure["data"][0]["cells"]["values"][0]) == MAX_TABLE_ROWS
    assert figure["layout"]["title"]["text"] == "big (first 10,000 of 10,005 rows)"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of table_plot, csv or url; got none"),
        ({"table_plot": [["a"]], "csv": "x.csv"}, "got table_plot, csv"),
        ({"table_plot": []}, "table_plot is empty"),
        ({"table_plot": [["a", "b"], [1]]}, "row 1 of table_plot has 1 cells but the header"),
        ({"table_plot": pd.DataFrame()}, "no columns"),
        ({"table_plot": 42}, "pandas DataFrame or a list of rows"),
        ({"csv": "/nonexistent/file.csv"}, "could not read a table"),
    ],
)
def test_table_errors(kwargs, message) -> None:
    with pytest.raises(InvalidArgument, match=message):
        table(title="t", **kwargs)
