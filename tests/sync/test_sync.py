"""`jupyter track sync`: everything of one store copied to another with ids kept, twice = once.

The source is filled by a real script through the SDK; the copy runs through the Backend
interface (LocalBackend to LocalBackend on another home here).
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.client.local import LocalBackend
from jupyter_ext.client.sync import sync
from jupyter_ext.core import sync as sync_rules
from jupyter_ext.errors import InvalidArgument

FILL = r"""
import json, os, sys
import numpy as np
from PIL import Image
from jupyter_ext import Task, Dataset, OutputModel

work = sys.argv[1]
task = Task.init(project_name="Team/Vision", task_name="offline run", tags=["offline"])
task.connect({"lr": 0.01, "layers": 4})
task.connect_configuration({"augment": True}, name="train cfg")
log = task.get_logger()
for i in range(20000):
    log.report_scalar("loss", "train", 1.0 / (i + 1), i)
log.report_scalar("acc", "val", 0.5, 0)
log.report_single_value("best acc", 0.93)
log.report_text("hello from the run")
log.report_scatter2d("pts", "s", iteration=0, scatter=[[0, 1], [1, 2]])
Image.fromarray(np.full((8, 8, 3), 200, dtype=np.uint8)).save(os.path.join(work, "img.png"))
log.report_image("samples", "first", iteration=0, local_path=os.path.join(work, "img.png"))
task.upload_artifact("table", {"a": [1, 2, 3]}, wait_on_upload=True)
with open(os.path.join(work, "weights.bin"), "wb") as fh:
    fh.write(os.urandom(50_000))
model = OutputModel(task=task, name="net", framework="PyTorch")
model.update_weights(os.path.join(work, "weights.bin"))
task.close()
files = os.path.join(work, "files")
os.makedirs(files, exist_ok=True)
for n in range(5):
    with open(os.path.join(files, f"f{n}.txt"), "w") as fh:
        fh.write(f"file {n}\n" * 100)
ds = Dataset.create(dataset_name="digits", dataset_project="Team/Data")
ds.add_files(files)
ds.upload()
ds.finalize()
child = Dataset.create(dataset_name="digits", dataset_project="Team/Data", parent_datasets=[ds.id])
with open(os.path.join(files, "f0.txt"), "w") as fh:
    fh.write("changed\n")
