"""Uploads made while the server is away (artifacts, model weights, debug samples) wait in the
spool as data, not as closures: a later process sends them with the exact bytes. A real API
server on 127.0.0.1, stopped and started over the same store; real scripts in fresh interpreters.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.client import spool as spool_mod
from jupyter_ext.client import spool_files

# A file artifact, one deleted after upload, an in-memory object, model weights (a file, then a
# zipped folder), an image and a large media sample; the script prints what it expects stored.
RUN = """
import hashlib, json, os
import numpy as np
from jupyter_ext import Task, OutputModel
from jupyter_ext.sdk.logging.figures import image_to_png
from jupyter_ext.sdk import _session as session

def sha(data):
    return hashlib.sha256(data).hexdigest()

task = Task.init(project_name="Offline uploads", task_name="uploads while the server was down")
raw = os.urandom(300_000)
with open("data.bin", "wb") as fh:
    fh.write(raw)
gone = os.urandom(50_000)
with open("bye.bin", "wb") as fh:
    fh.write(gone)
task.upload_artifact("raw", artifact_object="data.bin")
task.upload_artifact("gone", artifact_object="bye.bin", delete_after_upload=True)
task.upload_artifact("cfg", {"lr": 0.25, "layers": [64, 32]})
task.upload_artifact("waited", {"x": 1}, wait_on_upload=True)
model = OutputModel(task=task, name="net", framework="pytorch")
weights = os.urandom(2_000_000)
with open("w.pth", "wb") as fh:
    fh.write(weights)
uri = model.update_weights(weights_filename="w.pth", iteration=7)
with open("w.pth", "wb") as fh:
    fh.write(b"overwritten at once: the stored version is the bytes given above")
image = (np.arange(48 * 32 * 3) % 251).astype(np.uint8).reshape(48, 32, 3)
png, _ = image_to_png(image=image, local_path=None, matrix=None)
task.get_logger().report_image("samples", "first", iteration=3, image=image)
media = os.urandom(1_500_000)
with open("clip.bin", "wb") as fh:
    fh.write(media)
task.get_logger().report_media("samples", "clip", iteration=3, local_path="clip.bin")
print("WAIT=%s" % OutputModel.wait_for_uploads(timeout=60))
print("FLUSH=%s" % task.flush(wait_for_uploads=True))
print("OFFLINE=%s" % session.reporter().offline)
print("GONE_EXISTS=%s" % os.path.exists("bye.bin"))
print("EXPECT=" + json.dumps({"raw": sha(raw), "gone": sha(gone), "weights": sha(weights), "png": sha(png),
                              "media": sha(media), "model": model.id, "uri": uri}))
task.close()
print("TASK_ID=" + task.id)
"""

LATER = """
from jupyter_ext.sdk import _session as session
rep = session.reporter()
rep.add_event("console", ("nobody", 20, "wake up\\n", 0.0))  # any work starts the thread, which replays
print("FLUSHED=%s" % rep.flush(timeout=120))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _line(stdout: str, key: str) -> str:
    for line in stdout.splitlines():
        if line.startswith(key + "="):
            return line.split("=", 1)[1]
    raise AssertionError(f"no {key}= line in:\n{stdout}")


def _spooled_files(home: Path) -> list[Path]:
    root = home / "spool"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _check_stored(backend: Any, task_id: str, expect: dict[str, str]) -> None:
    arts = {a.name: a for a in backend.get_artifacts(task_id)}
    assert set(arts) == {"raw", "gone", "cfg", "waited"}
    for name in ("raw", "gone"):
        assert arts[name].blob_sha256 == expect[name]
        assert hashlib.sha256(backend.get_blob(expect[name])).hexdigest() == expect[name]
    assert json.loads(backend.get_blob(arts["cfg"].blob_sha256)) == {"lr": 0.25, "layers": [64, 32]}
    assert json.loads(backend.get_blob(arts["waited"].blob_sha256)) == {"x": 1}
    versions = backend.get_model_versions(expect["model"])
    assert [(v.version, v.blob_sha256, v.iteration) for v in versions] == [(1, expect["weights"], 7)]
    assert hashlib.sha256(backend.get_blob(expect["weights"])).hexdigest() == expect["weights"]
    assert backend.get_model(expect["model"]).name == "net"
    assert expect["uri"].endswith(expect["weights"]) or expect["weights"] in expect["uri"]
    samples = {s["series"]: s for s in backend.get_debug_samples(task_id)}
    assert samples["first"]["blob_sha256"] == expect["png"] and samples["first"]["iteration"] == 3
    assert hashlib.sha256(backend.get_blob(expect["png"])).hexdigest() == expect["png"]
    assert samples["clip"]["blob_sha256"] == expect["media"]
    assert hashlib.sha256(backend.get_blob(expect["media"])).hexdigest() == expect["media"]


