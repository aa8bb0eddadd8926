"""PipelineController: a DAG of steps, each a task cloned from a template or a function
written out as a script, run in order of their parents.

    pipe = PipelineController(name="Training Pipeline", project="ML Pipelines", version="1.0")
    pipe.add_step(name="prepare_data", base_task_project="Examples", base_task_name="Data Preparation")
    pipe.add_step(name="train_model", base_task_project="Examples", base_task_name="Model Training",
                  parents=["prepare_data"])
    pipe.start(queue="default")

Unlike ClearML, ``start(queue=…)`` never ends the calling process or kernel: the controller
runs here (the run is a task of type ``controller``), and the steps go to their queues
(``execution_queue``, else ``set_default_execution_queue``, else ``queue``).
``start_locally(run_pipeline_steps_locally=True)`` runs the steps as child processes here.
"""
from __future__ import annotations

import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules import names, pipelines
from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules import status as statuses
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.sdk import _notebook
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk import _transfers as files
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.pipelines.building import ARGS_SECTION, PipelineBuilding
from jupyter_ext.sdk.pipelines.engine import Engine
from jupyter_ext.sdk.pipelines.launch import References
from jupyter_ext.sdk.pipelines.node import Node as StepNode

_current: list[PipelineController] = []  # controllers running in this process, newest last
_current_lock = threading.Lock()


