"""The API without Jupyter: ``jupyter track server``. Same handlers, base_url "/", API keys only."""
from __future__ import annotations

import asyncio
import logging
import ssl
from typing import Any

import tornado.httpserver
import tornado.netutil

from jupyter_ext.core.rules.orphans import DEFAULT_TASK_TIMEOUT
from jupyter_ext.server.app import make_app
from jupyter_ext.server.services import Services

log = logging.getLogger("jupyter_ext.server")


def ssl_context(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    from jupyter_ext.errors import InvalidArgument

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
          sockets: list[Any] | None = None) -> tuple[tornado.httpserver.HTTPServer, int]:
    """Listen on ``ip:port`` (port 0: any free port), or on ``sockets`` already bound, in the
    running event loop; (server, port)."""
    app = make_app(services)
    server = tornado.httpserver.HTTPServer(app, ssl_options=ssl_context(certfile, keyfile),
                                           max_body_size=services.limits.max_blob_bytes, xheaders=True)
    if sockets is None:
        sockets = tornado.netutil.bind_sockets(port, address=ip)
    server.add_sockets(sockets)
    return server, sockets[0].getsockname()[1]


def serve(store_url: str, blob_url: str, ip: str, port: int, *, certfile: str | None = None,
          keyfile: str | None = None, ready: Any = None, workers: int = 1, jupyterhub: str | None = None,
          task_timeout: float = DEFAULT_TASK_TIMEOUT) -> None:
    """Run until interrupted; with ``workers`` > 1, in that many forked processes sharing the socket."""
    from jupyter_ext.errors import InvalidArgument

    if workers < 1:
        raise InvalidArgument(f"--workers must be at least 1, got {workers}")
    if not task_timeout > 0:
        raise InvalidArgument(f"--task-timeout must be a number of seconds above 0, got {task_timeout}")
    ssl_context(certfile, keyfile)  # a bad certificate is refused before anything starts
    sockets = tornado.netutil.bind_sockets(port, address=ip) if workers > 1 else None
    if sockets is not None:
        from jupyter_ext.store.meta import MetaStore

        MetaStore.open(store_url).close()  # migrated once, before the workers open it together
        port = sockets[0].getsockname()[1]

    def run(_index: int = 0) -> None:
        services = Services.open(store_url, blob_url, task_timeout=task_timeout)
        if jupyterhub:
            from jupyter_ext.server.hub import HubIdentity

            services.hub = HubIdentity(jupyterhub)

        async def main() -> None:
            _, bound = start(services, ip, port, certfile=certfile, keyfile=keyfile, sockets=sockets)
            if sockets is None:
                announce(bound)
            await asyncio.Event().wait()

        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            pass
        finally:
            services.close()

    def announce(bound: int) -> None:
        scheme = "https" if certfile else "http"
        shown = f"[{ip}]" if ":" in ip else ip
        many = f", {workers} worker processes" if workers > 1 else ""
        print(f"jupyter-track API at {scheme}://{shown}:{bound}/track/api/v1/ (API keys only{many}; "
              f"create one with `jupyter track keys create --name NAME`)", flush=True)
        if ready is not None:
            ready(bound)

    if sockets is None:
        run()
        return
    from jupyter_ext.server.prefork import run_workers

    announce(port)
    run_workers(workers, run)
