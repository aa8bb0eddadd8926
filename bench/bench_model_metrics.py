"""A model's own metrics: 10,000 ``OutputModel.report_scalar`` calls in a loop, the write they
become (``flush()``), and the read back (``Model.get_reported_scalars()``), on the local store
and against a standalone server over HTTP (started in the child, on 127.0.0.1).

The loop only checks and remembers each point; the backend calls are counted (they are the
write transactions, and over HTTP the requests).
"""
from __future__ import annotations

from _common import EMIT, Row, main, repeat, run_child

CHILD = EMIT + """
import os, time
N = 10_000
if {http}:
    from jupyter_ext.server.background import BackgroundServer
    server = BackgroundServer("sqlite:///" + os.path.join(os.getcwd(), "server.db"), os.path.join(os.getcwd(), "sb"))
    access, secret = server.create_key("bench")
    os.environ.update(JUPYTER_TRACK_API_HOST=server.url, JUPYTER_TRACK_ACCESS_KEY=access,
                      JUPYTER_TRACK_SECRET_KEY=secret)
from jupyter_ext import Model, OutputModel
from jupyter_ext.sdk.models import metrics as model_metrics
out = OutputModel(name="bench")          # opens the store / reaches the server; untimed
out.report_single_value("warm", 0.0); out.flush()
calls0 = model_metrics.pending.handed_over
report = out.report_scalar
t0 = time.perf_counter()
for i in range(N):
    report("loss", "train", 1.0 / (1 + i), i)
t1 = time.perf_counter()
out.flush()
t2 = time.perf_counter()
got = Model(out.id).get_reported_scalars()
t3 = time.perf_counter()
assert len(got["loss"]["train"]["x"]) == N
emit(per_call=(t1 - t0) / N, flush=t2 - t1, read=t3 - t2, calls=model_metrics.pending.handed_over - calls0)
"""


def collect() -> list[Row]:
    rows = []
    for label, http in (("local", False), ("http", True)):
        runs = repeat(lambda h=http: run_child(CHILD.format(http=h)), desc=label)
        rows += [
            Row(f"{label}: report_scalar, per call (10,000 in a loop)", [r["per_call"] for r in runs], None, unit="us"),
            Row(f"{label}: flush() after the loop (the write)", [r["flush"] for r in runs], None, unit="ms"),
            Row(f"{label}: get_reported_scalars() of 10,000 points", [r["read"] for r in runs], None, unit="ms"),
            Row(f"{label}: backend calls for the 10,000 points", [r["calls"] for r in runs], None, unit=""),
        ]
    return rows


if __name__ == "__main__":
    main(collect)
