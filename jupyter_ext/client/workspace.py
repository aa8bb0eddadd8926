"""Where a task's code comes from on the machine that runs it.

In order: (a) the git repository and commit the task recorded, cloned once into a cache under
the home and checked out into a fresh folder per run, with the recorded uncommitted changes
applied (``git apply``); a task whose repository has no remote names its local checkout, which
serves on the same machine; (b) the script text stored with the task (when there was no
repository, ``script.diff`` holds the whole file), written to a fresh folder under the entry
point's own name, run in the recorded working directory when it exists here; (c) the entry
point path itself, when it exists here.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from jupyter_ext.errors import InvalidArgument

GIT_TIMEOUT_S = 600.0  # a first clone of a large repository takes a while
Log = Callable[[str], None]


@dataclass(frozen=True)
class Workspace:
    cwd: str
    entry: str  # absolute path of the script or notebook to run
    argv: tuple[str, ...]
    source: str  # "git", "stored script" or "local file"
    folder: str | None  # the per-run folder made for it (removed after a clean run), or None


def agent_dir(home: str, *parts: str) -> str:
    path = os.path.join(home, "agent", *parts)
    os.makedirs(path, exist_ok=True)
    return path


def prepare(task_id: str, script: Mapping[str, Any], home: str, log: Log) -> Workspace:
    """Make the task's code available here, or raise InvalidArgument saying why it cannot be."""
    entry = str(script.get("entry_point") or "")
    argv = tuple(str(a) for a in (script.get("argv") or [])[1:])
    repo = str(script.get("repository") or "")
    commit = str(script.get("version_num") or "")
    root = str(script.get("root") or "")
    if not repo and root and os.path.isdir(os.path.join(root, ".git")) and commit:
        repo = root  # a checkout without a remote, on this machine
    branch = str(script.get("branch") or "")
    if repo and (commit or branch) and entry and not os.path.isabs(entry):
        # No commit but a branch (an edited draft, as ClearML allows): the branch's newest commit.
        return _from_git(task_id, script, repo, commit or f"origin/{branch}", entry, argv, home, log,
                         moving=not commit)
    text = script.get("diff")
    if text and not script.get("repository") and not root and entry:
        folder = _fresh(agent_dir(home, "work"), task_id)
        path = os.path.join(folder, os.path.basename(entry))
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(str(text))
        log(f"code: the script stored with the task, written to {path}")
        # On the machine that made the task, its folder still holds the data files it reads.
        wd = str(script.get("working_dir") or "")
        cwd = wd if wd and os.path.isabs(wd) and os.path.isdir(wd) else folder
        return Workspace(cwd, path, argv, "stored script", folder)
    if entry and os.path.isabs(entry) and os.path.isfile(entry):
        wd = str(script.get("working_dir") or "")
        cwd = wd if wd and os.path.isabs(wd) and os.path.isdir(wd) else os.path.dirname(entry)
        log(f"code: the file {entry} on this machine")
        return Workspace(cwd, entry, argv, "local file", None)
    if not entry:
        raise InvalidArgument(f"task {task_id} records no script to run (no entry point); "
                              f"create it with `jupyter track task --script FILE` or run it once with Task.init")
    raise InvalidArgument(f"task {task_id}: its code cannot be found here: no git repository and commit, no stored "
                          f"script text, and {entry!r} does not exist on this machine")


def _fresh(parent: str, name: str) -> str:
    folder = os.path.join(parent, name)
    if os.path.exists(folder):
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    return folder


def _git(args: list[str], cwd: str, log: Log, *, stdin: str | None = None) -> str:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    try:
        done = subprocess.run(["git", *args], cwd=cwd, env=env, input=stdin, capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise InvalidArgument("git is not installed on this machine; the task's code is in a git repository") from None
    except subprocess.TimeoutExpired:
        raise InvalidArgument(f"git {args[0]} took longer than {GIT_TIMEOUT_S:.0f} s") from None
    if done.returncode != 0:
        raise InvalidArgument(f"git {' '.join(args[:2])} failed: {(done.stderr or done.stdout).strip()[-800:]}")
    return done.stdout


def _from_git(task_id: str, script: Mapping[str, Any], repo: str, commit: str, entry: str, argv: tuple[str, ...],
              home: str, log: Log, *, moving: bool = False) -> Workspace:
    """``moving``: ``commit`` names a branch (``origin/<branch>``), fetched anew at every run."""
    import fcntl

    cache_root = agent_dir(home, "vcs-cache")
    key = hashlib.sha256(repo.encode("utf-8")).hexdigest()[:16]
    cache = os.path.join(cache_root, key + ".git")
    # One clone or fetch at a time per repository: two agents on one home share the cache.
    with open(os.path.join(cache_root, key + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.isdir(cache):
            log(f"code: cloning {repo} into the cache")
            _git(["clone", "--mirror", "--quiet", repo, cache], cache_root, log)
        else:
            has = subprocess.run(["git", "cat-file", "-e", _in_mirror(commit) + "^{commit}"], cwd=cache,
                                 capture_output=True, check=False)
            if moving or has.returncode != 0:
                log(f"code: fetching {repo}")
                _git(["fetch", "--quiet", "--all", "--tags", "--prune"], cache, log)
    folder = _fresh(agent_dir(home, "work"), task_id)
    checkout = os.path.join(folder, "repo")
    _git(["clone", "--quiet", "--shared", "--no-checkout", cache, checkout], folder, log)
    _git(["-c", "advice.detachedHead=false", "checkout", "--quiet", commit], checkout, log)
    log(f"code: {repo} at {commit if moving else commit[:12]}")
    diff = str(script.get("diff") or "")
    if script.get("diff_truncated"):
        log("code: warning: the recorded uncommitted changes were cut at their size limit; not applied")
    elif diff.strip() and any(line.startswith("diff --git") for line in diff.splitlines()):
        _git(["apply", "--whitespace=nowarn", "-"], checkout, log, stdin=diff if diff.endswith("\n") else diff + "\n")
        log("code: applied the recorded uncommitted changes")
    wd = str(script.get("working_dir") or "")
    rel = _relative_working_dir(wd, str(script.get("root") or ""))
    cwd = os.path.normpath(os.path.join(checkout, rel))
    if not os.path.isdir(cwd):
        cwd = checkout
    path = os.path.join(checkout, entry)
    if not os.path.isfile(path):
        raise InvalidArgument(f"task {task_id}: {entry!r} is not in {repo} at commit {commit[:12]}")
    return Workspace(cwd, path, argv, "git", folder)


def _in_mirror(ref: str) -> str:
    """A ref as the mirror cache names it: its branches are ``refs/heads/...``, not ``origin/...``."""
    return "refs/heads/" + ref[len("origin/"):] if ref.startswith("origin/") else ref


def _relative_working_dir(wd: str, root: str) -> str:
    if not wd:
        return "."
    if not os.path.isabs(wd):
        return wd
    if root:
        rel = os.path.relpath(os.path.realpath(wd), os.path.realpath(root))
        if not rel.startswith(os.pardir):
            return rel
    return "."
