"""Removing a model with its weights (``Model.remove(model, delete_weights_file=True)``) in a
store that holds 20,000 other files: only the removed model's files are looked at. The
reference is a full garbage collection of the same store (what a removal did before), which
reads every stored file's record and lists the whole blob folder.

The store is filled once per run (untimed): a dataset version of 20,000 small files, and one
model with two weight versions.
"""
from __future__ import annotations

from _common import EMIT, Row, main, repeat, run_child

CHILD = EMIT + """
import os, time
from jupyter_ext import Dataset, Model, OutputModel
from jupyter_ext.sdk import _session as session
os.makedirs("files", exist_ok=True)
for i in range(20_000):
    with open(f"files/f{{i:05d}}.bin", "wb") as fh:
        fh.write(os.urandom(64))
ds = Dataset.create(dataset_name="others", dataset_project="Bench")
ds.add_files("files"); ds.upload(show_progress=False); ds.finalize()
def model(name):
    out = OutputModel(name=name)
    for v in range(2):
        with open("w.pt", "wb") as fh:
            fh.write(os.urandom(1 << 20))
        out.update_weights(weights_filename="w.pt")
    return out
doomed, other = model("doomed"), model("reference")
t0 = time.perf_counter()
assert Model.remove(doomed, delete_weights_file=True, raise_on_errors=True)
ours = time.perf_counter() - t0
backend = session.backend()
backend.remove_model(other.id)
t0 = time.perf_counter()
collected = backend.collect_garbage()
full = time.perf_counter() - t0
assert collected.blobs == 2, collected
emit(ours=ours, full=full)
"""


def collect() -> list[Row]:
    runs = repeat(lambda: run_child(CHILD.format(), timeout=600), desc="model remove")
    return [
        Row("Model.remove(delete_weights_file=True), store of 20,000 other files", [r["ours"] for r in runs], None,
            unit="ms"),
        Row("  full garbage collection of the same store (reference)", [r["full"] for r in runs], None, unit="ms"),
    ]


if __name__ == "__main__":
    main(collect)
