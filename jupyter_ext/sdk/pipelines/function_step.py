"""Function steps: a Python function (and its helpers) written out as a standalone script, and
what that script does when a step task runs it.

The source comes from ``inspect.getsource``, which also finds functions defined in notebook
cells (IPython keeps each cell's code in ``linecache``). The pipeline's own decorator is left
out; other decorators the function was given before it became a step (``@our_decorator`` under
``@PipelineDecorator.component()``, or on a function passed to ``add_function_step``) are kept
with their definitions, so the step runs the decorated function, as in ClearML. The names a
function uses from its module (``np`` of ``import numpy as np``, a ``from x import y``, a
constant) become import lines or assignments at the top of the script, so a function written
in a notebook runs the same in its own process.

In the step's process the script calls :func:`run_function_step`: the step task's parameters
``kwargs/NAME`` are the plain arguments, ``kwargs_artifacts/NAME`` (``<task id>.<artifact>``)
the arguments read from another task's artifact; the return values are stored as artifacts
named by ``return_names``.
"""
from __future__ import annotations

import ast
import inspect
import os
import sys
import textwrap
import types
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jupyter_ext.config import TASK_ID_VARS
from jupyter_ext.errors import InvalidArgument

KWARGS = "kwargs"
KWARGS_ARTIFACTS = "kwargs_artifacts"
_BASIC = (int, float, str, bool, type(None))


def is_basic(value: Any) -> bool:
    """Values stored as a step's parameters (the rest travel as artifacts)."""
    if isinstance(value, _BASIC):
        return True
    if isinstance(value, (list, tuple)):
        return all(is_basic(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_basic(v) for k, v in value.items())
    return False


def function_source(func: Callable[..., Any]) -> str:
    """The ``def`` of ``func`` without its decorators, dedented."""
    func = inspect.unwrap(func)
    if not isinstance(func, types.FunctionType):
        raise InvalidArgument(f"a function step needs a Python function, not {type(func).__name__}")
    if func.__name__ == "<lambda>":
        raise InvalidArgument("a function step cannot be a lambda: define it with def (its source becomes the "
                              "step's script)")
    try:
        text = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError) as exc:
        raise InvalidArgument(f"cannot read the source of function {func.__name__!r} ({exc}); define it in a file "
                              f"or a notebook cell, not in an interactive prompt without history") from None
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == func.__name__:
            lines = text.splitlines()
            return "\n".join(lines[node.lineno - 1:node.end_lineno]) + "\n"
    raise InvalidArgument(f"cannot find 'def {func.__name__}' in its source")


def user_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """The function the user wrote under ``func``'s decorators: through ``__wrapped__`` and
    through closures of wrappers that did not use ``functools.wraps``."""
    func = inspect.unwrap(func)
    seen = {id(func)}
    while isinstance(func, types.FunctionType) and "<locals>" in func.__qualname__ and func.__closure__:
        inner = [c.cell_contents for c in func.__closure__ if _is_function_cell(c)]
        if not inner or id(inner[0]) in seen:
            break
        func = inspect.unwrap(inner[0])
        seen.add(id(func))
    return func


def _is_function_cell(cell: Any) -> bool:
    try:
        return isinstance(cell.cell_contents, types.FunctionType)
    except ValueError:  # an empty cell
        return False


