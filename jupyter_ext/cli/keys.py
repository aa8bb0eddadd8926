"""``jupyter track keys <verb>``: API keys for SDKs and agents on other machines.

Run it where the server's store is (the keys live in it). ``create`` prints the secret once;
only a salted digest of it is stored.
"""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import socket
from typing import Any


def _store(args: argparse.Namespace) -> Any:
    from jupyter_ext.store.meta import MetaStore

    url = args.store
    if not url:
        import sys

        from jupyter_ext.config import load

        cfg = load()
        url = cfg.store_url
        if cfg.remote:  # keys live in the server's store: this machine's store is not it
            print(f"note: api_host is {cfg.api_host}, but keys are kept by the server's store; this uses the "
                  f"local store {url} (run this on the server, or pass --store)", file=sys.stderr)
    return MetaStore.open(url)


def _when(ts: float | None) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M") if ts else "-"


def cmd_create(args: argparse.Namespace) -> int:
    from jupyter_ext.core import keys

    store = _store(args)
    try:
        access_key, secret_key = keys.create(store, args.name or socket.gethostname(),
                                             user=args.user or getpass.getuser(), scope=args.scope,
                                             actor=getpass.getuser(), require_user=bool(args.user))
    finally:
        store.close()
    print(f"access_key={access_key} secret_key={secret_key}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _table
    from jupyter_ext.core import keys

    store = _store(args)
    try:
        rows = keys.list_keys(store, include_revoked=args.all)
    finally:
        store.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("no API keys; make one with `jupyter track keys create --name laptop`")
        return 0
    table = [[r["access_key"], r["name"], r["user"], _when(r["created"]), _when(r["last_used"]),
              "revoked " + _when(r["revoked"]) if r["revoked"] else "active"] for r in rows]
    print(_table(table, ["ACCESS KEY", "NAME", "USER", "CREATED", "LAST USED", "STATE"]))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from jupyter_ext.core import keys

    store = _store(args)
    try:
        info = keys.revoke(store, args.access_key, actor=getpass.getuser())
    finally:
        store.close()
    print(f"revoked {info['access_key']} ({info['name']}); requests with it are refused from now on")
    return 0


def cmd_rotate(args: argparse.Namespace) -> int:
    from jupyter_ext.core import keys

    store = _store(args)
    try:
        keys.rotate_signing_key(store)
    finally:
        store.close()
    print("a new token-signing key is in force: every bearer token issued before is refused; API keys still work")
    return 0


def add_parser(sub: Any) -> None:
    keys = sub.add_parser("keys", help="API keys for other machines (create, list, revoke, rotate-signing-key)")
    verbs = keys.add_subparsers(dest="keys_verb", metavar="<keys verb>")

    def verb(name: str, func: Any, help_text: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = verbs.add_parser(name, help=help_text)
        p.add_argument("--store", default=None, help="store URL (default: the store of the settings in force)")
        p.set_defaults(func=func)
        return p

    p = verb("create", cmd_create, "make a key pair; prints access_key=… secret_key=… once")
    p.add_argument("--name", default=None, help="where the key is used, e.g. laptop (default: this host's name)")
    p.add_argument("--user", default=None, help="whose key it is (a user of `jupyter track users list`); what "
                   "the key creates is stamped with this user (default: who runs this)")
    p.add_argument("--scope", default="full", choices=("full", "read", "agent"),
                   help="full (the user's roles), read (reads only) or agent (pop queues, run and report)")
    p = verb("list", cmd_list, "list keys (never their secrets)")
    p.add_argument("--all", action="store_true", help="include revoked keys")
    p.add_argument("--json", action="store_true")
    p = verb("revoke", cmd_revoke, "refuse a key from now on")
    p.add_argument("access_key", help="the access key to revoke (`keys list` shows them)")
    verb("rotate-signing-key", cmd_rotate, "invalidate every bearer token at once (API keys keep working)")
