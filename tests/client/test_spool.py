"""The reporter's spool: reports made while the backend is unreachable wait on disk, in order,
and reach the backend when it is back (in this process, or in a later one).

The backend double is a LocalBackend whose store "goes away" (raises Unavailable, as the HTTP
backend does when the server is unreachable); the spool, the reporter and the store are real.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from jupyter_ext.client import spool as spool_mod
from jupyter_ext.client.local import LocalBackend
from jupyter_ext.client.reporter import Reporter, append_point, new_series
from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.errors import Unavailable
from jupyter_ext.store.rows import ConfigRow, ParamRow


class Unreachable(LocalBackend):
    """A backend that can be switched off and on like a server behind a network."""

    spool_identity = "https://tracker.example:8008"

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.down = False
        self.refused = 0

    @property
    def store(self) -> Any:
        if self.down:
            self.refused += 1
            raise Unavailable("connection refused")
        return super().store

    def _fast(self) -> Any:  # the embedded file's own door is behind the same network
        if self.down:
            self.refused += 1
            raise Unavailable("connection refused")
        return super()._fast()


@pytest.fixture
def remote(db_url: str, tmp_path: Path) -> Any:
    made = Unreachable(db_url, str(tmp_path / "blobs"))
    yield made
    made.close()


def _back_online(rep: Reporter) -> None:
    """Let the reporter probe now (instead of after its backoff) and wait until it replayed."""
    rep._next_probe = 0.0
    deadline = time.monotonic() + 30
    while rep.offline:
        assert time.monotonic() < deadline, "the spool was never replayed"
        rep.flush(timeout=30)  # each flush is a cycle; the probe follows it
    assert rep.flush(timeout=30)


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.jts"))


def test_records_round_trip_with_arrays_rows_and_bytes(tmp_path: Path) -> None:
    s = spool_mod.Spool(str(tmp_path / "s"), 1 << 20)
    batch = EventBatch()
    batch.scalars.append(("t1", "loss", "train", np.arange(5, dtype="<i8"), np.linspace(0, 1, 5), np.ones(5)))
    batch.console.append(("t1", 20, "hello\n", 1.5))
    batch.plots.append({"task_id": "t1", "title": "p", "series": "s", "iteration": 0, "figure": "{}", "time": 1.0})
    assert s.append("events", batch)
    assert s.append("call", {"method": "set_parameters", "args": ["t1", [ParamRow("General", "lr", 0.1, "float")]],
                             "kwargs": {"replace": True}})
    assert s.append("call", {"method": "set_configuration", "args": ["t1", ConfigRow("cfg", "yaml", "a: 1")],
                             "kwargs": {"weird": {1: (b"\x00\xff", None)}, "__t": "kept"}})
    got: list[tuple[str, Any]] = []
    assert s.replay(lambda kind, body: got.append((kind, body))) == 3
    kind, back = got[0]
    assert kind == "events" and isinstance(back, EventBatch)
    task, title, series, iters, values, times = back.scalars[0]
    assert (task, title, series) == ("t1", "loss", "train")
    assert iters.tolist() == [0, 1, 2, 3, 4] and values.tolist() == np.linspace(0, 1, 5).tolist()
    assert back.console == [("t1", 20, "hello\n", 1.5)] and back.plots == batch.plots
    assert got[1][1]["args"][1] == [ParamRow("General", "lr", 0.1, "float")]
    assert got[2][1]["args"][1] == ConfigRow("cfg", "yaml", "a: 1")
    assert got[2][1]["kwargs"] == {"weird": {1: (b"\x00\xff", None)}, "__t": "kept"}
    assert not s  # replayed segments are deleted


def test_things_that_cannot_be_written_are_refused_not_half_written(tmp_path: Path) -> None:
    s = spool_mod.Spool(str(tmp_path / "s"), 1 << 20)
    with pytest.raises(spool_mod.NotSpoolable):
        s.append("op", {"fn": print})
    assert not s


def test_a_torn_tail_is_ignored_and_replay_resumes_after_the_last_applied_record(tmp_path: Path) -> None:
    s = spool_mod.Spool(str(tmp_path / "s"), 1 << 20)
    for i in range(4):
        s.append("call", {"n": i})
    seg = s.segments()[0]
    with open(seg, "ab") as fh:  # a crash in the middle of writing a fifth record
        fh.write(spool_mod.MAGIC + b"\x50\x00\x00\x00\x00\x00")
    seen: list[int] = []

    def fail_on_two(kind: str, body: Any) -> None:
        if body["n"] == 2:
            raise Unavailable("gone again")
        seen.append(body["n"])

    with pytest.raises(Unavailable):
        s.replay(fail_on_two)
    assert seen == [0, 1]
    s.replay(lambda kind, body: seen.append(body["n"]))
    assert seen == [0, 1, 2, 3]


def test_the_spool_is_bounded(tmp_path: Path) -> None:
    s = spool_mod.Spool(str(tmp_path / "s"), 4096)
    written = sum(bool(s.append("call", {"pad": "x" * 500})) for _ in range(20))
    assert 0 < written < 20
    assert sum(os.path.getsize(p) for p in s.segments()) <= 4096


def test_reports_wait_on_disk_while_the_backend_is_down_and_arrive_in_order(remote: Unreachable,
                                                                           tmp_path: Path) -> None:
    spool_root = tmp_path / "spool"
    rep = Reporter(remote, flush_period=60.0, spool_dir=str(spool_root))
    try:
        remote.down = True
        rep.submit(remote.create_task, {"id": "offline1", "name": "t", "project": "P", "status": "in_progress"})
        rep.submit(remote.set_parameters, "offline1", [ParamRow("General", "lr", 0.5, "float")])
        buf = rep.series_buffers("offline1").setdefault(("loss", "train"), new_series())
        for i in range(100):
            append_point(buf, float(i), i, 1000.0 + i)
        rep.add_event("console", ("offline1", 20, "first\n", 1.0))
        assert rep.flush(timeout=30)  # done means: safe on disk, not waiting for the server
        assert rep.offline and rep.spooled >= 3
        assert _files(spool_root)
        rep.add_event("console", ("offline1", 20, "second\n", 2.0))
        rep.submit(remote.set_task_status, "offline1", "completed")
        assert rep.flush(timeout=30) and rep.offline
        remote.down = False
        _back_online(rep)
        assert rep.errors == []
    finally:
        rep.close(timeout=10)
    row = remote.get_task("offline1")
    assert row.status == "completed"
    assert [(p.name, p.value) for p in remote.get_parameters("offline1") if p.section == "General"] == [("lr", 0.5)]
    assert remote.get_last_metrics("offline1")["loss"]["train"]["count"] == 100
    assert [c["text"] for c in remote.get_console("offline1")] == ["first\n", "second\n"]
    assert not _files(spool_root)


def test_work_that_cannot_be_spooled_waits_in_memory_in_its_place(remote: Unreachable, tmp_path: Path) -> None:
    rep = Reporter(remote, flush_period=60.0, spool_dir=str(tmp_path / "spool"))
    order: list[str] = []
    try:
        remote.down = True
        rep.submit(remote.create_task, {"id": "mem1", "name": "t", "project": "P"})
        rep.submit(lambda: order.append("closure ran after the task existed: " + remote.get_task("mem1").id))
        rep.add_event("single_value", ("mem1", "acc", 0.9, 1.0))
        assert rep.flush(timeout=30) and rep.offline and order == []
        remote.down = False
        _back_online(rep)
    finally:
        rep.close(timeout=10)
    assert order == ["closure ran after the task existed: mem1"]
    assert remote.get_single_values("mem1") == {"acc": 0.9}


def test_a_later_process_replays_what_a_dead_one_spooled(remote: Unreachable, tmp_path: Path) -> None:
    spool_root = tmp_path / "spool"
    first = Reporter(remote, flush_period=60.0, spool_dir=str(spool_root))
    remote.down = True
    first.submit(remote.create_task, {"id": "orphan1", "name": "t", "project": "P"})
    first.add_event("console", ("orphan1", 20, "from the first run\n", 1.0))
    assert first.flush(timeout=30) and first.offline
    first._stopping = True
    first._wake.set()
    first._thread.join(10)
    first._spool._lock_fh.close()  # what the process's death does to its lock
    assert _files(spool_root)

    remote.down = False
    second = Reporter(remote, flush_period=60.0, spool_dir=str(spool_root))
    try:
        second.add_event("console", ("nobody", 20, "x\n", 1.0))  # any work starts the thread
        assert second.flush(timeout=30)
    finally:
        second.close(timeout=10)
    assert [c["text"] for c in remote.get_console("orphan1")] == ["from the first run\n"]
    assert not _files(spool_root)


def test_a_live_process_spool_is_not_taken_by_another(remote: Unreachable, tmp_path: Path) -> None:
    spool_root = tmp_path / "spool"
    first = Reporter(remote, flush_period=60.0, spool_dir=str(spool_root))
    try:
        remote.down = True
        first.submit(remote.create_task, {"id": "live1", "name": "t", "project": "P"})
        assert first.flush(timeout=30) and first.offline
        adopted = list(spool_mod.orphans(str(spool_root), "spool_identity=" + remote.spool_identity, 1 << 20))
        assert adopted == []
        others = list(spool_mod.orphans(str(spool_root), "https://another.server", 1 << 20))
        assert others == []
    finally:
        remote.down = False
        _back_online(first)
        first.close(timeout=10)
    assert remote.get_task("live1").name == "t"
