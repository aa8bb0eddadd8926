"""JSON bodies are capped at MAX_JSON_BYTES before parsing (413 in the error shape, chunked or
not), and the SDK splits an events batch to stay under the cap, so nothing legitimate is refused."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
import requests

from jupyter_ext.server.background import BackgroundServer
from jupyter_ext.wire.routes import API_PREFIX, MAX_JSON_BYTES


def test_the_json_cap_is_16_mib_at_most() -> None:
    from jupyter_ext.server.services import Limits

    assert MAX_JSON_BYTES <= 16 << 20
    assert Limits().max_json_bytes == MAX_JSON_BYTES


def test_a_chunked_body_over_the_default_cap_is_a_413_in_the_error_shape(server: BackgroundServer) -> None:
    auth = server.create_key("probe")
    block = b" " * (1 << 20)

    def chunks() -> Iterator[bytes]:
        for _ in range((MAX_JSON_BYTES >> 20) + 2):
            yield block

    answer = requests.post(f"{server.url}/{API_PREFIX}events", data=chunks(), auth=auth, timeout=60)
    assert answer.status_code == 413, (answer.status_code, answer.text[:200])
    error = answer.json()["error"]
    assert error["code"] == "invalid_argument" and f"over {MAX_JSON_BYTES:,} bytes" in error["message"]
    declared = requests.post(f"{server.url}/{API_PREFIX}tasks", auth=auth, timeout=60,
                             headers={"Content-Length": str(MAX_JSON_BYTES + 1), "Content-Type": "application/json"},
                             data=b"{}" + b" " * (MAX_JSON_BYTES - 1))
    assert declared.status_code == 413 and "at most" in declared.json()["error"]["message"]


@pytest.mark.slow
def test_the_sdk_splits_a_batch_over_the_cap_and_stores_every_point(server: BackgroundServer) -> None:
    from jupyter_ext.client.http import HttpBackend, _under_the_cap
    from jupyter_ext.core.event_batch import EventBatch

    backend = HttpBackend(server.url, *server.create_key("sdk"))
    try:
        task = backend.create_task({"name": "big batch", "project": "cap"})
        points = 700_000  # about 22 MiB of JSON, packed: more than one request may carry
        its = np.arange(points, dtype="<i8")
        values = np.sin(its / 1000.0)
        times = np.full(points, time.time())
        lines = [(task.id, 20, f"line {i} " + "x" * 4000, time.time()) for i in range(2000)]
        batch = EventBatch(scalars=[(task.id, "loss", "train", its, values, times)], console=list(lines))
        assert len(_under_the_cap(batch)) > 1
        result = backend.write_events(batch)
        assert result.written == points + len(lines) and not result.dropped
        got = backend.get_scalars(task.id, max_samples=None)
        series = got["loss"]["train"]
        assert len(series["x"]) == points and list(series["x"][:3]) == [0, 1, 2]
        assert series["x"][-1] == points - 1
        console = backend.get_console(task.id)
        assert len(console) == len(lines) and console[-1]["text"].startswith("line 1999 ")
    finally:
        backend.close()


def test_a_small_cap_splits_into_many_requests_and_a_failed_one_leaves_only_the_rest(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from jupyter_ext.client import http
    from jupyter_ext.core.event_batch import EventBatch
    from jupyter_ext.errors import Unavailable
    from jupyter_ext.server.services import Limits

    cap = 64 * 1024
    monkeypatch.setattr(http, "MAX_JSON_BYTES", cap)
    with BackgroundServer(f"sqlite:///{tmp_path / 'track.db'}", str(tmp_path / "blobs"),
                          limits=Limits(max_json_bytes=cap)) as server:
        backend = http.HttpBackend(server.url, *server.create_key("sdk"))
        try:
            task = backend.create_task({"name": "split", "project": "cap"})
            its = np.arange(20_000, dtype="<i8")
            lines = [(task.id, 20, f"{i} " + "y" * 1000, time.time()) for i in range(300)]
            batch = EventBatch(scalars=[(task.id, "m", "s", its, its * 0.5, np.full(len(its), time.time()))],
                               console=list(lines))
            pieces = http._under_the_cap(batch)
            assert len(pieces) > 8 and all(len(body) <= cap for _, body in pieces)
            assert backend.write_events(batch).written == len(its) + len(lines)
            assert len(backend.get_scalars(task.id, max_samples=None)["m"]["s"]["x"]) == len(its)
            # the server goes away after the first requests: the batch keeps only what was not sent
            sent: list[int] = []
            real = backend._request

            def flaky(name: str, *args: Any, **kwargs: Any) -> Any:
                if name == "write_events" and len(sent) == 3:
                    raise Unavailable("the server went away")
                got = real(name, *args, **kwargs)
                sent.append(1)
                return got

            monkeypatch.setattr(backend, "_request", flaky)
            again = EventBatch(console=[(task.id, 20, f"again {i} " + "z" * 1000, time.time()) for i in range(300)])
            with pytest.raises(Unavailable):
                backend.write_events(again)
            assert 0 < len(again) < 300
            monkeypatch.setattr(backend, "_request", real)
            backend.write_events(again)  # what a retry (or the spool) sends: the rest, once
            texts = [c["text"].split()[1] for c in backend.get_console(task.id) if c["text"].startswith("again")]
            assert texts == [str(i) for i in range(300)]
        finally:
            backend.close()


def test_one_event_over_the_cap_is_refused_at_the_caller_saying_what_to_do(server: BackgroundServer) -> None:
    from jupyter_ext.client.http import HttpBackend
    from jupyter_ext.core.event_batch import EventBatch
    from jupyter_ext.errors import InvalidArgument

    backend = HttpBackend(server.url, *server.create_key("sdk"))
    try:
        task = backend.create_task({"name": "huge plot", "project": "cap"})
        plot = {"task_id": task.id, "title": "t", "series": "s", "iteration": 0, "time": time.time(),
                "figure": '{"data": [{"y": [' + ",".join(["1"] * (MAX_JSON_BYTES // 2)) + "]}]}"}
        with pytest.raises(InvalidArgument, match="upload it as an artifact"):
            backend.write_events(EventBatch(plots=[plot]))
    finally:
        backend.close()


def test_halves_keep_every_event_in_order() -> None:
    from jupyter_ext.core.event_batch import EventBatch

    its = np.arange(10, dtype="<i8")
    batch = EventBatch(scalars=[("t", "a", "b", its, its * 1.0, its * 2.0)],
                       console=[("t", 20, str(i), 0.0) for i in range(5)], plots=[{"n": 1}])
    first, second = batch.halves()
    assert len(first) + len(second) == len(batch) == 16 and len(first) == 8
    assert list(first.scalars[0][3]) == list(range(8)) and list(second.scalars[0][3]) == [8, 9]
    assert [c[2] for c in second.console] == ["0", "1", "2", "3", "4"] and second.plots == [{"n": 1}]
    left: Any = EventBatch()
    left.replace_with(second)
    assert len(left) == 8
