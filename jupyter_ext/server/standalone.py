"""The API without Jupyter: ``jupyter track server``. Same handlers, base_url "/", API keys only."""
from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

import tornado.httpserver
import tornado.netutil

from .app import make_app
from .services import Services

log = logging.getLogger("jupyter_ext.server")


def ssl_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    from ..errors import InvalidArgument

    if not certfile and not keyfile:
        return None
    if not certfile:
        raise InvalidArgument("--keyfile needs --certfile (the certificate the key belongs to)")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(certfile, keyfile or None)
    except (OSError, ssl.SSLError) as exc:
        raise InvalidArgument(f"cannot load the TLS certificate {certfile} / key {keyfile}: {exc}") from exc
    return context


def start(services: Services, ip: str, port: int, *, certfile: str | None = None, keyfile: str | None = None,
          ) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Listen on ``ip:port`` (port 0: any free port) in the running event loop; (server, port)."""
    app = make_app(services)
    server = tornado.httpserver.HTTPServer(app, ssl_options=ssl_context(certfile, keyfile),
                                           max_body_size=services.limits.max_blob_bytes, xheaders=True)
    sockets = tornado.netutil.bind_sockets(port, address=ip)
    server.add_sockets(sockets)
    return server, sockets[0].getsockname()[1]


def serve(store_url: str, blob_url: str, ip: str, port: int, *, certfile: str | None = None,
          keyfile: str | None = None, ready: Any = None) -> None:
    """Run until interrupted."""
    services = Services.open(store_url, blob_url)

    async def main() -> None:
        _, bound = start(services, ip, port, certfile=certfile, keyfile=keyfile)
        scheme = "https" if certfile else "http"
        shown = f"[{ip}]" if ":" in ip else ip
        print(f"jupyter-track API at {scheme}://{shown}:{bound}/track/api/v1/ (API keys only; "
              f"create one with `jupyter track keys create --name NAME`)", flush=True)
        if ready is not None:
            ready(bound)
        await asyncio.Event().wait()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
    finally:
        services.close()
