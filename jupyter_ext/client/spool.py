"""The on-disk spool: what the reporter could not hand to an unreachable backend, in order.

Layout: ``<home>/spool/<backend digest>/<pid>-<start ns>/seg-000001.jts …``. A process owns its
own folder (it holds an ``flock`` on ``lock`` while alive), so two processes never interleave
records, and a later process adopts the folders of dead ones for the same backend and replays them.

Files are append-only. A record is ``b"JTS1"``, the header length and the binary length (two
little-endian uint32), a JSON header, the binary parts (numpy columns, bytes), and a CRC32 of
header and parts: a record torn by a crash fails its check and is ignored with everything after
it. Replay notes its position in ``progress`` after every record, so a crash during replay
repeats at most one record.

Uploads (an artifact's file, model weights, a debug sample's bytes) are spooled as data, not as
the closure that would have sent them (:mod:`.spool_files`): the bytes are copied into the folder
as ``blob-<sha256>`` (written as ``*.part``, fsynced, then renamed, so a crash never leaves a
partial file under a final name, and the records naming it are written only after the rename),
followed by plain backend calls that name the file and its sha256 (``put_blob_file``,
``put_artifact``, ``add_model_version`` …). The files count towards ``max_bytes`` and go with
the folder once its segments are replayed.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import struct
import time
import zlib
from collections.abc import Callable, Iterator
from typing import Any

MAGIC = b"JTS1"
_HEAD = struct.Struct("<4sII")
SEGMENT_BYTES = 16 << 20


class NotSpoolable(TypeError):
    """A value the spool cannot write (a function, an open file …); the caller keeps it in memory."""


# -- values <-> JSON + binary parts ---------------------------------------------------------------
def _row_types() -> dict[str, type]:
    from jupyter_ext.core.event_batch import EventBatch
    from jupyter_ext.store.rows import ConfigRow, ParamRow

    return {"ParamRow": ParamRow, "ConfigRow": ConfigRow, "EventBatch": EventBatch}


def encode(value: Any, parts: list[bytes]) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [encode(v, parts) for v in value]
    if isinstance(value, tuple):
        return {"__t": "tuple", "v": [encode(v, parts) for v in value]}
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value) and "__t" not in value:
            return {k: encode(v, parts) for k, v in value.items()}
        return {"__t": "dict", "v": [[encode(k, parts), encode(v, parts)] for k, v in value.items()]}
    if isinstance(value, bytes | bytearray | memoryview):
        parts.append(bytes(value))
        return {"__t": "bytes", "i": len(parts) - 1}
    if type(value).__module__ == "numpy" and hasattr(value, "dtype"):
        import numpy as np

        if isinstance(value, np.ndarray):
            if value.dtype.hasobject:
                raise NotSpoolable("numpy arrays of objects cannot be spooled")
            parts.append(np.ascontiguousarray(value).tobytes())
            return {"__t": "nd", "dtype": value.dtype.str, "shape": list(value.shape), "i": len(parts) - 1}
        return encode(value.item(), parts)  # a numpy scalar
    name = type(value).__name__
    if dataclasses.is_dataclass(value) and name in _row_types():
        return {"__t": name, "v": {f.name: encode(getattr(value, f.name), parts)
                                   for f in dataclasses.fields(value)}}
    raise NotSpoolable(f"cannot spool a {name}")


def decode(value: Any, parts: list[bytes]) -> Any:
    if isinstance(value, list):
        return [decode(v, parts) for v in value]
    if not isinstance(value, dict):
        return value
    tag = value.get("__t")
    if tag is None:
        return {k: decode(v, parts) for k, v in value.items()}
    if tag == "tuple":
        return tuple(decode(v, parts) for v in value["v"])
    if tag == "dict":
        return {decode(k, parts): decode(v, parts) for k, v in value["v"]}
    if tag == "bytes":
        return parts[value["i"]]
    if tag == "nd":
        import numpy as np

        return np.frombuffer(parts[value["i"]], dtype=value["dtype"]).reshape(value["shape"]).copy()
    cls = _row_types()[tag]
    return cls(**{k: decode(v, parts) for k, v in value["v"].items()})


# -- the folder -----------------------------------------------------------------------------------
def backend_folder(root: str, identity: str) -> str:
    return os.path.join(root, hashlib.sha256(identity.encode("utf-8")).hexdigest()[:16])


class Spool:
    """One process's spool folder for one backend."""

    def __init__(self, folder: str, max_bytes: int) -> None:
        self.folder = folder
        self.max_bytes = max_bytes
        self._lock_fh: Any = None
        self._out: Any = None
        self._segment = 0
        self._size = 0  # bytes written and not yet replayed, across segments

    @classmethod
    def for_process(cls, root: str, identity: str, max_bytes: int) -> Spool:
        name = f"{os.getpid()}-{time.time_ns()}"
        return cls(os.path.join(backend_folder(root, identity), name), max_bytes)

    # -- writing ----------------------------------------------------------------------------------
    def _open(self) -> None:
        if self._lock_fh is None:
            os.makedirs(self.folder, mode=0o700, exist_ok=True)  # reports may hold parameters: owner only
            with open(os.path.join(self.folder, "backend"), "w", encoding="utf-8") as fh:
                fh.write(os.path.basename(os.path.dirname(self.folder)))
            self._lock_fh = open(os.path.join(self.folder, "lock"), "a+b")  # noqa: SIM115 - held for life
            _try_lock(self._lock_fh)
            existing = self.segments()
            self._segment = _number(existing[-1]) if existing else 0
            self._size = sum(os.path.getsize(p) for p in existing + self.files())

    def append(self, kind: str, body: Any) -> bool:
        """Write one record; False (nothing written) when the spool is full.
        :class:`NotSpoolable` when ``body`` holds something that cannot be written."""
        parts: list[bytes] = []
        header = json.dumps({"kind": kind, "body": encode(body, parts), "lens": [len(p) for p in parts],
                             "time": time.time()}, separators=(",", ":")).encode("utf-8")
        blob = b"".join(parts)
        record = _HEAD.pack(MAGIC, len(header), len(blob)) + header + blob
        record += struct.pack("<I", zlib.crc32(header + blob) & 0xFFFFFFFF)
        self._open()
        if self._size + len(record) > self.max_bytes:
            return False
        if self._out is None or self._out.tell() + len(record) > SEGMENT_BYTES:
            if self._out is not None:
                self._out.close()
            self._segment += 1
            self._out = open(os.path.join(self.folder, f"seg-{self._segment:06d}.jts"), "ab")  # noqa: SIM115
        self._out.write(record)
        self._out.flush()
        self._size += len(record)
        return True

    def segments(self) -> list[str]:
        if not os.path.isdir(self.folder):
            return []
        return sorted(os.path.join(self.folder, n) for n in os.listdir(self.folder) if n.endswith(".jts"))

    def files(self) -> list[str]:
        """Copied upload bytes, finished (``blob-*``) or torn by a crash (``*.part``)."""
        if not os.path.isdir(self.folder):
            return []
        return sorted(os.path.join(self.folder, n) for n in os.listdir(self.folder)
                      if n.startswith("blob-") or n.endswith(".part"))

    def __bool__(self) -> bool:
        return bool(self.segments())

    @property
    def size(self) -> int:
        return self._size

    # -- replaying --------------------------------------------------------------------------------
    def replay(self, apply: Callable[[str, Any], None]) -> int:
        """Hand every record, oldest first, to ``apply(kind, body)``; a record is gone once
        ``apply`` returns. An exception from ``apply`` stops the replay there (the record stays)."""
        done = 0
        if self._out is not None:  # later records go to a new segment, after the replayed ones
            self._out.close()
            self._out = None
        for path in self.segments():
            start = _read_progress(path)
            for end, kind, body in _records(path, start):
                apply(kind, body)
                _write_progress(path, end)
                done += 1
            self._size -= os.path.getsize(path)
            os.unlink(path)
            _remove(path + ".progress")
        self._size = max(self._size, 0)
        return done

    def remove(self) -> None:
        """Delete the folder once it is empty (its segments are replayed)."""
        if self._out is not None:
            self._out.close()
            self._out = None
        if self.segments():
            return
        for path in self.files():
            _remove(path)
        self._size = 0
        for name in ("backend", "lock"):
            _remove(os.path.join(self.folder, name))
        if self._lock_fh is not None:
            self._lock_fh.close()
            self._lock_fh = None
        try:
            os.rmdir(self.folder)
        except OSError:
            pass


