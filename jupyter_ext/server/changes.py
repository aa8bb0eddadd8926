"""The change feed: a UI learns which tasks and models changed without polling every table.

Writes through this server are announced at once. Kernels and scripts write the store
directly (the embedded default), so while anyone listens, one poll a second per server asks
the store which rows moved since the last poll: one indexed-free scan of two small columns,
shared by every listener, and none at all when nobody listens.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.web

from jupyter_ext.wire import codec

if TYPE_CHECKING:
    from jupyter_ext.server.services import Services

log = logging.getLogger("jupyter_ext.server")

Listener = Callable[[dict[str, Any]], None]
POLL_SECONDS = 1.0
# Writers in other processes commit a moment after they stamp last_update: look back this far.
_LOOKBACK = 5.0
# A grant or a revocation reaches an open socket's filter within this many seconds.
_ACCESS_REFRESH = 2.0


class ChangeFeed:
    def __init__(self, services: Services) -> None:
        self._services = services
        self._listeners: set[Listener] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poller: asyncio.Task[None] | None = None
        self._seen: dict[tuple[str, str], float] = {}
        self._watermark: float | None = None

    # -- listeners (on the event loop) -------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._loop = asyncio.get_running_loop()
        self._listeners.add(listener)
        if self._poller is None or self._poller.done():
            self._poller = self._loop.create_task(self._poll_forever())

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.discard(listener)
        if not self._listeners and self._poller is not None:
            self._poller.cancel()
            self._poller = None
            self._watermark = None

    def stop(self) -> None:
        self._listeners.clear()
        if self._poller is not None:
            self._poller.cancel()

    # -- announcing (from any thread) --------------------------------------------------------------
    def announce(self, kind: str, ident: str, fields: list[str], **extra: Any) -> None:
        loop = self._loop
        if loop is None or not self._listeners or loop.is_closed():
            return
        message = {"kind": kind, "id": ident, "fields": fields, **extra}
        with contextlib.suppress(RuntimeError):  # the loop closed between the check and the call
            loop.call_soon_threadsafe(self._deliver, message)

    def _deliver(self, message: dict[str, Any]) -> None:
        for listener in list(self._listeners):
            try:
                listener(message)
            except Exception:  # one broken socket must not silence the others
                log.exception("change listener failed")
                self._listeners.discard(listener)

    # -- polling ----------------------------------------------------------------------------------
    async def _poll_forever(self) -> None:
        while self._listeners:
            try:
                for message in await self._services.run(self._changed_rows):
                    self._deliver(message)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("polling the store for changes failed; retrying")
            await asyncio.sleep(POLL_SECONDS)

    def _changed_rows(self) -> list[dict[str, Any]]:
        from jupyter_ext.core.changes import changed_since

        first = self._watermark is None
        since = (time.time() if first else self._watermark or 0.0) - _LOOKBACK
        out: list[dict[str, Any]] = []
        top = self._watermark or 0.0
        rows = changed_since(self._services.backend.store, since)
        for kind, ident, stamp, extra in rows:
            top = max(top, stamp)
            if self._seen.get((kind, ident)) == stamp:
                continue
            self._seen[(kind, ident)] = stamp
            if not first:  # the first poll only learns where "now" is
                out.append({"kind": kind, "id": ident, "fields": ["last_update", *extra],
                            "last_update": codec.iso(stamp), **extra})
        self._watermark = top
        if len(self._seen) > 100_000:
            self._seen = {k: v for k, v in self._seen.items() if v > top - _LOOKBACK}
        return out


class ChangesSocketMixin:
    """The ``changes`` WebSocket: mixed in before TrackMixin and the host's WebSocketHandler."""

    services: Services

    @tornado.web.authenticated
    async def get(self, *args: Any, **kwargs: Any) -> None:
        await super().get(*args, **kwargs)  # type: ignore[misc]

    def open(self, *args: Any, **kwargs: Any) -> None:
        self._visible: tuple[float, frozenset[str] | None] | None = None
        self._projects: dict[tuple[str, str], str | None] = {}
        self.services.changes.subscribe(self._send)

    def _may_see(self, message: dict[str, Any]) -> bool:
        """Whether this socket's caller may read the task or model a message names: on a team
        server a message about another team's project is not theirs to hear of."""
        kind = message.get("kind")
        if kind not in ("task", "model"):
            return True
        from jupyter_ext.core import access
        from jupyter_ext.server.call import as_principal

        meta = self.services.backend.store
        principal = as_principal(self.current_user)  # type: ignore[attr-defined]
        caller = access.Caller(name=principal.username, scope=principal.scope)
        now = time.monotonic()
        if self._visible is None or now - self._visible[0] > _ACCESS_REFRESH:
            self._visible = (now, access.visible_projects(meta, caller))
        visible = self._visible[1]
        if visible is None:
            return True
        key = (str(kind), str(message.get("id")))
        if key not in self._projects:
            if len(self._projects) > 100_000:
                self._projects.clear()
            self._projects[key] = access.project_of(meta, *key)
        project = self._projects[key]
        if project is None or project in visible:
            return project is not None
        if project not in access.index(meta).parents:  # a project made a moment ago: ask again now
            self._visible = (now, access.visible_projects(meta, caller))
            return self._visible[1] is None or project in self._visible[1]
        return False

    def _send(self, message: dict[str, Any]) -> None:
        import tornado.websocket

        if not self._may_see(message):
            return
        try:
            self.write_message(codec.dumps(message).decode())  # type: ignore[attr-defined]
        except tornado.websocket.WebSocketClosedError:
            self.services.changes.unsubscribe(self._send)

    def on_message(self, message: str | bytes) -> None:
        pass  # listeners only listen

    def on_close(self) -> None:
        self.services.changes.unsubscribe(self._send)
