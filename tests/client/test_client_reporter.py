"""The background reporter: memory in the caller, one thread writing batches."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from jupyter_ext.client.local import LocalBackend
from jupyter_ext.client.reporter import Reporter, append_point, new_series
from jupyter_ext.errors import Unavailable


@pytest.fixture
def reporter(backend: LocalBackend) -> Iterator[Reporter]:
    rep = Reporter(backend, flush_period=60.0)  # nothing happens unless asked
    yield rep
    rep.close(timeout=10)


def test_scalars_reach_the_store_on_flush(reporter: Reporter, backend: LocalBackend) -> None:
    row = backend.create_task({"name": "t", "project": "P"})
    buf = reporter.series_buffers(row.id).setdefault(("loss", "train"), new_series())
    for i in range(1000):
        append_point(buf, float(i), i, 1.0 + i)
    assert reporter.flush(timeout=10) is True
    got = backend.get_scalars(row.id, max_samples=None)["loss"]["train"]
    assert got["x"] == list(range(1000)) and got["y"] == [float(i) for i in range(1000)]
    assert reporter.pending() == 0


def test_operations_run_before_events_taken_in_the_same_cycle(reporter: Reporter, backend: LocalBackend) -> None:
    # The task row is created by an operation; its events, queued right after, must not be dropped.
    reporter.submit(backend.create_task, {"id": "made-later", "name": "t", "project": "P"})
    append_point(reporter.series_buffers("made-later").setdefault(("a", "b"), new_series()), 1.0, 0, 1.0)
    reporter.add_event("console", ("made-later", 20, "hi\n", 1.0))
    assert reporter.flush(timeout=10)
    assert reporter.dropped == {} and reporter.errors == []
    assert backend.get_last_metrics("made-later")["a"]["b"]["last"] == 1.0
    assert [c["text"] for c in backend.get_console("made-later")] == ["hi\n"]


def test_console_pieces_are_joined(reporter: Reporter, backend: LocalBackend) -> None:
    row = backend.create_task({"name": "t", "project": "P"})
    for i in range(3):
        reporter.add_event("console", (row.id, 20, f"{i}\n", float(i)))
    reporter.flush(timeout=10)
    assert [c["text"] for c in backend.get_console(row.id)] == ["0\n1\n2\n"]


def test_dropped_events_are_reported_once(reporter: Reporter, capsys: pytest.CaptureFixture[str]) -> None:
    reporter.add_event("single_value", ("ghost", "x", 1.0, 1.0))
    reporter.flush(timeout=10)
    reporter.add_event("single_value", ("ghost", "x", 2.0, 1.0))
    reporter.flush(timeout=10)
    assert reporter.dropped == {"ghost": "the task no longer exists"}
    err = capsys.readouterr().err
    assert err.count("events for task ghost were not stored: the task no longer exists") == 1


class Flaky:
    """A backend whose write_events is unavailable for the first ``failures`` calls."""

    def __init__(self, inner: LocalBackend, failures: int) -> None:
        self.inner = inner
        self.failures = failures
        self.calls = 0

    def write_events(self, batch: Any) -> Any:
        self.calls += 1
        if self.calls <= self.failures:
            raise Unavailable("database is locked")
        return self.inner.write_events(batch)


def test_unavailable_is_retried(backend: LocalBackend) -> None:
    row = backend.create_task({"name": "t", "project": "P"})
    flaky = Flaky(backend, failures=2)
    rep = Reporter(flaky, flush_period=60.0)  # type: ignore[arg-type]
    try:
        append_point(rep.series_buffers(row.id).setdefault(("a", "b"), new_series()), 1.0, 0, 1.0)
        assert rep.flush(timeout=10)
    finally:
        rep.close()
    assert flaky.calls == 3
    assert rep.errors == []
    assert backend.get_last_metrics(row.id)["a"]["b"]["count"] == 1


def test_other_errors_are_noted_and_the_thread_lives_on(reporter: Reporter, backend: LocalBackend,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def broken() -> None:
        raise RuntimeError("bad op")

    reporter.submit(broken)
    assert reporter.flush(timeout=10) is False  # something handed over was not stored: flush says so
    assert reporter.errors == ["RuntimeError: bad op"]
    assert "could not store reported data: RuntimeError: bad op" in capsys.readouterr().err
    row = backend.create_task({"name": "t", "project": "P"})
    reporter.add_event("single_value", (row.id, "v", 1.0, 1.0))
    assert reporter.flush(timeout=10)
    assert backend.get_single_values(row.id) == {"v": 1.0}


def test_flush_without_a_thread_returns_at_once(backend: LocalBackend) -> None:
    rep = Reporter(backend)
    start = time.monotonic()
    assert rep.flush(timeout=5) is True
    assert time.monotonic() - start < 0.5


def test_hold_delays_the_thread(backend: LocalBackend) -> None:
    rep = Reporter(backend, flush_period=60.0)
    with rep.hold():
        rep.add_event("console", ("x", 20, "a\n", 1.0))
        assert rep._thread is None
    assert rep._thread is None  # whoever held it starts it
    rep.start()
    assert rep._thread is not None and rep._thread.is_alive()
    rep.close()


def test_periodic_flush_without_asking(backend: LocalBackend) -> None:
    row = backend.create_task({"name": "t", "project": "P"})
    rep = Reporter(backend, flush_period=0.05)
    try:
        rep.add_event("single_value", (row.id, "v", 1.0, 1.0))
        deadline = time.monotonic() + 10
        while backend.get_single_values(row.id) != {"v": 1.0}:
            assert time.monotonic() < deadline, "the reporter never wrote on its own"
            time.sleep(0.02)
    finally:
        rep.close()


def test_events_reported_by_an_operation_are_written_by_the_same_flush(reporter: Reporter,
                                                                       backend: LocalBackend) -> None:
    """A debug sample is an operation (store the bytes) that then reports an event: a flush,
    and so close() and the exit hook, must not return before that event is stored."""
    row = backend.create_task({"name": "t", "project": "P"})

    def store_then_report() -> None:
        sha, size = backend.put_blob(b"image bytes")
        reporter.add_event("debug_sample", {
            "task_id": row.id, "title": "img", "series": "s", "iteration": 0, "kind": "image",
            "blob_sha256": sha, "size": size, "url": None, "file_name": "x.png", "content_type": "image/png",
            "time": 1.0})

    reporter.submit(store_then_report)
    assert reporter.flush(timeout=10)
    assert [s["iteration"] for s in backend.get_debug_samples(row.id)] == [0]
