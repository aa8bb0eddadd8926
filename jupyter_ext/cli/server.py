"""``jupyter track server``: the REST API for a team, without Jupyter (API keys only)."""
from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("server", help="serve the REST API for other machines (API keys only)",
                       description="Serve the tracking REST API at http(s)://IP:PORT/track/api/v1/. Every request "
                                   "needs an API key: create one with `jupyter track keys create --name NAME`.")
    p.add_argument("--ip", default="127.0.0.1", help="address to listen on (0.0.0.0: every interface)")
    p.add_argument("--port", type=int, default=8008, help="port to listen on (default 8008)")
    p.add_argument("--store", default=None, metavar="URL",
                   help="metadata store URL (sqlite:///path/track.db or postgresql://...; default: the settings)")
    p.add_argument("--blobs", default=None, metavar="URL",
                   help="blob store folder or URL (default: the settings, or blobs/ beside a SQLite --store)")
    p.add_argument("--certfile", default=None, help="TLS certificate (PEM) to serve https")
    p.add_argument("--keyfile", default=None, help="TLS private key (PEM) of the certificate")
    p.add_argument("--jupyterhub", default=None, metavar="API_URL",
                   help="trust JupyterHub's users: accept their Hub API tokens (e.g. http://127.0.0.1:8081/hub/api; "
                   "default: JUPYTERHUB_API_URL when run as a Hub service)")
    p.add_argument("--workers", type=int, default=1, metavar="N",
                   help="serve from N forked processes sharing the port (default 1; POSIX only)")
    p.add_argument("--task-timeout", type=float, default=None, metavar="SECONDS",
                   help="stop an in_progress run of another machine as orphaned after this long without a "
                        "heartbeat (default: the task_timeout setting, 600 s); a run on this machine whose "
                        "process is gone is stopped at once")
    p.set_defaults(func=cmd_server)


def cmd_server(args: argparse.Namespace) -> int:
    import os

    from jupyter_ext import config
    from jupyter_ext.server.standalone import serve

    cfg = config.load()
    store_url = args.store or cfg.store_url
    blob_url = args.blobs
    if blob_url is None:
        if args.store and args.store.startswith("sqlite:///"):
            blob_url = os.path.join(os.path.dirname(os.path.abspath(args.store[len("sqlite:///"):])), "blobs")
        else:
            blob_url = cfg.blob_url
    hub = args.jupyterhub or (os.environ.get("JUPYTERHUB_API_URL") if args.jupyterhub is None else None)
    serve(store_url, blob_url, args.ip, args.port, certfile=args.certfile, keyfile=args.keyfile,
          workers=args.workers, jupyterhub=hub or None,
          task_timeout=cfg.task_timeout if args.task_timeout is None else args.task_timeout)
    return 0