def orphans(root: str, identity: str, max_bytes: int, exclude: str = "") -> Iterator[Spool]:
    """Spools of dead processes for the same backend, oldest first, each locked for this process."""
    base = backend_folder(root, identity)
    if not os.path.isdir(base):
        return
    for name in sorted(os.listdir(base), key=_start_time):
        folder = os.path.join(base, name)
        if folder == exclude or not os.path.isdir(folder):
            continue
        fh = open(os.path.join(folder, "lock"), "a+b")  # noqa: SIM115 - kept by the adopted spool
        if not _try_lock(fh):
            fh.close()  # its process is alive and replays it itself
            continue
        spool = Spool(folder, max_bytes)
        spool._lock_fh = fh
        yield spool


def _start_time(name: str) -> int:
    try:
        return int(name.split("-", 1)[1])
    except (IndexError, ValueError):
        return 0


def _try_lock(fh: Any) -> bool:
    try:
        import fcntl
    except ImportError:  # no flock (Windows): folders of other processes are never adopted
        return True
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _records(path: str, start: int) -> Iterator[tuple[int, str, Any]]:
    with open(path, "rb") as fh:
        fh.seek(start)
        while True:
            head = fh.read(_HEAD.size)
            if len(head) < _HEAD.size:
                return
            magic, hlen, blen = _HEAD.unpack(head)
            if magic != MAGIC:
                return
            data = fh.read(hlen + blen + 4)
            if len(data) < hlen + blen + 4:
                return  # torn by a crash while writing: nothing after it was acknowledged
            header, blob, crc = data[:hlen], data[hlen:hlen + blen], data[hlen + blen:]
            if struct.unpack("<I", crc)[0] != zlib.crc32(header + blob) & 0xFFFFFFFF:
                return
            meta = json.loads(header)
            parts: list[bytes] = []
            offset = 0
            for n in meta["lens"]:
                parts.append(blob[offset:offset + n])
                offset += n
            yield fh.tell(), meta["kind"], decode(meta["body"], parts)


def _read_progress(path: str) -> int:
    try:
        with open(path + ".progress", encoding="ascii") as fh:
            return int(fh.read().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_progress(path: str, offset: int) -> None:
    tmp = path + ".progress.tmp"
    with open(tmp, "w", encoding="ascii") as fh:
        fh.write(str(offset))
    os.replace(tmp, path + ".progress")


def _number(path: str) -> int:
    return int(os.path.basename(path)[4:10])


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
