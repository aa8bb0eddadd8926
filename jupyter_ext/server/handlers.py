"""Tornado handlers built from the route table: authenticate, parse, call one operation off
the event loop, serialise.

The same handlers serve two hosts. Inside a Jupyter server they also subclass Jupyter's
``APIHandler`` and accept its token, cookie and XSRF rules; standalone they accept access keys
only. Either way an ``Authorization: Basic`` header or one of our bearer tokens is checked
against the API keys in the store, and every request body is streamed so that its size is
refused before it is read.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.web

from jupyter_ext import errors
from jupyter_ext.server import access
from jupyter_ext.server.call import Call, Encoded, Principal, Reply, as_principal
from jupyter_ext.server.read_cache import CACHEABLE, Answer
from jupyter_ext.server.services import Services
from jupyter_ext.wire import codec
from jupyter_ext.wire.errors import error_body
from jupyter_ext.wire.routes import Route
from jupyter_ext.wire.validate import check_body, check_query

log = logging.getLogger("jupyter_ext.server")


class TooLarge(errors.InvalidArgument):
    http_status = 413


if TYPE_CHECKING:
    # Mixed into a tornado RequestHandler or WebSocketHandler (app.py): type it as the former.
    _Handler = tornado.web.RequestHandler
else:
    _Handler = object


class TrackMixin(_Handler):
    """Everything but the host's own authentication (``_host_authenticate``)."""

    services: Services
    routes: dict[str, Route]
    request: Any
    current_user: Any

    def initialize(self, services: Services, base_url: str = "/") -> None:
        self.services = services
        self.track_base_url = base_url
        # one growing buffer, parsed as it is (json takes a bytearray): no joined copy of the body
        self._body = bytearray()
        self._limit = services.limits.max_json_bytes
        self.via_key = False

    # -- authentication and limits --------------------------------------------------------------
    async def prepare(self) -> None:
        route = getattr(self, "routes", {}).get(self.request.method)
        if route is not None and route.max_body:
            self._limit = route.max_body
        self._check_declared_size()
        header = self.request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        ours = scheme.lower() == "basic" or (scheme.lower() == "bearer" and value.strip().startswith("jt1."))
        hub = getattr(self.services, "hub", None)
        if hub is not None and scheme.lower() == "token":  # a JupyterHub token: the Hub says whose
            from jupyter_ext.server.hub import admit

            name = await hub.user_of(value.strip())
            await self.services.run(admit, self.services.backend.store, name)
            self.via_key = True  # no cookie was used: no cross-site request to forge
            self.current_user = Principal(username=name, via="jupyter", vouched=True)
        elif ours or self.services.keys_only:
            from jupyter_ext.core import keys

            if scheme.lower() == "bearer" and self.services.store_ready:
                # A signature check and a cached "still active?" lookup: cheaper than a thread hop.
                info = keys.authenticate_header(self.services.backend.store, header)
            else:  # may read the store and note the key's last use: off the loop
                info = await self.services.run(keys.authenticate_header, self.services.backend.store,
                                               header or None)
            self.via_key = True
            self.current_user = Principal(username=info.get("user") or f"key:{info['name']}",
                                          via="token" if scheme.lower() == "bearer" else "key",
                                          access_key=info["access_key"], name=info.get("name", ""),
                                          scope=info.get("scope") or "full")
        else:
            await self._host_authenticate()
        if self.current_user is None:
            raise errors.Unauthenticated("this API needs credentials: the Jupyter server's token or cookie, or "
                                         "an API key (HTTP Basic access_key:secret_key, or a bearer token)")

    async def _host_authenticate(self) -> None:
        raise errors.Unauthenticated("this server accepts API keys only: HTTP Basic access_key:secret_key or a "
                                     "bearer token from POST auth/token")

    def check_xsrf_cookie(self) -> None:
        if getattr(self, "via_key", False):
            return  # no cookie was used, so there is no cross-site request to forge
        super().check_xsrf_cookie()

    def _check_declared_size(self) -> None:
        declared = self.request.headers.get("Content-Length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                raise errors.InvalidArgument(f"Content-Length {declared!r} is not a number") from None
            if size > self._limit:
                raise TooLarge(f"the request body has {size:,} bytes; this route accepts at most {self._limit:,}")
        connection = getattr(self.request, "connection", None)
        if connection is not None and hasattr(connection, "set_max_body_size"):
            # Above the route's limit, so that data_received sees the excess and answers 413 itself
            # (tornado's own refusal is a bare 400 with no body).
            connection.set_max_body_size(max(self._limit, self.services.limits.max_blob_bytes) + 1024 * 1024)

    def data_received(self, chunk: bytes) -> Any:
        if self._finished:
            return None  # refused already; the connection closes once the answer is out
        if len(self._body) + len(chunk) > self._limit:
            self.refuse_too_large()
            return None
        self._body += chunk
        return None

    def refuse_too_large(self) -> None:
        """A 413 in the error shape as soon as a streamed (chunked) body passes the limit, and the
        connection closed: the rest of the body is never read, held or parsed."""
        self.refuse_body(TooLarge(f"the request body is over {self._limit:,} bytes, the most this route accepts; "
                                  "send smaller batches"))

    def refuse_body(self, error: errors.TrackError) -> None:
        """Answer ``error`` while the body is still arriving, and close the connection after it."""
        self._body = bytearray()
        self.set_header("Connection", "close")
        self.send_error(error.http_status, exc_info=(type(error), error, None))
        connection = getattr(self.request, "connection", None)
        if connection is not None and hasattr(connection, "close"):
            connection.close()

    # -- dispatch ---------------------------------------------------------------------------------
    def make_call(self, path: dict[str, str]) -> Call:
        body, self._body = self._body, bytearray()
        caller = as_principal(self.current_user, hub=bool(getattr(self.services, "jupyter_identity", False)))
        return Call(self.services, path, self.request.query_arguments, body, caller, self.track_base_url)

    async def dispatch(self, route: Route, path: dict[str, str]) -> None:
        from jupyter_ext.server.operations import OPERATIONS

        operation = OPERATIONS[route.name]
        call = self.make_call(path)

        def work() -> Answer:
            adopt = access.check(call, route)  # every route passes here: 403 naming the role needed
            if route.query:
                check_query(route.query, call.query)
            if route.body == "json":
                check_body(route.request, call.body)
            stamp_user(call, route)
            result = operation(call)
            access.after(call, route, adopt)
            if isinstance(result, Encoded):
                return Answer.of(route.status, result.payload)
            if isinstance(result, Reply):
                return Answer.of(result.status, codec.dumps(access.filter_answer(call, route, result.body)))
            return Answer.of(route.status, codec.dumps(access.filter_answer(call, route, result)))

        async def compute() -> Answer:
            return await self.services.run(work)

        version = None
        if route.name in CACHEABLE and self.services.store_ready:
            version = self.services.reads.version(self.services.backend.store)
        if version is None:
            answer = await compute()
        else:  # read before the operation's own transaction begins: see read_cache
            query = tuple(sorted((k, tuple(v)) for k, v in call.query.items()))
            key = (route.name, tuple(sorted(path.items())), query, str(getattr(call.user, "username", call.user)))
            answer = await self.services.reads.answer(key, version, compute)
        self._track_etag = answer.etag
        self.set_status(answer.status)
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(answer.payload)

    def compute_etag(self) -> str | None:
        return getattr(self, "_track_etag", None) or super().compute_etag()

    def set_default_headers(self) -> None:
        super().set_default_headers()
        self.set_header("X-Content-Type-Options", "nosniff")  # no browser guesses a JSON answer is HTML

    # -- errors -----------------------------------------------------------------------------------
    def write_error(self, status_code: int, **kwargs: Any) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        error = as_track_error(exc, status_code)
        # tornado's own refusals (405, 413 while reading) keep their status; ours name theirs
        self.set_status(error.http_status if isinstance(exc, errors.TrackError) or status_code == 500
                        else status_code)
        self.set_header("Content-Type", "application/json")
        if self.get_status() == 405:
            self.set_header("Allow", ", ".join(sorted(getattr(self, "routes", {}))))
        self.clear_header("WWW-Authenticate")
        if error.http_status == 401 and getattr(self, "services", None) is not None and self.services.keys_only:
            self.set_header("WWW-Authenticate", 'Basic realm="jupyter-track"')
        self.finish(codec.dumps(error_body(error)))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, errors.TrackError) and value.http_status < 500:
            return  # the caller's mistake, answered in the response; the access log has the status
        if isinstance(value, tornado.web.HTTPError):
            return
        log.error("%s %s failed", self.request.method, self.request.path, exc_info=(typ, value, tb))


