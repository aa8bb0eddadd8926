"""`jupyter track sync` carries a model's own metrics along, and sends them again once changed.

The source is filled by real scripts that end without flushing (the exit hook writes what they
reported); the copy goes to another home and to a real server over HTTP.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jupyter_ext.client.local import LocalBackend
from jupyter_ext.client.sync import sync

REPORT = """
    import json
    from jupyter_ext import Task, OutputModel
    task = Task.init(project_name="Sync", task_name="evaluate")
    model = OutputModel(task=task, name="net")  # no weights: metrics come first
    for i in range(500):
        model.report_scalar("loss", "train", 1.0 / (i + 1), i)
    model.report_single_value("test accuracy", 0.91)
    model.report_single_value("f1", 0.8)
    print(json.dumps({"task": task.id, "model": model.id}))
"""


def _backend(home: Path) -> LocalBackend:
    return LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))


def test_metrics_go_along_and_changes_are_sent_again(run_py: Any, track_home: Path, tmp_path: Path) -> None:
    first = run_py.run(REPORT)
    assert first.returncode == 0, first.stderr
    ids = json.loads(first.stdout.strip().splitlines()[-1])
    source, dest = _backend(track_home), _backend(tmp_path / "dest")
    try:
        reported = source.get_model_metrics(ids["model"])  # written at exit, with no flush in the script
        assert reported["scalars"][0]["iterations"] == list(range(500))
        assert reported["single_values"] == [{"name": "f1", "value": 0.8}, {"name": "test accuracy", "value": 0.91}]
        assert sync(source, dest, show_progress=False).created["models"] == 1
        assert dest.get_model_metrics(ids["model"]) == reported

        later = run_py.run(f"""
            from jupyter_ext import Task, OutputModel
            task = Task.init(project_name="Sync", task_name="evaluate", continue_last_task="{ids['task']}")
            model = OutputModel(task=task, name="net")
            assert model.id == "{ids['model']}"
            model.report_single_value("test accuracy", 0.95)   # replaces 0.91
            model.report_scalar("loss", "train", 0.0, 0)       # replaces the point at iteration 0
            model.report_scalar("loss", "val", 0.3, 499)
        """)
        assert later.returncode == 0, later.stderr
        again = sync(source, dest, show_progress=False)
        assert again.errors == [] and again.updated["models"] == 1
        copied = dest.get_model_metrics(ids["model"])
        assert copied == source.get_model_metrics(ids["model"])
        assert {"name": "test accuracy", "value": 0.95} in copied["single_values"]
        assert [s["series"] for s in copied["scalars"]] == ["train", "val"] and copied["scalars"][0]["values"][0] == 0.0
        assert sync(source, dest, show_progress=False).updated["models"] == 0
    finally:
        source.close()
        dest.close()


def test_metrics_reach_a_real_server(run_py: Any, track_home: Path, tmp_path: Path, db_url: str) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.server.background import BackgroundServer

    done = run_py.run(REPORT)
    assert done.returncode == 0, done.stderr
    model_id = json.loads(done.stdout.strip().splitlines()[-1])["model"]
    server = BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    dest = HttpBackend(server.url, *server.create_key("sync"))
    source = _backend(track_home)
    try:
        assert sync(source, dest, show_progress=False).errors == []
        assert dest.get_model_metrics(model_id) == source.get_model_metrics(model_id)
        assert server.services.backend.get_model_metrics(model_id)["single_values"][1]["value"] == 0.91
    finally:
        source.close()
        dest.close()
        server.stop()
