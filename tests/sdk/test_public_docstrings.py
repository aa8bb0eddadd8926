"""Every public SDK name has a docstring: the names ``jupyter_ext`` exports, and everything public
on the objects they return (found through the return annotations, plus the few objects a user
meets that no annotation names), inherited methods included.

``python tests/sdk/test_public_docstrings.py`` prints the count and the names still missing one.
"""
from __future__ import annotations

import enum
import importlib
import inspect
import pkgutil
import re
import sys
import typing
from collections.abc import Callable, Iterator

import jupyter_ext

_OWN = "jupyter_ext."
# Objects a user meets that no return annotation names: ``task.artifacts`` (typed as a Mapping),
# ``task.connect(dict)``, a component's result inside a decorated pipeline, the frameworks a
# model names, and the errors a user may catch.
_ALSO_MET = (
    ("jupyter_ext.sdk.artifacts.artifact", "ArtifactsView"),
    ("jupyter_ext.sdk.tasks.params", "ConnectedDict"),
    ("jupyter_ext.sdk.pipelines.decorator", "LazyResult"),
    ("jupyter_ext.sdk.models.model", "Framework"),
    ("jupyter_ext.sdk.tasks.queue", "ExecutedRemotely"),
    ("jupyter_ext.sdk.artifacts.artifact", "UnsafeArtifactError"),
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _own_classes() -> dict[str, list[type]]:
    """Classes defined in ``jupyter_ext.sdk`` by name, to resolve annotations that name a class
    imported only for type checking."""
    import jupyter_ext.sdk

    found: dict[str, list[type]] = {}
    for info in pkgutil.walk_packages(jupyter_ext.sdk.__path__, "jupyter_ext.sdk."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == info.name:
                found.setdefault(value.__name__, []).append(value)
    return found


def _members(cls: type) -> Iterator[tuple[str, str, object]]:
    """(owner, name, member) for the public members of ``cls`` defined in this package, the first
    definition along the MRO, so a mixin's method counts once per class that exposes it."""
    seen: set[str] = set()
    for owner in cls.__mro__:
        if not owner.__module__.startswith(_OWN):
            continue
        for name, raw in vars(owner).items():
            if name.startswith("_") or name in seen:
                continue
            seen.add(name)
            if isinstance(raw, (staticmethod, classmethod)):
                raw = raw.__func__
            if isinstance(raw, (property, enum.Enum)) or inspect.isfunction(raw) or inspect.isclass(raw):
                yield owner.__qualname__, name, raw


def _returned_classes(member: object, own: dict[str, list[type]]) -> Iterator[type]:
    """The package's classes named in a function's or property's return annotation."""
    func = member.fget if isinstance(member, property) else member
    if not callable(func):
        return
    annotation = getattr(func, "__annotations__", {}).get("return")
    if annotation is None:
        return
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", repr(annotation))
    module_globals: dict[str, object] = getattr(sys.modules.get(func.__module__), "__dict__", {})
    for word in _IDENTIFIER.findall(text):
        value = module_globals.get(word)
        candidates = [value] if inspect.isclass(value) else own.get(word, [])
        for cls in candidates:
            if isinstance(cls, type) and cls.__module__.startswith(_OWN):
                yield cls


def public_names() -> list[tuple[str, str, bool]]:
    """(name as the user reaches it, where it is defined, has a docstring) for every public SDK
    name: ``Task.get_parameter`` is defined on ``ParametersMixin``."""
    own = _own_classes()
    names: dict[str, tuple[str, bool]] = {}
    queue: list[type] = []
    for export in jupyter_ext.__all__:
        if export.startswith("_"):
            continue
        value = getattr(jupyter_ext, export)
        if inspect.isclass(value):
            queue.append(value)
        else:
            names[f"jupyter_ext.{export}"] = (f"{value.__module__}.{export}", bool(inspect.getdoc(value)))
            queue.extend(_returned_classes(value, own))
    queue.extend(getattr(importlib.import_module(module), name) for module, name in _ALSO_MET)
    done: set[type] = set()
    while queue:
        cls = queue.pop()
        if cls in done or cls.__name__.startswith("_"):
            continue
        done.add(cls)
        names[cls.__qualname__] = (cls.__qualname__, bool(cls.__doc__ and cls.__doc__.strip()))
        for owner, name, member in _members(cls):
            if isinstance(member, enum.Enum):
                continue  # a value of an enum: named by its class's docstring
            if inspect.isclass(member):
                queue.append(member)
                continue
            names[f"{cls.__qualname__}.{name}"] = (f"{owner}.{name}", _has_doc(member))
            queue.extend(_returned_classes(member, own))
    return sorted((name, where, documented) for name, (where, documented) in names.items())


def _has_doc(member: object) -> bool:
    doc = member.__doc__ if isinstance(member, property) else typing.cast(Callable[..., object], member).__doc__
    return bool(doc and doc.strip())


def test_every_public_sdk_name_has_a_docstring() -> None:
    names = public_names()
    missing = [name if where == name else f"{name} (defined as {where})"
               for name, where, documented in names if not documented]
    assert len(names) > 250, f"the walk found only {len(names)} public names; it has lost its way"
    assert not missing, f"{len(missing)} of {len(names)} public SDK names have no docstring:\n  " + "\n  ".join(missing)


if __name__ == "__main__":
    found = public_names()
    lacking = [(name, where) for name, where, documented in found if not documented]
    print("\n".join(f"{name}  ({where})" for name, where in lacking))
    definitions = {where: documented for _, where, documented in found}
    print(f"{len(lacking)} of {len(found)} public SDK names lack a docstring "
          f"({sum(not d for d in definitions.values())} of {len(definitions)} definitions)")
