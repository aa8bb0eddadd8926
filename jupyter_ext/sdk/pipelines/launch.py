"""Making a step's task when its parents are done: clone the base task (or write out the
function), resolve the ``${...}`` references of its inputs, apply the overrides."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from jupyter_ext.core.rules import param_types as param_values
from jupyter_ext.core.rules import pipelines
from jupyter_ext.core.rules.pipelines import Ref
from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk import _session as session
from jupyter_ext.sdk.pipelines import function_step as pipeline_step
from jupyter_ext.sdk.pipelines.node import Node
from jupyter_ext.store.rows import ConfigRow

FIELD_OVERRIDES = ("name", "comment", "tags", "output_uri", "type")


class References:
    """Resolves ``${step.…}`` and ``${pipeline.…}`` against finished steps of one run."""

    def __init__(self, nodes: Mapping[str, Node], parameters: Mapping[str, Any]) -> None:
        self.nodes = nodes
        self.parameters = parameters

    def task_id(self, ref: Ref) -> str:
        node = self.nodes.get(ref.step)
        if node is None:
            raise InvalidArgument(f"{ref.text}: no step named {ref.step!r}")
        if not node.executed:
            raise InvalidArgument(f"{ref.text}: step {ref.step!r} has not run (it is {node.state})")
        return node.executed

    def __call__(self, ref: Ref) -> Any:
        if ref.kind == "pipeline":
            return self.parameters[ref.path[0]]
        task_id = self.task_id(ref)
        if ref.kind == "id":
            return task_id
        from jupyter_ext.sdk.tasks.task import Task

        task = Task.get_task(task_id=task_id)
        if ref.kind == "artifacts":
            artifacts = task.artifacts
            name, attr = ref.path[1], ref.path[2]
            if name not in artifacts:
                raise InvalidArgument(f"{ref.text}: step {ref.step!r} has no artifact {name!r} "
                                      f"(it has: {', '.join(artifacts) or 'none'})")
            return pipelines.pick(artifacts[name], [attr], ref.text)
        if ref.kind == "models":
            group = task.models[ref.path[1]]
            key = ref.path[2]
            try:
                model = group[int(key)] if key.lstrip("-").isdigit() else group[key]
            except (IndexError, KeyError):
                raise InvalidArgument(f"{ref.text}: step {ref.step!r} has no {ref.path[1]} model {key!r}") from None
            return pipelines.pick(model, [ref.path[3]], ref.text)
        if ref.kind == "parameters":
            params = task.get_parameters()
            key = ref.path[1] if "/" in ref.path[1] else f"{param_values.DEFAULT_SECTION}/{ref.path[1]}"
            if key not in params:
                raise InvalidArgument(f"{ref.text}: step {ref.step!r} has no parameter {key!r}")
            return params[key]
        if ref.kind == "field":
            return pipelines.pick(task.data, ref.path, ref.text)
        # ${step.NAME}: a function step's return value, read from its artifact
        artifacts = task.artifacts
        if ref.path[0] not in artifacts or len(ref.path) != 1:
            raise InvalidArgument(f"{ref.text}: step {ref.step!r} has no return value or artifact "
                                  f"{ref.path[0]!r} (it has: {', '.join(artifacts) or 'none'})")
        return artifacts[ref.path[0]].get()


def resolve(value: Any, refs: References, recursive: bool) -> Any:
    return pipelines.resolve(value, refs, recursive=recursive)


def create_step_task(node: Node, *, run_id: str, project: str, refs: References, tags: list[str],
                     upload: Callable[[str, Any], str], parameters: Mapping[str, Any] | None = None) -> str:
    """The step task, ready to run; its id. ``upload(name, obj)`` stores an input the step needs
    as an artifact of the run and returns ``<run id>.<name>``. ``parameters``: a task step's
    parameter overrides already resolved (and maybe changed by a pre-execute callback)."""
    backend = session.backend()
    system_tags = [pipelines.STEP_TAG]
    if node.kind == "function":
        row = backend.create_task({**_function_spec(node, run_id, project), "system_tags": system_tags,
                                   "tags": list(dict.fromkeys([*node.tags, *tags]))})
        task_id = row.id
        _set_function_inputs(node, task_id, refs, upload)
    else:
        assert node.base_task_id
        if node.clone_task:
            row = backend.clone_task(node.base_task_id, name=node.name, parent_id=run_id, project=project)
        else:
            row = backend.get_task(node.base_task_id)
            if row.status != "created":
                row = backend.reset_task(row.id, force=True)
            row = backend.update_task(row.id, {"parent_id": run_id})
        task_id = row.id
        recursive = node.recursively_parse_parameters
        if parameters is None:
            parameters = {k: resolve(v, refs, recursive) for k, v in node.parameters.items()}
        if parameters:
            backend.set_parameters(task_id, param_values.rows_from_flat(parameters))
        for name, value in node.configurations.items():
            value = resolve(value, refs, True)
            text = value if isinstance(value, str) else json.dumps(value, indent=2, default=str)
            backend.set_configuration(task_id, ConfigRow(name=str(name), type="text" if isinstance(value, str)
                                                         else "dictionary", text=text))
        if node.task_overrides:
            backend.update_task(task_id, _task_overrides(row.to_dict(), {k: resolve(v, refs, True)
                                                                        for k, v in node.task_overrides.items()}))
    fields: dict[str, Any] = {}
    if not set(system_tags) <= set(row.system_tags):
        fields["system_tags"] = list(dict.fromkeys([*row.system_tags, *system_tags]))
    if not set([*node.tags, *tags]) <= set(row.tags):
        fields["tags"] = list(dict.fromkeys([*row.tags, *node.tags, *tags]))
    if fields:
        backend.update_task(task_id, fields)
    return task_id


def _function_spec(node: Node, run_id: str, project: str) -> dict[str, Any]:
    assert node.function is not None
    script = pipeline_step.function_script(node.function, return_names=node.return_names,
                                           helper_functions=node.helper_functions, step_name=node.name,
                                           working_dir=os.getcwd())
    packages = node.packages
    requirements = ([str(p) for p in packages] if isinstance(packages, (list, tuple))
                    else [packages] if isinstance(packages, str) else pipeline_step.requirements_of(script))
    return {
        "project": node.project_name or project, "name": node.task_name or node.name,
        "type": node.task_type or "data_processing", "parent_id": run_id, "status": "created",
        "user": session.getpid_user(),
        "script": {"repository": "", "branch": "", "version_num": "", "entry_point": f"{node.name}.py",
                   "working_dir": os.getcwd(), "binary": "python3", "diff": script,
                   "requirements": requirements},
    }


def _set_function_inputs(node: Node, task_id: str, refs: References, upload: Callable[[str, Any], str]) -> None:
    values: dict[str, Any] = {}
    for name, value in node.function_kwargs.items():
        ref = _single_return_ref(value)
        if ref is not None:  # another function step's return value: read from its artifact in the step
            values[f"{pipeline_step.KWARGS_ARTIFACTS}/{name}"] = f"{refs.task_id(ref)}.{ref.path[0]}"
        elif pipeline_step.is_basic(value):
            values[f"{pipeline_step.KWARGS}/{name}"] = resolve(value, refs, True)
        else:
            values[f"{pipeline_step.KWARGS_ARTIFACTS}/{name}"] = upload(f"{node.name}.{name}", value)
    if values:
        session.backend().set_parameters(task_id, param_values.rows_from_flat(values))


def _single_return_ref(value: Any) -> Ref | None:
    if not isinstance(value, str):
        return None
    found = pipelines.find_refs(value, recursive=False)
    if len(found) == 1 and found[0].kind == "return" and found[0].text == value.strip():
        return found[0]
    return None


def _task_overrides(row: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """``{"script.branch": "dev", "comment": "x"}`` -> the task fields to update."""
    fields: dict[str, Any] = {}
    for key, value in overrides.items():
        head, _, rest = str(key).partition(".")
        if head == "container":
            head, rest = "script", f"container.{rest}" if rest else "container"
        if head in ("script", "runtime") and rest:
            target = fields.setdefault(head, json.loads(json.dumps(row.get(head) or {})))
            parts = rest.split(".")
            for p in parts[:-1]:
                target = target.setdefault(p, {})
            target[parts[-1]] = value
        elif head in FIELD_OVERRIDES and not rest:
            fields[head] = value
        else:
            raise InvalidArgument(f"task_overrides key {key!r} is not supported; use script.<field>, "
                                  f"container.<field>, runtime.<field> or one of {', '.join(FIELD_OVERRIDES)}")
    return fields


def cache_key(node: Node, task_id: str) -> str:
    """What makes two runs of a step the same: its code, parameters and configuration."""
    backend = session.backend()
    row = backend.get_task(task_id)
    script = {k: row.script.get(k) for k in ("repository", "version_num", "entry_point", "diff", "binary")}
    params = sorted((p.key, json.dumps(p.value, sort_keys=True, default=str)) for p in backend.get_parameters(task_id))
    configs = sorted((c.name, c.text) for c in backend.get_configurations(task_id))
    blob = json.dumps([script, params, configs], sort_keys=True, default=str)
    return "cache:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]
