"""``--detached`` and ``--stop``: a daemon in the background, found again by its pid file.

The background daemon is the same command without ``--detached``, started in a new session
(no terminal to lose), its output appended to a log file next to the pid file under
``<home>/agent/daemons/``. ``--stop`` sends SIGTERM, so the current task ends stopped and the
worker unregisters, and waits for the process to go.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

from jupyter_ext.errors import InvalidArgument

STOP_WAIT_S = 30.0


def _folder(home: str) -> str:
    path = os.path.join(home, "agent", "daemons")
    os.makedirs(path, exist_ok=True)
    return path


def _label(name: str | None) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in (name or "default"))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (our own child not yet reaped) counts as gone.
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().split(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def _read_pid(path: str) -> int | None:
    try:
        with open(path, encoding="ascii") as fh:
            return int(fh.read().strip())
    except (OSError, ValueError):
        return None


def start(home: str, name: str | None, daemon_argv: Sequence[str]) -> tuple[int, str]:
    """Start ``jupyter track agent daemon <daemon_argv>`` in the background: (pid, log path)."""
    folder = _folder(home)
    pid_path = os.path.join(folder, _label(name) + ".pid")
    old = _read_pid(pid_path)
    if old is not None and _alive(old):
        raise InvalidArgument(f"an agent named {name or 'default'!r} already runs (pid {old}); stop it with "
                              f"`jupyter track agent daemon --stop{' --name ' + name if name else ''}`")
    log_path = os.path.join(folder, _label(name) + ".log")
    with open(log_path, "ab") as log:
        proc = subprocess.Popen([sys.executable, "-m", "jupyter_ext.cli.main", "agent", "daemon", *daemon_argv],
                                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    with open(pid_path, "w", encoding="ascii") as fh:
        fh.write(str(proc.pid))
    return proc.pid, log_path


def stop(home: str, name: str | None) -> list[int]:
    """Stop the background daemon named ``name`` (every one of this home when None): pids stopped."""
    folder = _folder(home)
    files = [_label(name) + ".pid"] if name else sorted(f for f in os.listdir(folder) if f.endswith(".pid"))
    stopped = []
    for file in files:
        path = os.path.join(folder, file)
        pid = _read_pid(path)
        if pid is not None and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_WAIT_S
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)
            stopped.append(pid)
        try:
            os.remove(path)
        except OSError:
            pass
    return stopped
