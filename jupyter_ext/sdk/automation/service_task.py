"""The task a scheduler or trigger service runs as (type ``service``), and the state it keeps
in a JSON configuration object, read back by the next run of the same service."""
from __future__ import annotations

import json
import re
import sys
import time
from typing import Any

from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import TrackError
from jupyter_ext.sdk import _session as session
from jupyter_ext.store.rows import ConfigRow

STATE_CONFIG = "Automation State"
SAVE_EVERY_S = 60.0


def start_remotely(service: ServiceTask, queue: str, start: Any) -> None:
    """Run ``start()`` on a worker of ``queue``: under an agent, start here; otherwise this
    script's task (made now if there is none) is enqueued and the process ends."""
    from jupyter_ext.errors import InvalidArgument, NotFound
    from jupyter_ext.sdk.tasks.task import Task

    if not Task.running_locally():  # under the agent: this run is the service's task
        if Task.current_task() is None:
            Task.init(project_name=service.project, task_name=service.name, task_type="service")
        start()
        return
    backend = session.backend()
    try:
        backend.get_queue(queue)
    except NotFound:
        if queue != "services":
            raise InvalidArgument(f"there is no queue named {queue!r}; create it (jupyter track queues create "
                                  f"{queue}) or use the services queue") from None
        backend.create_queue(queue)  # the services queue exists from the start, as ClearML's does
    task = Task.current_task() or Task.init(project_name=service.project, task_name=service.name,
                                            task_type="service", reuse_last_task_id=False)
    task.execute_remotely(queue_name=queue, exit_process=True)


class ServiceTask:
    def __init__(self, *, name: str, project: str, tag: str) -> None:
        self.name = name
        self.project = project
        self.tag = tag
        self._id = ""
        self._owned = False
        self._saved_at = 0.0

    @property
    def id(self) -> str:
        return self._id

    def open(self) -> dict[str, Any]:
        """The service's task (this process's task, the last one of this name, or a new one),
        in progress; the state it kept."""
        from jupyter_ext.sdk.tasks.task import Task

        backend = session.backend()
        current = Task.current_task()
        if current is not None:
            self._id = current.id
            if self.tag not in current.data.get("system_tags", []):
                backend.update_task(current.id, {"system_tags": [*current.data.get("system_tags", []), self.tag]})
        else:
            rows = [r for r in backend.query_tasks(project_name=self.project, task_name=f"^{re.escape(self.name)}$",
                                                   types=["service"], include_subprojects=False)
                    if self.tag in r.system_tags]
            if rows:
                row = rows[0]
                if row.status != statuses.IN_PROGRESS:
                    backend.set_task_status(row.id, statuses.IN_PROGRESS, force=True, message="restarted")
            else:
                row = backend.create_task({"project": self.project, "name": self.name, "type": "service",
                                           "status": statuses.IN_PROGRESS, "system_tags": [self.tag],
                                           "user": session.getpid_user()})
            self._id = row.id
            self._owned = True
        for config in backend.get_configurations(self._id):
            if config.name == STATE_CONFIG:
                try:
                    state = json.loads(config.text)
                except ValueError:
                    return {}
                return state if isinstance(state, dict) else {}
        return {}

    def save(self, state: dict[str, Any], *, force: bool = False) -> None:
        if not self._id or (not force and time.monotonic() - self._saved_at < SAVE_EVERY_S):
            return
        session.backend().set_configuration(self._id, ConfigRow(name=STATE_CONFIG, type="json",
                                                                text=json.dumps(state, indent=1, default=str)),
                                            force=True)
        self._saved_at = time.monotonic()

    def finish(self, state: dict[str, Any]) -> None:
        """Store the state; the service's own task ends completed."""
        if not self._id:
            return
        self.save(state, force=True)
        if not self._owned:
            return
        try:
            backend = session.backend()
            if backend.get_task(self._id).status == statuses.IN_PROGRESS:
                backend.set_task_status(self._id, statuses.COMPLETED)
        except TrackError as exc:  # the next run takes the task over
            print(f"jupyter-track: could not mark service task {self._id} completed: {exc.message}", file=sys.stderr)
