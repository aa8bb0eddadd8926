"""``jupyter track task``: a draft task from a script on disk (ClearML's ``clearml-task``).

The task holds what an agent needs to run the script elsewhere: the git repository, commit and
uncommitted changes when the script lives in a checkout, otherwise the script's whole text; the
command-line arguments (also as ``Args/`` parameters, to see and edit); the requirements.
Nothing is written when an argument is wrong.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from jupyter_ext.core.rules import names
from jupyter_ext.core.rules.task_types import check_task_type
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session

MAX_SCRIPT_BYTES = 500_000  # as for the code a run records


def parse_args(pairs: Sequence[str]) -> dict[str, Any]:
    """``k=v`` pairs: numbers and true/false keep their kind, the rest is text."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("-")
        if not sep or not key:
            raise InvalidArgument(f"--args takes name=value pairs; got {pair!r}")
        out[key] = _typed(value)
    return out


def _typed(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


def _argv(entry: str, args: dict[str, Any]) -> list[str]:
    argv = [entry]
    for key, value in args.items():
        if value is True:
            argv.append(f"--{key}")
        elif value is not False:
            argv += [f"--{key}", str(value)]
    return argv


def _requirements(path: str | None, packages: Sequence[str]) -> str:
    lines: list[str] = []
    if path:
        if not os.path.isfile(path):
            raise InvalidArgument(f"requirements file {path!r} does not exist")
        with open(path, encoding="utf-8") as fh:
            lines += [ln.rstrip() for ln in fh if ln.strip()]
    lines += [p.strip() for p in packages if p.strip()]
    return "\n".join(lines) + ("\n" if lines else "")


def script_spec(script: str, args: dict[str, Any], requirements: str, cwd: str | None) -> dict[str, Any]:
    path = os.path.abspath(script)
    if not os.path.isfile(path):
        raise InvalidArgument(f"script {script!r} does not exist")
    if not path.endswith((".py", ".ipynb", ".sh")):
        raise InvalidArgument(f"script {script!r} must be a .py, .ipynb or .sh file")
    workdir = os.path.abspath(cwd) if cwd else os.path.dirname(path)
    if cwd and not os.path.isdir(workdir):
        raise InvalidArgument(f"--cwd {cwd!r} is not a directory")
    from jupyter_ext.capture.git import collect_git

    git = collect_git(path)
    spec: dict[str, Any] = {"binary": "python3", "requirements": requirements, "working_dir": workdir}
    entry = (git or {}).get("entry_point") or ""
    untracked = [u.rstrip("/") for u in (git or {}).get("untracked") or ()]
    tracked = bool(entry) and not any(entry == u or entry.startswith(u + "/") for u in untracked)
    if git and git.get("commit") and tracked and (git.get("repository") or git.get("root")):
        spec.update({"repository": git.get("repository") or "", "branch": git.get("branch") or "",
                     "version_num": git["commit"], "entry_point": git["entry_point"], "root": git.get("root") or "",
                     "diff": git.get("diff") or "", "diff_truncated": bool(git.get("diff_truncated")),
                     "git_status": git.get("status") or ""})
        spec["argv"] = _argv(git["entry_point"], args)
        return spec
    size = os.path.getsize(path)
    if size > MAX_SCRIPT_BYTES:
        raise InvalidArgument(f"script {script!r} is {size:,} bytes, more than can be stored with a task "
                              f"({MAX_SCRIPT_BYTES:,}); put it in a git repository")
    with open(path, encoding="utf-8", errors="replace") as fh:
        spec["diff"] = fh.read()
    spec["entry_point"] = path
    spec["argv"] = _argv(os.path.basename(path), args)
    return spec


def create_script_task(*, project: str, name: str, script: str, args: Sequence[str] = (),
                       requirements: str | None = None, packages: Sequence[str] = (), cwd: str | None = None,
                       task_type: str = "training", tags: Sequence[str] = (), queue: str | None = None) -> Any:
    """Create the draft task (and enqueue it when ``queue`` is given); returns its row."""
    from jupyter_ext.core.rules.param_types import rows_from_mapping

    project = names.normalize_project_name(project)
    name = names.check_task_name(name)
    ttype = check_task_type(task_type)
    tag_list = list(names.check_tags(list(tags)))
    values = parse_args(args)
    spec = script_spec(script, values, _requirements(requirements, packages), cwd)
    backend = session.backend()
    if queue and queue != "default":
        backend.get_queue(queue)  # a wrong name fails before the task exists
    row = backend.create_task({"project": project, "name": name, "type": ttype, "tags": tag_list,
                               "user": session.getpid_user(), "script": spec})
    if values:
        backend.set_parameters(row.id, rows_from_mapping("Args", values))
    if queue:
        row = backend.enqueue_task(row.id, queue)
    return row
