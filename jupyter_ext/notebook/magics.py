"""The ``%track`` line magic.

    %track                                   a task named after the notebook
    %track "Churn/baseline" --type testing --tags a,b --queue default
    %track off                               close the task (completed)
    %track snapshot                          store the notebook now
    %track compare <id> <id> ...             compare tasks inline
    %track status                            what is tracked, and where the notebook is

A name with slashes is ``project/name`` (``"Churn/models/baseline"``: project ``Churn/models``).
"""
from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from jupyter_ext.errors import InvalidArgument

USAGE = ('%track ["project/name"] [--project P] [--type T] [--tags a,b] [--queue Q]\n'
         '%track off | %track snapshot | %track status | %track compare <task id> <task id> ...')


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # argparse would exit the kernel's process
        raise InvalidArgument(f"%track: {message}\nusage: {USAGE}")


def _parser() -> _Parser:
    p = _Parser(prog="%track", add_help=False)
    p.add_argument("name", nargs="*")  # a name with spaces needs no quotes: %track Churn/first run
    p.add_argument("--project", "-p")
    p.add_argument("--type", "-t", dest="task_type", default="training")
    p.add_argument("--tags")
    p.add_argument("--queue", "-q")
    return p


def track(line: str, shell: Any = None) -> Any:
    """Run one ``%track`` line; returns what the cell should show (or None)."""
    from jupyter_ext.notebook import run as runs

    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise InvalidArgument(f"%track: {exc} in {line!r}\nusage: {USAGE}") from None
    verb = words[0] if words else ""
    if verb == "off" and len(words) == 1:
        stopped = runs.stop()
        print(f"jupyter-track: task {stopped.task.id} closed (completed)" if stopped else
              "jupyter-track: no tracked task to close")
        return None
    if verb == "snapshot" and len(words) == 1:
        return _snapshot(runs.current())
    if verb == "status" and len(words) == 1:
        return _status(runs.current())
    if verb == "compare":
        if len(words) < 2:
            raise InvalidArgument("%track compare needs task ids: %track compare <id> <id> ...")
        from jupyter_ext.notebook.compare import compare

        return compare(words[1:])
    args = _parser().parse_intermixed_args(words)
    project, name = args.project, " ".join(args.name)
    if name and "/" in name and not project:
        project, _, name = name.rpartition("/")
    tags = [t.strip() for t in (args.tags or "").split(",") if t.strip()]
    from jupyter_ext.sdk.tasks.remote import remote_task_id

    if args.queue and remote_task_id() is None:  # under the agent, the same line attaches instead
        from jupyter_ext.notebook.enqueue import enqueue_notebook

        row = enqueue_notebook(project=project or None, name=name or None, task_type=args.task_type, tags=tags,
                               queue=args.queue, shell=shell)
        print(f"jupyter-track: notebook queued as task {row.id} ({row.project_name} / {row.name}) in "
              f"{args.queue!r}; an agent runs it (jupyter track agent daemon --queues {args.queue}). "
              f"This kernel is not tracked.")
        return None
    run = runs.start(project=project or None, name=name or None, task_type=args.task_type, tags=tags,
                     queue=args.queue, shell=shell)
    where = run.path or "unknown (set JUPYTER_TRACK_NOTEBOOK_PATH to name it)"
    print(f"jupyter-track: notebook {where} [{run.found_by}]")
    return None


def _snapshot(run: Any) -> None:
    from jupyter_ext.notebook.snapshot import comm as live_document

    if run is None:
        print("jupyter-track: nothing tracked; run %track first", file=sys.stderr)
        return
    if live_document.connected():
        # The frontend's answer is handled on this thread once the cell ends: do not wait for it.
        run.snapshots.now(always=True)
        print("jupyter-track: snapshot requested (stored in the background)")
        return
    stored = run.snapshots.now(always=True, wait=True, timeout=60)
    if stored:
        print(f"jupyter-track: notebook stored with task {run.task.id} (artifacts 'notebook', 'notebook preview')")
    else:
        why = run.snapshots.last_error or ("the notebook file was not found" if not run.current_path() else "timeout")
        print(f"jupyter-track: snapshot not stored: {why}", file=sys.stderr)
    return


def _status(run: Any) -> None:
    if run is None:
        print("jupyter-track: nothing tracked")
        return
    print(f"jupyter-track: task {run.task.id} ({run.task.get_project_name()} / {run.task.name}), "
          f"notebook {run.current_path() or 'unknown'} [{run.found_by}], snapshots stored: {run.snapshots.stored}")
    from jupyter_ext.notebook.cell_runs import describe

    print(describe(run.task.get_notebook_history()))
    return


def register(shell: Any) -> None:
    """Register ``%track`` on ``shell`` (idempotent: registering again replaces it)."""

    def _magic(line: str) -> Any:
        return track(line, shell)

    _magic.__doc__ = __doc__
    shell.register_magic_function(_magic, magic_kind="line", magic_name="track")
