"""Encoded chart reads, remembered until their series change.

A UI polls the same charts again and again; downsampling 100 k points costs ~10 ms each time
while checking that nothing changed is one small query of the series summaries (count, last
iteration, last time). A changed, reset or deleted task changes the summaries, so a stale
answer is never served.
"""
from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Hashable

MAX_ENTRIES = 256
MAX_BYTES = 64 << 20


class ChartCache:
    def __init__(self) -> None:
        self._entries: collections.OrderedDict[Hashable, tuple[Hashable, bytes]] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, fingerprint: Hashable, make: Callable[[], bytes]) -> bytes:
        with self._lock:
            found = self._entries.get(key)
            if found is not None and found[0] == fingerprint:
                self._entries.move_to_end(key)
                return found[1]
        payload = make()
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[1])
            if len(payload) <= MAX_BYTES // 4:
                self._entries[key] = (fingerprint, payload)
                self._bytes += len(payload)
            while self._entries and (len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES):
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
        return payload
