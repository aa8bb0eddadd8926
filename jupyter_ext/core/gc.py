"""Garbage collection of blobs that no task, sample, artifact or model refers to any more."""
from __future__ import annotations

import dataclasses
import time

from ..store import blob_refs
from ..store.blobs import BlobStore
from ..store.meta import MetaStore


@dataclasses.dataclass
class Collected:
    blobs: int = 0
    bytes: int = 0
    orphans: int = 0


def collect(store: MetaStore, blobs: BlobStore, *, grace_seconds: float = 0.0, orphan_grace_seconds: float = 3600.0,
            dry_run: bool = False) -> Collected:
    """Delete unreferenced blobs older than ``grace_seconds``.

    Files in the blob folder that the database never recorded (an upload cut short) are
    removed too, but only past ``orphan_grace_seconds``: a writer records its blob only after the
    bytes are in place, so a young unrecorded file may be an upload in flight.
    """
    cutoff = time.time() - grace_seconds
    out = Collected()
    with store.write() as conn:
        garbage = blob_refs.unreferenced(conn, older_than=cutoff if grace_seconds else None)
        if not dry_run:
            blob_refs.forget(conn, [sha for sha, _ in garbage])
        known = blob_refs.known(conn)
    for sha, size in garbage:
        if dry_run or blobs.delete(sha):
            out.blobs += 1
            out.bytes += size
    collected = {sha for sha, _ in garbage}
    orphan_cutoff = time.time() - orphan_grace_seconds
    for sha in list(blobs.iter_shas()):
        if sha in known or sha in collected:
            continue
        info = blobs.fs.info(blobs.path_of(sha))
        mtime = float(info.get("mtime") or info.get("created") or 0) if isinstance(info, dict) else 0.0
        if mtime > orphan_cutoff:
            continue
        if dry_run or blobs.delete(sha):
            out.orphans += 1
            out.bytes += int(info.get("size") or 0) if isinstance(info, dict) else 0
    return out