class PipelineController(PipelineBuilding):
    """A pipeline: add steps, then ``start()`` (queues) or ``start_locally()``."""

    Node = StepNode

    def __init__(self, name: str, project: str, version: str | None = None, pool_frequency: float = 0.2,
                 add_pipeline_tags: bool = False, target_project: str | bool | None = True,
                 auto_version_bump: bool | None = None, abort_on_failure: bool = False, add_run_number: bool = True,
                 retry_on_failure: int | Callable[..., bool] | None = None, docker: str | None = None,
                 docker_args: str | None = None, docker_bash_setup_script: str | None = None,
                 packages: bool | str | Sequence[str] | None = None, repo: str | None = None,
                 repo_branch: str | None = None, repo_commit: str | None = None, always_create_from_code: bool = True,
                 artifact_serialization_function: Callable[[Any], bytes] | None = None,
                 artifact_deserialization_function: Callable[[bytes], Any] | None = None,
                 output_uri: str | bool | None = None, skip_global_imports: bool = False,
                 working_dir: str | None = None, enable_local_imports: bool = True) -> None:
        ignored("PipelineController", pool_frequency=pool_frequency, auto_version_bump=auto_version_bump, docker=docker,
                                      docker_args=docker_args, docker_bash_setup_script=docker_bash_setup_script,
                                      packages=packages, repo=repo, repo_branch=repo_branch, repo_commit=repo_commit,
                                      always_create_from_code=always_create_from_code,
                                      artifact_serialization_function=artifact_serialization_function,
                                      artifact_deserialization_function=artifact_deserialization_function,
                                      working_dir=working_dir, enable_local_imports=enable_local_imports)
        self._name = names.check_task_name(name)
        self._project = names.normalize_project_name(project)
        if version is not None and not re.fullmatch(r"\d+(\.\d+)*", str(version)):
            raise InvalidArgument(f"version {version!r} must look like '1.0' or '2.3.1'")
        self._version = str(version) if version is not None else None
        if isinstance(target_project, str):
            self._target_project: str | None = names.normalize_project_name(target_project)
        else:
            self._target_project = None
        self._steps_stay = target_project is False  # ClearML: copies stay in their template's project
        self._add_pipeline_tags = bool(add_pipeline_tags)
        self._abort_on_failure = bool(abort_on_failure)
        self._add_run_number = bool(add_run_number)
        self._retry_on_failure = retry_on_failure
        self._skip_global_imports = bool(skip_global_imports)
        self._output_uri = output_uri if isinstance(output_uri, str) else (
            files.store_destination() if output_uri is True else None)
        self._nodes: dict[str, StepNode] = {}
        self._parameters: dict[str, Any] = {}
        self._parameter_info: dict[str, dict[str, Any]] = {}
        self._default_execution_queue: str | None = None
        self._task: Any = None
        self._engine: Engine | None = None
        self._stop_as = ""
        self._created_callback: Callable[..., Any] | None = None  # start(step_task_created_callback=)
        self._completed_callback: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        run = f" run={self._task.id}" if self._task is not None else ""
        return f"<PipelineController {self._name!r} project={self._project!r} steps={len(self._nodes)}{run}>"

    def _repr_html_(self) -> str | None:
        if self._task is None:
            return None
        return _notebook.pipeline_html(session.backend().get_pipeline(self.id))

    # -- running ---------------------------------------------------------------------------------
    def start(self, queue: str | None = None, step_task_created_callback: Callable[..., Any] | None = None,
              step_task_completed_callback: Callable[..., Any] | None = None, wait: bool = True) -> bool:
        """Run the pipeline: the controller here, each step on its queue (``execution_queue``,
        else the default execution queue, else ``queue``, else ``default``). Blocks until the run
        ends unless ``wait=False``. Returns True when the run started. (ClearML's ``queue`` is where
        the controller itself would go; here the controller never leaves this process.)"""
        self._created_callback = step_task_created_callback
        self._completed_callback = step_task_completed_callback
        self._start(local=False, default_queue=queue or "default", wait=wait)
        return True

    def start_locally(self, run_pipeline_steps_locally: bool = False) -> None:
        """Run the pipeline here and wait for it; the steps run as child processes here with
        ``run_pipeline_steps_locally=True``, else on their queues."""
        self._start(local=bool(run_pipeline_steps_locally), default_queue=None, wait=True,
                    queue_needed=not run_pipeline_steps_locally)

    def _start(self, *, local: bool, default_queue: str | None, wait: bool, queue_needed: bool = False) -> None:
        if self._task is not None:
            raise Conflict(f"this pipeline already ran as task {self._task.id}; make a new PipelineController "
                           f"to run it again")
        self._check()
        if queue_needed and not self._default_execution_queue and any(not n.queue for n in self._nodes.values()):
            raise InvalidArgument("steps without execution_queue need set_default_execution_queue(...) when they do "
                                  "not run locally; or call start_locally(run_pipeline_steps_locally=True)")
        self._create_run()
        self._run_engine(local=local, default_queue=default_queue, close=True)
        if wait:
            self.wait()

    def _create_run(self, tags: Sequence[str] = ()) -> None:
        from jupyter_ext.sdk.tasks.task import Task

        backend = session.backend()
        spec = {"project": self._project, "name": self._run_name(), "type": "controller",
                "status": statuses.IN_PROGRESS, "system_tags": [pipelines.RUN_TAG], "tags": list(tags),
                "user": session.getpid_user(), "output_uri": self._output_uri,
                "runtime": {"pipeline_version": self._version or ""}}
        row = backend.create_task(spec)
        self._task = Task(row.to_dict())
        if self._parameters:
            backend.set_parameters(row.id, param_values.rows_from_flat(
                {f"{ARGS_SECTION}/{k}": v for k, v in self._parameters.items()}), force=True)

    def _run_engine(self, *, local: bool, default_queue: str | None, close: bool) -> Engine:
        engine = self._engine = Engine(self, local=local, default_queue=default_queue)
        engine.save()
        print(f"jupyter-track: pipeline run id={self.id} ({self._project} / "
              f"{self._task.name if self._task else self._name})")
        with _current_lock:
            _current.append(self)
            if not _exit_hook:
                import atexit

                atexit.register(_stop_all_at_exit)
                _exit_hook.append(True)
        engine.start()
        if close:
            engine.close()
        return engine

    def _run_name(self) -> str:
        if not self._add_run_number:
            return self._name
        rows = session.backend().query_tasks(project_name=self._project, types=["controller"],
                                             task_name=f"^{re.escape(self._name)}( #\\d+)?$",
                                             include_subprojects=False)
        runs = [r for r in rows if pipelines.RUN_TAG in r.system_tags]
        return self._name if not runs else f"{self._name} #{len(runs) + 1}"

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the run to end (``timeout`` in minutes, as in ClearML); True when it ended."""
        if self._engine is None:
            return True
        engine = self._engine
        try:
            from tqdm.auto import tqdm

            with tqdm(total=len(self._nodes), desc=f"pipeline {self._name}", unit="step", leave=False,
                      initial=sum(1 for n in self._nodes.values() if n.finished)) as bar:
                engine._progress = bar
                ended = engine.join(None if timeout is None else timeout * 60)
                engine._progress = None
        except KeyboardInterrupt:  # Ctrl-C / interrupt the kernel: the run stops, the kernel stays
            self.stop(mark_aborted=True)
            raise
        if ended:
            self._forget()
            if engine.error is not None:
                raise engine.error
        return ended

    def stop(self, timeout: float | None = None, mark_failed: bool = False, mark_aborted: bool = False) -> None:
        """Stop launching steps, abort the running ones and end the run: completed, or failed if a
        step failed, unless ``mark_failed`` / ``mark_aborted``."""
        if self._engine is None:
            return
        if mark_failed:
            self._stop_as = statuses.FAILED
        elif mark_aborted:
            self._stop_as = statuses.STOPPED
        with self._engine.lock:
            self._engine.stop("stopped by the controller")
            self._engine._abort_running("stopped by the controller")
        self._engine.join(None if timeout is None else timeout * 60)
        self._forget()

    def _forget(self) -> None:
        with _current_lock:
            if self in _current:
                _current.remove(self)

    def is_successful(self, fail_on_step_fail: bool = True, fail_condition: str = "all") -> bool:
        """Whether the run completed (and, with ``fail_on_step_fail``, no step failed;
        ``fail_condition='failed'`` counts failed steps only, 'aborted' aborted ones only)."""
        if self._task is None or self._engine is None or not self._engine.finished.is_set():
            return False
        if self._engine.final_status != statuses.COMPLETED and fail_condition == "all":
            return False
        if not fail_on_step_fail:
            return self._engine.final_status == statuses.COMPLETED
        bad = {"all": ("failed", "aborted"), "failed": ("failed",), "aborted": ("aborted",)}.get(fail_condition)
        if bad is None:
            raise InvalidArgument("fail_condition must be 'all', 'failed' or 'aborted'")
        return not any(n.state in bad for n in self._nodes.values())

    def create_draft(self) -> None:
        """Store the pipeline as a draft run (status created) without running it."""
        self._check()
        from jupyter_ext.sdk.tasks.task import Task

        backend = session.backend()
        row = backend.create_task({"project": self._project, "name": self._run_name(), "type": "controller",
                                   "system_tags": [pipelines.RUN_TAG], "user": session.getpid_user()})
        self._task = Task(row.to_dict())
        from jupyter_ext.sdk.pipelines.engine import Engine as _Engine

        _Engine(self, local=True, default_queue=None).save()

    # -- reading ---------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        """The id of the pipeline run (its controller task). It exists once the run has started:
        before :meth:`start` it raises ``InvalidArgument``."""
        if self._task is None:
            raise InvalidArgument("the pipeline has not started; its id exists once start() is called")
        return str(self._task.id)

    @property
    def task(self) -> Any:
        """The run's Task (type controller), once started."""
        return self._task

    def get_pipeline_dag(self) -> Mapping[str, StepNode]:
        """The steps by name, each a :class:`Node` with its ``parents``, ``state``, ``executed`` task id
        and live ``status``.

        >>> [(name, node.state) for name, node in pipe.get_pipeline_dag().items()]
        [('prepare_data', 'completed'), ('train_model', 'launched')]
        """
        return dict(self._nodes)

    def get_processed_nodes(self) -> Sequence[StepNode]:
        """The steps that have been launched or have finished (completed, failed, aborted, skipped,
        cached): every step that is no longer pending."""
        return [n for n in self._nodes.values() if n.state != "pending"]

    def get_running_nodes(self) -> Sequence[StepNode]:
        """The steps launched and not finished yet."""
        return [n for n in self._nodes.values() if n.state == "launched"]

    def get_logger(self) -> Any:
        """The :class:`Logger` of the pipeline run's own task, to report plots and scalars about the
        whole run. Available once the run has started."""
        if self._task is None:
            raise InvalidArgument("the pipeline has not started; call get_logger() after start()")
        return self._task.get_logger()

    @classmethod
    def upload_artifact(cls, name: str, artifact_object: Any, metadata: Mapping[str, Any] | None = None,
                        delete_after_upload: bool = False, auto_pickle: bool | None = None, preview: Any = None,
                        wait_on_upload: bool = False, serialization_function: Callable[[Any], bytes] | None = None,
                        sort_keys: bool = True) -> bool:
        """Store an artifact on the pipeline run running in this process (in a step's process:
        on that step's task)."""
        ignored("PipelineController.upload_artifact", wait_on_upload=wait_on_upload)
        target = current_run_task()
        return bool(target.upload_artifact(name, artifact_object, metadata=metadata,
                                           delete_after_upload=delete_after_upload, auto_pickle=auto_pickle,
                                           preview=preview, wait_on_upload=True,
                                           serialization_function=serialization_function, sort_keys=sort_keys))

    # -- for the engine --------------------------------------------------------------------------
    def _steps_project(self, node: StepNode | None = None) -> str:
        if self._steps_stay and node is not None and node.base_task_id:
            return session.backend().get_task(node.base_task_id).project_name
        return self._target_project or self._project

    def _step_tags(self) -> list[str]:
        return [f"pipe: {self.id}"] if self._add_pipeline_tags else []

    def _references(self) -> References:
        return References(self._nodes, self._parameters)

    def _upload_input(self, name: str, value: Any) -> str:
        self._task.upload_artifact(name, value, extension_name=".pkl", wait_on_upload=True)
        return f"{self.id}.{name}"

    def _monitor(self, node: StepNode) -> None:
        """Copy what ``monitor_artifacts`` / ``monitor_metrics`` / ``monitor_models`` name from the
        step to the run."""
        if not (node.monitor_artifacts or node.monitor_metrics or node.monitor_models) or node.executed is None:
            return
        backend = session.backend()
        try:
            if node.monitor_artifacts:
                rows = {a.name: a for a in backend.get_artifacts(node.executed)}
                for item in node.monitor_artifacts:
                    src, dst = (item, item) if isinstance(item, str) else (item[0], item[1])
                    if src in rows:
                        row = rows[src]
                        spec = {k: getattr(row, k) for k in ("type", "mode", "file_name", "content_type", "preview",
                                                        "metadata", "url", "blob_sha256", "location", "size",
                                                        "user", "time")}
                        backend.put_artifact(self.id, {**spec, "name": dst})
            if node.monitor_metrics:
                last = backend.get_last_metrics(node.executed)
                logger = self._task.get_logger()
                for pair in node.monitor_metrics:
                    (title, series), (to_title, to_series) = (pair if isinstance(pair[0], (tuple, list))
                                                              else (pair, pair))
                    value = (last.get(title) or {}).get(series) or {}
                    got = value.get("last_value") if isinstance(value, dict) else None
                    if got is not None:
                        logger.report_scalar(to_title, to_series, float(got), iteration=0)
            for item in node.monitor_models:
                src = item if isinstance(item, str) else item[0]
                for model in backend.get_task_models(node.executed).get("output", []):
                    # a step's model is named as the step knows it (``OutputModel.connect(task, name="best")``)
                    # or by the model's own name, as in ClearML's ``task.models["output"]``
                    if src in ("*", model.name, model.link_name):
                        backend.link_task_model(self.id, model.id, "output",
                                                item[1] if not isinstance(item, str) else model.link_name)
        except (NotFound, InvalidArgument, KeyError, TypeError) as exc:
            print(f"jupyter-track: step {node.name!r}: monitoring failed: {exc}", file=sys.stderr)


