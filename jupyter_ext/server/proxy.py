"""The JupyterLab panels of a lab whose SDK reports to a team server: every API path forwarded there.

When the settings name a team server (``api_host`` from ``track.toml``, ``JUPYTER_TRACK_*``,
``CLEARML_*`` or ``clearml.conf``), the Jupyter server extension serves no store of its own:
each request under ``{base_url}track/api/v1/`` is checked by Jupyter's own rules (token,
cookie, XSRF), then sent on to the team server with the key of the settings added here, so the
browser never sees it. Bodies are streamed both ways (uploads chunk by chunk as they arrive,
downloads with ``Range`` chunk by chunk with back-pressure), the answer's status, body and
transfer headers come back unchanged (errors keep their shape), and the ``changes`` WebSocket is
relayed message by message. ``where`` is answered here: it says which server is shown, as whom.

Nothing the browser sends that identifies it to Jupyter (cookies, its token, its Authorization
header) is forwarded: the team server sees only the key.
"""
from __future__ import annotations

import asyncio
import base64
import dataclasses
import logging
import socket
import time
from typing import Any

import tornado.httpclient
import tornado.httputil
import tornado.netutil
import tornado.web
import tornado.websocket

from jupyter_ext import errors
from jupyter_ext.server.handlers import as_track_error
from jupyter_ext.wire import codec
from jupyter_ext.wire.errors import error_body
from jupyter_ext.wire.routes import API_PREFIX

log = logging.getLogger("jupyter_ext.server")

# What the browser may tell the team server (everything else stays between it and Jupyter).
_REQUEST_HEADERS = ("Content-Type", "Content-Length", "Range", "If-Range", "If-None-Match", "If-Modified-Since",
                    "Accept", "Accept-Encoding", "Content-Encoding")
# What the team server's answer carries back.
_ANSWER_HEADERS = ("Content-Type", "Content-Length", "Content-Range", "Content-Encoding", "Content-Disposition",
                   "Accept-Ranges", "ETag", "Last-Modified", "Cache-Control", "Allow", "Retry-After", "Location")
