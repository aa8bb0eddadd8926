"""``jupyter track notebook <task id>``: a run's notebook back in the workspace, with its outputs
and the task's parameters injected; ``--history`` lists how its cells ran; ``--rerun`` enqueues it
again with edited parameters."""
from __future__ import annotations

import argparse
import json
from typing import Any


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def _values(items: list[str]) -> dict[str, Any]:
    from jupyter_ext.errors import InvalidArgument

    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidArgument(f"--set takes NAME=VALUE (e.g. --set lr=0.01), got {item!r}")
        out[name.strip()] = value
    return out


def cmd_notebook(args: argparse.Namespace) -> int:
    from jupyter_ext.cli.main import _resolve_task
    from jupyter_ext.client import notebooks

    backend = _backend()
    row = _resolve_task(backend, args.task_id)
    if args.history:
        from jupyter_ext.notebook.cell_runs import describe

        doc = backend.get_notebook_provenance(row.id)
        if args.json:
            print(json.dumps({k: doc[k] for k in ("runs", "snapshots", "warnings")}, indent=2, default=str))
        else:
            print(describe(doc))
        return 0
    if args.rerun is not None:
        queued = notebooks.rerun(backend, row.id, queue=args.rerun or None, parameters=_values(args.set or []),
                                 version=args.version)
        print(f"task {queued.id} ({queued.name}) queued in {queued.queue!r}")
        return 0
    nb = notebooks.notebook_to_open(backend, row.id, args.version)
    path = notebooks.write_notebook(nb, args.to or ".", overwrite=args.force)
    meta = nb["metadata"]["jupyter_track"]
    print(f"{path}  (task {row.id}, notebook version {meta['version']})")
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("notebook", help="a run's notebook: write it here (outputs, parameters), its history, rerun")
    p.add_argument("task_id", help="a task id (or a unique prefix of one)")
    p.add_argument("--to", help="file or folder to write the notebook to (default: this folder)")
    p.add_argument("--version", type=int, help="snapshot version (default: the newest that ran)")
    p.add_argument("--force", action="store_true", help="overwrite the file --to names")
    p.add_argument("--history", action="store_true", help="list the cells' executions and the warnings instead")
    p.add_argument("--rerun", nargs="?", const="", metavar="QUEUE",
                   help="clone the run with its notebook and enqueue it (default queue unless named)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="with --rerun: a parameter's new value")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_notebook)
