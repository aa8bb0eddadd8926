"""A model's own metrics through the SDK (OutputModel.report_scalar / report_single_value, and
get_reported_* on every model class), on the local store and against a real server over HTTP."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.client.http import HttpBackend
from jupyter_ext.client.local import LocalBackend
from jupyter_ext.errors import InvalidArgument, NotFound
from jupyter_ext.server.background import BackgroundServer


class Counts:
    """Real calls, counted where they happen: HTTP requests the client sends, and write
    transactions of model metrics (``LocalBackend.report_model_metrics`` is one ``store.write``;
    over HTTP it is the server's LocalBackend that runs it)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests = 0
        self.writes = 0
        real_report = LocalBackend.report_model_metrics
        real_request = HttpBackend._request

        def report(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            return real_report(backend, *args, **kwargs)

        def request(backend: Any, name: str, *args: Any, **kwargs: Any) -> Any:
            if name == "report_model_metrics":
                self.requests += 1
            return real_request(backend, name, *args, **kwargs)

        monkeypatch.setattr(LocalBackend, "report_model_metrics", report)
        monkeypatch.setattr(HttpBackend, "_request", request)


@pytest.fixture(params=["local", "http"])
def where(request: pytest.FixtureRequest, track_home: Path, tmp_path: Path, db_url: str,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The SDK on the local store, or on a server (its own store) through the settings."""
    from jupyter_ext.sdk import _session as session

    monkeypatch.setenv("JUPYTER_TRACK_FLUSH_PERIOD", "60")  # batches are made by count and by flush here
    if request.param == "local":
        session.reset_for_tests()
        yield "local"
        return
    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    access, secret = server.create_key("sdk")
    monkeypatch.setenv("JUPYTER_TRACK_API_HOST", server.url)
    monkeypatch.setenv("JUPYTER_TRACK_ACCESS_KEY", access)
    monkeypatch.setenv("JUPYTER_TRACK_SECRET_KEY", secret)
    session.reset_for_tests()
    yield "http"
    session.reset_for_tests()
    server.stop()


def test_report_before_any_weights_and_read_back_on_every_model_class(where: str) -> None:
    from jupyter_ext import InputModel, Model, OutputModel, Task

    task = Task.init(project_name="Model metrics", task_name="eval", reuse_last_task_id=False)
    out = OutputModel(task=task, name="net")
    for i in range(3):
        out.report_scalar("loss", "train", 1.0 / (i + 1), i)
        out.report_scalar("loss", "val", 2.0 / (i + 1), i)
    out.report_scalar("loss", "train", 0.9, 0)  # replaces the first point
    out.report_scalar("Accuracy", "val", 0.5, 10)
    out.report_single_value("test accuracy", 0.91)
    out.report_single_value("test accuracy", 0.93)  # replaces
    out.report_single_value("f1", 0.8)
    assert out.version == 0 and out.url == ""  # no weights, and the metrics are there all the same
    expected = {"loss": {"train": {"x": [0, 1, 2], "y": [0.9, 0.5, 1.0 / 3]},
                         "val": {"x": [0, 1, 2], "y": [2.0, 1.0, 2.0 / 3]}},
                "Accuracy": {"val": {"x": [10], "y": [0.5]}}}
    assert out.get_reported_scalars() == expected
    assert Model(out.id).get_reported_scalars() == expected
    assert InputModel(model_id=out.id).get_reported_single_values() == {"f1": 0.8, "test accuracy": 0.93}
    assert Model(out.id).get_reported_single_values() == {"f1": 0.8, "test accuracy": 0.93}
    out.update_weights(register_uri="s3://bucket/net.pt")
    out.publish()
    Model(out.id).report_single_value("test accuracy", 0.94)  # an evaluation of the published model
    assert Model(out.id).get_reported_single_values()["test accuracy"] == 0.94
    assert Model(out.id).get_reported_scalars() == expected  # weights and publishing leave them alone
    task.close()


def test_ten_thousand_points_are_one_or_two_writes(where: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext import Model, OutputModel, Task

    task = Task.init(project_name="Model metrics", task_name="many", reuse_last_task_id=False)
    out = OutputModel(task=task, name="net")
    counts = Counts(monkeypatch)
    for i in range(10_000):
        out.report_scalar("loss", "train", 1.0 / (i + 1), i)
    for i in range(50):
        out.report_single_value(f"v{i}", float(i))
    assert out.flush()
    print(f"{where}: {counts.writes} write transactions, {counts.requests} HTTP requests")
    assert 1 <= counts.writes <= 2
    assert counts.requests == (counts.writes if where == "http" else 0)
    series = Model(out.id).get_reported_scalars()["loss"]["train"]
    assert series["x"] == list(range(10_000)) and series["y"][-1] == 1.0 / 10_000
    assert len(Model(out.id).get_reported_single_values()) == 50
    task.close()


@pytest.mark.parametrize(("call", "args", "message"), [
    ("report_scalar", ("loss", "train", float("nan"), 1), "finite"),
    ("report_scalar", ("loss", "train", float("-inf"), 1), "finite"),
    ("report_scalar", ("loss", "train", True, 1), "not a bool"),
    ("report_scalar", ("loss", "train", "0.5", 1), "must be a number"),
    ("report_scalar", ("", "train", 0.5, 1), "title must be a non-empty string"),
    ("report_scalar", ("loss", None, 0.5, 1), "series must be a non-empty string"),
    ("report_scalar", ("loss", "train", 0.5, 1.5), "iteration must be an int"),
    ("report_scalar", ("loss", "train", 0.5, "1"), "iteration must be an int"),
    ("report_single_value", ("", 0.5), "name must be a non-empty string"),
    ("report_single_value", ("acc", float("nan")), "finite"),
    ("report_single_value", ("acc", False), "not a bool"),
])
def test_bad_input_is_refused_at_the_call_and_nothing_is_stored(track_home: Path, call: str, args: tuple[Any, ...],
                                                                message: str) -> None:
    from jupyter_ext import Model, OutputModel

    out = OutputModel(name="standalone model")  # no task at all
    with pytest.raises(InvalidArgument, match=message):
        getattr(out, call)(*args)
    assert out.flush()
    assert Model(out.id).get_reported_scalars() == {} and Model(out.id).get_reported_single_values() == {}


def test_numpy_numbers_are_taken(track_home: Path) -> None:
    import numpy as np

    from jupyter_ext import OutputModel

    out = OutputModel(name="numpy")
    out.report_scalar("loss", "train", np.float32(0.5), np.int64(3))
    out.report_single_value("acc", np.float64(0.25))
    assert out.get_reported_scalars() == {"loss": {"train": {"x": [3], "y": [0.5]}}}
    assert out.get_reported_single_values() == {"acc": 0.25}


def test_points_are_written_within_the_flush_period_without_a_flush(track_home: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext import OutputModel
    from jupyter_ext.sdk import _session as session

    monkeypatch.setenv("JUPYTER_TRACK_FLUSH_PERIOD", "0.2")
    session.reset_for_tests()
    out = OutputModel(name="timer")
    out.report_single_value("acc", 0.5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # read the store directly: a read through the model would flush
        if session.backend().get_model_metrics(out.id)["single_values"]:
            break
        time.sleep(0.05)
    assert session.backend().get_model_metrics(out.id)["single_values"] == [{"name": "acc", "value": 0.5}]


def test_a_task_flush_or_close_writes_pending_model_metrics(where: str) -> None:
    from jupyter_ext import OutputModel, Task
    from jupyter_ext.sdk import _session as session

    task = Task.init(project_name="Model metrics", task_name="close", reuse_last_task_id=False)
    out = OutputModel(task=task, name="net")
    out.report_scalar("loss", "train", 0.5, 1)
    task.flush(wait_for_uploads=True)  # the flush period is 60 s here: only the flush can have written it
    assert session.backend().get_model_metrics(out.id)["scalars"] == [
        {"title": "loss", "series": "train", "iterations": [1], "values": [0.5]}]
    out.report_single_value("acc", 0.75)
    task.close()
    assert session.backend().get_model_metrics(out.id)["single_values"] == [{"name": "acc", "value": 0.75}]


def test_removing_a_model_removes_its_metrics(track_home: Path) -> None:
    import sqlite3

    from jupyter_ext import Model, OutputModel

    out = OutputModel(name="gone")
    out.report_scalar("loss", "train", 0.5, 1)
    out.report_single_value("acc", 0.5)
    out.flush()
    Model.remove(out)
    with pytest.raises(NotFound):
        Model(out.id).get_reported_scalars()
    with sqlite3.connect(track_home / "track.db") as db:
        assert db.execute("SELECT count(*) FROM model_metrics").fetchone()[0] == 0


def test_the_preview_shows_single_values_and_a_chart_per_title(track_home: Path) -> None:
    from jupyter_ext import Model, OutputModel

    plain = OutputModel(name="plain")
    html = plain._repr_mimebundle_()["text/html"]
    assert "Single values" not in html and "Scalars" not in html
    out = OutputModel(name="with metrics")
    for i in range(20):
        out.report_scalar("loss", "train", 1.0 / (i + 1), i)
        out.report_scalar("Accuracy", "val", i / 20, i)
    out.report_single_value("test <accuracy>", 0.93)
    html = Model(out.id)._repr_mimebundle_()["text/html"]
    assert "Single values" in html and "test &lt;accuracy&gt;" in html and "0.93" in html
    assert html.count("data:image/png;base64,") == 1  # one picture with a panel per title


def test_reports_made_while_the_server_is_away_arrive_when_it_is_back(track_home: Path, tmp_path: Path,
                                                                      db_url: str,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext import OutputModel
    from jupyter_ext.sdk import _session as session

    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    access, secret = server.create_key("sdk")
    port = server.port
    for name, value in (("API_HOST", server.url), ("ACCESS_KEY", access), ("SECRET_KEY", secret),
                        ("CONNECT_TIMEOUT", "0.5")):
        monkeypatch.setenv("JUPYTER_TRACK_" + name, value)
    session.reset_for_tests()
    out = OutputModel(name="offline")
    server.stop()
    for i in range(100):
        out.report_scalar("loss", "train", float(i), i)
    out.report_single_value("acc", 0.7)
    assert out.flush()  # spooled: a flush does not wait for the server
    assert session.reporter().offline
    back = BackgroundServer(db_url, str(tmp_path / "server-blobs"), port=port)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not back.services.backend.get_model_metrics(out.id)["single_values"]:
            time.sleep(0.2)
        got = back.services.backend.get_model_metrics(out.id)
        assert got["single_values"] == [{"name": "acc", "value": 0.7}]
        assert got["scalars"][0]["iterations"] == list(range(100))
    finally:
        session.reset_for_tests()
        back.stop()
