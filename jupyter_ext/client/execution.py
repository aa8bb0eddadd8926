"""Run one task here: fetch it, make its code and environment available, run it in a child
process with ``JUPYTER_TRACK_TASK_ID`` set, record the child's console, set the final status.

Both the agent (``jupyter track agent daemon|execute``) and pipelines (steps run locally) use
this runner; it is given the backend, the reporter and the home it works with, so it knows
nothing of the SDK's process-wide session. The child's own SDK attaches to the task
(``sdk/tasks/remote.py``) and takes the stored parameters.
The agent reads the child's stdout and stderr (and pip's) into the task's console, and tells
the child's SDK not to capture its console too (``JUPYTER_TRACK_AGENT_CONSOLE=1``), so each line
is stored once. The exit code gives the status — completed (0), failed (the reason is the last
lines of stderr), stopped (aborted: the child's process group is killed) — unless the child's
SDK already set a final status itself.
"""
from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import IO, Any

from jupyter_ext.client import standby, workspace
from jupyter_ext.client.backend import Backend
from jupyter_ext.client.reporter import Reporter
from jupyter_ext.config import AGENT_CONSOLE_VAR, PROC_MASTER_VARS, TASK_ID_VARS, WORKER_ID_VAR
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.core.rules.redact import REDACTED
from jupyter_ext.core.rules.task_script import check_environment as task_environment
from jupyter_ext.errors import TrackError

STDOUT, STDERR = 20, 40  # console levels, as the SDK's capture records them
KILL_GRACE_S = 10.0  # after SIGTERM, before SIGKILL: time for the child's SDK to flush and say "stopped"
REASON_LINES = 5
STATUS_CHECK_S = 2.0
STANDBY_IDLE_S = 30.0  # how long a warm interpreter waits for a pipeline's next step

RunTool = Callable[[list[str], str], int]
"""Runs a helper command (venv, pip) in a folder, its output going to the task's console."""
Interpreter = Callable[[str, str, RunTool, Callable[[str], None]], str]
"""``(home, requirements, run_tool, say) -> python``: the Python that runs the task (the agent's
``--venv`` makes an environment holding the task's requirements); by default this one."""


class Console:
    """Lines for the task's console log (through the reporter), echoed to this terminal if asked."""

    def __init__(self, task_id: str, reporter: Reporter, echo: bool) -> None:
        self.task_id = task_id
        self.echo = echo
        self.reporter = reporter
        self.last_err: collections.deque[str] = collections.deque(maxlen=REASON_LINES)
        self.first_line_at: float | None = None

    def line(self, text: str, level: int = STDOUT, *, child: bool = True) -> None:
        if child and self.first_line_at is None:
            self.first_line_at = time.time()
        if level == STDERR and child and text.strip():
            self.last_err.append(text.rstrip("\n"))
        self.reporter.add_event("console", (self.task_id, level, text if text.endswith("\n") else text + "\n",
                                            time.time()))
        if self.echo:
            stream = sys.stderr if level == STDERR else sys.stdout
            stream.write(text if text.endswith("\n") else text + "\n")
            stream.flush()

    def agent(self, text: str) -> None:
        self.line(f"jupyter-track agent: {text}", STDOUT, child=False)