child.add_files(files)
child.upload()
child.finalize()
print(json.dumps({"task": task.id, "model": model.id, "datasets": [ds.id, child.id]}))
"""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    root = tmp_path_factory.mktemp("source")
    work = root / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(root / "home"), JUPYTER_TRACK_CONFIG_FILE=str(root / "none.toml"))
    script = work / "fill.py"
    script.write_text(FILL)
    out = subprocess.run([sys.executable, str(script), str(work)], env=env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr
    return root / "home", json.loads(out.stdout.strip().splitlines()[-1])


def _backend(home: Path) -> LocalBackend:
    return LocalBackend(f"sqlite:///{home / 'track.db'}", str(home / "blobs"))


def _counts(home: Path) -> dict[str, int]:
    with sqlite3.connect(home / "track.db") as db:
        names = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                          "AND name NOT IN ('alembic_version', 'server_secrets', 'api_keys')")]
        return {n: db.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def test_everything_is_copied_with_ids_and_a_second_run_copies_nothing(filled, tmp_path: Path) -> None:
    home, ids = filled
    source, dest = _backend(home), _backend(tmp_path / "dest")
    try:
        first = sync(source, dest, show_progress=False)
        assert first.errors == []
        assert first.created["tasks"] >= 3 and first.created["models"] == 1 and first.created["datasets"] == 2
        assert first.files_sent > 0
        after_first = _counts(tmp_path / "dest")
        second = sync(source, dest, show_progress=False)
        assert second.created == {"tasks": 0, "models": 0, "datasets": 0}
        assert second.already_there == first.created and second.files_sent == 0
        assert _counts(tmp_path / "dest") == after_first

        src_counts = _counts(home)
        for table in ("tasks", "task_tags", "params", "configurations", "metrics", "scalar_chunks", "single_values",
                      "plots", "debug_samples", "console", "artifacts", "models", "model_versions", "task_models",
                      "dataset_versions", "dataset_files", "projects", "blobs"):
            assert after_first[table] == src_counts[table], table

        task_id = ids["task"]
        s_task, d_task = source.get_task(task_id), dest.get_task(task_id)
        assert d_task.to_dict() == {**s_task.to_dict(), "project_id": d_task.project_id}
        assert dest.get_parameters(task_id) == source.get_parameters(task_id)
        assert dest.get_configurations(task_id) == source.get_configurations(task_id)
        assert dest.get_scalars(task_id, max_samples=None) == source.get_scalars(task_id, max_samples=None)
        assert dest.get_last_metrics(task_id) == source.get_last_metrics(task_id)
        assert dest.get_single_values(task_id) == {"best acc": 0.93}
        assert [c["text"] for c in dest.get_console(task_id)] == [c["text"] for c in source.get_console(task_id)]
        assert [p["figure"] for p in dest.get_plots(task_id)] == [p["figure"] for p in source.get_plots(task_id)]
        sample = dest.get_debug_samples(task_id)[0]
        assert dest.get_blob(sample["blob_sha256"]) == source.get_blob(sample["blob_sha256"])
        artifact = dest.get_artifacts(task_id)[0]
        assert artifact.location == "" and dest.has_blob(str(artifact.blob_sha256))
        model = dest.get_model(ids["model"])
        assert model.weights is not None and model.name == "net" and \
            dest.get_blob(str(model.weights.blob_sha256)) == source.get_blob(str(model.weights.blob_sha256))
        assert dest.get_task_models(task_id)["output"][0].id == ids["model"]
        parent, child = ids["datasets"]
        assert dest.get_dataset_files(child) == source.get_dataset_files(child)
        assert dest.get_dataset(parent).status == "final"
        for entry in dest.get_dataset_files(child):
            if entry.sha256:
                assert dest.get_blob(entry.sha256) == source.get_blob(entry.sha256)
        assert "importing" not in dest.get_task(task_id).system_tags
    finally:
        source.close()
        dest.close()


def test_a_copy_that_broke_off_is_redone_on_the_next_run(filled, tmp_path: Path, monkeypatch) -> None:
    home, ids = filled
    monkeypatch.setattr(sync_rules, "SCALAR_RECORD_BYTES", 1)  # one record per chunk of points
    source, dest = _backend(home), _backend(tmp_path / "dest")
    try:
        records = list(source.sync_export("task", ids["task"]))
        kinds = [r["kind"] for r in records]
        assert kinds[0] == "task" and kinds[-1] == "finish_task" and kinds.count("scalars") == 4
        for upload in records[0]["uploads"]:
            dest.put_blob(source.get_blob(upload["sha256"]))
        dest.sync_import(records[0])  # the task row arrived, its scalars never did
        assert "importing" in dest.get_task(ids["task"]).system_tags
        report = sync(source, dest, show_progress=False)
        assert report.errors == []
        assert dest.get_scalars(ids["task"], max_samples=None) == source.get_scalars(ids["task"], max_samples=None)
        assert "importing" not in dest.get_task(ids["task"]).system_tags
    finally:
        source.close()
        dest.close()


def test_bad_records_are_refused_whole(tmp_path: Path, store) -> None:
    for bad in ({}, {"format": 1, "kind": "nope"}, {"format": 99, "kind": "task"},
                {"format": 1, "kind": "task", "project": "P", "task": {"id": "x"}},
                {"format": 1, "kind": "scalars", "task_id": "missing", "title": "a", "series": "b", "chunks": []}):
        with pytest.raises(InvalidArgument):
            sync_rules.import_record(store, bad)
    assert sync_rules.inventory(store)["tasks"] == []


def test_cli_sync_to_another_home(filled, tmp_path: Path) -> None:
    home, ids = filled
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
    env.update(JUPYTER_TRACK_HOME=str(home), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"))
    exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
    target = tmp_path / "elsewhere"
    out = subprocess.run([exe, "sync", "--to", str(target)], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "copied" in out.stdout and "1 models" in out.stdout
    again = subprocess.run([exe, "sync", "--to", str(target)], env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "copied 0 tasks, 0 models, 0 datasets" in again.stdout
    dest = _backend(target)
    try:
        assert dest.get_task(ids["task"]).name == "offline run"
    finally:
        dest.close()


def test_sync_over_http_to_a_real_server(filled, tmp_path: Path, db_url: str) -> None:
    from jupyter_ext.client.backend import Backend

    http = pytest.importorskip("jupyter_ext.client.http")
    background = pytest.importorskip("jupyter_ext.server.background")
    if http.HttpBackend.sync_import is Backend.sync_import:
        pytest.skip("the server has no sync route yet (HttpBackend.sync_import)")
    home, ids = filled
    server = background.BackgroundServer(db_url, str(tmp_path / "server-blobs"))
    access, secret = server.create_key("sync")
    dest = http.HttpBackend(server.url, access, secret)
    source = _backend(home)
    try:
        first = sync(source, dest, show_progress=False)
        assert first.errors == [] and first.created["datasets"] == 2 and first.files_sent > 0
        second = sync(source, dest, show_progress=False)
        assert second.created == {"tasks": 0, "models": 0, "datasets": 0} and second.files_sent == 0
        local = server.services.backend
        task_id = ids["task"]
        assert local.get_scalars(task_id, max_samples=None) == source.get_scalars(task_id, max_samples=None)
        assert local.get_dataset_files(ids["datasets"][1]) == source.get_dataset_files(ids["datasets"][1])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER_TRACK_", "CLEARML_"))}
        env.update(JUPYTER_TRACK_HOME=str(home), JUPYTER_TRACK_CONFIG_FILE=str(tmp_path / "none.toml"),
                   JUPYTER_TRACK_SECRET_KEY=secret)
        exe = os.path.join(os.path.dirname(sys.executable), "jupyter-track")
        out = subprocess.run([exe, "sync", "--to", server.url, "--access-key", access, "--quiet"], env=env,
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0 and "copied 0 tasks, 0 models, 0 datasets" in out.stdout, out.stderr
        assert secret not in out.stdout + out.stderr
    finally:
        source.close()
        dest.close()
        server.stop()


def test_tasks_and_models_changed_after_a_sync_are_sent_again(run_py: Any, track_home: Path, tmp_path: Path) -> None:
    first = run_py.run("""
        import json, time
        from jupyter_ext import Task, OutputModel
        task = Task.init(project_name="Sync", task_name="long run")
        for i in range(100):
            task.get_logger().report_scalar("loss", "train", 1.0 / (i + 1), i)
        open("w.bin", "wb").write(b"w" * 1000)
        model = OutputModel(task=task, name="net")
        model.update_weights("w.bin", async_enable=False)
        task.flush(wait_for_uploads=True)
        print(json.dumps({"task": task.id, "model": model.id}))
        import os; os._exit(0)  # still running as far as the store knows
    """)
    assert first.returncode == 0, first.stderr
    ids = json.loads(first.stdout.strip().splitlines()[-1])
    source, dest = _backend(track_home), _backend(tmp_path / "dest")
    try:
        assert sync(source, dest, show_progress=False).created["tasks"] == 1
        assert dest.get_task(ids["task"]).status == "in_progress"

        later = run_py.run(f"""
            from jupyter_ext import Task, Model
            task = Task.init(project_name="Sync", task_name="long run", continue_last_task="{ids['task']}")
            for i in range(100, 250):
                task.get_logger().report_scalar("loss", "train", 1.0 / (i + 1), i)
            task.close()
            Model("{ids['model']}").publish()
        """)
        assert later.returncode == 0, later.stderr
        again = sync(source, dest, show_progress=False)
        assert again.errors == [] and again.updated == {"tasks": 1, "models": 1}
        assert again.created == {"tasks": 0, "models": 0, "datasets": 0}
        assert dest.get_task(ids["task"]).status == "completed"
        assert dest.get_scalars(ids["task"], max_samples=None) == source.get_scalars(ids["task"], max_samples=None)
        assert dest.get_model(ids["model"]).published and \
            dest.get_task_models(ids["task"])["output"][0].id == ids["model"]
        assert "importing" not in dest.get_task(ids["task"]).system_tags
        third = sync(source, dest, show_progress=False)
        assert third.updated == {"tasks": 0, "models": 0} and third.already_there["tasks"] == 1

        # the destination's own later change is not overwritten by an older copy
        dest.update_task(ids["task"], {"comment": "reviewed on the server"})
        assert sync(source, dest, show_progress=False).updated["tasks"] == 0
        assert dest.get_task(ids["task"]).comment == "reviewed on the server"
    finally:
        source.close()
        dest.close()
