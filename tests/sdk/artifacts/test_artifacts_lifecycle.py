"""When artifacts are stored: in the background, visible at once, durable after close/exit,
re-synced when registered; and what reset, delete and garbage collection do to them."""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from jupyter_ext.errors import InvalidArgument, NotStored
from jupyter_ext.sdk import _transfers as files
from jupyter_ext.sdk.tasks import artifacts as task_artifacts

from .conftest import blob_files


@pytest.fixture
def slow_uploads(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Uploads wait until the returned event is set (or 10 s)."""
    gate = threading.Event()
    real = files.upload

    def upload(path: str, location: str, desc: str) -> tuple[str, int]:
        gate.wait(10)
        return real(path, location, desc)

    monkeypatch.setattr(files, "upload", upload)
    return gate


def _stored_names(backend: Callable[[], Any], task_id: str) -> list[str]:
    return [r.name for r in backend().get_artifacts(task_id)]


def test_the_upload_runs_in_the_background_and_shows_at_once(task: Any, slow_uploads: threading.Event,
                                                             sdk_backend: Callable[[], Any]) -> None:
    task.flush(wait_for_uploads=True)  # the task's row is in the store
    t0 = time.perf_counter()
    assert task.upload_artifact("cfg", {"a": 1}) is True
    assert time.perf_counter() - t0 < 2, "the caller does not wait for the upload"
    assert "cfg" in task.artifacts, "in this process it is visible at once"
    other = type(task)(dict(task._data))  # another Task object for the same task (Task.get_task would flush)
    assert "cfg" in other.artifacts, "through any Task object of this process"
    assert _stored_names(sdk_backend, task.id) == [], "not stored yet"
    art = task.artifacts["cfg"]
    assert "uploading" in repr(art)
    slow_uploads.set()
    assert art.get() == {"a": 1}, "get() waits for the upload"
    assert art.hash is not None
    task.flush(wait_for_uploads=True)
    assert _stored_names(sdk_backend, task.id) == ["cfg"]


def test_wait_on_upload_stores_before_returning(task: Any, sdk_backend: Callable[[], Any]) -> None:
    assert task.upload_artifact("cfg", {"a": 1}, wait_on_upload=True) is True
    assert _stored_names(sdk_backend, task.id) == ["cfg"]


@pytest.mark.slow
def test_close_waits_for_slow_uploads_and_a_new_process_reads_them(
        Task: Any, run_py: Any, monkeypatch: pytest.MonkeyPatch, files_dir: Path) -> None:
    monkeypatch.setenv("JUPYTER_TRACK_EXIT_TIMEOUT", "0.2")  # close's own flush gives up quickly
    real = files.upload
    monkeypatch.setattr(files, "upload", lambda *a: (time.sleep(0.5), real(*a))[1])
    task = Task.init(project_name="Artifacts", task_name="durable", reuse_last_task_id=False)
    (files_dir / "data.csv").write_text("a,b\n1,2\n")
    task.upload_artifact("data.raw", str(files_dir / "data.csv"))
    task.upload_artifact("df", pd.DataFrame({"x": [1, 2]}))
    task.upload_artifact("cfg", {"a": 1}, metadata={"m": "v"})
    task.close()
    out = run_py.run(f"""
import json
from jupyter_ext import Task
arts = Task.get_task(task_id="{task.id}").artifacts
print("GOT=" + json.dumps({{"names": list(arts), "raw": open(arts["data.raw"].get_local_copy()).read(),
                           "x": arts["df"].get()["x"].tolist(), "cfg": arts["cfg"].get(),
                           "meta": arts["cfg"].metadata}}))
""")
    assert out.returncode == 0, out.stderr
    got = json.loads(next(ln for ln in out.stdout.splitlines() if ln.startswith("GOT="))[4:])
    assert got == {"names": ["data.raw", "df", "cfg"], "raw": "a,b\n1,2\n", "x": [1, 2], "cfg": {"a": 1},
                   "meta": {"m": "v"}}


@pytest.mark.slow
def test_a_script_that_ends_without_close_keeps_its_uploads(run_py: Any, task_id_of: Any) -> None:
    # The upload takes longer than the exit hook's own time limit (exit_timeout + 1 s).
    out = run_py.run("""
import time
from jupyter_ext import Task
from jupyter_ext.sdk import _transfers as files
real = files.upload
files.upload = lambda *a: (time.sleep(2.0), real(*a))[1]
task = Task.init(project_name="Artifacts", task_name="no close")
print("TASK_ID=" + task.id, flush=True)
task.upload_artifact("numbers", list(range(10)))
""", env={"JUPYTER_TRACK_EXIT_TIMEOUT": "0.2"})
    assert out.returncode == 0, out.stderr
    tid = task_id_of(out.stdout)
    check = run_py.run(f"""
from jupyter_ext import Task
t = Task.get_task(task_id="{tid}")
print("GOT", t.artifacts["numbers"].get(), t.get_status())
""")
    assert check.returncode == 0, check.stderr
    assert "GOT [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] completed" in check.stdout


def test_a_failed_background_upload_says_so_and_leaves_no_artifact(
        task: Any, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    def broken(*_: Any) -> tuple[str, int]:
        raise OSError("disk full")

    monkeypatch.setattr(files, "upload", broken)
    task.upload_artifact("cfg", {"a": 1})
    art = task.artifacts["cfg"]
    task.flush(wait_for_uploads=True)
    assert "artifact 'cfg'" in capfd.readouterr().err
    assert "cfg" not in task.artifacts
    with pytest.raises(OSError, match="disk full"):
        art.get()


def test_retries_try_a_failed_upload_again(task: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    real = files.upload
    failures = {"left": 2}

    def flaky(*args: Any) -> tuple[str, int]:
        if failures["left"]:
            failures["left"] -= 1
            raise OSError("network blip")
        return real(*args)

    monkeypatch.setattr(task_artifacts.time, "sleep", lambda s: None)
    monkeypatch.setattr(files, "upload", flaky)
    assert task.upload_artifact("cfg", {"a": 1}, retries=2, wait_on_upload=True) is True
    assert task.artifacts["cfg"].get() == {"a": 1}
    failures["left"] = 1
    with pytest.raises(NotStored, match="network blip"):
        task.upload_artifact("cfg2", {"a": 1}, retries=0, wait_on_upload=True)
    assert "cfg2" not in task.artifacts
    with pytest.raises(InvalidArgument, match="retries"):
        task.upload_artifact("x", 1, retries=-1)


def test_delete_after_upload_removes_the_users_file_only(task: Any, files_dir: Path) -> None:
    src = files_dir / "weights.bin"
    src.write_bytes(b"\x00" * 100)
    folder = files_dir / "dir"
    folder.mkdir()
    (folder / "f").write_text("x")
    task.upload_artifact("w", str(src), delete_after_upload=True)
    task.upload_artifact("d", str(folder), delete_after_upload=True)
    task.flush(wait_for_uploads=True)
    assert not src.exists()
    assert (folder / "f").exists(), "folders are zipped to a temporary file; the folder stays"
    assert task.artifacts["w"].get().read_bytes() == b"\x00" * 100


def test_temporary_files_are_removed(task: Any, private_tmp: Path, files_dir: Path) -> None:
    from PIL import Image

    (files_dir / "f.txt").write_text("x")
    for name, obj in [("df", pd.DataFrame({"a": [1]})), ("d", {"a": 1}), ("p", [1]), ("t", "text"),
                      ("img", Image.new("L", (2, 2))), ("zip", str(files_dir))]:
        task.upload_artifact(name, obj)
    task.upload_artifact("now", {"b": 2}, wait_on_upload=True)
    with pytest.raises(InvalidArgument):
        task.upload_artifact("bad", lambda: 1)  # fails while pickling: its temporary file goes too
    task.flush(wait_for_uploads=True)
    assert list(private_tmp.iterdir()) == []


@pytest.mark.slow
def test_many_artifacts_one_query(Task: Any, sdk_backend: Callable[[], Any], monkeypatch: pytest.MonkeyPatch) -> None:
    task = Task.init(project_name="Artifacts", task_name="many", reuse_last_task_id=False)
    for i in range(1000):
        task.upload_artifact(name=f"a{i:04d}", artifact_object={"i": i, "tag": "x" * 50})
    task.close()
    stored = Task.get_task(task_id=task.id)
    calls = []
    backend = sdk_backend()
    real = backend.get_artifacts
    monkeypatch.setattr(backend, "get_artifacts", lambda tid: (calls.append(tid), real(tid))[1])
    t0 = time.perf_counter()
    arts = stored.artifacts
    n = len(arts)
    first = arts["a0000"].size
    elapsed = time.perf_counter() - t0
    print(f"artifacts of a task with 1,000 artifacts: {elapsed * 1000:.1f} ms")
    assert (n, calls) == (1000, [task.id])
    assert first > 0 and arts["a0999"].get() == {"i": 999, "tag": "x" * 50}
    assert list(arts)[:2] == ["a0000", "a0001"]


# -- registered DataFrames --------------------------------------------------------------------
def test_register_artifact_takes_a_dataframe_only(task: Any) -> None:
    with pytest.raises(InvalidArgument, match="DataFrame"):
        task.register_artifact("x", {"a": 1})
    with pytest.raises(InvalidArgument, match="not columns"):
        task.register_artifact("x", pd.DataFrame({"a": [1]}), uniqueness_columns=["b"])


def test_a_registered_frame_is_an_audit_table_with_a_uniqueness_summary(task: Any) -> None:
    df = pd.DataFrame({"a": [1, 1, 2, 2], "b": ["x", "x", "y", "z"]})
    task.register_artifact("live", df, metadata={"k": "v"})
    task.register_artifact("by a", df, uniqueness_columns=["a"])
    art = task.artifacts["live"]
    assert art.type == "data-audit-table" and art.metadata == {"k": "v"}
    assert art.preview.startswith("[live]: shape=(4, 2), 3 unique rows by all columns, 75.0% uniqueness\n")
    assert "2 unique rows by a, 50.0% uniqueness" in task.artifacts["by a"].preview
    pd.testing.assert_frame_equal(art.get(), df)
    assert task.get_registered_artifacts()["live"] is df
    with pytest.raises(InvalidArgument, match="unregister_artifact"):
        task.upload_artifact("live", df)


@pytest.mark.slow
def test_a_registered_frame_is_synced_at_close_when_changed(task: Any, run_py: Any) -> None:
    df = pd.DataFrame({"a": [1, 2]})
    task.register_artifact("live", df)
    task.flush(wait_for_uploads=True)
    df.loc[len(df)] = [3]
    df.loc[0, "a"] = 100
    task.close()
    out = run_py.run(f"""
from jupyter_ext import Task
print("GOT", Task.get_task(task_id="{task.id}").artifacts["live"].get()["a"].tolist())
""")
    assert out.returncode == 0, out.stderr
    assert "GOT [100, 2, 3]" in out.stdout


def test_an_unchanged_registered_frame_is_not_uploaded_again(task: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []
    real = files.upload
    monkeypatch.setattr(files, "upload", lambda path, loc, desc: (sent.append(desc), real(path, loc, desc))[1])
    df = pd.DataFrame({"a": [1, 2]})
    task.register_artifact("live", df)
    assert task._sync_registered("live") is False
    df.loc[0, "a"] = 5
    assert task._sync_registered("live") is True
    task.close()
    assert sent == ["live", "live"]


def test_a_registered_frame_is_resynced_periodically(task: Any, monkeypatch: pytest.MonkeyPatch,
                                                     sdk_backend: Callable[[], Any]) -> None:
    monkeypatch.setattr(task_artifacts, "REGISTERED_SYNC_SECONDS", 0.05)
    df = pd.DataFrame({"a": [1, 2]})
    task.register_artifact("live", df)
    task.flush(wait_for_uploads=True)
    first = task.artifacts["live"].hash
    df.loc[0, "a"] = 7
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        task.flush(wait_for_uploads=True)
        rows = {r.name: r for r in sdk_backend().get_artifacts(task.id)}
        if rows["live"].blob_sha256 != first:
            break
        time.sleep(0.05)
    assert task.artifacts["live"].get()["a"].tolist() == [7, 2]


def test_unregister_stops_the_syncing(task: Any) -> None:
    df = pd.DataFrame({"a": [1]})
    task.register_artifact("live", df)
    task.flush(wait_for_uploads=True)
    task.unregister_artifact("live")
    assert task.get_registered_artifacts() == {}
    df.loc[0, "a"] = 2
    task.close()
    assert task.artifacts["live"].get()["a"].tolist() == [1], "what was stored stays"


@pytest.mark.slow
def test_a_script_that_ends_without_close_syncs_its_registered_frames(run_py: Any, task_id_of: Any) -> None:
    out = run_py.run("""
import pandas as pd
from jupyter_ext import Task
task = Task.init(project_name="Artifacts", task_name="registered exit")
print("TASK_ID=" + task.id, flush=True)
df = pd.DataFrame({"a": [1]})
task.register_artifact("live", df)
df.loc[0, "a"] = 42
""")
    assert out.returncode == 0, out.stderr
    check = run_py.run(f"""
from jupyter_ext import Task
print("GOT", Task.get_task(task_id="{task_id_of(out.stdout)}").artifacts["live"].get()["a"].tolist())
""")
    assert "GOT [42]" in check.stdout, check.stderr


# -- reset, delete, garbage, destinations ---------------------------------------------------------
def test_reset_clears_the_artifacts(task: Any, sdk_backend: Callable[[], Any], track_home: Path) -> None:
    task.upload_artifact("cfg", {"only": "here"})
    task.close()
    sha = task.artifacts["cfg"].hash
    task.reset()
    assert dict(task.artifacts) == {}
    sdk_backend().collect_garbage()
    assert sha not in blob_files(track_home / "blobs")


def test_delete_frees_blobs_no_one_else_uses_and_same_bytes_are_stored_once(
        Task: Any, sdk_backend: Callable[[], Any], track_home: Path, files_dir: Path) -> None:
    shared = files_dir / "shared.bin"
    shared.write_bytes(b"the same bytes" * 1000)
    first = Task.init(project_name="Artifacts", task_name="first", reuse_last_task_id=False)
    first.upload_artifact("shared", str(shared))
    first.upload_artifact("own", {"only": "first"})
    first.close()
    second = Task.init(project_name="Artifacts", task_name="second", reuse_last_task_id=False)
    second.upload_artifact("same bytes, other name", str(shared))
    second.close()
    shared_sha, own_sha = first.artifacts["shared"].hash, first.artifacts["own"].hash
    assert second.artifacts["same bytes, other name"].hash == shared_sha
    blobs = track_home / "blobs"
    assert len([s for s in blob_files(blobs) if s == shared_sha]) == 1
    assert {shared_sha, own_sha} <= blob_files(blobs)

    assert first.delete() is True
    sdk_backend().collect_garbage()
    assert own_sha not in blob_files(blobs), "used only by the deleted task: freed"
    assert shared_sha in blob_files(blobs), "the other task still uses these bytes"
    assert second.artifacts["same bytes, other name"].get().read_bytes() == shared.read_bytes()

    assert second.delete() is True
    sdk_backend().collect_garbage()
    assert shared_sha not in blob_files(blobs)


def test_output_uri_folder_holds_the_bytes(Task: Any, tmp_path: Path, track_home: Path, run_py: Any,
                                           sdk_backend: Callable[[], Any]) -> None:
    out_dir = tmp_path / "shared storage"
    task = Task.init(project_name="Artifacts", task_name="output uri", output_uri=str(out_dir),
                     reuse_last_task_id=False)
    task.upload_artifact("cfg", {"where": "there"})
    task.close()
    art = task.artifacts["cfg"]
    assert art.hash in blob_files(out_dir)
    assert art.hash not in blob_files(track_home / "blobs")
    assert art.url == (out_dir / "sha256" / art.hash[:2] / art.hash).as_uri()
    check = run_py.run(f"""
from jupyter_ext import Task
print("GOT", Task.get_task(task_id="{task.id}").artifacts["cfg"].get())
""")
    assert "GOT {'where': 'there'}" in check.stdout, check.stderr
    task.delete()
    sdk_backend().collect_garbage()
    assert art.hash not in blob_files(out_dir)


def test_output_uri_naming_the_default_folder_is_the_default_store(Task: Any, track_home: Path) -> None:
    task = Task.init(project_name="Artifacts", task_name="default folder", reuse_last_task_id=False,
                     output_uri=str(track_home / "blobs"))
    task.upload_artifact("cfg", {"a": 1}, wait_on_upload=True)
    from jupyter_ext.sdk import _session as session

    row = session.backend().get_artifacts(task.id)[0]
    assert row.location == "", "recorded as the default store, so the GC knows the file"


def test_a_url_registered_artifact_survives_a_new_process(task: Any, run_py: Any) -> None:
    task.upload_artifact("remote", "s3://bucket/key/model.pt")
    task.close()
    out = run_py.run(f"""
from jupyter_ext import Task
a = Task.get_task(task_id="{task.id}").artifacts["remote"]
print("GOT", a.url, a.type, a.hash)
""")
    assert "GOT s3://bucket/key/model.pt custom None" in out.stdout, out.stderr
