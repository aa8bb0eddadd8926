"""``jupyter track <verb>``: the command line of the experiment manager.

Jupyter finds this executable (``jupyter-track``) by its own subcommand lookup, so both
``jupyter track tasks`` and ``jupyter-track tasks`` work.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from jupyter_ext._version import __version__
from jupyter_ext.errors import TrackError


def _backend() -> Any:
    from jupyter_ext.sdk import _session as session

    return session.backend()


def _ago(ts: float | None) -> str:
    if not ts:
        return "-"
    import datetime as dt

    return dt.datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M")


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    return "\n".join(lines)


def cmd_tasks(args: argparse.Namespace) -> int:
    from jupyter_ext.core.rules.status import LABELS

    rows = _backend().query_tasks(
        project_name=args.project, task_name=args.name, tags=args.tag or None,
        statuses=args.status or None, types=args.type or None, include_archived=args.archived, limit=args.limit,
    )
    if not args.datasets:  # dataset versions are tasks too; `jupyter track data search` lists them
        rows = [r for r in rows if "dataset" not in r.system_tags]
    if args.json:
        print(json.dumps([r.to_dict() for r in rows], indent=2, default=str))
        return 0
    if not rows:
        print("no tasks match; create one with Task.init(project_name=..., task_name=...)")
        return 0
    table = [[r.id[:12] if not args.full_ids else r.id, r.project_name, r.name, r.type, LABELS.get(r.status, r.status),
              ",".join(r.tags), _ago(r.created)] for r in rows]
    print(_table(table, ["ID", "PROJECT", "NAME", "TYPE", "STATUS", "TAGS", "CREATED"]))
    return 0


def _resolve_task(backend: Any, prefix: str) -> Any:
    from jupyter_ext.errors import InvalidArgument, NotFound

    try:
        return backend.get_task(prefix)
    except NotFound:
        matches = [r for r in backend.query_tasks() if r.id.startswith(prefix)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise
        raise InvalidArgument(f"task id prefix {prefix!r} matches {len(matches)} tasks; give more characters") from None


def cmd_show(args: argparse.Namespace) -> int:
    from jupyter_ext.core.rules.param_types import to_flat_dict

    backend = _backend()
    row = _resolve_task(backend, args.task_id)
    params = to_flat_dict(backend.get_parameters(row.id))
    metrics = backend.get_last_metrics(row.id)
    singles = backend.get_single_values(row.id)
    if args.json:
        print(json.dumps({"task": row.to_dict(), "parameters": params, "last_metrics": metrics,
                          "single_values": singles,
                          "artifacts": [a.to_dict() for a in backend.get_artifacts(row.id)],
                          "models": {mode: [m.to_dict() for m in found]
                                     for mode, found in backend.get_task_models(row.id).items()}},
                         indent=2, default=str))
        return 0
    print(f"{row.name}  ({row.id})")
    print(f"  project  {row.project_name}\n  type     {row.type}\n  status   {row.status}"
          + (f" ({row.status_reason})" if row.status_reason else ""))
    print(f"  tags     {', '.join(row.tags) or '-'}\n  created  {_ago(row.created)}   completed {_ago(row.completed)}")
    if row.script.get("repository") or row.script.get("entry_point"):
        print(f"  code     {row.script.get('repository') or ''} {row.script.get('version_num') or ''} "
              f"{row.script.get('entry_point') or ''}".rstrip())
    if params:
        print("parameters")
        for k, v in params.items():
            print(f"  {k} = {v!r}")
    if metrics:
        print("metrics (last / min / max)")
        for title, series in metrics.items():
            for name, m in series.items():
                print(f"  {title} / {name}: {m['last']:.6g} / {m['min']:.6g} / {m['max']:.6g}"
                      if m["min"] is not None else f"  {title} / {name}: {m['last']}")
    if singles:
        print("single values")
        for k, v in singles.items():
            print(f"  {k} = {v}")
    artifacts = backend.get_artifacts(row.id)
    if artifacts:
        print("artifacts")
        for a in artifacts:
            print(f"  {a.name}  ({a.type}, {a.size:,} bytes)")
    models = backend.get_task_models(row.id)
    for mode in ("input", "output"):
        for m in models[mode]:
            print(f"{mode} model  {m.name}  v{m.latest_version}  ({m.id})")
    return 0


def cmd_projects(args: argparse.Namespace) -> int:
    backend = _backend()
    projects = backend.list_projects()
    counts: dict[str, int] = {}
    for r in backend.query_tasks():
        counts[r.project_id] = counts.get(r.project_id, 0) + 1
    if args.json:
        print(json.dumps([{**p.to_dict(), "tasks": counts.get(p.id, 0)} for p in projects], indent=2))
        return 0
    if not projects:
        print("no projects yet; Task.init(project_name='Team/Project', ...) creates them")
        return 0
    print(_table([[p.name, str(counts.get(p.id, 0))] for p in projects], ["PROJECT", "TASKS"]))
    return 0


def cmd_gc(args: argparse.Namespace) -> int:

    done = _backend().collect_garbage(grace_seconds=args.grace, dry_run=args.dry_run)
    verb = "would free" if args.dry_run else "freed"
    print(f"{verb} {done.blobs} unreferenced blobs and {done.orphans} orphan files, {done.bytes:,} bytes")
    return 0


def _shown(url: str) -> str:
    from jupyter_ext.core.rules.redact import redact_url

    return redact_url(url)


def cmd_where(args: argparse.Namespace) -> int:
    from jupyter_ext.sdk import _session as session

    cfg = session.config()
    if cfg.api_host:
        print(f"shows     the team server {cfg.api_host.rstrip('/')} as key {cfg.access_key or '(none set)'} "
              "(scripts, notebooks and JupyterLab's panels alike)")
    else:
        print("shows     the local store below (scripts, notebooks and JupyterLab's panels alike)")
    print(f"home      {cfg.home}\nstore     {_shown(cfg.store_url)}\nblobs     {cfg.blob_url}")
    from jupyter_ext.config import config_file_path

    print(f"settings  {config_file_path()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jupyter track",
        description="Track experiments: tasks, parameters, metrics and results, from notebooks and scripts.",
    )
    parser._jupyter_track_own_parser = True  # type: ignore[attr-defined]  # not a user's (integrations/argparse_args.py)
    parser.add_argument("--version", action="version", version=f"jupyter-ext {__version__}")
    sub = parser.add_subparsers(dest="verb", metavar="<verb>")

    p = sub.add_parser("tasks", help="list tasks, newest first")
    p.add_argument("--project", help="project name (its subprojects are included)")
    p.add_argument("--name", help="regular expression on the task name (use ^name$ for an exact match)")
    p.add_argument("--tag", action="append", help="tag filter; repeat for OR, prefix with - to exclude")
    p.add_argument("--status", action="append", help="created, queued, in_progress, stopped, completed, failed, …")
    p.add_argument("--type", action="append", help="training, testing, inference, data_processing, …")
    p.add_argument("--archived", action="store_true", help="include archived tasks")
    p.add_argument("--limit", type=int, default=50, help="at most this many tasks (default 50)")
    p.add_argument("--full-ids", action="store_true", help="print whole task ids")
    p.add_argument("--datasets", action="store_true", help="include the tasks behind dataset versions")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("show", help="one task: parameters, metrics, status")
    p.add_argument("task_id", help="a task id (or a unique prefix of one)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("projects", help="list projects with their task counts")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_projects)

    p = sub.add_parser("gc", help="delete stored files no task refers to any more")
    p.add_argument("--grace", type=float, default=0.0, help="keep blobs younger than this many seconds")
    p.add_argument("--dry-run", action="store_true", help="only say what would be freed")
    p.set_defaults(func=cmd_gc)

    p = sub.add_parser("where", help="where data and settings live")
    p.set_defaults(func=cmd_where)

    from jupyter_ext.cli import data

    data.add_parser(sub)
    from jupyter_ext.cli import keys

    keys.add_parser(sub)
    from jupyter_ext.cli import users

    users.add_parser(sub)
    from jupyter_ext.cli import sync

    sync.add_parser(sub)
    from jupyter_ext.cli import init

    init.add_parser(sub)
    from jupyter_ext.cli import server

    server.add_parser(sub)
    from jupyter_ext.cli import agent

    agent.add_parser(sub)
    from jupyter_ext.cli import queues

    queues.add_parser(sub)
    from jupyter_ext.cli import schedules

    schedules.add_parser(sub)
    from jupyter_ext.cli import glue

    glue.add_parser(sub)
    from jupyter_ext.cli import notebook

    notebook.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except TrackError as exc:
        print(f"jupyter track {args.verb}: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
