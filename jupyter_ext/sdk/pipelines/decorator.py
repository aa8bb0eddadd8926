"""PipelineDecorator: pipelines written as Python functions.

    @PipelineDecorator.component(return_values=["data"])
    def prepare(): ...

    @PipelineDecorator.pipeline(name="Training Pipeline", project="ML Pipelines")
    def flow():
        data = prepare()          # a step task; ``data`` is a lazy result
        model = train(data)       # waits for ``prepare`` (runs when it is done)

Calling a component inside a pipeline function makes a step and returns at once with a
:class:`LazyResult`: using it (printing, arithmetic, passing it to plain code) waits for the step
and loads its return value; passing it to another component only makes that one wait for it, so
independent components run side by side. Steps go to ``execution_queue`` / the default queue
when one is set, and otherwise run here as child processes (no agent needed).
``PipelineDecorator.debug_pipeline()`` runs everything as plain function calls, with no tasks.
"""
from __future__ import annotations

import functools
import inspect
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ext.core.rules.pipelines import check_step_name
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk._compat import ignored
from jupyter_ext.sdk.pipelines.controller import PipelineController
from jupyter_ext.sdk.pipelines.function_step import is_basic
from jupyter_ext.sdk.pipelines.node import Node

_stack: list[PipelineController] = []
_stack_lock = threading.Lock()


class LazyResult:
    """A component's return value, loaded from the step's artifact when first used."""

    __slots__ = ("_node", "_name", "_loaded", "_value", "_lock")

    def __init__(self, node: Node, name: str) -> None:
        object.__setattr__(self, "_node", node)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_loaded", False)
        object.__setattr__(self, "_value", None)
        object.__setattr__(self, "_lock", threading.Lock())

    def result(self) -> Any:
        """Wait for the step and return its value (raises if the step did not complete)."""
        node: Node = object.__getattribute__(self, "_node")
        with object.__getattribute__(self, "_lock"):
            if object.__getattribute__(self, "_loaded"):
                return object.__getattribute__(self, "_value")
            node.done.wait()
            if not node.succeeded:
                raise RuntimeError(f"pipeline step {node.name!r} {node.state}"
                                   + (f": {node.message}" if node.message else "") + "; its return value "
                                   f"{object.__getattribute__(self, '_name')!r} does not exist")
            from jupyter_ext.sdk.tasks.task import Task

            name = object.__getattribute__(self, "_name")
            value = Task.get_task(task_id=str(node.executed)).artifacts[name].get()
            object.__setattr__(self, "_value", value)
            object.__setattr__(self, "_loaded", True)
            return value

    def __repr__(self) -> str:
        node: Node = object.__getattribute__(self, "_node")
        if not node.done.is_set():
            return f"<LazyResult {node.name}.{object.__getattribute__(self, '_name')} ({node.state})>"
        return repr(self.result())

    def __getattr__(self, item: str) -> Any:
        return getattr(self.result(), item)

    def __setattr__(self, key: str, value: Any) -> None:
        setattr(self.result(), key, value)

    def __str__(self) -> str:
        return str(self.result())

    def __bool__(self) -> bool:
        return bool(self.result())

    def __len__(self) -> int:
        return len(self.result())

    def __iter__(self) -> Any:
        return iter(self.result())

    def __contains__(self, item: Any) -> bool:
        return item in self.result()

    def __getitem__(self, key: Any) -> Any:
        return self.result()[key]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.result()(*args, **kwargs)

    def __eq__(self, other: Any) -> bool:
        return bool(self.result() == _value(other))

    def __ne__(self, other: Any) -> bool:
        return bool(self.result() != _value(other))

    def __hash__(self) -> int:
        return hash(self.result())

    def __int__(self) -> int:
        return int(self.result())

    def __float__(self) -> float:
        return float(self.result())

    def __index__(self) -> int:
        return int(self.result().__index__())

    def __fspath__(self) -> str:
        import os

        return str(os.fspath(self.result()))

    def __format__(self, spec: str) -> str:
        return format(self.result(), spec)


def _binary(op: str) -> Callable[[LazyResult, Any], Any]:
    def method(self: LazyResult, other: Any) -> Any:
        return getattr(self.result(), op)(_value(other))

    method.__name__ = op
    return method


for _op in ("__lt__", "__le__", "__gt__", "__ge__", "__add__", "__radd__", "__sub__", "__rsub__", "__mul__",
            "__rmul__", "__truediv__", "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__",
            "__pow__", "__rpow__", "__and__", "__or__", "__xor__", "__matmul__"):
    setattr(LazyResult, _op, _binary(_op))
