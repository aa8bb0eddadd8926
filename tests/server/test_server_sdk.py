"""The SDK, unchanged, against a server: a script with only the API settings in its environment."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jupyter_ext.server.background import BackgroundServer


def test_a_script_tracks_to_the_server(standalone: BackgroundServer, run_py: Any, task_id_of: Any,
                                       tmp_path: Path) -> None:
    access, secret = standalone.create_key("script")
    env = {"CLEARML_API_HOST": standalone.url, "CLEARML_API_ACCESS_KEY": access, "CLEARML_API_SECRET_KEY": secret,
           "CLEARML_CONFIG_FILE": str(tmp_path / "none.conf")}
    done = run_py.run("""
        import numpy as np
        from jupyter_ext import Task
        task = Task.init(project_name="Remote", task_name="over http")
        print("TASK_ID=" + task.id)
        params = task.connect({"lr": 0.1, "layers": [64, 32]})
        logger = task.get_logger()
        for i in range(500):
            logger.report_scalar("loss", "train", 1.0 / (i + 1), i)
        logger.report_text("hello from the script")
        task.upload_artifact("weights", np.arange(10.0))
        task.close()
        again = Task.get_task(task.id)
        print("STATUS=" + again.status)
        print("ARTIFACT=" + str(again.artifacts["weights"].get().sum()))
    """, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    task_id = task_id_of(done.stdout)
    assert "STATUS=completed" in done.stdout and "ARTIFACT=45.0" in done.stdout, done.stdout + done.stderr
    backend = standalone.services.backend  # what the server stored, read in process
    row = backend.get_task(task_id)
    assert (row.project_name, row.name, row.status) == ("Remote", "over http", "completed")
    series = backend.get_scalars(task_id, max_samples=None)["loss"]["train"]
    assert series["x"] == list(range(500)) and series["y"][0] == 1.0
    assert any("hello from the script" in c["text"] for c in backend.get_console(task_id))
    assert not (Path(run_py.home) / "track.db").exists()  # nothing went to a local store


def test_a_dead_server_fails_fast_and_clearly(tmp_path: Path) -> None:
    import socket
    import time

    import pytest

    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.errors import Unavailable

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = HttpBackend(f"http://127.0.0.1:{port}", "JTKEY", "secret", connect_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(Unavailable, match="cannot be reached"):
        backend.get_task("x")
    assert time.monotonic() - started < 5.0
    backend.close()


class _ClockAhead:
    """What the server's key module reads as the time: the real clock, ``ahead`` seconds later."""

    def __init__(self, ahead: float) -> None:
        import time

        self._time = time
        self.ahead = ahead

    def time(self) -> float:
        return self._time.time() + self.ahead

    def monotonic(self) -> float:
        return self._time.monotonic()


def test_an_expired_token_is_renewed(standalone: BackgroundServer, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.core import keys

    backend = HttpBackend(standalone.url, *standalone.create_key("short"), token_ttl=3.0)
    try:
        row = backend.create_task({"name": "t", "project": "P"})
        first = backend._auth_header()["Authorization"]
        # the server (in this process) lives 10 s later: the token has expired, so the next call
        # gets a 401, trades the key for a new token and succeeds
        monkeypatch.setattr(keys, "time", _ClockAhead(10.0))
        assert backend.get_task(row.id).id == row.id
        assert backend._auth_header()["Authorization"] != first
    finally:
        backend.close()


def test_a_dataset_round_trips_through_the_server(standalone: BackgroundServer, run_py: Any,
                                                  tmp_path: Path) -> None:
    access, secret = standalone.create_key("datasets")
    env = {"JUPYTER_TRACK_API_HOST": standalone.url, "JUPYTER_TRACK_ACCESS_KEY": access,
           "JUPYTER_TRACK_SECRET_KEY": secret, "CLEARML_CONFIG_FILE": str(tmp_path / "none.conf")}
    data = tmp_path / "data"
    (data / "imgs").mkdir(parents=True)
    for i in range(5):
        (data / "imgs" / f"{i}.txt").write_text(f"file {i}")
    done = run_py.run(f"""
        import os
        from jupyter_ext import Dataset
        ds = Dataset.create(dataset_project="Remote data", dataset_name="texts")
        ds.add_files({str(data)!r})
        ds.upload()
        ds.finalize()
        copy = Dataset.get(dataset_project="Remote data", dataset_name="texts").get_local_copy()
        names = sorted(os.path.relpath(os.path.join(d, f), copy) for d, _, fs in os.walk(copy) for f in fs)
        print("FILES=" + ",".join(names))
        print("TEXT=" + open(os.path.join(copy, "imgs", "3.txt")).read())
    """, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "FILES=imgs/0.txt,imgs/1.txt,imgs/2.txt,imgs/3.txt,imgs/4.txt" in done.stdout, done.stdout
    assert "TEXT=file 3" in done.stdout
    assert standalone.services.backend.query_datasets(name="texts")[0].status == "final"
