"""The agent daemon: listen to queues, run their tasks one at a time, report as a worker.

The main thread pops the next task (queues in priority order) and runs it (``client/execution.py``).
A heartbeat thread reports every few seconds — the current task and the machine's load — and
gets back whether that task must be aborted (the user pressed Abort, or it left in_progress);
the run then kills the child's process group and the task ends stopped. SIGTERM and SIGINT
abort the current task the same way, then the worker unregisters and the daemon exits.
"""
from __future__ import annotations

import os
import platform
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from jupyter_ext.client import standby
from jupyter_ext.client.execution import Execution, Interpreter
from jupyter_ext.errors import AlreadyExists, InvalidArgument, NotFound, TrackError
from jupyter_ext.sdk import _session as session

HEARTBEAT_S = 2.0


def execution_for(task_id: str, *, venv: bool = False, echo: bool = True, worker: str = "") -> Execution:
    """A run of ``task_id`` with this process's backend, reporter and home; with ``venv``, in an
    environment holding the task's requirements (made once, kept under the home)."""
    interpreter: Interpreter | None = None
    if venv:
        from jupyter_ext.agent.venv import ensure_venv

        interpreter = ensure_venv
    return Execution(task_id, session.backend(), session.reporter(), session.config().home, echo=echo, worker=worker,
                     interpreter=interpreter)


def worker_id_for(name: str | None) -> str:
    return f"{socket.gethostname()}:{name or os.getpid()}"


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {"host": socket.gethostname(), "pid": os.getpid(), "user": session.getpid_user(),
                            "python": platform.python_version(), "cpu_count": os.cpu_count() or 0}
    try:
        import psutil

        info["memory"] = int(psutil.virtual_memory().total)
    except Exception:  # noqa: BLE001 - psutil's errors differ per platform; 0 means unknown
        info["memory"] = 0
    try:
        from jupyter_ext.capture.environment import collect_gpus

        info["gpus"] = [g.get("name", "") for g in collect_gpus()]
    except Exception:  # noqa: BLE001 - a broken GPU driver must not stop the agent registering
        info["gpus"] = []
    return info


def machine_stats() -> dict[str, Any]:
    try:
        import psutil

        vm = psutil.virtual_memory()
        return {"cpu_percent": psutil.cpu_percent(interval=None), "memory_used": int(vm.used),
                "memory_free": int(vm.available), "load": os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0}
    except Exception:  # noqa: BLE001 - psutil's errors differ per platform; no stats this beat
        return {}


class Daemon:
    def __init__(self, queues: Sequence[str], *, name: str | None = None, polling_interval: float = 5.0,
                 create_queue: bool = False, venv: bool = False, once: bool = False, echo: bool = False) -> None:
        if not queues:
            raise InvalidArgument("the agent needs at least one queue to listen to: --queues default")
        if polling_interval <= 0:
            raise InvalidArgument(f"--polling-interval must be a positive number of seconds; got {polling_interval}")
        self.queues = list(dict.fromkeys(queues))
        self.worker_id = worker_id_for(name)
        self.polling_interval = polling_interval
        self.create_queue = create_queue
        self.venv = venv
        self.once = once
        self.echo = echo
        self.current: Execution | None = None
        self._stop = threading.Event()
        self._signal: int | None = None
        self.ran: list[str] = []

    # -- life --------------------------------------------------------------------------------
    def stop(self, signum: int | None = None) -> None:
        """Stop after aborting the current task (signal handlers and tests call this)."""
        self._signal = signum
        self._stop.set()
        current = self.current
        if current is not None:
            current.abort(f"the agent was stopped (signal {signum})" if signum else "the agent was stopped")

    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda signum, _frame: self.stop(signum))

    def run(self) -> int:
        backend = session.backend()
        self._check_queues(backend)
        backend.register_worker(self.worker_id, self.queues, machine_info())
        self._say(f"worker {self.worker_id} listening to {', '.join(self.queues)} "
                  f"(polling every {self.polling_interval:g} s)")
        beat = threading.Thread(target=self._heartbeat, name="jupyter-track-agent-heartbeat", daemon=True)
        beat.start()
        idle_said = False
        try:
            while not self._stop.is_set():
                if not self.venv:  # the next script's interpreter warms up while the queues are empty
                    standby.prepare()
                row = backend.pop_next_task(self.worker_id, self.queues)
                if row is None:
                    if self.once:
                        self._say("no tasks in the queues; exiting (--once)")
                        break
                    if not idle_said:
                        self._say(f"no tasks in the queues, polling every {self.polling_interval:g} s")
                        idle_said = True
                    self._stop.wait(self.polling_interval)
                    continue
                idle_said = False
                self._run_one(row)
        finally:
            self._stop.set()
            standby.discard()
            beat.join(timeout=HEARTBEAT_S + 5)
            try:
                backend.unregister_worker(self.worker_id)
            except TrackError as exc:
                print(f"jupyter-track agent: could not unregister {self.worker_id}: {exc}", file=sys.stderr)
            session.reporter().flush(timeout=30)
            self._say(f"worker {self.worker_id} stopped")
        return 0

    def _run_one(self, row: Any) -> None:
        self._say(f"task {row.id} ({row.project_name} / {row.name}) from queue {getattr(row, 'queue', '') or '?'}")
        execution = execution_for(row.id, venv=self.venv, echo=self.echo, worker=self.worker_id)
        self.current = execution
        if self._stop.is_set():  # a signal arrived between the pop and here
            execution.abort("the agent was stopped")
        try:
            code = execution.run()
        finally:
            self.current = None
        self.ran.append(row.id)
        self._say(f"task {row.id} ended with exit code {code}")

    def _check_queues(self, backend: Any) -> None:
        for name in self.queues:
            try:
                backend.get_queue(name)
            except NotFound:
                if self.create_queue or name == "default":
                    try:
                        backend.create_queue(name)
                        self._say(f"created queue {name!r}")
                    except AlreadyExists:  # another agent made it a moment ago
                        pass
                else:
                    raise InvalidArgument(f"there is no queue named {name!r}; create it with --create-queue, "
                                          f"or listen to an existing one (jupyter track agent list)") from None

    def _heartbeat(self) -> None:
        backend = session.backend()
        while not self._stop.wait(HEARTBEAT_S):
            current = self.current
            try:
                answer = backend.worker_heartbeat(self.worker_id, current.task_id if current else None,
                                                  machine_stats())
            except Exception as exc:  # noqa: BLE001 - the server may be restarting: keep running the task
                print(f"jupyter-track agent: heartbeat failed: {exc}", file=sys.stderr)
                continue
            if current is not None and answer.get("abort") and not current.aborted:
                try:
                    current.check_stopped()
                except Exception as exc:  # noqa: BLE001 - the task runs on; reported and retried next beat
                    print(f"jupyter-track agent: cannot read task {current.task_id}: {exc}", file=sys.stderr)

    def _say(self, text: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} jupyter-track agent: {text}", flush=True)
