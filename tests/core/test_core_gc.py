"""Garbage collection of blobs after tasks are deleted."""
from __future__ import annotations

import os
import time
from typing import Any

from jupyter_ext.core import gc, reporting, tasks
from jupyter_ext.core.reporting import EventBatch
from jupyter_ext.store.blobs import BlobStore
from jupyter_ext.store.meta import MetaStore


def sample_with(store: MetaStore, blobs: BlobStore, task_id: str, data: bytes, title: str = "img") -> str:
    sha, size = blobs.put_bytes(data)
    result = reporting.apply(store, EventBatch(debug_samples=[{
        "task_id": task_id, "title": title, "series": "s", "iteration": 0, "kind": "image",
        "blob_sha256": sha, "size": size, "url": None, "file_name": "x.png", "content_type": "image/png",
        "time": time.time()}]))
    assert result.dropped == {}
    return sha


def test_delete_then_collect_frees_only_unshared_blobs(store: MetaStore, blobs: BlobStore, make_task: Any) -> None:
    doomed = make_task()
    keeper = make_task()
    own = sample_with(store, blobs, doomed.id, b"only the doomed task uses this")
    shared = sample_with(store, blobs, doomed.id, b"both tasks use this", title="shared")
    assert sample_with(store, blobs, keeper.id, b"both tasks use this") == shared

    # nothing is garbage while both tasks exist
    assert gc.collect(store, blobs).blobs == 0
    assert blobs.exists(own) and blobs.exists(shared)

    tasks.delete(store, doomed.id)
    dry = gc.collect(store, blobs, dry_run=True)
    assert dry.blobs == 1 and blobs.exists(own)

    collected = gc.collect(store, blobs)
    assert collected.blobs == 1
    assert collected.bytes == len(b"only the doomed task uses this")
    assert not blobs.exists(own)
    assert blobs.exists(shared)
    assert blobs.get_bytes(shared) == b"both tasks use this"
    assert gc.collect(store, blobs).blobs == 0  # a second run finds nothing more


def test_grace_period_keeps_young_garbage(store: MetaStore, blobs: BlobStore, make_task: Any) -> None:
    task = make_task()
    sha = sample_with(store, blobs, task.id, b"young")
    tasks.delete(store, task.id)
    assert gc.collect(store, blobs, grace_seconds=3600).blobs == 0
    assert blobs.exists(sha)
    assert gc.collect(store, blobs).blobs == 1


def test_unrecorded_files_go_only_after_the_orphan_grace(store: MetaStore, blobs: BlobStore) -> None:
    sha, _ = blobs.put_bytes(b"an upload whose row was never written")
    assert gc.collect(store, blobs).orphans == 0  # young: may be an upload in flight
    assert blobs.exists(sha)
    old = time.time() - 7200
    os.utime(blobs.path_of(sha), (old, old))
    assert gc.collect(store, blobs).orphans == 1
    assert not blobs.exists(sha)


def test_collect_these_frees_only_the_named_unreferenced_files(store: MetaStore, blobs: BlobStore,
                                                               make_task: Any) -> None:
    doomed = make_task()
    keeper = make_task()
    own = sample_with(store, blobs, doomed.id, b"only the doomed task")
    shared = sample_with(store, blobs, doomed.id, b"both tasks", title="shared")
    sample_with(store, blobs, keeper.id, b"both tasks")
    other = make_task()
    other_garbage = sample_with(store, blobs, other.id, b"garbage nobody named")
    tasks.delete(store, doomed.id)
    tasks.delete(store, other.id)

    # still referenced: nothing goes
    assert gc.collect_these(store, blobs, [("", shared)]).blobs == 0
    collected = gc.collect_these(store, blobs, [("", own), ("", shared), ("", "0" * 64)])
    assert (collected.blobs, collected.bytes) == (1, len(b"only the doomed task"))
    assert not blobs.exists(own) and blobs.exists(shared) and blobs.exists(other_garbage)
    assert gc.collect_these(store, blobs, [("", own)]).blobs == 0  # its record is gone too
