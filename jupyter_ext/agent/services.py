"""Services mode: the agent runs up to N tasks at once (schedulers, trigger services, optimizers,
pipeline controllers: long-lived tasks that mostly wait), each in its own child process.

Each of the N slots is a worker of its own (``<worker id>:service-<k>``), so the Queues &
Workers panel shows which task each slot runs, and an abort reaches the right process. A task
that ends is not started again: a slot takes the next task from the queues instead.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from typing import Any

from jupyter_ext.agent.daemon import HEARTBEAT_S, Daemon, execution_for, machine_info, machine_stats
from jupyter_ext.client.execution import Execution
from jupyter_ext.errors import InvalidArgument, TrackError
from jupyter_ext.sdk import _session as session


class Slot:
    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.current: Execution | None = None


class ServicesDaemon(Daemon):
    """A daemon whose ``services`` slots each run one task at a time, side by side."""

    def __init__(self, queues: Sequence[str], *, services: int, **kwargs: Any) -> None:
        if isinstance(services, bool) or not isinstance(services, int) or services < 1:
            raise InvalidArgument(f"--services-mode takes how many tasks may run at once (>= 1); got {services!r}")
        super().__init__(queues, **kwargs)
        self.slots = [Slot(f"{self.worker_id}:service-{k}") for k in range(1, services + 1)]
        self._ran_lock = threading.Lock()

    def stop(self, signum: int | None = None) -> None:
        self._signal = signum
        self._stop.set()
        for slot in self.slots:
            current = slot.current
            if current is not None:
                current.abort(f"the agent was stopped (signal {signum})" if signum else "the agent was stopped")

    def run(self) -> int:
        backend = session.backend()
        self._check_queues(backend)
        for slot in self.slots:
            backend.register_worker(slot.worker_id, self.queues, machine_info())
        self._say(f"services mode: {len(self.slots)} workers ({self.slots[0].worker_id} …) listening to "
                  f"{', '.join(self.queues)} (polling every {self.polling_interval:g} s)")
        beat = threading.Thread(target=self._heartbeats, name="jupyter-track-agent-heartbeat", daemon=True)
        beat.start()
        threads = [threading.Thread(target=self._serve, args=(slot,), name=f"jupyter-track-{slot.worker_id}",
                                    daemon=True) for slot in self.slots]
        for t in threads:
            t.start()
        try:
            while not self._stop.is_set():
                self._stop.wait(0.5)
                if self.once and not any(t.is_alive() for t in threads):
                    break
        finally:
            self._stop.set()
            for t in threads:
                t.join()
            beat.join(timeout=HEARTBEAT_S + 5)
            for slot in self.slots:
                try:
                    backend.unregister_worker(slot.worker_id)
                except TrackError as exc:
                    print(f"jupyter-track agent: could not unregister {slot.worker_id}: {exc}", file=sys.stderr)
            session.reporter().flush(timeout=30)
            self._say("services workers stopped")
        return 0

    def _serve(self, slot: Slot) -> None:
        backend = session.backend()
        while not self._stop.is_set():
            try:
                row = backend.pop_next_task(slot.worker_id, self.queues)
            except TrackError as exc:
                print(f"jupyter-track agent: {slot.worker_id}: cannot read the queues: {exc}", file=sys.stderr)
                row = None
            if row is None:
                if self.once:
                    return
                self._stop.wait(self.polling_interval)
                continue
            self._say(f"{slot.worker_id}: task {row.id} ({row.project_name} / {row.name})")
            execution = execution_for(row.id, venv=self.venv, echo=self.echo, worker=slot.worker_id)
            slot.current = execution
            if self._stop.is_set():
                execution.abort("the agent was stopped")
            try:
                code = execution.run()
            except Exception as exc:  # noqa: BLE001 - one broken run must not take the other slots down
                code = -1
                print(f"jupyter-track agent: {slot.worker_id}: task {row.id}: {type(exc).__name__}: {exc}",
                      file=sys.stderr)
            finally:
                slot.current = None
            with self._ran_lock:
                self.ran.append(row.id)
            self._say(f"{slot.worker_id}: task {row.id} ended with exit code {code}")

    def _heartbeats(self) -> None:
        backend = session.backend()
        while not self._stop.wait(HEARTBEAT_S):
            stats = machine_stats()
            for slot in self.slots:
                current = slot.current
                try:
                    answer = backend.worker_heartbeat(slot.worker_id, current.task_id if current else None, stats)
                except Exception as exc:  # noqa: BLE001 - the server may be restarting: keep the tasks running
                    print(f"jupyter-track agent: heartbeat of {slot.worker_id} failed: {exc}", file=sys.stderr)
                    continue
                if current is not None and answer.get("abort") and not current.aborted:
                    try:
                        current.check_stopped()
                    except Exception as exc:  # noqa: BLE001 - said, and looked at again at the next beat
                        print(f"jupyter-track agent: cannot read task {current.task_id}: {exc}", file=sys.stderr)
