"""Every parameter of a public SDK function is either read or declared to ``ignored()`` with
ClearML's default, and the docs table of those parameters is the one ``_compat`` generates."""
from __future__ import annotations

import ast
import enum
import importlib
import inspect
import pathlib
import textwrap
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import jupyter_ext
from jupyter_ext.sdk import _compat
from tests.sdk.test_public_docstrings import _ALSO_MET, _members, _own_classes, _returned_classes

_DOCS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "clearml-compatibility.md"


def public_functions() -> dict[str, Callable[..., Any]]:
    """``{"Task.init": function, "PipelineController": its __init__, ...}`` for every public SDK
    function and constructor a user reaches, inherited ones under the name the user calls."""
    own = _own_classes()
    found: dict[str, Callable[..., Any]] = {}
    queue: list[type] = []
    for export in jupyter_ext.__all__:
        value = getattr(jupyter_ext, export)
        if inspect.isclass(value):
            queue.append(value)
        elif inspect.isfunction(value):
            found[export] = value
    queue.extend(getattr(importlib.import_module(module), name) for module, name in _ALSO_MET)
    done: set[type] = set()
    while queue:
        cls = queue.pop()
        if cls in done or cls.__name__.startswith("_"):
            continue
        done.add(cls)
        init = next((vars(owner)["__init__"] for owner in cls.__mro__
                     if owner.__module__.startswith("jupyter_ext.") and "__init__" in vars(owner)), None)
        if inspect.isfunction(init):
            found[cls.__qualname__] = init
        for _owner, name, member in _members(cls):
            if inspect.isclass(member):
                queue.append(member)
            elif inspect.isfunction(member) and not isinstance(member, enum.Enum):
                found[f"{cls.__qualname__}.{name}"] = member
                queue.extend(_returned_classes(member, own))
    return found


def _source_tree(func: Callable[..., Any]) -> ast.FunctionDef | None:
    try:
        source = inspect.getsource(inspect.unwrap(func))
    except (OSError, TypeError):  # made at run time (a dataclass's __init__)
        return None
    node = ast.parse(textwrap.dedent(source)).body[0]
    return node if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) else None  # type: ignore[return-value]


def _declarations(tree: ast.FunctionDef) -> list[tuple[str, str, ast.expr]]:
    """(where, parameter, value expression) of each ``ignored(...)`` call in the body."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ignored":
            where = node.args[0]
            assert isinstance(where, ast.Constant), "ignored() takes the function's name as a literal"
            out.extend((where.value, kw.arg or "", kw.value) for kw in node.keywords)
    return out


def _read_names(tree: ast.FunctionDef) -> set[str]:
    """Names the body reads, not counting reads inside ``ignored(...)``."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ignored":
            skip.update(id(sub) for sub in ast.walk(node))
    return {node.id for statement in tree.body for node in ast.walk(statement)
            if isinstance(node, ast.Name) and id(node) not in skip}


def _parameters(tree: ast.FunctionDef) -> list[str]:
    args = tree.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    # "_name" says "deliberately unused" (ClearML's extra keywords swallowed by ``**_``).
    return [name for name in names if name not in ("self", "cls") and not name.startswith("_")]


def test_every_public_parameter_is_read_or_declared() -> None:
    functions = public_functions()
    assert len(functions) > 150, f"the walk found only {len(functions)} functions; it has lost its way"
    problems: list[str] = []
    used: set[tuple[str, str]] = set()
    for name, func in sorted(functions.items()):
        tree = _source_tree(func)
        if tree is None:
            continue
        read = _read_names(tree)
        declared = _declarations(tree)
        defaults = dict(inspect.signature(inspect.unwrap(func)).parameters)
        for where, param, value in declared:
            entry = _compat.DECLARED.get(where, {}).get(param)
            if entry is None:
                problems.append(f"{name}: ignored({where!r}, {param}=...) is not in _compat.DECLARED")
                continue
            used.add((where, param))
            if not (isinstance(value, ast.Name) and value.id == param):
                problems.append(f"{name}: ignored() must pass {param}={param}")
            if param in defaults and defaults[param].default is not entry.default \
                    and defaults[param].default != entry.default:
                problems.append(f"{name}({param}=...): signature default {defaults[param].default!r}, "
                                f"declared {entry.default!r}")
        names_declared = {param for _where, param, _value in declared}
        for param in _parameters(tree):
            if param not in read and param not in names_declared:
                problems.append(f"{name}({param}=...) is never read: use it, or declare it to ignored()")
    unused = {(w, p) for w, params in _compat.DECLARED.items() for p in params} - used
    problems += [f"_compat.DECLARED[{w!r}][{p!r}] is declared but no function calls ignored() with it"
                 for w, p in sorted(unused)]
    assert not problems, "\n".join(problems)


def test_docs_table_is_the_generated_one() -> None:
    assert _DOCS.read_text(encoding="utf-8") == _compat.table(), (
        "docs/clearml-compatibility.md is out of date: run "
        "`python -m jupyter_ext.sdk._compat > docs/clearml-compatibility.md`")


def test_a_non_default_value_warns_once_with_what_happens_instead() -> None:
    _compat.forget_warnings()
    with pytest.warns(UserWarning, match=r"PipelineController\(docker=\.\.\.\) has no effect in jupyter-ext: "
                                         r"steps run in this environment"):
        _compat.ignored("PipelineController", docker="nvidia/cuda", repo=None)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _compat.ignored("PipelineController", docker="other/image")  # said once already
        _compat.ignored("PipelineController", repo=None, pool_frequency=0.2)  # ClearML's defaults
        _compat.ignored("Task.get_parameters", cast=True)  # a documented difference, not warned


def test_a_public_call_with_an_ignored_value_warns(track_home: pathlib.Path) -> None:
    from jupyter_ext import PipelineController

    _compat.forget_warnings()
    with pytest.warns(UserWarning, match=r"PipelineController\(docker_args=\.\.\.\)"):
        PipelineController(name="p", project="P", version="1.0", docker_args="--gpus all")