@pytest.fixture
def server(tmp_path: Path, db_url: str) -> Any:
    background = pytest.importorskip("jupyter_ext.server.background")
    port = _free_port()
    blobs = str(tmp_path / "server-blobs")
    up = background.BackgroundServer(db_url, blobs, port=port)
    access, secret = up.create_key("offline uploads")
    env = {"JUPYTER_TRACK_API_HOST": f"http://127.0.0.1:{port}", "JUPYTER_TRACK_ACCESS_KEY": access,
           "JUPYTER_TRACK_SECRET_KEY": secret, "JUPYTER_TRACK_CONNECT_TIMEOUT": "1"}

    class Server:
        def __init__(self) -> None:
            self.up: Any = up
            self.env = env

        def stop(self) -> None:
            self.up.stop()
            self.up = None

        def start(self) -> None:
            self.up = background.BackgroundServer(db_url, blobs, port=port)

    made = Server()
    yield made
    if made.up is not None:
        made.up.stop()


@pytest.mark.slow
def test_uploads_made_while_the_server_is_down_are_sent_by_the_next_process(run_py: Any, server: Any) -> None:
    server.stop()
    out = run_py.run(RUN, env=server.env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert _line(out.stdout, "OFFLINE") == "True"
    # kept on disk: they count as handed over, so waiting returns at once
    assert _line(out.stdout, "WAIT") == "True" and _line(out.stdout, "FLUSH") == "True"
    assert _line(out.stdout, "GONE_EXISTS") == "False"  # delete_after_upload: its bytes are in the spool
    expect = json.loads(_line(out.stdout, "EXPECT"))
    task_id = _line(out.stdout, "TASK_ID")
    assert "lost" not in out.stderr, out.stderr
    assert "wait on disk in" in out.stderr and "next run that reaches the backend sends them" in out.stderr
    kept = [p.name for p in _spooled_files(run_py.home)]
    assert f"blob-{expect['raw']}" in kept and f"blob-{expect['weights']}" in kept
    assert f"blob-{expect['media']}" in kept  # big media as a file; the small PNG inside a record
    assert not [n for n in kept if n.endswith(".part")]
    # secrets never reach the spool, in any file
    for path in _spooled_files(run_py.home):
        assert server.env["JUPYTER_TRACK_SECRET_KEY"].encode() not in path.read_bytes()

    server.start()
    later = run_py.run(LATER, env=server.env, timeout=120)
    assert later.returncode == 0 and _line(later.stdout, "FLUSHED") == "True", later.stderr
    assert "lost" not in later.stderr, later.stderr
    _check_stored(server.up.services.backend, task_id, expect)
    assert server.up.services.backend.get_task(task_id).status == "completed"
    assert _spooled_files(run_py.home) == []  # replayed: segments and copied files are gone


def test_online_the_same_uploads_write_nothing_to_the_spool(run_py: Any, server: Any) -> None:
    out = run_py.run(RUN, env=server.env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert _line(out.stdout, "OFFLINE") == "False"
    _check_stored(server.up.services.backend, _line(out.stdout, "TASK_ID"), json.loads(_line(out.stdout, "EXPECT")))
    assert _spooled_files(run_py.home) == []


CRASH = """
import os, sys
from jupyter_ext.client import spool, spool_files
s = spool.Spool(sys.argv[1], 1 << 30)
spool_files._CHUNK = 1 << 16
def crash(fd):  # the process dies after writing part of the copy, before it is made durable
    os._exit(9)
os.fsync = crash
path, sha, size = spool_files.add_file(s, sys.argv[2])
s.append("call", {"method": "put_blob_file", "args": [path, ""], "kwargs": {"known_sha256": sha}})
"""


def test_a_crash_while_copying_leaves_no_record_and_no_file_under_a_final_name(tmp_path: Path) -> None:
    source = tmp_path / "weights.pth"
    source.write_bytes(os.urandom(1 << 20))
    folder = tmp_path / "spool" / "backend" / "123-456"
    script = tmp_path / "crash.py"
    script.write_text(CRASH)
    done = subprocess.run([sys.executable, str(script), str(folder), str(source)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 9, done.stderr
    left = sorted(p.name for p in folder.iterdir())
    assert [n for n in left if n.endswith(".part")] and not [n for n in left if n.startswith("blob-")]
    adopted = spool_mod.Spool(str(folder), 1 << 30)
    seen: list[Any] = []
    assert adopted.replay(lambda kind, body: seen.append(body)) == 0 and seen == []
    adopted.remove()
    assert not folder.exists()  # the torn copy goes with the folder
    assert source.exists()  # and the original was never touched


def test_a_copy_past_spool_max_mb_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    s = spool_mod.Spool(str(tmp_path / "s"), 1 << 20)
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * (1 << 20))
    with pytest.raises(spool_files.SpoolFull, match="spool_max_mb"):
        spool_files.add_file(s, str(big))
    assert s.files() == [] and big.exists()
    small = tmp_path / "small.bin"
    small.write_bytes(b"y" * 1000)
    path, sha, size = spool_files.add_file(s, str(small), move=True)
    assert (sha, size) == (hashlib.sha256(b"y" * 1000).hexdigest(), 1000) and not small.exists()
    assert Path(path).read_bytes() == b"y" * 1000 and s.size >= 1000


def test_a_location_with_credentials_is_never_spooled() -> None:
    with pytest.raises(spool_mod.NotSpoolable):
        spool_files.check_location("https://user:pw@files.example/bucket")
    assert spool_files.check_location("s3://bucket/models") == "s3://bucket/models"


def test_in_this_process_a_spooled_artifact_is_pending_until_the_server_is_back(
        track_home: Path, server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from jupyter_ext import OutputModel, Task
    from jupyter_ext.sdk import _session as session
    from jupyter_ext.sdk.tasks.artifacts import _pending_of

    for key, value in server.env.items():
        monkeypatch.setenv(key, value)
    session.reset_for_tests()
    server.stop()
    task = Task.init(project_name="Offline uploads", task_name="in process", auto_connect_streams=False)
    data = os.urandom(100_000)
    (tmp_path / "in.bin").write_bytes(data)
    task.upload_artifact("raw", artifact_object=str(tmp_path / "in.bin"))
    model = OutputModel(task=task, name="inproc")
    (tmp_path / "w.bin").write_bytes(data[::-1])
    model.update_weights(weights_filename=str(tmp_path / "w.bin"))
    rep = session.reporter()
    assert task.flush(wait_for_uploads=True) and OutputModel.wait_for_uploads(timeout=30)
    assert rep.offline
    pending = _pending_of(task.id)["raw"]
    # the row as it will be stored is known at once: no waiting on the server for the hash
    assert pending.hash == hashlib.sha256(data).hexdigest() and pending.size == len(data)
    server.start()
    rep._next_probe = 0.0
    deadline = time.monotonic() + 60
    while rep.offline:
        assert time.monotonic() < deadline, "the spool was never replayed"
        rep.flush(timeout=30)
    assert _pending_of(task.id) == {}  # replayed by this process: no longer pending
    assert task.artifacts["raw"].hash == hashlib.sha256(data).hexdigest()
    assert task.artifacts["raw"].get_local_copy() and Path(task.artifacts["raw"].get_local_copy()).read_bytes() == data
    versions = server.up.services.backend.get_model_versions(model.id)
    assert [v.blob_sha256 for v in versions] == [hashlib.sha256(data[::-1]).hexdigest()]
    task.close()
    assert _spooled_files(track_home) == []


def test_a_spooled_file_whose_bytes_changed_is_not_sent_nor_the_row_that_names_it(db_url: str,
                                                                                   tmp_path: Path) -> None:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.client.reporter import Reporter

    backend = LocalBackend(db_url, str(tmp_path / "blobs"))
    try:
        task = backend.create_task({"project": "Spool", "name": "changed file", "type": "training"})
        rep = Reporter(backend, spool_dir=str(tmp_path / "spool"))
        writer = spool_files.Writer(rep._own_spool(), rep._new_notify)
        told: list[Any] = []
        for name, data in (("changed", b"a" * 5000), ("intact", b"b" * 5000)):
            (tmp_path / name).write_bytes(data)
            path, sha, size = writer.file(str(tmp_path / name))
            writer.call("put_blob_file", path, "", known_sha256=sha)
            writer.call("put_artifact", task.id, {"name": name, "type": "custom", "mode": "output",
                                                  "file_name": name, "blob_sha256": sha, "size": size,
                                                  "location": ""},
                        on_replayed=lambda row, error: told.append((row, error)))
            if name == "changed":
                Path(path).write_bytes(b"c" * 5000)  # damaged on disk before the replay
        rep._drain()
        assert [a.name for a in backend.get_artifacts(task.id)] == ["intact"]
        assert backend.get_blob(hashlib.sha256(b"b" * 5000).hexdigest()) == b"b" * 5000
        assert any("no longer has the bytes" in e for e in rep.errors)
        assert any("put_artifact not replayed" in e for e in rep.errors)
        assert told[0][0] is None and told[0][1] is not None and told[1][0].name == "intact"
        assert not (tmp_path / "spool").exists() or not list((tmp_path / "spool").rglob("blob-*"))
    finally:
        backend.close()
