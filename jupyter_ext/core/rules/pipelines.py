"""The rules of pipelines: step names, the DAG (parents exist, no cycles, levels), the
``${...}`` references of step inputs, and the DAG document stored on a run.

A run is a task of type ``controller`` with the system tag ``pipeline``; its DAG is the JSON
configuration object ``Pipeline``. Step tasks have the run as ``parent_id`` and the system tag
``pipeline-step``. Nothing here knows the SDK: references are resolved through a lookup the
caller passes.
"""
from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from jupyter_ext.errors import InvalidArgument

RUN_TAG = "pipeline"
STEP_TAG = "pipeline-step"
DAG_CONFIG = "Pipeline"
DOC_VERSION = 1
PIPELINE_REF = "pipeline"  # ${pipeline.PARAM}: a pipeline parameter, not a step
MAX_STEP_NAME = 128
KINDS = ("task", "function")

_STEP_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")
_REF = re.compile(r"\$\{([^}]*)\}")
# What may follow ``step.`` besides artifacts/models/parameters/id: the task's own fields (ClearML).
TASK_FIELDS = frozenset({"script", "execution", "container", "output", "comment", "tags", "system_tags",
                         "project", "name", "status", "runtime"})


# -- names and the graph ---------------------------------------------------------------------------
def check_step_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidArgument("a pipeline step needs a non-empty name, e.g. name='prepare_data'")
    if len(name) > MAX_STEP_NAME:
        raise InvalidArgument(f"step name {name[:40]!r}… is longer than {MAX_STEP_NAME} characters")
    if not _STEP_NAME.match(name):
        raise InvalidArgument(f"step name {name!r} may hold only letters, digits, '_' and '-' (it is used in "
                              f"references such as '${{{_suggest(name)}.id}}'); try {_suggest(name)!r}")
    if name == PIPELINE_REF:
        raise InvalidArgument(f"{PIPELINE_REF!r} cannot name a step: '${{pipeline.NAME}}' means a pipeline "
                              f"parameter; choose another name")
    return name


def _suggest(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_\-]+", "_", name).strip("_-") or "step"
    return cleaned if _STEP_NAME.match(cleaned) else f"step_{cleaned}"


def check_dag(parents: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """The steps by level (a step's parents are all on earlier levels; each level in the order
    the steps were given). Raises InvalidArgument for a parent that is no step, a step that is
    its own parent, or a cycle (named step by step)."""
    known = list(parents)
    for name, ps in parents.items():
        for p in ps:
            if p == name:
                raise InvalidArgument(f"step {name!r} lists itself as a parent; remove it from parents=")
            if p not in parents:
                raise InvalidArgument(f"step {name!r} has parent {p!r}, which is not a step of this pipeline "
                                      f"(steps: {', '.join(known) or 'none'}); add that step or fix parents=")
    cycle = find_cycle(parents)
    if cycle:
        raise InvalidArgument(f"the steps form a cycle: {' -> '.join(cycle)}; a step cannot wait for itself, "
                              f"remove one of these parent links")
    level: dict[str, int] = {}
    for name in topological_order(parents):
        level[name] = 1 + max((level[p] for p in parents[name]), default=-1)
    out: list[list[str]] = [[] for _ in range(1 + max(level.values(), default=-1))]
    for name in known:
        out[level[name]].append(name)
    return out


def find_cycle(parents: Mapping[str, Sequence[str]]) -> list[str]:
    """One cycle as ``[a, b, …, a]`` (each step waits for the next), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in parents:
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterable[str]]] = [(start, iter(parents.get(start, ())))]
        state[start] = 1
        path.append(start)
        while stack:
            node, it = stack[-1]
            nxt = next((p for p in it if state.get(p) != 2 and p in parents), None)
            if nxt is None:
                state[node] = 2
                path.pop()
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            else:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(parents.get(nxt, ()))))
    return []


def topological_order(parents: Mapping[str, Sequence[str]]) -> list[str]:
    """Every step after its parents, otherwise in the order given (assumes no cycle)."""
    done: set[str] = set()
    out: list[str] = []
    remaining = list(parents)
    while remaining:
        ready = [n for n in remaining if all(p in done for p in parents[n])]
        if not ready:
            raise InvalidArgument(f"the steps form a cycle: {' -> '.join(find_cycle(parents))}")
        for n in ready:
            done.add(n)
            out.append(n)
        remaining = [n for n in remaining if n not in done]
    return out


def descendants(parents: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """Every step that waits, directly or not, for ``name``, in topological order."""
    below: set[str] = {name}
    for n in topological_order(parents):
        if any(p in below for p in parents[n]):
            below.add(n)
    below.discard(name)
    return [n for n in topological_order(parents) if n in below]


# -- references --------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Ref:
    """``${step.a.b}`` as ``Ref("step", ("a", "b"))``; ``text`` is the whole ``${...}``."""

    step: str
    path: tuple[str, ...]
    text: str

    @property
    def kind(self) -> str:
        """``pipeline``, ``id``, ``artifacts``, ``models``, ``parameters``, ``field`` (a task field
        such as ``script.branch``) or ``return`` (a function step's return value)."""
        if self.step == PIPELINE_REF:
            return "pipeline"
        head = self.path[0]
        if head in ("id", "artifacts", "models", "parameters"):
            return head
        return "field" if head in TASK_FIELDS else "return"


def parse_ref(body: str, text: str | None = None) -> Ref:
    """``step.artifacts.data\\.csv.url`` -> ``Ref("step", ("artifacts", "data.csv", "url"))``."""
    full = text or f"${{{body}}}"
    parts = _split_dots(body.strip())
    if len(parts) < 2 or not all(parts):
        raise InvalidArgument(f"reference {full!r} is malformed: write '${{STEP.id}}', "
                              f"'${{STEP.artifacts.NAME.url}}', '${{STEP.parameters.Section/name}}', "
                              f"'${{STEP.models.output.-1.url}}', '${{STEP.RETURN_NAME}}' or '${{pipeline.PARAM}}'")
    ref = Ref(parts[0], tuple(parts[1:]), full)
    kind = ref.kind
    if kind == "pipeline" and len(ref.path) != 1:
        raise InvalidArgument(f"reference {full!r}: a pipeline parameter is '${{pipeline.NAME}}'")
    if kind == "id" and len(ref.path) != 1:
        raise InvalidArgument(f"reference {full!r}: the task id is '${{{ref.step}.id}}'")
    if kind == "artifacts":
        if len(ref.path) == 2:  # ${step.artifacts.NAME}: its URL, as ClearML's guides use it
            ref = Ref(ref.step, (*ref.path, "url"), full)
        if len(ref.path) != 3:
            raise InvalidArgument(f"reference {full!r}: write '${{{ref.step}.artifacts.NAME.url}}' "
                                  f"(escape a dot inside NAME as '\\.')")
    if kind == "models" and (len(ref.path) != 4 or ref.path[1] not in ("input", "output")):
        raise InvalidArgument(f"reference {full!r}: write '${{{ref.step}.models.output.-1.url}}' "
                              f"(input or output, an index or a model name, an attribute)")
    if kind == "parameters":
        ref = Ref(ref.step, ("parameters", ".".join(ref.path[1:])), full)
    return ref


def _split_dots(body: str) -> list[str]:
    parts: list[str] = []
    cur: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body) and body[i + 1] == ".":
            cur.append(".")
            i += 2
            continue
        if ch == ".":
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur).strip())
    return parts