# Routes that create a row whose ``user`` the server stamps from the credentials.
_STAMPED = frozenset({"create_task", "create_model", "create_dataset"})


def stamp_user(call: Call, route: Route) -> None:
    """What a client claims as ``user`` is replaced by who its credentials say it is: a key's owner
    (a key made with --user), or the Jupyter user where Jupyter vouches for one (JupyterHub)."""
    if route.name not in _STAMPED or not call.user.vouched:
        return
    call.body["user"] = call.user.username


def as_track_error(exc: BaseException | None, status_code: int) -> errors.TrackError:
    if isinstance(exc, errors.TrackError):
        return exc
    if isinstance(exc, tornado.web.HTTPError):
        from jupyter_ext.wire.errors import for_status

        message = exc.log_message or exc.reason or f"HTTP {exc.status_code}"
        if exc.status_code == 405:
            message = f"{exc.status_code}: this method is not served on this path; openapi.json lists the routes"
        if exc.status_code == 403 and "xsrf" in message.lower():
            message = f"{message}: a browser write needs the _xsrf cookie's value in the X-XSRFToken header"
        elif exc.status_code == 403:
            message = f"{message}; log in to Jupyter, or use an API key (HTTP Basic access_key:secret_key)"
        error = for_status(exc.status_code, message)
        if exc.status_code == 403 and not isinstance(error, errors.Forbidden):
            error = errors.Forbidden(message)
        return error
    if status_code == 405:
        return errors.InvalidArgument("this method is not allowed on this path; see openapi.json")
    if status_code >= 500:
        return errors.TrackError("internal error; the server log has the details")
    from jupyter_ext.wire.errors import for_status

    return for_status(status_code, f"HTTP {status_code}")


def route_method(route: Route) -> Callable[..., Any]:
    async def method(self: Any, **path: str) -> None:
        await self.dispatch(route, path)

    method.__name__ = route.method.lower()
    # Jupyter's checks look for tornado's decorator; our prepare() has already refused anonymous calls.
    return tornado.web.authenticated(method)


def handler_class(base: type, path: str, routes: list[Route]) -> type:
    attrs: dict[str, Any] = {"routes": {r.method: r for r in routes}}
    for route in routes:
        attrs[route.method.lower()] = route_method(route)
    name = "Track_" + "".join(c if c.isalnum() else "_" for c in path)
    cls = type(name, (base,), attrs)
    return tornado.web.stream_request_body(cls)

