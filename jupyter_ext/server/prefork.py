"""``jupyter track server --workers N``: N processes answering on one listening socket.

One Python process runs one request's Python at a time; reads that miss the answer cache
(a page of a big project, a chart after new points) then queue behind each other. Forked
workers share the socket the parent bound (the kernel hands each new connection to one of
them) and the store (SQLite serialises their writes as it does a kernel's), each with its own
connections, threads, caches and change feed. What they share is in the store, so an API key
revoked, a token issued or a task written through one worker is seen by the others at their
next request (the WebSocket change feed of the others sees it at its next poll, within a
second). POSIX only: fork.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
from collections.abc import Callable

log = logging.getLogger("jupyter_ext.server")

_RESTART_PAUSE = 1.0


def run_workers(count: int, work: Callable[[int], None]) -> None:
    """Fork ``count`` children running ``work(index)``; restart one that dies of an error; end
    them all when this process is asked to end (SIGTERM, SIGINT)."""
    if not hasattr(os, "fork"):
        from jupyter_ext.errors import InvalidArgument

        raise InvalidArgument("--workers above 1 needs fork (Linux, macOS); run one server per port instead")
    children: dict[int, int] = {}
    stopping = False

    def start(index: int) -> None:
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                work(index)
            except BaseException:
                log.exception("API worker %d failed", index)
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        children[pid] = index

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(count):
        start(index)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:  # pragma: no cover - PEP 475 retries os.wait itself
            continue
        ended = children.pop(pid, None)
        if ended is None or stopping:
            continue
        if os.waitstatus_to_exitcode(status) != 0:
            log.warning("API worker %d ended (status %d); starting it again", ended, status)
            time.sleep(_RESTART_PAUSE)
            start(ended)
