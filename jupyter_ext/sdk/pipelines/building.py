"""Building a pipeline before it runs: its parameters and steps (``add_parameter``,
``add_step``, ``add_function_step``) and the checks made before anything is stored (a mixin
of :class:`jupyter_ext.sdk.pipelines.controller.PipelineController`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jupyter_ext.core.rules import names, pipelines
from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules.task_types import check_task_type
from jupyter_ext.errors import Conflict, InvalidArgument, NotFound
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.pipelines.node import Node as StepNode

if TYPE_CHECKING:
    from jupyter_ext.sdk.pipelines.engine import Engine

ARGS_SECTION = "Args"


class PipelineBuilding:
    if TYPE_CHECKING:
        _nodes: dict[str, StepNode]
        _parameters: dict[str, Any]
        _parameter_info: dict[str, dict[str, str]]
        _default_execution_queue: str | None
        _retry_on_failure: int | Callable[..., bool] | None
        _engine: Engine | None

    # -- building --------------------------------------------------------------------------------
    def add_parameter(self, name: str, default: Any = None, description: str | None = None,
                      param_type: str | None = None) -> None:
        """A pipeline parameter, stored on the run (section Args) and usable as ``${pipeline.NAME}``."""
        param_values.check_name(ARGS_SECTION, name)
        self._parameters[name] = default
        self._parameter_info[name] = {"description": description or "", "type": param_type or ""}

    def get_parameters(self) -> dict[str, Any]:
        """The pipeline's parameters, ``{name: value}``, as :meth:`add_parameter` declared them."""
        return dict(self._parameters)

    def set_default_execution_queue(self, default_execution_queue: str | None) -> None:
        """The queue for steps added without ``execution_queue``; it wins over ``start(queue=...)``.
        None goes back to ``start``'s queue. ``start_locally()`` needs it when a step names no queue."""
        self._default_execution_queue = default_execution_queue

    def add_step(self, name: str, base_task_id: str | None = None, parents: Sequence[str] | None = None,
                 parameter_override: Mapping[str, Any] | None = None,
                 configuration_overrides: Mapping[str, str | Mapping[str, Any]] | None = None,
                 task_overrides: Mapping[str, Any] | None = None, execution_queue: str | None = None,
                 monitor_metrics: list[Any] | None = None, monitor_artifacts: list[Any] | None = None,
                 monitor_models: list[Any] | None = None, time_limit: float | None = None,
                 base_task_project: str | None = None, base_task_name: str | None = None,
                 clone_base_task: bool = True, continue_on_fail: bool = False,
                 pre_execute_callback: Callable[..., Any] | None = None,
                 post_execute_callback: Callable[..., Any] | None = None, cache_executed_step: bool = False,
                 base_task_factory: Callable[[StepNode], Any] | None = None,
                 retry_on_failure: int | Callable[..., bool] | None = None,
                 status_change_callback: Callable[..., Any] | None = None,
                 recursively_parse_parameters: bool = False, output_uri: str | bool | None = None,
                 continue_behaviour: Mapping[str, Any] | None = None, stage: str | None = None) -> bool:
        """A step that runs a copy of an existing task (``base_task_id``, or the newest task named
        ``base_task_name`` in ``base_task_project``) with ``parameter_override`` etc. applied;
        values may hold ``${step.id}``, ``${step.artifacts.NAME.url}``,
        ``${step.parameters.Section/name}``, ``${step.models.output.-1.url}``, ``${pipeline.PARAM}``."""
        ignored("PipelineController.add_step", output_uri=output_uri, stage=stage)
        name = self._check_new_step(name)
        node = StepNode(name=name, parents=_parent_list(parents), queue=execution_queue, clone_task=clone_base_task,
                    continue_on_fail=continue_on_fail or bool((continue_behaviour or {}).get("continue_on_fail")),
                    time_limit=time_limit, cache_executed_step=cache_executed_step,
                    retry_on_failure=retry_on_failure if retry_on_failure is not None else self._retry_on_failure,
                    pre_execute_callback=pre_execute_callback, post_execute_callback=post_execute_callback,
                    status_change_callback=status_change_callback, parameters=dict(parameter_override or {}),
                    configurations=dict(configuration_overrides or {}), task_overrides=dict(task_overrides or {}),
                    monitor_metrics=list(monitor_metrics or ()), monitor_artifacts=list(monitor_artifacts or ()),
                    monitor_models=list(monitor_models or ()),
                    recursively_parse_parameters=recursively_parse_parameters)
        if base_task_factory is not None:
            node.base_task_id = str(base_task_factory(node).id)
        elif base_task_id:
            from jupyter_ext.sdk.tasks.task import Task

            node.base_task_id = Task.get_task(task_id=base_task_id).id  # NotFound now, not at start
        elif base_task_name:
            node.base_task_id = _find_template(base_task_project, base_task_name)
        else:
            raise InvalidArgument(f"step {name!r} needs base_task_id=, or base_task_project= and base_task_name= "
                                  f"(the task to copy); for a Python function use add_function_step()")
        self._nodes[name] = node
        return True

    def add_function_step(self, name: str, function: Callable[..., Any],
                          function_kwargs: Mapping[str, Any] | None = None,
                          function_return: Sequence[str] | None = None, project_name: str | None = None,
                          task_name: str | None = None, task_type: str | None = None,
                          auto_connect_frameworks: Mapping[str, Any] | None = None,
                          auto_connect_arg_parser: Mapping[str, Any] | None = None,
                          packages: bool | str | Sequence[str] | None = None, repo: str | None = None,
                          repo_branch: str | None = None, repo_commit: str | None = None,
                          helper_functions: Sequence[Callable[..., Any]] | None = None, docker: str | None = None,
                          docker_args: str | None = None, docker_bash_setup_script: str | None = None,
                          parents: Sequence[str] | None = None, execution_queue: str | None = None,
                          monitor_metrics: list[Any] | None = None, monitor_artifacts: list[Any] | None = None,
                          monitor_models: list[Any] | None = None, time_limit: float | None = None,
                          continue_on_fail: bool = False, pre_execute_callback: Callable[..., Any] | None = None,
                          post_execute_callback: Callable[..., Any] | None = None, cache_executed_step: bool = False,
                          retry_on_failure: int | Callable[..., bool] | None = None,
                          status_change_callback: Callable[..., Any] | None = None,
                          tags: Sequence[str] | str | None = None, output_uri: str | bool | None = None,
                          draft: bool | None = False, working_dir: str | None = None,
                          continue_behaviour: Mapping[str, Any] | None = None, stage: str | None = None) -> bool:
        """A step that runs ``function(**function_kwargs)`` in its own task. The function's source
        (and ``helper_functions``) becomes the step's script; a kwarg ``'${other_step.NAME}'``
        is another function step's return value; return values are stored as artifacts named by
        ``function_return``."""
        ignored("PipelineController.add_function_step", auto_connect_frameworks=auto_connect_frameworks,
                                                        auto_connect_arg_parser=auto_connect_arg_parser, repo=repo,
                                                        repo_branch=repo_branch, repo_commit=repo_commit, docker=docker,
                                                        docker_args=docker_args,
                                                        docker_bash_setup_script=docker_bash_setup_script,
                                                        output_uri=output_uri, draft=draft, working_dir=working_dir,
                                                        continue_behaviour=continue_behaviour, stage=stage)
        from jupyter_ext.sdk.pipelines.function_step import function_source

        name = self._check_new_step(name)
        if not callable(function):
            raise InvalidArgument(f"step {name!r}: function= must be a Python function")
        function_source(function)  # a lambda or a function without source fails here
        for h in helper_functions or ():
            function_source(h)
        returns = [function_return] if isinstance(function_return, str) else list(function_return or ())
        for r in returns:
            if not isinstance(r, str) or not r.isidentifier():
                raise InvalidArgument(f"step {name!r}: function_return names must be identifiers (they are read "
                                      f"as '${{{name}.NAME}}'), not {r!r}")
        if task_type is not None:
            check_task_type(task_type)
        self._nodes[name] = StepNode(
            name=name, kind="function", parents=_parent_list(parents), queue=execution_queue, function=function,
            function_kwargs=dict(function_kwargs or {}), return_names=returns,
            helper_functions=list(helper_functions or ()), task_name=task_name, project_name=project_name,
            task_type=task_type, packages=packages if packages is not True else None,
            tags=list(names.check_tags(tags)), time_limit=time_limit, continue_on_fail=continue_on_fail,
            cache_executed_step=cache_executed_step,
            retry_on_failure=retry_on_failure if retry_on_failure is not None else self._retry_on_failure,
            pre_execute_callback=pre_execute_callback, post_execute_callback=post_execute_callback,
            status_change_callback=status_change_callback, monitor_metrics=list(monitor_metrics or ()),
            monitor_artifacts=list(monitor_artifacts or ()), monitor_models=list(monitor_models or ()))
        return True

    def _check_new_step(self, name: str) -> str:
        name = pipelines.check_step_name(name)
        if name in self._nodes:
            raise InvalidArgument(f"a step named {name!r} was already added; step names must be unique")
        if self._engine is not None and self._engine.closed.is_set():
            raise Conflict("the pipeline has started; add steps before start()")
        return name

    # -- checking (before anything is stored) ----------------------------------------------------
    def _check(self) -> None:
        if not self._nodes:
            raise InvalidArgument("the pipeline has no steps; add some with add_step() or add_function_step()")
        steps = list(self._nodes)
        for node in self._nodes.values():
            values = [*node.parameters.values(), *node.configurations.values(), *node.task_overrides.values(),
                      *node.function_kwargs.values()]
            pipelines.check_refs(f"step {node.name!r}", values, steps, self._parameters)
            for ref_step in pipelines.referenced_steps(values):
                if ref_step not in node.parents and ref_step != node.name:  # ClearML: a reference implies a parent
                    node.parents.append(ref_step)
        pipelines.check_dag({n.name: n.parents for n in self._nodes.values()})


def _parent_list(parents: Sequence[str] | str | None) -> list[str]:
    if parents is None:
        return []
    if isinstance(parents, str):
        parents = [parents]
    return list(dict.fromkeys(str(p) for p in parents))


def _find_template(project: str | None, name: str) -> str:
    from jupyter_ext.sdk.tasks.task import Task

    # the newest task of that name that is not itself a copy made by an earlier pipeline run
    rows = [r for r in session.backend().query_tasks(project_name=project, task_name=f"^{re.escape(name)}$",
                                                     limit=100)
            if pipelines.STEP_TAG not in r.system_tags and pipelines.RUN_TAG not in r.system_tags]
    if not rows:
        raise NotFound(f"no task named {name!r} in project {project!r} to use as a step's template; create it "
                       f"first (run its script once with Task.init, or Task.create(...))")
    return Task(rows[0].to_dict()).id
