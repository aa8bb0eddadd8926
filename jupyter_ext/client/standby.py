"""A warm interpreter for the agent's next Python script: started ahead (while the agent opens
the store, or while a daemon waits for work), it imports what every tracked script pays for at
start (the embedded store's stdlib writes), then waits on its stdin for the task's command line,
working folder and environment, and runs the script as ``python -u script.py`` would (``__main__``,
``sys.argv``, ``sys.path[0]``, exit code, traceback).

It is a new interpreter, not a fork: nothing of the agent's threads or open files leaks into it.
It is used only when it was started with the very environment the task gets (apart from the
task's own variables), since the interpreter reads some variables only at start; otherwise the
script gets a new interpreter as before.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from jupyter_ext.config import PROC_MASTER_VARS

# Variables that name the task or the worker: set per task, read by the SDK after start.
TASK_VARS = frozenset({"JUPYTER_TRACK_TASK_ID", "CLEARML_TASK_ID", "JUPYTER_TRACK_AGENT_CONSOLE",
                       "JUPYTER_TRACK_WORKER_ID", *PROC_MASTER_VARS})

# A standby with an idle limit is not handed out this close to it (it may be leaving).
_IDLE_MARGIN_S = 5.0


@dataclass
class _Standby:
    proc: subprocess.Popen[bytes]
    python: str
    env: dict[str, str]
    leaves_at: float  # time.monotonic() after which it may have left by itself (inf: never)


_lock = threading.Lock()
_ready: _Standby | None = None


def prepare(python: str = sys.executable, idle_timeout: float | None = None) -> None:
    """Start a warm interpreter for the next script, unless one is waiting already.
    ``idle_timeout``: it leaves by itself when no script came in that many seconds (a pipeline's
    controller, which may never run another step, does not keep it for the rest of its life)."""
    global _ready
    with _lock:
        if _ready is not None and _ready.proc.poll() is None and time.monotonic() < _ready.leaves_at:
            return
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        argv = [python, "-u", "-m", "jupyter_ext.client.standby"]
        if idle_timeout is not None:
            argv += ["--idle-timeout", str(idle_timeout)]
        try:
            proc = subprocess.Popen(argv, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError:
            return  # the script will get a new interpreter, as without a standby
        leaves_at = math.inf if idle_timeout is None else time.monotonic() + idle_timeout - _IDLE_MARGIN_S
        _ready = _Standby(proc, python, env, leaves_at)


def take(python: str, env: Mapping[str, str]) -> subprocess.Popen[bytes] | None:
    """The waiting interpreter, if it suits a script run by ``python`` with ``env``; else None
    (and a waiting one that does not suit is stopped)."""
    global _ready
    with _lock:
        found, _ready = _ready, None
    if found is None:
        return None
    if (found.proc.poll() is None and time.monotonic() < found.leaves_at and found.python == python
            and _untasked(found.env) == _untasked(env)):
        return found.proc
    _stop(found.proc)
    return None


def launch(proc: subprocess.Popen[bytes], argv: Sequence[str], cwd: str, env: Mapping[str, str]) -> None:
    """Hand the script to a taken interpreter: ``argv[0]`` is the script's path."""
    assert proc.stdin is not None
    try:
        proc.stdin.write(json.dumps({"argv": list(argv), "cwd": cwd, "env": dict(env)}).encode() + b"\n")
        proc.stdin.close()
    except OSError:
        pass  # it died meanwhile: its exit code and stderr say so, as a script's would


def discard() -> None:
    """Stop the waiting interpreter, if any (the agent is ending)."""
    global _ready
    with _lock:
        found, _ready = _ready, None
    if found is not None:
        _stop(found.proc)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            try:
                stream.close()
            except OSError:
                pass
    try:  # with its stdin closed it leaves by itself; a hung import does not get to wait for it
        proc.wait(timeout=2.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _untasked(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in TASK_VARS}


def _run(spec: dict[str, object]) -> None:
    import runpy

    argv = [str(a) for a in spec["argv"]]  # type: ignore[attr-defined]
    os.chdir(str(spec["cwd"]))
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in spec["env"].items()})  # type: ignore[attr-defined]
    path = os.path.abspath(argv[0])
    sys.argv = argv
    sys.path[0] = os.path.dirname(path)
    sys.stdin = open(os.devnull)  # noqa: SIM115 - as the agent runs scripts: nothing to read, for the run's life
    try:
        runpy.run_path(path, run_name="__main__")
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - printed as a direct run prints it, then exit 1
        # The traceback a direct run prints: from the script's own frames, not this launcher's.
        tb = exc.__traceback__
        while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
            tb = tb.tb_next
        if tb is not None:
            exc.__traceback__ = tb
        sys.excepthook(type(exc), exc, exc.__traceback__)
        sys.exit(1)


def main() -> None:
    # What a tracked script imports anyway, paid before the task arrives: the embedded store's
    # writes (stdlib only). Nothing heavier: a standby started just before its task (``agent
    # execute``) would make the script wait for imports it may never need (numpy, SQLAlchemy).
    # None of these reads the environment at import (the SDK, which does, is left to the script).
    import jupyter_ext.core.embedded_writes  # noqa: F401

    idle = None
    if sys.argv[1:2] == ["--idle-timeout"]:
        idle = threading.Timer(float(sys.argv[2]), os._exit, args=(0,))
        idle.daemon = True
        idle.start()
    line = sys.stdin.buffer.readline()
    if idle is not None:
        idle.cancel()
    if not line.strip():
        return  # discarded, or the agent is gone
    _run(json.loads(line))


if __name__ == "__main__":
    main()