class Execution:
    """One run of one task. ``abort()`` (from another thread or a signal handler) stops it."""

    def __init__(self, task_id: str, backend: Backend, reporter: Reporter, home: str, *, echo: bool = True,
                 worker: str = "", interpreter: Interpreter | None = None) -> None:
        self.task_id = task_id
        self.backend = backend
        self.reporter = reporter
        self.home = home
        self.interpreter = interpreter
        self.echo = echo
        self.worker = worker
        self._aborted = threading.Event()
        self._abort_reason = ""
        self._proc: subprocess.Popen[bytes] | None = None
        self.console: Console | None = None
        # Without a daemon's heartbeat, this run looks at the task's status itself.
        self.watch_status = not worker
        # Start a warm interpreter for the next run as this one starts (a pipeline's next step).
        self.warm_next = False

    @property
    def aborted(self) -> bool:
        return self._aborted.is_set()

    def abort(self, reason: str = "aborted") -> None:
        self._abort_reason = reason
        self._aborted.set()

    def check_stopped(self) -> bool:
        """Abort when the task was stopped from outside (an abort, a reset); True if so. A task
        the child already finished (completed, failed) is left to end by itself."""
        row = self.backend.get_task(self.task_id)
        outside = row.status in (statuses.STOPPED, statuses.CREATED, statuses.QUEUED)
        if outside or (row.status == statuses.IN_PROGRESS and row.status_message == "stopping"):
            self.abort(f"aborted ({row.status_message or row.status})")
            return True
        return False

    def run(self) -> int:
        backend = self.backend
        row = backend.get_task(self.task_id)
        if row.status != statuses.IN_PROGRESS:  # `execute` on a draft or queued task: it starts here
            row = backend.set_task_status(self.task_id, statuses.IN_PROGRESS, force=True,
                                          message=f"started by {self.worker or 'jupyter track agent execute'}")
        console = self.console = Console(self.task_id, self.reporter, self.echo)
        console.agent(f"running task {self.task_id} ({row.project_name} / {row.name})"
                      + (f" on {self.worker}" if self.worker else ""))
        home = self.home
        code = 1
        try:
            space = workspace.prepare(self.task_id, row.script, home, console.agent)
            if space.entry.endswith(".ipynb"):
                space = self._inject_parameters(space)
            if any(REDACTED in a for a in space.argv):
                console.agent("warning: the recorded command line had secrets masked as " + REDACTED + "; give "
                              "them to the agent's environment or as the task's parameters instead")
            python = sys.executable
            if self.interpreter is not None:
                python = self.interpreter(home, str(row.script.get("requirements") or ""), self._run_tool,
                                          console.agent)
            if self.aborted:
                return self._finish(-signal.SIGTERM, space)
            command = _command(python, space)
            env = self._child_env(task_environment(row.script.get("environment")))
            if row.script.get("environment"):
                console.agent("environment variables from the task: " + ", ".join(sorted(row.script["environment"])))
            warm = standby.take(python, env) if command[:3] == [python, "-u", space.entry] else None
            if self.warm_next:  # the next one warms up while this one runs; unused, it leaves by itself
                standby.prepare(python, idle_timeout=STANDBY_IDLE_S)
            console.agent(f"{' '.join(command)}  (in {space.cwd}{', warm interpreter' if warm else ''})")
            code = self._run_child(command, space.cwd, env, warm=warm)
        except TrackError as exc:
            console.agent(f"cannot run the task: {exc.message}")
            return self._set_final(statuses.FAILED, f"agent: {exc.message}", 1)
        except Exception as exc:  # noqa: BLE001 - the task must not stay in_progress because the agent broke
            console.agent(f"cannot run the task: {type(exc).__name__}: {exc}")
            return self._set_final(statuses.FAILED, f"agent: {type(exc).__name__}: {exc}", 1)
        return self._finish(code, space)

    def _inject_parameters(self, space: workspace.Workspace) -> workspace.Workspace:
        """papermill's convention: the task's ``Notebook`` parameters go in a cell tagged
        ``injected-parameters`` after the cell tagged ``parameters``; that cell's values the task
        does not hold yet are recorded, so they can be edited for the next run. A notebook that is
        not ours (a local file) is copied first."""
        import dataclasses
        import json

        from jupyter_ext.client import notebooks
        from jupyter_ext.core.rules import notebook_history

        assert self.console is not None
        with open(space.entry, encoding="utf-8") as fh:
            nb = json.load(fh)
        values = notebooks.record_defaults(self.backend, self.task_id, notebook_history.parameters_of(nb))
        if not values:
            return space
        notebook_history.inject_parameters(nb, values)
        folder = space.folder or workspace.agent_dir(self.home, "work", self.task_id)
        target = space.entry if space.folder and space.entry.startswith(space.folder) else \
            os.path.join(folder, os.path.basename(space.entry))
        with open(target, "w", encoding="utf-8") as fh:
            json.dump(nb, fh, indent=1)
        self.console.agent("parameters injected: " + ", ".join(f"{k}={v!r}" for k, v in values.items()))
        return dataclasses.replace(space, entry=target)

    # -- the child ---------------------------------------------------------------------------
    def _child_env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(extra or {})
        for name in (*TASK_ID_VARS, *PROC_MASTER_VARS):
            env.pop(name, None)
        env[TASK_ID_VARS[0]] = self.task_id
        env[AGENT_CONSOLE_VAR] = "1"
        env["PYTHONUNBUFFERED"] = "1"
        if self.worker:
            env[WORKER_ID_VAR] = self.worker
        return env

    def _run_tool(self, command: list[str], cwd: str) -> int:
        """A helper command (venv, pip): its output goes to the task's console too."""
        return self._run_child(command, cwd, dict(os.environ, PYTHONUNBUFFERED="1"))

    def _run_child(self, command: list[str], cwd: str, env: dict[str, str],
                   warm: subprocess.Popen[bytes] | None = None) -> int:
        """``warm``: a standby interpreter (client/standby.py) to run ``command``'s script in."""
        assert self.console is not None
        if warm is not None:
            proc = warm
            standby.launch(proc, command[2:], cwd, env)
        else:
            proc = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, start_new_session=True)
        self._proc = proc
        assert proc.stdout is not None and proc.stderr is not None
        pumps = [threading.Thread(target=_pump, args=(stream, level, self.console), daemon=True,
                                  name=f"jupyter-track-agent-{name}")
                 for stream, level, name in ((proc.stdout, STDOUT, "stdout"), (proc.stderr, STDERR, "stderr"))]
        for p in pumps:
            p.start()
        killed_at: float | None = None
        next_check = time.monotonic() + STATUS_CHECK_S
        while True:
            try:
                code = proc.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                pass
            if self.watch_status and not self.aborted and time.monotonic() > next_check:
                next_check = time.monotonic() + STATUS_CHECK_S
                try:
                    self.check_stopped()
                except Exception:  # noqa: BLE001 - an unreachable server must not stop the run; look again later
                    pass
            if self.aborted:
                if killed_at is None:
                    self.console.agent(f"{self._abort_reason}: stopping the process")
                    _signal_group(proc, signal.SIGTERM)
                    killed_at = time.monotonic()
                elif time.monotonic() - killed_at > KILL_GRACE_S:
                    _signal_group(proc, signal.SIGKILL)
        if self.aborted:  # whatever the child started in its group goes too
            _signal_group(proc, signal.SIGKILL)
        for p in pumps:
            p.join(timeout=5.0)
        self._proc = None
        return code

    # -- the end -----------------------------------------------------------------------------
    def _finish(self, code: int, space: workspace.Workspace) -> int:
        assert self.console is not None
        if self.aborted:
            result = self._set_final(statuses.STOPPED, self._abort_reason or "aborted", code)
        elif code == 0:
            result = self._set_final(statuses.COMPLETED, "", code)
        else:
            tail = " | ".join(self.console.last_err) or "no error output"
            what = f"exit code {code}" if code > 0 else f"killed by signal {-code}"
            result = self._set_final(statuses.FAILED, f"{what}: {tail}"[:2000], code)
        if space.folder and code == 0 and not self.aborted:
            import shutil

            shutil.rmtree(space.folder, ignore_errors=True)
        return result

    def _set_final(self, target: str, reason: str, code: int) -> int:
        backend = self.backend
        if self.console is not None:
            self.console.agent(f"finished: {target}" + (f" ({reason})" if reason else ""))
        self.reporter.flush(timeout=30)
        row = backend.get_task(self.task_id)
        # A bare `raise SystemExit(1)` passes no hook the child's SDK sees, so it ends its task
        # completed; the exit code is the truth.
        contradicted = row.status == statuses.COMPLETED and target == statuses.FAILED
        if row.status == statuses.IN_PROGRESS or contradicted:  # the child's SDK did not (or could not) set it
            backend.set_task_status(self.task_id, target, force=target == statuses.STOPPED or contradicted,
                                    reason=reason,
                                    message="" if target != statuses.STOPPED else "stopped by the agent")
        return code


def _command(python: str, space: workspace.Workspace) -> list[str]:
    if space.entry.endswith(".ipynb"):
        return [python, "-u", "-m", "jupyter_ext.client.notebook_runner", space.entry, *space.argv]
    if space.entry.endswith(".sh"):
        return ["bash", space.entry, *space.argv]
    return [python, "-u", space.entry, *space.argv]


def _pump(stream: IO[bytes], level: int, console: Console) -> None:
    for raw in iter(stream.readline, b""):
        console.line(raw.decode("utf-8", errors="replace"), level)
    stream.close()


def _signal_group(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_task(task_id: str, backend: Backend, reporter: Reporter, home: str, *, echo: bool = True,
             worker: str = "", on_start: Callable[[Execution], Any] | None = None) -> int:
    """Run ``task_id`` here in a child process and return its exit code; the task ends
    completed, failed or stopped. Pipelines run their local steps with it."""
    execution = Execution(task_id, backend, reporter, home, echo=echo, worker=worker)
    if on_start is not None:
        on_start(execution)
    execution.warm_next = execution.interpreter is None
    return execution.run()
