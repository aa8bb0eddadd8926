"""A version's files on this machine: the cached read-only copy (``get_local_copy``), a
writable copy, and checking a copy against the version's hashes (a mixin of
:class:`jupyter_ext.sdk.datasets.dataset.Dataset`)."""
from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from jupyter_ext.errors import AlreadyExists, InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.datasets import files as df

if TYPE_CHECKING:
    from jupyter_ext.store.rows import DatasetFileRow, DatasetVersionRow

FINAL = "final"  # core.datasets.FINAL; not imported from there, which would load the store


class DatasetLocalCopies:
    if TYPE_CHECKING:
        _row: DatasetVersionRow

        @property
        def id(self) -> str: ...

        @property
        def name(self) -> str: ...

        def _reload(self) -> None: ...

    def get_local_copy(self, use_soft_links: bool | None = None, part: int | None = None,
                       num_parts: int | None = None, raise_on_error: bool = True, max_workers: int | None = None,
                       files: Sequence[str] | None = None) -> str:
        """A read-only folder with the version's files (its parents' merged in), built once in
        the cache: hard links to the stored bytes, so no bytes are copied when the blob store
        is on the same disk. A second call returns at once. ``part``/``num_parts`` give one
        deterministic shard of the files; ``files=[...]`` only those dataset paths."""
        key = self.id + _subset_key(part, num_parts, files) + (".soft" if use_soft_links else "")
        if self._row.status == FINAL:
            found = df.cached_folder(key)
            if found is not None:
                return found
        self._reload()
        entries = _select(session.backend().get_dataset_files(self.id), part, num_parts, files, raise_on_error)
        final = self._row.status == FINAL
        if not final:  # a draft changes: its copy is keyed by its content and rebuilt each time
            key += ".draft-" + hashlib.sha256(repr([(e.path, e.sha256, e.url, e.source)
                                                     for e in entries]).encode()).hexdigest()[:16]
        return df.materialise(key, entries, max_workers=max_workers, soft_links=bool(use_soft_links),
                              raise_on_error=raise_on_error, keep=final)

    def get_mutable_local_copy(self, target_folder: str | os.PathLike[str], overwrite: bool = False,
                               part: int | None = None, num_parts: int | None = None, raise_on_error: bool = True,
                               max_workers: int | None = None) -> str:
        """A writable copy of the version's files in ``target_folder`` (real copies). A folder
        that is not empty is refused unless ``overwrite=True``, which empties it first."""
        target = os.path.abspath(os.fspath(target_folder))
        if os.path.isdir(target) and os.listdir(target):
            if not overwrite:
                raise AlreadyExists(f"{target} is not empty; pass overwrite=True to replace its contents")
            import shutil

            shutil.rmtree(target)
        source = self.get_local_copy(part=part, num_parts=num_parts, raise_on_error=raise_on_error,
                                     max_workers=max_workers)
        df.copy_tree(source, target)
        return target

    def verify_dataset_hash(self, local_copy_path: str | None = None, skip_hash: bool = False,
                            verbose: bool = False) -> list[str]:
        """Dataset paths whose local bytes differ from the version's (missing files included);
        ``skip_hash=True`` compares sizes only."""
        root = local_copy_path or self.get_local_copy()
        entries = [f for f in session.backend().get_dataset_files(self.id) if f.sha256 or f.size]
        present = [(f, os.path.join(root, *f.path.split("/"))) for f in entries]
        bad = [f.path for f, p in present if not os.path.isfile(p)]
        present = [(f, p) for f, p in present if os.path.isfile(p)]
        if skip_hash or not present:
            bad += [f.path for f, p in present if f.size and os.path.getsize(p) != f.size]
        else:
            hashes = df.hash_files([p for _, p in present], None, "verify", show=verbose)
            bad += [f.path for (f, _), (sha, size) in zip(present, hashes, strict=True)
                    if (f.sha256 and sha != f.sha256) or (not f.sha256 and f.size and size != f.size)]
        if verbose:
            print(f"dataset {self.name}: {len(bad)} file(s) differ")
        return sorted(bad)


def _subset_key(part: int | None, num_parts: int | None, files: Sequence[str] | None) -> str:
    key = ""
    if part is not None or num_parts is not None:
        if part is None or not num_parts or not 0 <= part < num_parts:
            raise InvalidArgument(f"part must be in 0..num_parts-1 (got part={part}, num_parts={num_parts})")
        key += f".part-{part}-of-{num_parts}"
    if files is not None:
        key += ".files-" + hashlib.sha256("\n".join(sorted(files)).encode()).hexdigest()[:16]
    return key


def _select(entries: list[DatasetFileRow], part: int | None, num_parts: int | None,
            files: Sequence[str] | None, raise_on_error: bool) -> list[DatasetFileRow]:
    if files is not None:
        wanted = set(files)
        unknown = wanted - {e.path for e in entries}
        if unknown and raise_on_error:
            raise NotFound(f"the dataset has no file(s) {sorted(unknown)[:5]}")
        entries = [e for e in entries if e.path in wanted]
    if num_parts:
        assert part is not None
        n = len(entries)  # entries come sorted by path: contiguous, deterministic shards
        entries = entries[part * n // num_parts:(part + 1) * n // num_parts]
    return entries