def find_refs(value: Any, *, recursive: bool = True) -> list[Ref]:
    """The references in a string (or, with ``recursive``, in lists, tuples and dict values)."""
    if isinstance(value, str):
        return [parse_ref(m.group(1), m.group(0)) for m in _REF.finditer(value)]
    if recursive and isinstance(value, (list, tuple)):
        return [r for v in value for r in find_refs(v)]
    if recursive and isinstance(value, Mapping):
        return [r for v in value.values() for r in find_refs(v)]
    return []


def referenced_steps(values: Iterable[Any], *, recursive: bool = True) -> list[str]:
    """Steps named by references in ``values`` (``pipeline`` excluded), first seen first."""
    out: list[str] = []
    for v in values:
        for r in find_refs(v, recursive=recursive):
            if r.kind != "pipeline" and r.step not in out:
                out.append(r.step)
    return out


def check_refs(where: str, values: Iterable[Any], steps: Iterable[str], pipeline_params: Iterable[str], *,
               recursive: bool = True) -> None:
    """Every reference names a known step or pipeline parameter (before anything is stored)."""
    step_names = set(steps)
    params = set(pipeline_params)
    for v in values:
        for r in find_refs(v, recursive=recursive):
            if r.kind == "pipeline" and r.path[0] not in params:
                raise InvalidArgument(f"{where}: {r.text} names pipeline parameter {r.path[0]!r}, which is not "
                                      f"declared; call pipe.add_parameter({r.path[0]!r}, default=...) first "
                                      f"(declared: {', '.join(sorted(params)) or 'none'})")
            if r.kind != "pipeline" and r.step not in step_names:
                raise InvalidArgument(f"{where}: {r.text} names step {r.step!r}, which is not a step of this "
                                      f"pipeline (steps: {', '.join(sorted(step_names)) or 'none'})")


def resolve(value: Any, lookup: Callable[[Ref], Any], *, recursive: bool = True) -> Any:
    """``value`` with each reference replaced by ``lookup(ref)``. A string that is exactly one
    reference becomes the looked-up value itself (its type kept); inside longer text it is
    written with ``str``."""
    if isinstance(value, str):
        whole = _REF.fullmatch(value.strip())
        if whole:
            return lookup(parse_ref(whole.group(1), whole.group(0)))
        return _REF.sub(lambda m: _text(lookup(parse_ref(m.group(1), m.group(0)))), value)
    if recursive and isinstance(value, list):
        return [resolve(v, lookup) for v in value]
    if recursive and isinstance(value, tuple):
        return tuple(resolve(v, lookup) for v in value)
    if recursive and isinstance(value, Mapping):
        return {k: resolve(v, lookup) for k, v in value.items()}
    return value


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value) if isinstance(value, (list, dict)) else str(value)


