"""Which code a run used: the git repository, commit, branch and uncommitted changes.

It runs the same commands as ClearML's detector, each with a short timeout, so a task can be
re-run from ``repository`` + ``commit`` + ``diff``. Git problems (not a repository, git missing,
a hung command, a dubious-ownership refusal) never raise: they give ``None`` or empty fields,
because a run must not fail for want of provenance.

In containers and CI there is often no ``.git`` at all; there the values come from environment
variables, ``JUPYTER_TRACK_VCS_*`` first and ClearML's ``CLEARML_VCS_*`` as fallback:
``REPO_URL``, ``COMMIT_ID``, ``BRANCH``, ``ROOT``, ``DIFF`` (base64), ``ENTRY_POINT``,
``WORK_DIR``.
"""
from __future__ import annotations

import os
import signal
import subprocess

from jupyter_ext.core.rules.redact import redact_url
from jupyter_ext.errors import InvalidArgument

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would cost more than this module
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

__all__ = ["GIT_TIMEOUT_S", "MAX_DIFF_BYTES", "collect_git"]

GIT_TIMEOUT_S = 2.0
"""Per command: long enough for a large repository's status, short enough not to stall a start."""
MAX_DIFF_BYTES = 500_000
"""The diff kept with the task, as in ClearML; the rest is counted in ``diff_size`` only."""

ENV_PREFIXES = ("JUPYTER_TRACK_VCS_", "CLEARML_VCS_")
_OVERRIDES = {
    "REPO_URL": "repository",
    "COMMIT_ID": "commit",
    "BRANCH": "branch",
    "ROOT": "root",
    "DIFF": "diff",
    "ENTRY_POINT": "entry_point",
    "WORK_DIR": "working_dir",
}
# Outputs must not depend on the user's git config: no colours, no external diff tools, the
# standard a/ b/ prefixes (``git apply`` needs them), readable non-ASCII paths.
_CONFIG = (
    "-c", "color.ui=false", "-c", "diff.noprefix=false", "-c", "diff.mnemonicPrefix=false",
    "-c", "core.quotePath=false",
)
# The hash of git's empty tree: what a repository without commits is diffed against.
_EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_MAX_UNTRACKED_LISTED = 1000
# Any other command's output (status of a huge tree) is cut here: beyond it, it is noise.
_MAX_OUTPUT_BYTES = MAX_DIFF_BYTES


def collect_git(
    path: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = GIT_TIMEOUT_S,
    max_diff_bytes: int = MAX_DIFF_BYTES,
) -> dict[str, Any] | None:
    """Describe the git checkout that holds ``path`` (a script, notebook or directory).

    Returns ``None`` outside a repository or without git, unless override variables are set.
    Otherwise a dict with ``repository`` (remote URL, credentials stripped), ``branch``,
    ``upstream``, ``commit``, ``root``, ``entry_point`` (``path`` relative to ``root``),
    ``working_dir`` (the current directory relative to ``root``), ``status`` (``git status -s``),
    ``untracked`` (paths), ``diff`` (uncommitted changes against HEAD, untracked files listed at
    the end as ``#`` comments, which ``git apply`` skips), ``diff_truncated`` and ``diff_size``
    (bytes of the whole diff). Any field git could not provide is ``None``.

    Args:
        path: the script, notebook or directory whose repository to describe.
        env: where override variables are read from and what git runs with (default
            ``os.environ``).
        timeout: seconds allowed to each git command; a slower one is killed.
        max_diff_bytes: how much of the diff to keep.

    Raises:
        InvalidArgument: an override variable ``*_VCS_DIFF`` is not valid base64.
    """
    environ: Mapping[str, str] = os.environ if env is None else env
    overrides = _overrides(environ)
    info = _detect(os.path.abspath(path), environ, timeout, max_diff_bytes)
    if info is None:
        if not overrides:
            return None
        info = _empty_info()
    if "diff" in overrides:
        diff = overrides["diff"]
        info.update(_capped(diff.encode("utf-8"), len(diff.encode("utf-8")), max_diff_bytes))
        del overrides["diff"]
    info.update(overrides)
    return info


def _empty_info() -> dict[str, Any]:
    return {
        "repository": None, "branch": None, "upstream": None, "commit": None, "root": None,
        "entry_point": None, "working_dir": None, "status": None, "untracked": [],
        "diff": None, "diff_truncated": False, "diff_size": 0,
    }


def _overrides(env: Mapping[str, str]) -> dict[str, Any]:
    """The fields set by ``JUPYTER_TRACK_VCS_*`` (preferred) or ``CLEARML_VCS_*`` variables."""
    import base64
    import binascii

    out: dict[str, Any] = {}
    for suffix, field in _OVERRIDES.items():
        for prefix in ENV_PREFIXES:
            value = env.get(prefix + suffix)
            if value:
                break
        else:
            continue
        if suffix == "DIFF":
            try:
                value = base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
            except (binascii.Error, ValueError) as exc:
                raise InvalidArgument(f"{prefix}DIFF must be base64-encoded text: {exc}") from exc
        elif suffix == "REPO_URL":
            value = redact_url(value)
        out[field] = value
    return out


def _git_env(env: Mapping[str, str]) -> dict[str, str]:
    out = dict(env)
    out["GIT_TERMINAL_PROMPT"] = "0"  # never wait for a password nobody will type
    out["GIT_OPTIONAL_LOCKS"] = "0"  # status must not take index.lock from the user's own git
    return out