for _op in ("__neg__", "__pos__", "__abs__", "__invert__"):
    setattr(LazyResult, _op, (lambda name: lambda self: getattr(self.result(), name)())(_op))


def _value(obj: Any) -> Any:
    return obj.result() if isinstance(obj, LazyResult) else obj


class _Component:
    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        returns = options.pop("return_values")
        self.return_names = [returns] if isinstance(returns, str) else list(returns or ())
        for r in self.return_names:
            if not isinstance(r, str) or not r.isidentifier():
                raise InvalidArgument(f"component {func.__name__!r}: return_values must be identifiers, not {r!r}")
        self.func = func
        self.name = options.pop("name") or func.__name__
        self.options = options
        self.calls = 0

    def call(self, ctrl: PipelineController, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> Any:
        try:
            bound = inspect.signature(self.func).bind(*args, **kwargs)
        except TypeError as exc:
            raise TypeError(f"component {self.func.__name__}: {exc}") from None
        parents: list[str] = list(self.options.get("parents") or ())
        function_kwargs: dict[str, Any] = {}
        for key, value in bound.arguments.items():
            if isinstance(value, LazyResult):
                node: Node = object.__getattribute__(value, "_node")
                function_kwargs[key] = f"${{{node.name}.{object.__getattribute__(value, '_name')}}}"
                if node.name not in parents:
                    parents.append(node.name)
            elif is_basic(value) or not _holds_lazy(value):
                function_kwargs[key] = value
            else:
                function_kwargs[key] = _resolve_all(value)
        engine = ctrl._engine
        assert engine is not None
        with engine.lock:
            self.calls += 1
            name = self.name if self.calls == 1 else f"{self.name}_{self.calls - 1}"
            while name in ctrl._nodes:
                self.calls += 1
                name = f"{self.name}_{self.calls - 1}"
            o = self.options
            node = Node(name=name, kind="function", parents=parents, queue=o.get("execution_queue"),
                        function=self.func, function_kwargs=function_kwargs, return_names=self.return_names,
                        helper_functions=list(o.get("helper_functions") or ()), task_type=o.get("task_type"),
                        packages=o.get("packages") if o.get("packages") is not True else None,
                        tags=list(o.get("tags") or ()) if not isinstance(o.get("tags"), str) else [o["tags"]],
                        continue_on_fail=bool(o.get("continue_on_fail")), cache_executed_step=bool(o.get("cache")),
                        retry_on_failure=o.get("retry_on_failure"),
                        pre_execute_callback=o.get("pre_execute_callback"),
                        post_execute_callback=o.get("post_execute_callback"),
                        status_change_callback=o.get("status_change_callback"),
                        monitor_metrics=list(o.get("monitor_metrics") or ()),
                        monitor_artifacts=list(o.get("monitor_artifacts") or ()),
                        monitor_models=list(o.get("monitor_models") or ()))
            ctrl._nodes[name] = node
            missing = [p for p in parents if p not in ctrl._nodes]
            if missing:
                del ctrl._nodes[name]
                raise InvalidArgument(f"component {self.name!r}: parents {missing} are not steps of this pipeline")
            engine.save()
        engine.wake.set()
        results = [LazyResult(node, r) for r in self.return_names]
        if not results:
            return None
        return results[0] if len(results) == 1 else tuple(results)


def _holds_lazy(value: Any) -> bool:
    if isinstance(value, LazyResult):
        return True
    if isinstance(value, (list, tuple, set)):
        return any(_holds_lazy(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_lazy(v) for v in value.values())
    return False


def _resolve_all(value: Any) -> Any:
    if isinstance(value, LazyResult):
        return value.result()
    if isinstance(value, (list, tuple, set)):
        return type(value)(_resolve_all(v) for v in value)
    if isinstance(value, dict):
        return {k: _resolve_all(v) for k, v in value.items()}
    return value


class PipelineDecorator:
    """Decorators that turn functions into pipeline steps (``component``) and a pipeline (``pipeline``)."""

    _debug = False
    _local = False
    _default_queue: str | None = None

    @classmethod
    def component(cls, _func: Callable[..., Any] | None = None, *,
                  return_values: str | Sequence[str] = ("return_object",),
                  name: str | None = None, cache: bool = False, packages: bool | str | Sequence[str] | None = None,
                  parents: list[str] | None = None, execution_queue: str | None = None, continue_on_fail: bool = False,
                  docker: str | None = None, docker_args: str | None = None,
                  docker_bash_setup_script: str | None = None, task_type: str | None = None,
                  auto_connect_frameworks: Mapping[str, Any] | None = None,
                  auto_connect_arg_parser: Mapping[str, Any] | None = None, repo: str | None = None,
                  repo_branch: str | None = None, repo_commit: str | None = None,
                  helper_functions: Sequence[Callable[..., Any]] | None = None,
                  monitor_metrics: list[Any] | None = None, monitor_artifacts: list[Any] | None = None,
                  monitor_models: list[Any] | None = None,
                  retry_on_failure: int | Callable[..., bool] | None = None,
                  pre_execute_callback: Callable[..., Any] | None = None,
                  post_execute_callback: Callable[..., Any] | None = None,
                  status_change_callback: Callable[..., Any] | None = None,
                  tags: Sequence[str] | str | None = None, output_uri: str | bool | None = None,
                  draft: bool | None = False, working_dir: str | None = None,
                  continue_behaviour: Mapping[str, Any] | None = None, stage: str | None = None) -> Any:
        """Mark a function as a pipeline step. Outside a pipeline it stays a plain function."""
        ignored("PipelineDecorator.component", docker=docker, docker_args=docker_args,
                                               docker_bash_setup_script=docker_bash_setup_script,
                                               auto_connect_frameworks=auto_connect_frameworks,
                                               auto_connect_arg_parser=auto_connect_arg_parser, repo=repo,
                                               repo_branch=repo_branch, repo_commit=repo_commit, output_uri=output_uri,
                                               draft=draft, working_dir=working_dir, stage=stage)
        from jupyter_ext.sdk.pipelines.function_step import function_source

        if name is not None:
            check_step_name(name)
        options = dict(return_values=return_values, name=name, cache=cache, packages=packages, parents=parents,
                       execution_queue=execution_queue,
                       continue_on_fail=continue_on_fail or bool((continue_behaviour or {}).get("continue_on_fail")),
                       task_type=task_type, helper_functions=helper_functions, monitor_metrics=monitor_metrics,
                       monitor_artifacts=monitor_artifacts, monitor_models=monitor_models,
                       retry_on_failure=retry_on_failure, pre_execute_callback=pre_execute_callback,
                       post_execute_callback=post_execute_callback, status_change_callback=status_change_callback,
                       tags=tags)

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            function_source(func)  # no source (a lambda, a prompt without history): refused now
            component = _Component(func, dict(options))

            @functools.wraps(func)
            def call(*args: Any, **kwargs: Any) -> Any:
                ctrl = _current()
                if ctrl is None or cls._debug:
                    return func(*[_resolve_all(a) for a in args], **{k: _resolve_all(v) for k, v in kwargs.items()})
                return component.call(ctrl, args, kwargs)

            call._pipeline_component = component  # type: ignore[attr-defined]
            return call

        return decorate(_func) if _func is not None else decorate

    @classmethod
    def pipeline(cls, _func: Callable[..., Any] | None = None, *, name: str, project: str, version: str | None = None,
                 return_value: str | None = None, default_queue: str | None = None, pool_frequency: float = 0.2,
                 add_pipeline_tags: bool = False, target_project: str | None = None, abort_on_failure: bool = False,
                 pipeline_execution_queue: str | None = "services", multi_instance_support: bool = False,
                 add_run_number: bool = True, args_map: Mapping[str, list[str]] | None = None,
                 start_controller_locally: bool = False, retry_on_failure: int | Callable[..., bool] | None = None,
                 docker: str | None = None, docker_args: str | None = None,
                 docker_bash_setup_script: str | None = None, packages: bool | str | Sequence[str] | None = None,
                 repo: str | None = None, repo_branch: str | None = None, repo_commit: str | None = None,
                 artifact_serialization_function: Callable[[Any], bytes] | None = None,
                 artifact_deserialization_function: Callable[[bytes], Any] | None = None,
                 output_uri: str | bool | None = None, skip_global_imports: bool = False,
                 working_dir: str | None = None, enable_local_imports: bool = True) -> Any:
        """Mark the function that wires components together. Calling it runs the pipeline here
        (the controller never leaves this process) and returns the function's return value."""
        ignored("PipelineDecorator.pipeline", pool_frequency=pool_frequency,
                                              pipeline_execution_queue=pipeline_execution_queue,
                                              multi_instance_support=multi_instance_support, args_map=args_map,
                                              start_controller_locally=start_controller_locally, docker=docker,
                                              docker_args=docker_args,
                                              docker_bash_setup_script=docker_bash_setup_script, packages=packages,
                                              repo=repo, repo_branch=repo_branch, repo_commit=repo_commit,
                                              artifact_serialization_function=artifact_serialization_function,
                                              artifact_deserialization_function=artifact_deserialization_function,
                                              working_dir=working_dir, enable_local_imports=enable_local_imports)
        options: dict[str, Any] = dict(name=name, project=project, version=version, add_pipeline_tags=add_pipeline_tags,
                       target_project=target_project or True, abort_on_failure=abort_on_failure,
                       add_run_number=add_run_number, retry_on_failure=retry_on_failure, output_uri=output_uri,
                       skip_global_imports=skip_global_imports)
        PipelineController(**options)  # bad names fail at decoration time

        def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
            @functools.wraps(func)
            def run(*args: Any, **kwargs: Any) -> Any:
                if cls._debug:
                    return func(*args, **kwargs)
                return cls._run_pipeline(func, args, kwargs, options, default_queue, return_value)

            return run

        return decorate(_func) if _func is not None else decorate

    @classmethod
    def _run_pipeline(cls, func: Callable[..., Any], args: tuple[Any, ...], kwargs: Mapping[str, Any],
                      options: Mapping[str, Any], default_queue: str | None, return_value: str | None) -> Any:
        ctrl = PipelineController(**options)
        bound = inspect.signature(func).bind(*args, **kwargs)
        bound.apply_defaults()
        for key, value in bound.arguments.items():
            if is_basic(value):
                ctrl.add_parameter(key, value)
        queue = default_queue or cls._default_queue
        ctrl._default_execution_queue = None if cls._local else queue
        ctrl._create_run()
        engine = ctrl._run_engine(local=cls._local, default_queue=None, close=False)
        with _stack_lock:
            _stack.append(ctrl)
        try:
            result = func(*args, **kwargs)
        except BaseException as exc:
            engine.stop(f"the pipeline function raised {type(exc).__name__}: {exc}")
            engine._abort_running(engine.stopping)
            ctrl.wait()
            raise
        finally:
            with _stack_lock:
                if ctrl in _stack:
                    _stack.remove(ctrl)
        engine.close()
        ctrl.wait()
        failed = [n for n in ctrl._nodes.values() if n.state in ("failed", "aborted") and not n.continue_on_fail]
        if failed:
            print(f"jupyter-track: pipeline {ctrl._name!r} (task {ctrl.id}) {engine.final_status}: step "
                  f"{failed[0].name!r} {failed[0].state}: {failed[0].message}", file=sys.stderr)
        value = _resolve_all(result) if not failed else result
        if return_value and not failed:
            ctrl._task.upload_artifact(return_value, value, extension_name=".pkl", wait_on_upload=True)
        cls._last = ctrl
        return value

    _last: PipelineController | None = None

    @classmethod
    def run_locally(cls) -> None:
        """Run the next pipelines' steps here as child processes, whatever their queues."""
        cls._local = True
        cls._debug = False

    @classmethod
    def debug_pipeline(cls) -> None:
        """Run the next pipelines as plain function calls: no tasks, no processes."""
        cls._debug = True

    @classmethod
    def set_default_execution_queue(cls, default_execution_queue: str | None) -> None:
        """The queue for the components (those that name no ``execution_queue``) of the pipelines
        run from now on; ``pipeline(default_queue=...)`` wins. With none, they run here as child processes."""
        cls._default_queue = default_execution_queue

    @classmethod
    def get_current_pipeline(cls) -> PipelineController | None:
        """The controller of the pipeline running now (or of the last one to finish)."""
        return _current() or cls._last

    @classmethod
    def upload_artifact(cls, name: str, artifact_object: Any, metadata: Mapping[str, Any] | None = None,
                        delete_after_upload: bool = False, auto_pickle: bool | None = None, preview: Any = None,
                        wait_on_upload: bool = False, serialization_function: Callable[[Any], bytes] | None = None,
                        sort_keys: bool = True) -> bool:
        """Store an artifact on the running pipeline (inside a component: on that step's task)."""
        return PipelineController.upload_artifact(name, artifact_object, metadata=metadata,
                                                  delete_after_upload=delete_after_upload, auto_pickle=auto_pickle,
                                                  preview=preview, wait_on_upload=wait_on_upload,
                                                  serialization_function=serialization_function, sort_keys=sort_keys)

    @classmethod
    def get_logger(cls) -> Any:
        """The :class:`Logger` of the pipeline running now (its controller task), else
        ``Logger.current_logger()``: inside a component, that of the component's task."""
        ctrl = _current()
        if ctrl is not None:
            return ctrl.get_logger()
        from jupyter_ext.sdk.logging.logger import Logger

        return Logger.current_logger()


def _current() -> PipelineController | None:
    with _stack_lock:
        return _stack[-1] if _stack else None
