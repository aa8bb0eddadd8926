"""Media files for ``Logger.report_media``: audio, video, HTML or any other file."""

from __future__ import annotations

import io
import os
from typing import Any

from jupyter_ext.errors import InvalidArgument
from jupyter_ext.sdk.logging.figures._files import extension, mime_type, read_file

_FALLBACK_MIME = "application/octet-stream"


def media_from(
    local_path: str | os.PathLike[str] | None = None,
    stream: io.BytesIO | io.StringIO | Any = None,
    file_extension: str | None = None,
) -> tuple[bytes, str, str]:
    """Return ``(content, mime_type, extension)`` for a file given to ``Logger.report_media``.

    Give exactly one of ``local_path`` or ``stream`` (a ``BytesIO``, a ``StringIO`` - encoded as
    UTF-8 - or any object with ``read()``). A stream has no name, so it needs ``file_extension``
    (``"mp4"`` or ``".mp4"``); for a path it overrides the file's own extension. The extension is
    returned lower-case with its dot, e.g. ``".mp4"``; unknown types are ``application/octet-stream``.
    """
    if (local_path is None) == (stream is None):
        raise InvalidArgument("pass exactly one of local_path or stream")
    suffix = _normalise(file_extension)
    if local_path is not None:
        name = os.fspath(local_path)
        content = read_file(name, "media file")
        suffix = suffix or extension(name)
    else:
        if not suffix:
            raise InvalidArgument(
                "a stream has no file name: pass file_extension too, e.g. file_extension='mp4'"
            )
        content = _read_stream(stream)
    return content, mime_type("media" + suffix, content) or _FALLBACK_MIME, suffix


def _normalise(file_extension: str | None) -> str:
    """``"MP4"`` or ``".mp4"`` -> ``".mp4"``; ``None`` -> ``""``."""
    if file_extension is None:
        return ""
    if not isinstance(file_extension, str) or not file_extension.strip(". "):
        raise InvalidArgument(
            f"file_extension must be a non-empty string such as 'mp4'; got {file_extension!r}"
        )
    return "." + file_extension.strip().lstrip(".").lower()


def _read_stream(stream: Any) -> bytes:
    """All the stream's content, whatever its current position."""
    getvalue = getattr(stream, "getvalue", None)
    if callable(getvalue):
        content = getvalue()
    elif callable(getattr(stream, "read", None)):
        content = stream.read()
    else:
        raise InvalidArgument(
            f"stream must be a BytesIO, a StringIO or a file object; got {type(stream).__name__}"
        )
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    raise InvalidArgument(f"stream returned {type(content).__name__}; expected bytes or str")