_exit_hook: list[bool] = []
EXIT_GRACE_S = 15.0


def _stop_all_at_exit() -> None:
    """The process ends with runs still going (``start(wait=False)``): abort their steps and end
    them stopped, rather than leave them in progress with nobody to finish them."""
    with _current_lock:
        running = [c for c in _current if c._engine is not None and not c._engine.finished.is_set()]
    for ctrl in running:
        assert ctrl._engine is not None
        print(f"jupyter-track: the process ends while pipeline {ctrl._name!r} runs: stopping it", file=sys.stderr)
        ctrl._stop_as = statuses.STOPPED
        with ctrl._engine.lock:
            ctrl._engine.stop("the controlling process ended")
            ctrl._engine._abort_running("the controlling process ended")
    for ctrl in running:
        assert ctrl._engine is not None
        ctrl._engine.join(EXIT_GRACE_S)


def current_run_task() -> Any:
    """The task an artifact of "the pipeline" goes to here: the run this process controls, or
    the step task this process runs."""
    with _current_lock:
        if _current:
            return _current[-1]._task
    from jupyter_ext.sdk.tasks.task import Task

    task = Task.current_task()
    if task is None:
        raise InvalidArgument("no pipeline runs in this process; call this inside a pipeline or one of its steps")
    return task

