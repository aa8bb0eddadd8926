"""Queues from the SDK: ``Task.enqueue``, ``Task.dequeue`` and ``task.execute_remotely``.

``execute_remotely`` hands the run to a worker: locally it closes the run, resets the task
(parameters, configuration and code stay) and enqueues it; under an agent it does nothing. In a
script the process then exits; in a notebook the kernel must live on, so the cell is stopped
with a short message instead.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, cast

from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.tasks._host import TaskPart
from jupyter_ext.sdk.tasks.lookup import sync as _sync

if TYPE_CHECKING:
    from jupyter_ext.sdk.tasks.task import Task

# Where an enqueue may start from without a reset (the rule itself is core/queues.py).
_ENQUEUE_FROM = (statuses.CREATED, statuses.STOPPED, statuses.FAILED, statuses.QUEUED)


class ExecutedRemotely(Exception):
    """Stops a notebook cell after ``execute_remotely``: the run goes on on a worker, the kernel here."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: this is news, not an error.
        return [str(self)]


class QueueMixin(TaskPart):
    @classmethod
    def enqueue(cls, task: Task | str, queue_name: str | None = None, queue_id: str | None = None,
                force: bool = False) -> dict[str, Any]:
        """Put a task (a Task or its id) in a queue for a worker to run: ``queue_name`` or
        ``queue_id``, the ``default`` queue when neither is given. The task must be a draft,
        stopped or failed; ``force=True`` resets it first (its results are cleared), as ClearML does.

        >>> Task.enqueue(Task.clone(source_task=base_id), queue_name="gpu")
        {'queued': 1, 'updated': 1, 'queue': 'gpu', 'task_id': '…', 'fields': {'status': 'queued', ...}}
        """
        task_id = _task_id(task)
        backend = session.backend()
        _sync()
        queue = queue_name
        if queue_id is not None:
            found = backend.get_queue(queue_id)
            if queue_name is not None and queue_name not in (found.name, found.id):
                raise InvalidArgument(f"queue_name={queue_name!r} and queue_id={queue_id!r} name different queues; "
                                      f"give one of them")
            queue = found.id
        if force and backend.get_task(task_id).status not in _ENQUEUE_FROM:
            backend.reset_task(task_id, force=True)
        row = backend.enqueue_task(task_id, queue)
        if not isinstance(task, str):
            task._data = row.to_dict()
        return {"queued": 1, "updated": 1, "queue": row.queue, "task_id": row.id,
                "fields": {"status": row.status, "execution.queue": row.queue}}

    @classmethod
    def dequeue(cls, task: Task | str) -> dict[str, Any]:
        """Take a queued task out of its queue; it is a draft again."""
        task_id = _task_id(task)
        _sync()
        row = session.backend().dequeue_task(task_id)
        if not isinstance(task, str):
            task._data = row.to_dict()
        return {"dequeued": 1, "updated": 1, "task_id": row.id, "fields": {"status": row.status}}

    def execute_remotely(self, queue_name: str | None = None, clone: bool = False,
                         exit_process: bool = True) -> Any:
        """Run this task on a worker instead of here.

        Under an agent this does nothing and returns None, so the same script runs there. Here it
        closes the local run, resets the task (parameters, configuration and code stay; results
        reported so far go) and enqueues it in ``queue_name`` (with None it stays a draft for you to
        enqueue later, as in ClearML), then ends the process. ``clone=True`` enqueues a copy and
        keeps this run going unless ``exit_process``. In a notebook the kernel is never ended:
        the cell stops with a message instead.
        """
        if not self.running_locally():
            return None
        if not clone and not exit_process:
            raise InvalidArgument("execute_remotely(clone=False) needs exit_process=True: the task itself moves to "
                                  "the worker; pass clone=True to enqueue a copy and keep running here")
        me = cast("Task", self)
        main = session.main_task() is me and self._live and not self._closed
        if clone:
            if main:
                self.flush(wait_for_uploads=True)  # the copy takes the parameters connected so far
            target = cast("Task", type(self).clone(me))
            if queue_name is not None or not main:
                type(self).enqueue(target, queue_name=queue_name)
            if main and exit_process:
                self._finish(statuses.STOPPED, reason=f"execute_remotely: continues as task {target.id}",
                             timeout=session.config().exit_timeout)
                _leave(target.id, queue_name)
            return target
        if not main:  # not this process's run: nothing here to stop, so it is only enqueued (as ClearML)
            type(self).enqueue(me, queue_name=queue_name)
            return self
        self._finish(statuses.STOPPED, reason="execute_remotely: the run continues on a worker",
                     timeout=session.config().exit_timeout)
        backend = session.backend()
        self._data = backend.reset_task(self.id, force=True).to_dict()
        if queue_name is not None:
            type(self).enqueue(me, queue_name=queue_name)
        _leave(self.id, queue_name)
        return self


def _task_id(task: Any) -> str:
    if isinstance(task, str):
        if not task:
            raise InvalidArgument("give a Task or a task id")
        return task
    task_id = getattr(task, "id", None)
    if not isinstance(task_id, str):
        raise InvalidArgument(f"give a Task or a task id, not {type(task).__name__}")
    return task_id


def _in_ipython() -> bool:
    """Inside an IPython shell or kernel (asked without importing IPython)."""
    module = sys.modules.get("IPython")
    get = getattr(module, "get_ipython", None)
    return get is not None and get() is not None


def _leave(task_id: str, queue_name: str | None) -> None:
    where = (f"enqueued in {queue_name!r}; a worker listening to it will run it" if queue_name is not None
             else "left as a draft; enqueue it to run it on a worker")
    message = f"jupyter-track: task {task_id} was {where}. This run stops here."
    if _in_ipython():
        raise ExecutedRemotely(message + " (the kernel keeps running)")
    print(message, file=sys.stderr, flush=True)
    sys.exit(0)