def _is_pipeline_decorator(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return "PipelineDecorator" in text or "PipelineController" in text or text.split("(")[0].endswith("component")


def decorated_source(func: Callable[..., Any]) -> tuple[str, list[Callable[..., Any]], list[str]]:
    """The ``def`` of the function the user wrote with the decorators applied before it became a
    step; the decorator functions the script must define; the lines importing the others."""
    inner = user_function(func)
    source = function_source(inner)
    if inner is func:
        return source, [], []
    text = textwrap.dedent(inspect.getsource(inner))
    tree = ast.parse(text)
    node = next(n for n in tree.body
                if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == inner.__name__)
    kept = list(node.decorator_list)
    for i, deco in enumerate(node.decorator_list):
        if _is_pipeline_decorator(deco):
            kept = node.decorator_list[i + 1:]  # only those applied before the step was made
    lines = text.splitlines()
    header = ["@" + ast.get_source_segment(text, d) for d in kept]  # type: ignore[operator]
    helpers: list[Callable[..., Any]] = []
    imports: list[str] = []
    glb = inner.__globals__
    for deco in kept:
        for name in sorted({n.id for n in ast.walk(deco) if isinstance(n, ast.Name)}):
            value = glb.get(name)
            if isinstance(value, types.FunctionType) and value.__module__ in ("__main__", inner.__module__):
                helpers.append(value)
            elif value is not None:
                line = _global_line(name, value)
                if line:
                    imports.append(line)
    body = "\n".join(lines[node.lineno - 1:node.end_lineno]) + "\n"
    return "\n".join(header) + ("\n" if header else "") + body, helpers, imports


def _names_used(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_used(const)
    return names


def global_lines(funcs: Sequence[Callable[..., Any]], defined: set[str]) -> list[str]:
    """Imports and constants the functions take from their modules' globals."""
    out: list[str] = []
    for func in funcs:
        func = inspect.unwrap(func)
        glb = getattr(func, "__globals__", {})
        code = getattr(func, "__code__", None)
        if code is None:
            continue
        for name in sorted(_names_used(code)):
            if name in defined or name not in glb:
                continue
            line = _global_line(name, glb[name])
            if line and line not in out:
                out.append(line)
    return out


def _global_line(name: str, value: Any) -> str | None:
    if isinstance(value, types.ModuleType):
        module_name = value.__name__
        if module_name == name:
            return f"import {module_name}"
        if "." in module_name and module_name.rsplit(".", 1)[1] == name:
            return f"from {module_name.rsplit('.', 1)[0]} import {name}"
        return f"import {module_name} as {name}"
    mod = getattr(value, "__module__", None)
    qual = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if (isinstance(mod, str) and mod not in ("__main__", "builtins") and isinstance(qual, str) and "." not in qual
            and getattr(sys.modules.get(mod), qual, None) is value):
        return f"from {mod} import {qual}" + ("" if qual == name else f" as {name}")
    if is_basic(value) and len(repr(value)) < 2000:
        return f"{name} = {value!r}"
    return None


def function_script(func: Callable[..., Any], *, return_names: Sequence[str],
                    helper_functions: Sequence[Callable[..., Any]] = (),
                    step_name: str = "", skip_global_imports: bool = False, working_dir: str | None = None) -> str:
    """The standalone script of a function step. ``working_dir``: the folder the pipeline was
    started from, put on ``sys.path`` when it exists where the step runs (its local modules)."""
    step_source, decorators, decorator_imports = decorated_source(func)
    step = user_function(func)
    funcs = [*helper_functions, *[d for d in decorators if d not in helper_functions], step]
    sources = [function_source(f) for f in funcs[:-1]] + [step_source]
    defined = {user_function(f).__name__ for f in funcs}
    header = (f'"""Pipeline step {step_name or func.__name__!r}: function {func.__name__}, '
              'written out by jupyter-ext."""')
    # annotations stay text: they may name what only the defining module imported
    parts = [header, "from __future__ import annotations"]
    if working_dir:
        parts.append(f"import os as _os\nimport sys as _sys\n\nif _os.path.isdir({working_dir!r}) and "
                     f"{working_dir!r} not in _sys.path:\n    _sys.path.append({working_dir!r})")
    if not skip_global_imports:
        lines = global_lines(funcs, defined)
        lines += [line for line in decorator_imports if line not in lines]
        if lines:
            parts.append("\n".join(lines))
    parts.extend(sources)
    parts.append(f"if __name__ == \"__main__\":\n"
                 f"    from jupyter_ext.sdk.pipelines.function_step import run_function_step\n\n"
                 f"    run_function_step({step.__name__}, {list(return_names)!r})\n")
    return "\n\n".join(parts)


def requirements_of(script: str) -> list[str]:
    """Top-level modules the script imports that are not part of Python itself."""
    found: list[str] = []
    for node in ast.walk(ast.parse(script)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        for n in names:
            top = n.split(".")[0]
            if top not in sys.stdlib_module_names and top not in found and top != "jupyter_ext":
                found.append(top)
    return found


# -- in the step's own process -----------------------------------------------------------------------
def current_step_task_id() -> str | None:
    for var in TASK_ID_VARS:
        if os.environ.get(var):
            return os.environ[var]
    return None


def load_artifact_input(reference: str) -> Any:
    """``<task id>.<artifact name>`` -> the stored object."""
    from jupyter_ext.sdk.tasks.task import Task

    task_id, _, name = reference.partition(".")
    if not task_id or not name:
        raise InvalidArgument(f"artifact input {reference!r} must be '<task id>.<artifact name>'")
    artifacts = Task.get_task(task_id=task_id).artifacts
    if name not in artifacts:
        raise InvalidArgument(f"task {task_id} has no artifact {name!r} (it has: {', '.join(artifacts) or 'none'})")
    return artifacts[name].get()


def step_arguments(parameters: Mapping[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    for key, value in parameters.items():
        section, _, name = key.partition("/")
        if section == KWARGS:
            kwargs[name] = value
    for key, value in parameters.items():
        section, _, name = key.partition("/")
        if section == KWARGS_ARTIFACTS and value:
            kwargs[name] = load_artifact_input(str(value))
    return kwargs


def store_results(task: Any, result: Any, return_names: Sequence[str]) -> None:
    """Each return value as a pickled artifact (so a str stays a str, a dict a dict)."""
    names = list(return_names)
    if not names:
        return
    if len(names) == 1:
        values = [result]
    else:
        if not isinstance(result, (tuple, list)) or len(result) != len(names):
            raise InvalidArgument(f"the function declares {len(names)} return values {names} but returned "
                                  f"{type(result).__name__}; return a tuple of {len(names)} values")
        values = list(result)
    for name, value in zip(names, values, strict=True):
        if not task.upload_artifact(name, value, extension_name=".pkl", wait_on_upload=True):
            raise RuntimeError(f"return value {name!r} could not be stored")


def run_function_step(func: Callable[..., Any], return_names: Sequence[str]) -> Any:
    """Run ``func`` as the step task named by ``JUPYTER_TRACK_TASK_ID``: arguments from the task's
    parameters and artifact inputs, return values stored as its artifacts."""
    from jupyter_ext.sdk.tasks.task import Task

    task_id = current_step_task_id()
    if not task_id:
        raise SystemExit("this script is a pipeline step: run it with `jupyter track agent execute --id TASK_ID`")
    task = Task.init()  # attaches to the step task (JUPYTER_TRACK_TASK_ID)
    if task.id != task_id:
        raise SystemExit(f"Task.init did not attach to step task {task_id} (got {task.id})")
    result = func(**step_arguments(task.get_parameters()))
    store_results(task, result, return_names)
    return result
