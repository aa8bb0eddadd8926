"""JSON Schemas of the row and shape types the route table names, as they travel on the wire.

A dataclass becomes a named schema under ``components/schemas`` (its fields, their types,
which are required, and the ranges a field declares in its ``metadata``); the containers of
``wire/shapes.py`` become inline schemas around them. Times are epoch seconds in Python and
ISO-8601 strings on the wire (``wire/codec.py``), so a time field is a ``date-time`` string here.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from jupyter_ext.wire import shapes
from jupyter_ext.wire.codec import TIME_FIELDS

# Rows whose JSON puts one field's fields at the top level (a pipeline run is its task's row).
_FLATTENED = {"PipelineRunRow": "task"}
# Fields a row leaves out of its JSON when they are None (ModelRow.to_dict).
_OMITTED_WHEN_NONE = {"ModelRow": frozenset({"version", "weights", "link_name"})}
# A queue entry's ``added`` is a time; a dataset version's ``added`` is a count (an int).
_WIRE_TIMES = TIME_FIELDS | {"added"}
_RANGES = frozenset({"minimum", "maximum", "pattern", "minLength", "maxLength", "enum", "format", "minItems",
                     "description"})


class Schemas:
    """Collects the named schemas met while describing the routes."""

    def __init__(self) -> None:
        self.named: dict[str, dict[str, Any]] = {}

    def of(self, kind: Any, *, request: bool = False) -> dict[str, Any]:
        """The schema of a route's body or answer."""
        if kind is None:
            return {"type": "object", "additionalProperties": False}
        if kind == shapes.JSON:
            return {"type": "object", "additionalProperties": True}
        if kind == shapes.BINARY:
            return {"type": "string", "format": "binary"}
        if isinstance(kind, shapes.Items):
            return {"type": "object", "required": ["items", "total"], "properties": {
                "items": {"type": "array", "items": self.type_of(kind.of)},
                "total": {"type": "integer", "minimum": 0}}}
        if isinstance(kind, shapes.MapOf):
            return {"type": "object", "additionalProperties": self.type_of(kind.of)}
        if isinstance(kind, shapes.Partial):
            self.type_of(kind.of)
            props = dict(self.named[self._name(kind.of)]["properties"])
            props["columns"] = {"type": "object", "additionalProperties": True,
                                "description": "values of the columns= asked for, by column name"}
            return {"type": "object", "required": ["id"], "properties": props}
        if isinstance(kind, shapes.With):
            extra = {name: self.type_of(t) for name, t in kind.extra}
            if kind.base == shapes.JSON:
                return {"type": "object", "required": sorted(extra), "properties": extra}
            return {"allOf": [self.type_of(kind.base),
                              {"type": "object", "required": sorted(extra), "properties": extra}]}
        return self.type_of(kind, request=request)

    # -- one Python type ---------------------------------------------------------------------------
    def type_of(self, tp: Any, *, request: bool = False, field: str = "") -> dict[str, Any]:
        if dataclasses.is_dataclass(tp) and isinstance(tp, type):
            name = self._name(tp)
            if name not in self.named:
                self.named[name] = {}  # a placeholder first: a row may name itself
                self.named[name] = self._object(tp, request=request)
            return {"$ref": f"#/components/schemas/{name}"}
        if tp == shapes.JSON:
            return {"type": "object", "additionalProperties": True}
        if isinstance(tp, (shapes.Items, shapes.MapOf, shapes.Partial, shapes.With)):
            return self.of(tp)
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (typing.Union, types.UnionType):
            kinds = [a for a in args if a is not type(None)]
            one = self.type_of(kinds[0], field=field) if len(kinds) == 1 else {
                "oneOf": [self.type_of(a, field=field) for a in kinds]}
            if type(None) in args:
                return {**one, "nullable": True} if "$ref" not in one else {"allOf": [one], "nullable": True}
            return one
        if origin is typing.Literal:
            return {"type": "string", "enum": list(args)}
        if origin in (list, tuple) or tp in (list, tuple):
            item = args[0] if args else Any
            return {"type": "array", "items": self.type_of(item)}
        if origin is dict or tp is dict:
            value = args[1] if len(args) == 2 else Any
            return {"type": "object", "additionalProperties": True if value is Any else self.type_of(value)}
        if tp is Any or tp is object:
            return {}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if tp is float:
            if field in _WIRE_TIMES:
                return {"type": "string", "format": "date-time"}
            return {"type": "number"}
        if tp is str:
            return {"type": "string"}
        raise TypeError(f"no JSON Schema for {tp!r} (field {field or '?'})")

    def _object(self, cls: type, *, request: bool) -> dict[str, Any]:
        hints = typing.get_type_hints(cls)
        flat = _FLATTENED.get(cls.__name__)
        omitted = _OMITTED_WHEN_NONE.get(cls.__name__, frozenset())
        props: dict[str, Any] = {}
        required: list[str] = []
        for f in dataclasses.fields(cls):
            if f.name == flat:
                continue
            if f.metadata.get("epoch"):  # epoch seconds on the wire (a reported event's time), not ISO text
                schema = {"type": "number", **({"nullable": True} if _optional(hints[f.name]) else {})}
            else:
                schema = self.type_of(hints[f.name], field=f.name)
            if "items" in f.metadata:
                schema = _with_items(schema, {k: v for k, v in f.metadata["items"].items() if k in _RANGES})
            ranges = {k: v for k, v in f.metadata.items() if k in _RANGES}
            if ranges:
                schema = {**schema, **ranges} if "$ref" not in schema else {"allOf": [schema], **ranges}
            props[f.name] = schema
            has_default = f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING
            if not has_default or (not request and not _is_request(cls) and f.name not in omitted):
                required.append(f.name)
        out: dict[str, Any] = {"type": "object", "properties": props}
        if required:
            out["required"] = required
        if request or _is_request(cls):
            out["additionalProperties"] = False  # a body takes its own fields only
            out.update(getattr(cls, "SCHEMA", {}))  # what fields cannot say alone (one of two required)
        doc = (cls.__doc__ or "").strip()
        if doc and not doc.startswith(cls.__name__ + "("):
            out["description"] = " ".join(doc.split())
        if flat is not None:  # its own fields beside those of the row it wraps, at one level
            return {"allOf": [self.type_of(hints[flat]), out]}
        return out

    @staticmethod
    def _name(cls: Any) -> str:
        return str(cls.__name__)


