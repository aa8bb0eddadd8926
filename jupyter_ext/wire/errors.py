"""One JSON error shape, mapped from the error hierarchy and back.

``{"error": {"type": "NotFound", "code": "not_found", "message": "..."}}`` with the HTTP status
the exception class names, so a client raises the very class the server raised.
"""
from __future__ import annotations

from typing import Any

from jupyter_ext import errors

_BY_TYPE: dict[str, type[errors.TrackError]] = {
    cls.__name__: cls for cls in errors._BY_CODE.values()
}


def error_body(exc: errors.TrackError) -> dict[str, Any]:
    return {"error": {"type": type(exc).__name__, "code": exc.code, "message": exc.message}}


def error_from_body(status: int, body: Any) -> errors.TrackError:
    """The exception a response carries; a body not in our shape (a proxy's HTML page, say)
    still gives the class the status means."""
    payload = body.get("error") if isinstance(body, dict) else None
    if isinstance(payload, dict):
        cls = _BY_TYPE.get(str(payload.get("type", "")))
        message = str(payload.get("message") or f"HTTP {status}")
        if cls is None:
            return errors.from_dict({"code": str(payload.get("code", "")), "message": message})
        return cls(message)
    return for_status(status, f"HTTP {status}: {str(body)[:200]}")


def for_status(status: int, message: str) -> errors.TrackError:
    for cls in (errors.NotFound, errors.InvalidArgument, errors.Unauthenticated, errors.Forbidden,
                errors.Unavailable):
        if cls.http_status == status:
            return cls(message)
    if status == 409:
        return errors.Conflict(message)
    if status in (413, 414, 405, 422):
        return errors.InvalidArgument(message)
    if status == 507:
        return errors.StorageFull(message)
    if status in (502, 504):
        return errors.Unavailable(message)
    return errors.TrackError(message)