def _run(args: list[str], cwd: str, env: Mapping[str, str], timeout: float) -> str | None:
    """stdout of ``git <args>`` without the final newline, or None if it failed in any way."""
    result = _run_capped(args, cwd, env, timeout, _MAX_OUTPUT_BYTES)
    if result is None:
        return None
    return _decode_prefix(result[0]).rstrip("\n")


def _kill(proc: subprocess.Popen[bytes]) -> None:
    """Kill git and whatever it started (hooks, textconv filters, ssh), which would otherwise
    keep the pipe open and the read blocked after git itself is gone."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except OSError:
        pass  # already gone


def _run_capped(
    args: list[str], cwd: str, env: Mapping[str, str], timeout: float, limit: int
) -> tuple[bytes, int] | None:
    """The first ``limit`` bytes of ``git <args>`` output and its total size, or None on failure
    or timeout. Read as a stream, so a gigabyte diff is counted, not held in memory."""
    import threading

    try:
        proc = subprocess.Popen(
            ["git", *_CONFIG, *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=os.name == "posix",
        )
    except OSError:  # git is not installed, or cwd vanished
        return None
    timer = threading.Timer(timeout, _kill, (proc,))
    timer.daemon = True
    timer.start()
    kept = bytearray()
    total = 0
    try:
        assert proc.stdout is not None
        while chunk := proc.stdout.read(1 << 16):
            total += len(chunk)
            if len(kept) < limit:
                kept += chunk[: limit - len(kept)]
        returncode = proc.wait()
    finally:
        timer.cancel()
        if proc.stdout is not None:
            proc.stdout.close()
    if returncode != 0:  # including -9 when the timer killed it
        return None
    return bytes(kept), total


def _decode_prefix(data: bytes) -> str:
    """Decode a byte prefix that may end in the middle of a UTF-8 character."""
    for cut in range(4):
        try:
            return data[: len(data) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")  # not UTF-8 at all (a latin-1 source file)


def _capped(kept: bytes, total: int, limit: int) -> dict[str, Any]:
    truncated = total > limit
    return {
        "diff": _decode_prefix(kept[:limit]),
        "diff_truncated": truncated,
        "diff_size": total,
    }


def _relative(target: str, root: str) -> str | None:
    """``target`` relative to ``root`` in POSIX form, or None when it lies outside.

    Directories are resolved (git reports the real root, the user may have come through a
    symlinked home), but a symlinked script keeps its own name: it is what the user ran.
    """
    head, name = os.path.split(os.path.abspath(target))
    resolved = os.path.join(os.path.realpath(head), name) if name else os.path.realpath(head)
    rel = os.path.relpath(resolved, os.path.realpath(root))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return None
    return rel.replace(os.sep, "/")


def _branch(local: str | None, upstream: str | None, remotes: list[str]) -> str | None:
    """The branch to check out to reproduce: the upstream's name without its remote, else local."""
    if upstream:
        for remote in sorted(remotes, key=len, reverse=True):
            if upstream.startswith(remote + "/"):
                return upstream[len(remote) + 1 :]
    return local


def _repository_url(raw: str | None) -> str | None:
    # Older git prints the bare word "origin" when no remote is configured.
    if not raw or ("/" not in raw and ":" not in raw):
        return None
    return redact_url(raw)


def _detect(path: str, environ: Mapping[str, str], timeout: float, max_diff: int) -> dict[str, Any] | None:
    start_dir = path if os.path.isdir(path) else os.path.dirname(path)
    if not os.path.isdir(start_dir):
        return None
    env = _git_env(environ)
    root = _run(["rev-parse", "--show-toplevel"], start_dir, env, timeout)
    if not root:
        return None  # not a repository, git missing, or refused (safe.directory)

    info = _empty_info()
    info["root"] = root
    info["commit"] = _run(["rev-parse", "--verify", "-q", "HEAD"], root, env, timeout)
    local = _run(["symbolic-ref", "--short", "-q", "HEAD"], root, env, timeout)  # None if detached
    upstream = _run(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"], root, env, timeout)
    remotes = (_run(["remote"], root, env, timeout) or "").split()
    info["upstream"] = upstream
    info["branch"] = _branch(local, upstream, remotes)
    info["repository"] = _repository_url(_run(["ls-remote", "--get-url"], root, env, timeout))
    info["entry_point"] = None if os.path.isdir(path) else _relative(path, root)
    try:
        cwd: str | None = os.getcwd()
    except OSError:  # the current directory was deleted under us
        cwd = None
    info["working_dir"] = (cwd and _relative(cwd, root)) or _relative(start_dir, root)
    info["status"] = _run(["status", "-s"], root, env, timeout)

    # Untracked directories as one "dir/" entry, as status shows them: a stray virtualenv
    # would otherwise list a hundred thousand files.
    ls_untracked = ["ls-files", "--others", "--exclude-standard", "--directory", "--no-empty-directory"]
    listed = _run(ls_untracked, root, env, timeout)
    untracked = listed.splitlines()[:_MAX_UNTRACKED_LISTED] if listed else []
    info["untracked"] = untracked

    base = info["commit"] or _EMPTY_TREE
    diff_args = ["diff", "--no-color", "--no-ext-diff", "--submodule=diff", base]
    result = _run_capped(diff_args, root, env, timeout, max_diff)
    if result is not None:
        kept, total = result
        if untracked:
            trailer = ("\n" if kept else "") + "# Untracked files (not included in this diff):\n"
            trailer += "".join(f"#   {name}\n" for name in untracked)
            extra = trailer.encode("utf-8")
            kept += extra[: max(0, max_diff - len(kept))]
            total += len(extra)
        info.update(_capped(kept, total, max_diff))
    return info
