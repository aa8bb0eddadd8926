"""Garbage collection of stored files that no task, sample, artifact or model refers to any more."""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Sequence

from jupyter_ext.store import blob_refs
from jupyter_ext.store.blobs import BlobStore
from jupyter_ext.store.meta import MetaStore


@dataclasses.dataclass
class Collected:
    blobs: int = 0
    bytes: int = 0
    orphans: int = 0


def collect(store: MetaStore, blobs: BlobStore, *, grace_seconds: float = 0.0, orphan_grace_seconds: float = 3600.0,
            dry_run: bool = False, open_location: Callable[[str], BlobStore] | None = None) -> Collected:
    """Delete unreferenced files older than ``grace_seconds``, in the default folder (``blobs``)
    and in every other destination (opened with ``open_location``).

    Files in the default folder that the database never recorded (an upload cut short) are
    removed too, but only past ``orphan_grace_seconds``: a writer records its file only after
    the bytes are in place, so a young unrecorded file may be an upload in flight. So are
    copies staged by ``Dataset.add_files`` that no upload took (counted with the orphans).
    """
    cutoff = time.time() - grace_seconds
    with store.write() as conn:
        garbage = blob_refs.unreferenced(conn, older_than=cutoff if grace_seconds else None)
        if not dry_run:
            blob_refs.forget(conn, [(loc, sha) for loc, sha, _ in garbage])
        known = blob_refs.known(conn)
    out = _delete(garbage, blobs, open_location, dry_run)
    collected = {sha for loc, sha, _ in garbage if loc == blob_refs.DEFAULT_LOCATION}
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
    staged, staged_bytes = blobs.clean_staging(orphan_cutoff, dry_run=dry_run)
    out.orphans += staged
    out.bytes += staged_bytes
    return out


def collect_these(store: MetaStore, blobs: BlobStore, candidates: Sequence[tuple[str, str]], *,
                  open_location: Callable[[str], BlobStore] | None = None) -> Collected:
    """Delete those of the (location, sha256) ``candidates`` that nothing refers to any more:
    the files a removed model or artifact held, unless other rows hold the same bytes. Only
    the candidates are looked at, so this costs the same in a store of a million files."""
    with store.write() as conn:
        garbage = blob_refs.unreferenced_among(conn, candidates)
        blob_refs.forget(conn, [(loc, sha) for loc, sha, _ in garbage])
    return _delete(garbage, blobs, open_location, dry_run=False)


def _delete(garbage: Sequence[tuple[str, str, int]], blobs: BlobStore,
            open_location: Callable[[str], BlobStore] | None, dry_run: bool) -> Collected:
    """Delete the files whose records are gone: in the default folder, or where each lives."""
    out = Collected()
    stores: dict[str, BlobStore] = {blob_refs.DEFAULT_LOCATION: blobs}
    for location, sha, size in garbage:
        if location not in stores:
            if open_location is None:
                continue
            stores[location] = open_location(location)
        if dry_run or stores[location].delete(sha):
            out.blobs += 1
            out.bytes += size
    return out
