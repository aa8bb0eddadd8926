"""The controller's loop, in this process: launch each step once its parents are done, watch
it, stop its descendants when it fails, record the DAG on the run, finish the run.

Steps run either as local child processes (``jupyter_ext.client.execution.run_task``, one thread
each, so independent steps run side by side) or on queues (``Backend.enqueue_task``; workers
run them). Nodes may be added while the loop runs (PipelineDecorator adds one per component
call); the loop ends once ``close()`` was called and every node is finished.
"""
from __future__ import annotations

import json
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from jupyter_ext.client.execution import run_task
from jupyter_ext.core.rules import pipelines
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import InvalidArgument, TrackError
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.pipelines import launch as pipeline_launch
from jupyter_ext.sdk.pipelines.node import Node, state_of_status
from jupyter_ext.store.rows import ConfigRow

if TYPE_CHECKING:
    from jupyter_ext.sdk.pipelines.controller import PipelineController

POLL_S = 0.25


class Engine:
    def __init__(self, ctrl: PipelineController, *, local: bool, default_queue: str | None) -> None:
        self.ctrl = ctrl
        self.local = local
        self.default_queue = default_queue
        self.lock = threading.RLock()
        self.wake = threading.Event()
        self.closed = threading.Event()
        self.finished = threading.Event()
        self.stopping = ""  # why no more steps are launched ("" while all is well)
        self.final_status = ""
        self.error: BaseException | None = None
        self._executions: dict[str, Any] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._warned: set[str] = set()
        self._thread: threading.Thread | None = None
        self._progress: Any = None

    # -- driving ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="jupyter-track-pipeline", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """No more nodes will be added."""
        self.closed.set()
        self.wake.set()

    def join(self, timeout: float | None = None) -> bool:
        return self.finished.wait(timeout)

    def stop(self, reason: str) -> None:
        with self.lock:
            if not self.stopping:
                self.stopping = reason
        self.closed.set()
        self.wake.set()

    def _loop(self) -> None:
        try:
            while True:
                with self.lock:
                    self._watch_run()
                    self._poll()
                    self._launch_ready()
                    if self.closed.is_set() and all(n.finished for n in self.ctrl._nodes.values()):
                        break
                self.wake.wait(POLL_S)
                self.wake.clear()
        except BaseException as exc:  # noqa: BLE001 - recorded on the run; wait() re-raises it in the caller
            self.error = exc
            self.stopping = self.stopping or f"controller error: {type(exc).__name__}: {exc}"
            self._abort_running(self.stopping)
        finally:
            try:
                self._finish()
            finally:
                self.finished.set()

    # -- launching -------------------------------------------------------------------------------
    def _launch_ready(self) -> None:
        nodes = self.ctrl._nodes
        for node in list(nodes.values()):
            if node.state != "pending":
                continue
            parents = [nodes[p] for p in node.parents]
            blocked = [p for p in parents if p.finished and not p.succeeded and not
                       (p.continue_on_fail and p.state in ("failed", "aborted"))]
            if blocked:
                self._set_state(node, "skipped", f"not run: step {blocked[0].name!r} {blocked[0].state}")
                continue
            if self.stopping:
                self._set_state(node, "skipped", f"not run: {self.stopping}")
                continue
            if all(p.finished for p in parents):
                self._launch(node)

    def _launch(self, node: Node) -> None:
        ctrl = self.ctrl
        # As ClearML: the callbacks see the step's parameters with their ${...} references resolved,
        # and what they leave in the dict is what the step gets.
        parameters = dict(node.parameters)
        if node.kind != "function" and node.executed is None:
            try:
                refs = ctrl._references()
                parameters = {k: pipeline_launch.resolve(v, refs, node.recursively_parse_parameters)
                              for k, v in parameters.items()}
            except TrackError as exc:
                self._set_state(node, "failed", f"could not resolve the step's parameters: {exc.message}")
                return
        for callback in (ctrl._created_callback, node.pre_execute_callback):
            if callback is not None and callback(ctrl, node, parameters) is False:
                self._set_state(node, "skipped", "skipped by a callback (it returned False)")
                return
        try:
            if node.executed is None:
                node.executed = pipeline_launch.create_step_task(
                    node, run_id=ctrl.id, project=ctrl._steps_project(node), refs=ctrl._references(),
                    tags=ctrl._step_tags(), upload=ctrl._upload_input,
                    parameters=parameters if node.kind != "function" else None)
            from jupyter_ext.sdk.tasks.task import Task

            node.job = Task.get_task(task_id=node.executed)
        except TrackError as exc:
            self._set_state(node, "failed", f"could not create the step: {exc.message}")
            return
        except Exception as exc:  # noqa: BLE001 - an input that cannot be stored (pickling…): this step fails, not the loop
            self._set_state(node, "failed", f"could not create the step: {type(exc).__name__}: {exc}")
            return
        if node.cache_executed_step and self._use_cache(node):
            return
        queue = None if self.local or node.local else (node.queue or ctrl._default_execution_queue or
                                                         self.default_queue)
        node.job_started = time.time()
        if queue is None:
            self._run_locally(node)
        else:
            try:
                self._enqueue(node, queue)
            except TrackError as exc:
                self._set_state(node, "failed", f"could not enqueue the step in {queue!r}: {exc.message}")
                return
        self._set_state(node, "launched")

    def _run_locally(self, node: Node) -> None:
        task_id = str(node.executed)

        def remember(execution: Any) -> None:
            self._executions[node.name] = execution

        def run() -> None:
            try:
                run_task(task_id, session.backend(), session.reporter(), session.config().home, echo=False,
                         on_start=remember)
            except BaseException as exc:  # noqa: BLE001 - recorded on the node the loop reads
                node.message = f"local run failed: {type(exc).__name__}: {exc}"
            finally:
                self.wake.set()

        thread = threading.Thread(target=run, name=f"jupyter-track-step-{node.name}", daemon=True)
        self._threads[node.name] = thread
        thread.start()

    def _enqueue(self, node: Node, queue: str) -> None:
        backend = session.backend()
        enqueue = getattr(backend, "enqueue_task", None)
        if enqueue is None:
            raise InvalidArgument("this installation has no queues; run the pipeline with "
                                  "start_locally(run_pipeline_steps_locally=True)")
        enqueue(str(node.executed), queue)
        node.queue = queue
        if queue not in self._warned:
            self._warned.add(queue)
            self._warn_if_no_worker(queue)

    def _warn_if_no_worker(self, queue: str) -> None:
        try:
            workers = session.backend().list_workers()
        except TrackError:
            return
        listening = [w for w in workers if queue in w.queues and w.state != "lost"]
        if not listening:
            print(f"jupyter-track: no worker listens to queue {queue!r}: the pipeline's steps wait there. "
                  f"Start one with:  jupyter track agent daemon --queues {queue}", file=sys.stderr, flush=True)

    def _use_cache(self, node: Node) -> bool:
        backend = session.backend()
        assert node.executed is not None
        key = pipeline_launch.cache_key(node, node.executed)
        row = backend.get_task(node.executed)
        for other in backend.query_tasks(project_name=row.project_name, statuses=[statuses.COMPLETED]):
            if key in other.system_tags and other.id != node.executed:
                backend.delete_task(node.executed, force=True)
                node.executed = other.id
                from jupyter_ext.sdk.tasks.task import Task

                node.job = Task.get_task(task_id=other.id)
                self._set_state(node, "cached", f"reused the completed step task {other.id}")
                return True
        backend.update_task(node.executed, {"system_tags": [*row.system_tags, key]})
        return False

    # -- watching --------------------------------------------------------------------------------
    def _poll(self) -> None:
        backend = session.backend()
        now = time.time()
        for node in list(self.ctrl._nodes.values()):
            if node.state != "launched" or node.executed is None:
                continue
            thread = self._threads.get(node.name)
            if thread is not None and thread.is_alive():
                self._check_time_limit(node, now)
                continue
            row = backend.get_task(node.executed)
            state = state_of_status(row.status)
            if thread is not None and state is None:  # the local run ended without a final status
                state = "failed"
                node.message = node.message or f"the local run ended with the task {row.status}"
            if state is None:
                if row.status == statuses.CREATED:  # dequeued by someone: it will not run
                    state, node.message = "aborted", "dequeued before it ran"
                else:
                    self._check_time_limit(node, now)
                    continue
            node.job_ended = now
            self._threads.pop(node.name, None)
            self._executions.pop(node.name, None)
            if state != "completed" and not node.message:
                node.message = row.status_reason or row.status_message or ""
            if state == "failed" and self._retry(node):
                continue
            self._set_state(node, state, node.message)
            if state == "completed":
                self.ctrl._monitor(node)
                for callback in (node.post_execute_callback, self.ctrl._completed_callback):
                    if callback is not None:
                        callback(self.ctrl, node)
            elif not node.continue_on_fail and self.ctrl._abort_on_failure and not self.stopping:
                self.stopping = f"step {node.name!r} {state} (abort_on_failure)"
                self._abort_running(self.stopping)

    def _check_time_limit(self, node: Node, now: float) -> None:
        if node.time_limit and node.job_started and now - node.job_started > node.time_limit * 60:
            node.message = f"time limit of {node.time_limit:g} min exceeded"
            self._abort_node(node, node.message)

    def _retry(self, node: Node) -> bool:
        policy = node.retry_on_failure
        again = (policy(self.ctrl, node, node.retries) if callable(policy)
                 else isinstance(policy, int) and node.retries < policy)
        if not again or self.stopping:
            return False
        node.retries += 1
        session.backend().reset_task(str(node.executed), force=True)
        node.message = ""
        node.state = "pending"
        self._launch(node)
        return True

    def _watch_run(self) -> None:
        """The run left in_progress (aborted from the UI or the CLI): stop everything."""
        if self.stopping:
            return
        row = session.backend().get_task(self.ctrl.id)
        if row.status != statuses.IN_PROGRESS:
            self.stopping = f"the pipeline run was {row.status}"
            self.final_status = row.status
            self._abort_running(self.stopping)

    def _abort_running(self, reason: str) -> None:
        for node in list(self.ctrl._nodes.values()):
            if node.state == "launched":
                self._abort_node(node, reason)

    def _abort_node(self, node: Node, reason: str) -> None:
        execution = self._executions.get(node.name)
        if execution is not None:
            execution.abort(reason)
            return
        if node.executed is None:
            return
        backend = session.backend()
        abort = getattr(backend, "abort_task", None)
        try:
            if abort is not None:
                abort(node.executed)
            else:
                backend.set_task_status(node.executed, statuses.STOPPED, force=True, reason=reason)
        except TrackError as exc:
            print(f"jupyter-track: could not abort step {node.name!r}: {exc.message}", file=sys.stderr)

    # -- recording -------------------------------------------------------------------------------
    def _set_state(self, node: Node, state: str, message: str = "") -> None:
        previous = node.state
        node.state = state
        if message:
            node.message = message
        if node.finished:
            node.done.set()
        self.save()
        self.log(f"step {node.name!r} {state}" + (f" (task {node.executed})" if node.executed else "")
                 + (f": {node.message}" if node.message and state != "launched" else ""))
        if self._progress is not None and node.finished:
            self._progress.update(1)
        if node.status_change_callback is not None and previous != state:
            node.status_change_callback(self.ctrl, node, previous)

    def log(self, text: str) -> None:
        """A line in the run's console log (the controller's own story of the run)."""
        session.reporter().add_event("console", (self.ctrl.id, 20, f"{time.strftime('%H:%M:%S')} {text}\n",
                                                 time.time()))

    def save(self) -> None:
        """The DAG document on the run (written on every change: the UI reads it live)."""
        doc = pipelines.dag_document([n.document() for n in self.ctrl._nodes.values()],
                                     parameters=self.ctrl._parameters, version=self.ctrl._version)
        session.backend().set_configuration(self.ctrl.id, ConfigRow(name=pipelines.DAG_CONFIG, type="json",
                                                                    text=json.dumps(doc, indent=1, default=str)),
                                            force=True)

    def _finish(self) -> None:
        nodes = list(self.ctrl._nodes.values())
        for node in nodes:
            if not node.finished:
                node.state = "skipped"
                node.message = node.message or f"not run: {self.stopping or 'the pipeline ended'}"
                node.done.set()
        self.save()
        failed = [n for n in nodes if n.state in ("failed", "aborted") and not n.continue_on_fail]
        target = statuses.STOPPED if self.stopping and not failed and not self.error else \
            statuses.FAILED if failed or self.error else statuses.COMPLETED
        if self.ctrl._stop_as:
            target = self.ctrl._stop_as
        reason = self.stopping or (f"step {failed[0].name!r} {failed[0].state}: {failed[0].message}"[:2000]
                                   if failed else "")
        backend = session.backend()
        row = backend.get_task(self.ctrl.id)
        self.log(f"pipeline {target}" + (f": {reason}" if reason else ""))
        session.reporter().flush()
        if row.status == statuses.IN_PROGRESS:
            backend.set_task_status(self.ctrl.id, target, reason=reason, force=target == statuses.STOPPED)
        self.final_status = self.final_status or target