_BROWSER_ONLY_QUERY = frozenset({"token", "_xsrf"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_QUEUED_CHUNKS = 8  # an upload is read from the browser no faster than the team server takes it
_WHOAMI_SECONDS = 30.0


@dataclasses.dataclass(frozen=True)
class Upstream:
    """The team server and the credentials the lab uses for it."""

    host: str
    api_root: str  # ends in track/api/v1/
    authorization: str  # the header value; never logged, never sent to the browser
    validate_cert: bool
    ca_certs: str | None
    connect_timeout: float

    @classmethod
    def from_config(cls, cfg: Any) -> Upstream:
        from jupyter_ext.client.http import api_base

        hub_token = str(getattr(cfg, "hub_api_token", "") or "")
        if (not cfg.access_key or not cfg.secret_key) and hub_token:
            # A hub user's lab: the team server trusts JupyterHub (`--jupyterhub`) and asks it whose
            # token this is, so the user is who the Hub says, with no key to copy.
            authorization = f"token {hub_token}"
        elif not cfg.access_key or not cfg.secret_key:
            raise errors.Unauthenticated(
                f"api_host is {cfg.api_host} but no API key is set: set access_key and secret_key "
                "(JUPYTER_TRACK_ACCESS_KEY / JUPYTER_TRACK_SECRET_KEY, or run `jupyter track init`)")
        else:
            pair = base64.b64encode(f"{cfg.access_key}:{cfg.secret_key}".encode()).decode("ascii")
            authorization = f"Basic {pair}"
        verify = cfg.requests_verify()
        return cls(host=str(cfg.api_host).rstrip("/"), api_root=api_base(cfg.api_host), authorization=authorization,
                   validate_cert=verify is not False, ca_certs=verify if isinstance(verify, str) else None,
                   connect_timeout=float(cfg.connect_timeout))

    def __repr__(self) -> str:
        return f"Upstream({self.api_root!r})"

    def request(self, path_and_query: str, method: str, headers: dict[str, str], **kwargs: Any,
                ) -> tornado.httpclient.HTTPRequest:
        return tornado.httpclient.HTTPRequest(
            self.api_root + path_and_query, method=method, headers={**headers, "Authorization": self.authorization},
            connect_timeout=self.connect_timeout, request_timeout=24 * 3600.0, validate_cert=self.validate_cert,
            ca_certs=self.ca_certs, follow_redirects=False, decompress_response=False,
            allow_nonstandard_methods=True, **kwargs)

    def client(self) -> tornado.httpclient.AsyncHTTPClient:
        """This lab's own client (Jupyter's shared one has a 100 MB body limit and 10 connections): no
        size limit on streamed answers, many transfers at once, and an address given as a literal IP
        used as it is (no resolver thread per request)."""
        found: tornado.httpclient.AsyncHTTPClient | None = _CLIENTS.get(self)
        if found is None:
            found = tornado.httpclient.AsyncHTTPClient(force_instance=True, max_clients=256, max_body_size=1 << 50,
                                                       max_buffer_size=1 << 24, resolver=_LiteralResolver())
            _CLIENTS[self] = found
        return found

    def unreachable(self, exc: BaseException) -> errors.Unavailable:
        return errors.Unavailable(f"the team server {self.host} did not answer ({exc}); check that it runs and "
                                  "that api_host in the settings (`jupyter track where`) names it")


_CLIENTS: dict[Upstream, tornado.httpclient.AsyncHTTPClient] = {}


class _LiteralResolver(tornado.netutil.Resolver):
    """A literal IP address at once; a name through the default resolver (a thread)."""

    def initialize(self) -> None:
        self._names = tornado.netutil.DefaultLoopResolver()

    async def resolve(self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC,
                      ) -> list[tuple[int, Any]]:
        if tornado.netutil.is_valid_ip(host):
            kind = socket.AF_INET6 if ":" in host else socket.AF_INET
            return [(kind, (host, port))]
        found: list[tuple[int, Any]] = await self._names.resolve(host, port, family)
        return found


class Where:
    """What ``where`` answers in a lab shown from a team server: the caller there, asked once a while."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        self._seen: tuple[float, dict[str, Any]] | None = None

    async def answer(self) -> dict[str, Any]:
        now = time.monotonic()
        if self._seen is None or now - self._seen[0] > _WHOAMI_SECONDS:
            client = self.upstream.client()
            try:
                response = await client.fetch(self.upstream.request("auth/whoami", "GET", {}), raise_error=False)
            except (OSError, tornado.httpclient.HTTPClientError) as exc:
                raise self.upstream.unreachable(exc) from exc
            if response.code == 599:
                raise self.upstream.unreachable(response.error or OSError("no answer"))
            body = codec.loads(response.body) if response.body else {}
            if response.code != 200:
                from jupyter_ext.wire.errors import error_from_body

                raise error_from_body(response.code, body)
            self._seen = (now, body)
        who = self._seen[1]
        return {"mode": "server", "location": self.upstream.host, "user": who.get("user") or "",
                "via": who.get("via") or "key"}


class ProxyMixin:
    """Every API path but ``changes``: mixed in before Jupyter's APIHandler."""

    upstream: Upstream
    where: Where
    request: Any
    current_user: Any

    def initialize(self, upstream: Upstream, where: Where) -> None:
        self.upstream = upstream
        self.where = where
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue(_QUEUED_CHUNKS)
        self._forwarding: asyncio.Future[None] | None = None
        self._headers_sent = False

    async def prepare(self) -> None:
        await _authenticate(self)
        rest = self.path_kwargs.get("rest", "")  # type: ignore[attr-defined]
        if rest == "where" and self.request.method == "GET":
            return
        self._forwarding = asyncio.ensure_future(self._forward(rest))

    async def data_received(self, chunk: bytes) -> None:
        if self._forwarding is not None and not self._forwarding.done():
            await self._queue.put(chunk)

    async def _body(self, write: Any) -> None:
        while (chunk := await self._queue.get()) is not None:
            await write(chunk)

    async def _forward(self, rest: str) -> None:
        headers = {name: self.request.headers[name] for name in _REQUEST_HEADERS if name in self.request.headers}
        method = self.request.method
        producer = None
        if method in _BODY_METHODS:
            producer = self._body
            if "Content-Length" not in headers:
                headers["Transfer-Encoding"] = "chunked"
        query = _forwarded_query(self.request.query)
        request = self.upstream.request(rest + query, method, headers, body_producer=producer,
                                        header_callback=self._on_header, streaming_callback=self._on_chunk)
        client = self.upstream.client()
        try:
            response = await client.fetch(request, raise_error=False)
        except (OSError, tornado.httpclient.HTTPClientError) as exc:
            raise self.upstream.unreachable(exc) from exc
        if response.code == 599 and not self._headers_sent:
            raise self.upstream.unreachable(response.error or OSError("no answer"))

    def _on_header(self, line: str) -> None:
        if line.startswith("HTTP/"):
            self._answer = tornado.httputil.HTTPHeaders()
            self._status = int(line.split(" ", 2)[1])
        elif line.strip():
            self._answer.parse_line(line)
        else:
            self._send_headers()

    def _send_headers(self) -> None:
        if self._headers_sent or self._status == 100:
            return
        self._headers_sent = True
        self.set_status(self._status)  # type: ignore[attr-defined]
        self.clear_header("Content-Type")  # type: ignore[attr-defined]
        for name in _ANSWER_HEADERS:
            value = self._answer.get(name)
            if value is not None:
                self.set_header(name, value)  # type: ignore[attr-defined]

    def _on_chunk(self, chunk: bytes) -> Any:
        self.write(chunk)  # type: ignore[attr-defined]
        return self.flush()  # type: ignore[attr-defined]

    async def _relay(self) -> None:
        if self._forwarding is None:  # where
            self.set_header("Content-Type", "application/json")  # type: ignore[attr-defined]
            self.finish(codec.dumps(await self.where.answer()))  # type: ignore[attr-defined]
            return
        await self._queue.put(None)
        await self._forwarding
        self.finish()  # type: ignore[attr-defined]

    async def get(self, rest: str) -> None:
        await self._relay()

    head = post = put = patch = delete = options = get

    def compute_etag(self) -> str | None:
        return None  # the team server's ETag is passed on as it is

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if self._headers_sent:
            return  # the answer is half sent already: closing the connection says it failed
        _write_error(self, status_code, **kwargs)

    def on_connection_close(self) -> None:
        if self._forwarding is not None and not self._forwarding.done():
            self._forwarding.cancel()
        super().on_connection_close()  # type: ignore[misc]


class SocketProxyMixin:
    """The ``changes`` WebSocket: one connection to the team server per browser socket."""

    upstream: Upstream
    request: Any

    def initialize(self, upstream: Upstream, where: Where) -> None:
        self.upstream = upstream
        self._far: tornado.websocket.WebSocketClientConnection | None = None

    async def prepare(self) -> None:
        await _authenticate(self)

    async def get(self, *args: Any, **kwargs: Any) -> None:
        url = "ws" + self.upstream.api_root.removeprefix("http") + "changes"
        request = tornado.httpclient.HTTPRequest(
            url, headers={"Authorization": self.upstream.authorization}, connect_timeout=self.upstream.connect_timeout,
            validate_cert=self.upstream.validate_cert, ca_certs=self.upstream.ca_certs)
        try:
            self._far = await tornado.websocket.websocket_connect(request)
        except tornado.httpclient.HTTPClientError as exc:
            if exc.code == 599:
                raise self.upstream.unreachable(exc) from exc
            raise as_track_error(exc, exc.code) from exc
        except OSError as exc:
            raise self.upstream.unreachable(exc) from exc
        await super().get(*args, **kwargs)  # type: ignore[misc]

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        _write_error(self, status_code, **kwargs)

    def open(self, *args: Any, **kwargs: Any) -> None:
        asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        far = self._far
        assert far is not None
        while (message := await far.read_message()) is not None:
            try:
                await self.write_message(message, binary=isinstance(message, bytes))  # type: ignore[attr-defined]
            except tornado.websocket.WebSocketClosedError:
                break
        far.close()
        self.close()  # type: ignore[attr-defined]

    def on_message(self, message: str | bytes) -> None:
        pass  # listeners only listen

    def on_close(self) -> None:
        if self._far is not None:
            self._far.close()


def _forwarded_query(query: str) -> str:
    """The query without what authenticates the browser to Jupyter (``token`` in a blob URL, ``_xsrf``)."""
    if not query:
        return ""
    from urllib.parse import parse_qsl, urlencode

    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in _BROWSER_ONLY_QUERY]
    return "?" + urlencode(kept) if kept else ""


def _write_error(handler: Any, status_code: int, **kwargs: Any) -> None:
    error = as_track_error(kwargs.get("exc_info", (None, None, None))[1], status_code)
    handler.set_status(error.http_status)
    handler.set_header("Content-Type", "application/json")
    handler.finish(codec.dumps(error_body(error)))


async def _authenticate(handler: Any) -> None:
    """Jupyter's token, cookie and XSRF rules; refusals in our error shape."""
    from jupyter_server.base.handlers import JupyterHandler

    try:
        await JupyterHandler.prepare(handler, _redirect_to_login=False)
    except tornado.web.HTTPError as exc:
        if exc.status_code == 403 and handler.current_user is None:
            raise errors.Unauthenticated("log in to Jupyter (its token or cookie)") from None
        raise
    if handler.current_user is None:
        raise errors.Unauthenticated("log in to Jupyter (its token or cookie)")
    if not handler.check_origin():
        raise errors.Forbidden("cross-origin request refused (see ServerApp.allow_origin)")


def handlers(upstream: Upstream, base_url: str) -> list[tuple[str, type, dict[str, Any]]]:
    """``(pattern, handler class, kwargs)``: the changes socket, then every other API path."""
    from jupyter_server.base.handlers import APIHandler, JupyterHandler

    prefix = "/" + (base_url.strip("/") + "/" if base_url.strip("/") else "") + API_PREFIX
    kwargs = {"upstream": upstream, "where": Where(upstream)}
    socket = type("TrackChangesRelay", (SocketProxyMixin, JupyterHandler, tornado.websocket.WebSocketHandler), {})
    api: type = tornado.web.stream_request_body(type("TrackProxy", (ProxyMixin, APIHandler), {}))
    return [(prefix + "changes$", socket, kwargs), (prefix + "(?P<rest>.*)$", api, kwargs)]


def refusing_handlers(problem: errors.TrackError, base_url: str) -> list[tuple[str, type, dict[str, Any]]]:
    """Every API path answering ``problem`` (a team server is named but cannot be used as set)."""
    from jupyter_server.base.handlers import APIHandler

    class Refusal(APIHandler):
        async def prepare(self, *, _redirect_to_login: Any = False) -> None:
            await _authenticate(self)
            raise problem

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            _write_error(self, status_code, **kwargs)

    prefix = "/" + (base_url.strip("/") + "/" if base_url.strip("/") else "") + API_PREFIX
    return [(prefix + ".*$", Refusal, {})]
