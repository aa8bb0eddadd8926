"""The live plot's messages, as a browser receives them from a real kernel: only new points."""
from __future__ import annotations

from typing import Any

import numpy as np
from conftest import Kernel, comm_messages, widget_comm_id

from jupyter_ext.notebook.live_plot.buckets import MAX_BUCKETS


def _decode(msg: dict[str, Any], buffers: list[Any]) -> dict[str, Any]:
    """A message with its points back in place: what live_plot.js reads from the two float64
    buffers, as ``"x"``/``"y"`` lists per series (reset) and ``[id, xs, ys]`` per delta (append)."""
    counts = [s["n"] for s in msg["series"]] if msg["t"] == "reset" else [n for _, n in msg["d"]]
    if not counts:
        assert not buffers
        return msg
    bx, by = (np.frombuffer(bytes(b), "<f8").tolist() for b in buffers)
    assert len(bx) == len(by) == sum(counts), "the buffers hold exactly the points announced"
    out, at = [], 0
    for n in counts:
        out.append((bx[at:at + n], by[at:at + n]))
        at += n
    if msg["t"] == "reset":
        return {**msg, "series": [{**s, "x": xs, "y": ys} for s, (xs, ys) in zip(msg["series"], out, strict=True)]}
    return {**msg, "d": [[sid, xs, ys] for (sid, _), (xs, ys) in zip(msg["d"], out, strict=True)]}


def _apply(state: dict[int, dict[str, Any]], msg: dict[str, Any]) -> None:
    """What live_plot.js does with a (decoded) message, in Python."""
    if msg["t"] == "reset":
        state.clear()
        for s in msg["series"]:
            state[s["id"]] = {"title": s["title"], "series": s["series"], "x": list(s["x"]), "y": list(s["y"])}
    else:
        for s in msg["new"]:
            state.setdefault(s["id"], {"title": s["title"], "series": s["series"], "x": [], "y": []})
        for sid, xs, ys in msg["d"]:
            state[sid]["x"].extend(xs)
            state[sid]["y"].extend(ys)


def _custom(kernel: Kernel, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    comm_id = widget_comm_id(messages)
    everything = messages + kernel.stray
    data = comm_messages(everything, comm_id)
    assert not [d for d in data if d.get("method") == "update" and "_init" in d.get("state", {})], \
        "the plot's full state was resent as a trait update"
    custom = [m for m in everything if m["msg_type"] == "comm_msg" and m["content"]["comm_id"] == comm_id
              and m["content"]["data"].get("method") == "custom"]
    # Points travel as binary buffers, never as JSON lists.
    for m in custom:
        content = m["content"]["data"]["content"]
        assert all(len(d) == 2 for d in content.get("d", [])), content
        assert all("x" not in s for s in content.get("series", [])), content
    return [_decode(m["content"]["data"]["content"], m.get("buffers") or []) for m in custom]


def test_updates_carry_each_new_point_once(kernel: Kernel) -> None:
    kernel.run('%load_ext jupyter_ext\n%track "Live/deltas"')
    shown = kernel.run(
        "import threading, time\n"
        "from jupyter_ext import Task\n"
        "task = Task.current_task()\n"
        "log = task.get_logger()\n"
        "task.show()\n"
        "def other():\n"  # a second series reported from a thread, as a data loader would
        "    for i in range(600):\n"
        "        log.report_scalar('acc', 'val', i / 600, i)\n"
        "        if i % 100 == 99: time.sleep(0.1)\n"
        "th = threading.Thread(target=other); th.start()\n"
        "for i in range(1800):\n"  # below the cap of 2000 buckets: every point is sent as is
        "    log.report_scalar('loss', 'train', 1.0 / (i + 1), i)\n"
        "    if i % 200 == 199: time.sleep(0.25)\n"
        "th.join()\n")
    kernel.run("time.sleep(0.6)")
    messages = _custom(kernel, shown)
    assert messages, "no update reached the browser"
    assert {m["t"] for m in messages} == {"append"}, "a short series must never be resent"
    # Updates came while the loop ran, not only at the end of the cell: the newest point of each
    # series 5 times a second ("tails", one point each), the points themselves with each write.
    tails_only = [m for m in messages if not m["d"] and m["tails"]]
    with_points = [m for m in messages if m["d"]]
    assert len(tails_only) >= 3 and len(with_points) >= 2
    assert all(len(m["tails"]) <= 2 for m in tails_only)
    state: dict[int, dict[str, Any]] = {}
    ids: dict[str, int] = {}
    for m in messages:
        for s in m["new"]:
            ids[s["series"]] = s["id"]
        _apply(state, m)
    # Every point arrived exactly once, in order: nothing was sent twice.
    assert state[ids["train"]]["x"] == [float(i) for i in range(1800)]
    assert state[ids["train"]]["y"][-1] == 1.0 / 1800
    assert state[ids["val"]]["x"] == [float(i) for i in range(600)]
    sent = sum(len(xs) for m in messages for _, xs, _ in m["d"])
    assert sent == 2400


def test_long_series_stay_bounded_and_keep_spikes(kernel: Kernel) -> None:
    n = 30_000
    kernel.run('%load_ext jupyter_ext\n%track "Live/long"')
    shown = kernel.run(
        "from jupyter_ext import Task\n"
        "task = Task.current_task(); log = task.get_logger()\n"
        "task.show()\n"
        "import time\n"
        f"for i in range({n}):\n"
        "    log.report_scalar('loss', 'train', 1000.0 if i == 12345 else (-5.0 if i == 23456 else 1.0), i)\n"
        "    if i % 5000 == 4999: time.sleep(0.3)\n")
    kernel.run("time.sleep(0.6)")
    messages = _custom(kernel, shown)
    resets = [m for m in messages if m["t"] == "reset"]
    appends = [m for m in messages if m["t"] == "append"]
    assert resets, "a series past the cap is compacted"
    # A compaction happens once per doubling: the rare full resend stays O(log n).
    assert len(resets) <= 6
    for m in messages:
        points = sum(len(s["x"]) for s in m["series"]) if m["t"] == "reset" else sum(len(xs) for _, xs, _ in m["d"])
        assert points <= 2 * MAX_BUCKETS
    appended = sum(len(xs) for m in appends for _, xs, _ in m["d"])
    assert appended < n  # grouped by the stride: fewer points than reported
    state: dict[int, dict[str, Any]] = {}
    for m in messages:
        _apply(state, m)
    (series,) = state.values()
    assert len(series["x"]) <= 2 * MAX_BUCKETS
    assert max(series["y"]) == 1000.0 and min(series["y"]) == -5.0  # spikes survive downsampling
    assert series["x"] == sorted(series["x"])
    assert series["x"][-1] >= n - 2 * 32  # up to the newest complete bucket
