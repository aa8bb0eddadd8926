"""The handlers of every route, for either host, and the standalone tornado application."""
from __future__ import annotations

from typing import Any

import tornado.web
import tornado.websocket

from jupyter_ext.server.blob_handler import BlobMixin
from jupyter_ext.server.changes import ChangesSocketMixin
from jupyter_ext.server.handlers import TrackMixin, handler_class
from jupyter_ext.server.services import Services
from jupyter_ext.wire.routes import API_PREFIX, ROUTES, Route, path_regex, paths_in_match_order

_SPECIAL = {"blobs/{sha256}": "blob", "changes": "socket"}


def _jupyter_bases() -> tuple[type, type]:
    from jupyter_server.base.handlers import APIHandler, JupyterHandler

    from jupyter_ext import errors

    class JupyterAuth:
        """Jupyter's own token, cookie and XSRF rules, answered in our error shape."""

        async def _host_authenticate(self: Any) -> None:
            try:
                await JupyterHandler.prepare(self, _redirect_to_login=False)
            except tornado.web.HTTPError as exc:
                if exc.status_code == 403 and self.current_user is None:
                    raise errors.Unauthenticated(
                        "log in to Jupyter (its token or cookie), or use an API key: HTTP Basic "
                        "access_key:secret_key") from None
                raise
            if not self.check_origin():
                raise errors.Forbidden("cross-origin request refused (see ServerApp.allow_origin)")

    return (type("TrackAPIHandler", (JupyterAuth, TrackMixin, APIHandler), {}),
            type("TrackSocketHandler", (JupyterAuth, TrackMixin, JupyterHandler, tornado.websocket.WebSocketHandler),
                 {}))


def _standalone_bases() -> tuple[type, type]:
    return (type("TrackStandaloneHandler", (TrackMixin, tornado.web.RequestHandler), {}),
            type("TrackStandaloneSocket", (TrackMixin, tornado.websocket.WebSocketHandler), {}))


def handlers(services: Services, base_url: str, *, jupyter: bool) -> list[tuple[str, type, dict[str, Any]]]:
    """``(pattern, handler class, kwargs)`` for every path of the route table under ``base_url``."""
    api_base, socket_base = _jupyter_bases() if jupyter else _standalone_bases()
    by_path: dict[str, list[Route]] = {}
    for route in ROUTES:
        by_path.setdefault(route.path, []).append(route)
    prefix = "/" + (base_url.strip("/") + "/" if base_url.strip("/") else "") + API_PREFIX
    out: list[tuple[str, type, dict[str, Any]]] = []
    kwargs = {"services": services, "base_url": base_url}
    for path in paths_in_match_order():
        special = _SPECIAL.get(path)
        if special == "blob":
            cls: type = tornado.web.stream_request_body(type("TrackBlobHandler", (BlobMixin, api_base),
                                                                {"routes": {r.method: r for r in by_path[path]}}))
        elif special == "socket":
            cls = type("TrackChangesSocket", (ChangesSocketMixin, socket_base), {})
        else:
            cls = handler_class(api_base, path, by_path[path])
        out.append((prefix + path_regex(path) + "$", cls, kwargs))
    return out


def make_app(services: Services, *, base_url: str = "/", **settings: Any) -> tornado.web.Application:
    """The standalone application: API keys only."""
    services.keys_only = True
    return tornado.web.Application(handlers(services, base_url, jupyter=False),
                                   default_handler_class=NotFoundHandler,
                                   default_handler_args={"services": services}, **settings)


class NotFoundHandler(TrackMixin, tornado.web.RequestHandler):
    """Any other path: refused in the API's error shape (after authentication, as every route)."""

    async def prepare(self) -> None:
        from jupyter_ext import errors

        await super().prepare()
        raise errors.NotFound(f"no API route {self.request.path!r}; see {API_PREFIX}openapi.json")