def _optional(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in typing.get_args(tp)


def _with_items(schema: dict[str, Any], ranges: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with ``ranges`` on its array's items (the array may be one branch of a oneOf)."""
    if schema.get("type") == "array":
        return {**schema, "items": {**schema["items"], **ranges}}
    if "oneOf" in schema:
        return {**schema, "oneOf": [_with_items(branch, ranges) for branch in schema["oneOf"]]}
    return schema


def _is_request(cls: type) -> bool:
    """Bodies a caller sends: a field with a default may be left out."""
    return cls.__module__ in (shapes.__name__, _EVENT_SHAPES) and cls.__name__ in _REQUESTS


_EVENT_SHAPES = "jupyter_ext.wire.event_shapes"


_REQUESTS = frozenset({
    "TokenRequest", "GcRequest", "ProjectCreate", "ProjectEdit", "TaskCreate", "TaskEdit", "TaskClone", "Force",
    "StatusChange",
    "ProjectName", "ParametersPut", "ConfigurationPut", "Enqueue", "QueueCreate", "PopNext", "EntryMove",
    "WorkerRegister", "WorkerStatus", "ArtifactPut", "ModelLink", "ModelQuery", "ModelCreate", "ModelEdit",
    "MetadataPut", "VersionAdd", "Archived", "MetricsReport", "DatasetQuery", "DatasetCreate", "DatasetSquash",
    "DatasetEdit", "FileEntry", "FilesAdd", "FilesRemove", "StoredFile", "FilesStored", "ParamIn", "MetricScalar",
    "MetricValue", "MetricPlot", "Packed", "PackedInts", "ScalarSeriesIn", "SingleValueIn", "PlotIn",
    "DebugSampleIn", "ConsoleIn", "EventsIn",
})
