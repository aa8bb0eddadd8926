"""``jupyter track queues [create NAME | delete NAME]``: the execution queues and who listens.

Listing needs no verb: ``jupyter track queues`` shows every queue, its waiting tasks and the
workers listening to it. It works on the backend of the settings in force (local or a server).
"""
from __future__ import annotations

import argparse
import json
from typing import Any


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def cmd_list(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _ago, _table

    found = _backend().list_queues()
    if args.json:
        print(json.dumps([q.to_dict() for q in found], indent=2, default=str))
        return 0
    if not found:
        print("no queues yet; `jupyter track queues create NAME` makes one (`default` is made on first use)")
        return 0
    rows = [[q.name, str(q.num_entries), ", ".join(q.workers) or "-", ",".join(q.tags) or "-",
             _ago(q.created)] for q in found]
    print(_table(rows, ["QUEUE", "WAITING", "WORKERS", "TAGS", "CREATED"]))
    if args.verbose:
        for q in found:
            for i, e in enumerate(q.entries):
                print(f"{q.name}[{i}]  {e.task_id}  {e.project} / {e.name}")
    return 0


def cmd_create(args: argparse.Namespace) -> int:
    made = _backend().create_queue(args.name, args.tag or ())
    print(f"created queue {made.name} ({made.id})")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from jupyter_ext.errors import NotFound

    backend = _backend()
    # looked up in the listing: asking for `default` by name would make it first
    found = next((q for q in backend.list_queues() if args.name in (q.name, q.id)), None)
    if found is None:
        raise NotFound(f"no queue named (or with id) {args.name!r}; `jupyter track queues` lists them")
    backend.delete_queue(found.id, force=args.force)
    sent_back = f"; {found.num_entries} task(s) went back to draft" if found.num_entries else ""
    print(f"deleted queue {found.name}{sent_back}")
    return 0


def add_parser(sub: Any) -> None:
    queues = sub.add_parser("queues", help="execution queues: list (default), create, delete")
    queues.add_argument("--json", action="store_true", help="print the queues as JSON")
    queues.add_argument("-v", "--verbose", action="store_true", help="also list the tasks waiting in each queue")
    queues.set_defaults(func=cmd_list)
    verbs = queues.add_subparsers(dest="queues_verb", metavar="<queues verb>")
    p = verbs.add_parser("list", help="every queue with its waiting tasks and listening workers")
    p.add_argument("--json", action="store_true")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_list)
    p = verbs.add_parser("create", help="make a queue")
    p.add_argument("name")
    p.add_argument("--tag", action="append", help="a tag (repeat for more)")
    p.set_defaults(func=cmd_create)
    p = verbs.add_parser("delete", help="delete a queue (with waiting tasks only with --force)")
    p.add_argument("name", help="the queue's name or id")
    p.add_argument("--force", action="store_true", help="delete even with waiting tasks; they go back to draft")
    p.set_defaults(func=cmd_delete)
