"""``jupyter track sync --to URL``: push everything in the local embedded store to a server
(or to another tracker home), ids kept; running it again copies nothing."""
from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_sync(args: argparse.Namespace) -> int:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.client.sync import open_destination, sync
    from jupyter_ext.config import load

    cfg = load()
    source = LocalBackend(args.store or cfg.store_url, cfg.blob_url)
    dest = open_destination(args.to, cfg, access_key=args.access_key, secret_key=args.secret_key)
    try:
        report = sync(source, dest, show_progress=not args.quiet)
    finally:
        source.close()
        dest.close()
    print(report.summary())
    for error in report.errors:
        print(f"  not copied: {error}", file=sys.stderr)
    return 1 if report.errors else 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("sync", help="copy everything in the local store to a server (idempotent)")
    p.add_argument("--to", required=True, help="https://server[:port] or another tracker home folder")
    p.add_argument("--access-key", default=None, help="API access key (default: the settings' access_key)")
    p.add_argument("--secret-key", default=None,
                   help="API secret key (default: the settings' secret_key; prefer the settings or "
                        "JUPYTER_TRACK_SECRET_KEY, a flag shows in the shell history)")
    p.add_argument("--store", default=None, help="source store URL (default: the local embedded store)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sync)
