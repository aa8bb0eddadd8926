"""Reading user files and naming their content type, for images and media."""

from __future__ import annotations

import mimetypes
import os

from jupyter_ext.errors import InvalidArgument

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


def read_file(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of a local file, or InvalidArgument naming the path."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InvalidArgument(f"cannot read {what} {os.fspath(path)!r}: {exc.strerror or exc}") from exc


def mime_type(name: str, content: bytes = b"") -> str | None:
    """The content type of a file from its name, else from its first bytes (common images only)."""
    guessed, _ = mimetypes.guess_type(name, strict=False)
    if guessed:
        return guessed
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    for magic, kind in _MAGIC:
        if content.startswith(magic):
            return kind
    return None


def extension(name: str) -> str:
    """The lower-case extension of a file name with its dot (``".png"``), or ``""``."""
    return os.path.splitext(name)[1].lower()
