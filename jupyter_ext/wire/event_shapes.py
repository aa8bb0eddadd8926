"""The body of a batch of reported events (``POST events``, ``tasks/{id}/events``), as typed shapes
for the document; ``wire/event_codec.py`` reads and checks such a body as it decodes it."""
from __future__ import annotations

import dataclasses
from typing import Literal

from jupyter_ext.core.rules import limits as L
from jupyter_ext.core.rules.events import MAX_TEXT
from jupyter_ext.wire.shapes import _EPOCH, _ID, _INT64, _SHA, _URL_SCHEMES

# base64 of little-endian 8-byte numbers (the SDK's packed columns)
_PACKED = "^(?:[A-Za-z0-9+/]{32})*(?:[A-Za-z0-9+/]{10}[AEIMQUYcgkosw048]=|[A-Za-z0-9+/]{21}[AQgw]==)?$"

_LABEL = L.label_field()


@dataclasses.dataclass(frozen=True)
class Packed:
    """A column of numbers as base64 of little-endian items (``dtype``, float64 by default): how
    the SDK sends points, a quarter of JSON's size."""

    b64: str = dataclasses.field(metadata={"pattern": _PACKED})
    dtype: Literal["<f8", "<i8", "<f4", "<i4"] | None = None


@dataclasses.dataclass(frozen=True)
class PackedInts:
    """A column of int64 as base64 of little-endian items."""

    b64: str = dataclasses.field(metadata={"pattern": _PACKED})
    dtype: Literal["<i8"] | None = None


@dataclasses.dataclass(frozen=True)
class ScalarSeriesIn:
    """One series' points as equal-length lists (or packed columns, as the SDK sends them).
    ``time``: epoch seconds per point (now, if left out)."""

    title: str = dataclasses.field(metadata=_LABEL)
    series: str = dataclasses.field(metadata=_LABEL)
    iter: list[int] | PackedInts = dataclasses.field(metadata={"items": _INT64})
    value: list[float | None] | Packed
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    time: list[float] | Packed | None = dataclasses.field(default=None, metadata={"items": _EPOCH})


@dataclasses.dataclass(frozen=True)
class SingleValueIn:
    name: str = dataclasses.field(metadata=_LABEL)
    value: float | None
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    time: float | None = dataclasses.field(default=None, metadata=_EPOCH)


@dataclasses.dataclass(frozen=True)
class PlotIn:
    title: str = dataclasses.field(metadata=_LABEL)
    series: str = dataclasses.field(metadata=_LABEL)
    iteration: int = dataclasses.field(metadata=_INT64)
    figure: str = dataclasses.field(metadata={"description": "the figure as JSON text (plotly)"})
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    time: float | None = dataclasses.field(default=None, metadata=_EPOCH)


@dataclasses.dataclass(frozen=True)
class DebugSampleIn:
    """An image, audio, video or file shown under ``title``/``series``: stored bytes
    (``blob_sha256``) or a link (``url`` of a safe scheme)."""

    title: str = dataclasses.field(metadata=_LABEL)
    series: str = dataclasses.field(metadata=_LABEL)
    iteration: int = dataclasses.field(metadata=_INT64)
    file_name: str = dataclasses.field(metadata=_LABEL)
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    kind: str | None = dataclasses.field(default=None, metadata=L.label_field(256))
    blob_sha256: str | None = dataclasses.field(default=None, metadata=_SHA)
    size: int | None = dataclasses.field(default=None, metadata=_INT64)
    url: str | None = dataclasses.field(default=None, metadata={
        "maxLength": L.URL, "pattern": f"^({_URL_SCHEMES}):[^\\x00-\\x1f\\x7f]*$"})
    content_type: str | None = dataclasses.field(default=None, metadata=L.label_field(256))
    max_history: int | None = dataclasses.field(default=None, metadata=_INT64)
    time: float | None = dataclasses.field(default=None, metadata=_EPOCH)


@dataclasses.dataclass(frozen=True)
class ConsoleIn:
    text: str = dataclasses.field(metadata=L.text_field(MAX_TEXT))
    level: int | None = dataclasses.field(default=None, metadata={"minimum": 0, "maximum": 100})
    task_id: str | None = dataclasses.field(default=None, metadata=_ID)
    time: float | None = dataclasses.field(default=None, metadata=_EPOCH)


@dataclasses.dataclass(frozen=True)
class EventsIn:
    """A batch of reported events. On ``events`` each names its ``task_id``; on a task's own
    ``tasks/{id}/events`` it may leave it out. A series' ``iter``, ``value`` and ``time`` have one length."""

    CHECKED_BY_CODEC = True  # wire/event_codec.batch_in checks every field as it reads the batch, once

    scalars: list[ScalarSeriesIn] = dataclasses.field(default_factory=list)
    single_values: list[SingleValueIn] = dataclasses.field(default_factory=list)
    plots: list[PlotIn] = dataclasses.field(default_factory=list)
    debug_samples: list[DebugSampleIn] = dataclasses.field(default_factory=list)
    console: list[ConsoleIn] = dataclasses.field(default_factory=list)