def pick(obj: Any, path: Sequence[str], what: str) -> Any:
    """Walk ``path`` through dicts, lists (an int index, negative allowed) and attributes."""
    cur = obj
    for i, key in enumerate(path):
        try:
            if isinstance(cur, Mapping):
                cur = cur[key]
            elif isinstance(cur, (list, tuple)):
                cur = cur[int(key)]
            else:
                cur = getattr(cur, key)
        except (KeyError, IndexError, ValueError, AttributeError):
            raise InvalidArgument(f"{what}: nothing at {'.'.join(path[:i + 1])!r}") from None
    return cur


# -- the document stored on a run ------------------------------------------------------------------
NODE_FIELDS = ("name", "parents", "kind", "base_task_id", "task_id", "queue", "state", "continue_on_fail",
               "function", "return_names", "parameters", "message")
# What the controller knows that a task status cannot say: a step never launched, or skipped.
NODE_STATES = ("pending", "launched", "skipped", "cached", "failed", "completed", "aborted")


def dag_document(nodes: Sequence[Mapping[str, Any]], *, parameters: Mapping[str, Any] | None = None,
                 version: str | None = None) -> dict[str, Any]:
    """The ``Pipeline`` configuration object (checked: names, parents, no cycle)."""
    clean: list[dict[str, Any]] = []
    for n in nodes:
        node = {k: n.get(k) for k in NODE_FIELDS}
        node["name"] = check_step_name(node["name"])
        node["parents"] = [str(p) for p in (node["parents"] or ())]
        node["kind"] = node["kind"] or "task"
        if node["kind"] not in KINDS:
            raise InvalidArgument(f"step {node['name']!r}: kind must be one of {', '.join(KINDS)}")
        node["state"] = node["state"] or "pending"
        if node["state"] not in NODE_STATES:
            raise InvalidArgument(f"step {node['name']!r}: state must be one of {', '.join(NODE_STATES)}")
        node["continue_on_fail"] = bool(node["continue_on_fail"])
        node["parameters"] = dict(node["parameters"] or {})
        node["return_names"] = list(node["return_names"] or ())
        clean.append(node)
    names = [n["name"] for n in clean]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InvalidArgument(f"step names must be unique; used more than once: {', '.join(dupes)}")
    check_dag({n["name"]: n["parents"] for n in clean})
    return {"version": DOC_VERSION, "pipeline_version": version or "", "parameters": dict(parameters or {}),
            "nodes": clean}


def parse_document(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise InvalidArgument(f"the {DAG_CONFIG!r} configuration object is not JSON: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("nodes"), list):
        raise InvalidArgument(f"the {DAG_CONFIG!r} configuration object has no 'nodes' list")
    return doc


def node_status(node: Mapping[str, Any], step: Mapping[str, Any] | None) -> str:
    """What a node shows: its task's live status once it has one, else the controller's state."""
    if node.get("state") in ("skipped", "cached") or step is None:
        return str(node.get("state") or "pending")
    return str(step.get("status") or "created")


def view(run: Mapping[str, Any], doc: Mapping[str, Any], steps: Mapping[str, Mapping[str, Any]],
         now: float) -> dict[str, Any]:
    """``get_pipeline``'s answer: the run, each node with its step's live status, start, duration,
    task id and queue, and the edges ``[parent, child]``."""
    nodes: list[dict[str, Any]] = []
    edges: list[list[str]] = []
    for n in doc.get("nodes") or ():
        step = steps.get(str(n.get("task_id") or "")) if n.get("task_id") else None
        started = step.get("started") if step else None
        ended = step.get("completed") if step else None
        duration = None
        if started is not None:
            duration = max(0.0, float(ended if ended is not None else now) - float(started))
        nodes.append({
            "name": n["name"], "parents": list(n.get("parents") or ()), "kind": n.get("kind") or "task",
            "task_id": n.get("task_id"), "base_task_id": n.get("base_task_id"),
            "task_name": step.get("name") if step else None,
            "queue": (step.get("queue") if step else None) or n.get("queue"),
            "status": node_status(n, step), "state": n.get("state") or "pending",
            "status_reason": (step.get("status_reason") if step else None) or n.get("message") or "",
            "started": started, "completed": ended, "duration": duration,
            "continue_on_fail": bool(n.get("continue_on_fail")),
        })
        edges.extend([p, n["name"]] for p in n.get("parents") or ())
    return {"task": dict(run), "version": doc.get("pipeline_version") or "",
            "parameters": dict(doc.get("parameters") or {}), "nodes": nodes, "edges": edges}


def status_counts(nodes: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for n in nodes:
        counts[str(n["status"])] = counts.get(str(n["status"]), 0) + 1
    return counts
