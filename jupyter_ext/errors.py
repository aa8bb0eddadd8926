"""One error hierarchy for every layer.

Each error knows its HTTP status so the REST layer can map it to one JSON shape and the
HTTP client can map it back: a user sees the same exception locally and remotely.
"""
from __future__ import annotations


class TrackError(Exception):
    """Base of every error the tracker raises on purpose."""

    http_status = 500
    code = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        """The error's code and message, ``{"code": "not_found", "message": "..."}``; :func:`from_dict` undoes it."""
        return {"code": self.code, "message": self.message}


class NotFound(TrackError, LookupError):
    http_status = 404
    code = "not_found"


class AlreadyExists(TrackError):
    http_status = 409
    code = "already_exists"


class InvalidArgument(TrackError, ValueError):
    http_status = 400
    code = "invalid_argument"


class Conflict(TrackError):
    """The request is valid but the current state forbids it (e.g. an illegal status change)."""

    http_status = 409
    code = "conflict"


class Unavailable(TrackError):
    """The backend cannot be reached or opened right now; retrying later may succeed."""

    http_status = 503
    code = "unavailable"


class StorageFull(Unavailable):
    """The server's disk (or quota) is full: nothing of the request was kept; free space and retry."""

    http_status = 507
    code = "storage_full"


class NotStored(TrackError, OSError):
    """Something a run handed over (an upload it waited for) could not be stored, not even on disk
    to send later: the home or the store cannot be written."""

    code = "not_stored"


class Unauthenticated(TrackError):
    """No credentials, or credentials that are wrong, revoked or expired."""

    http_status = 401
    code = "unauthenticated"


class Forbidden(TrackError):
    """The caller is known but may not do this."""

    http_status = 403
    code = "forbidden"


_BY_CODE = {
    cls.code: cls
    for cls in (TrackError, NotFound, AlreadyExists, InvalidArgument, Conflict, Unavailable, StorageFull,
                Unauthenticated, Forbidden)
}


def from_dict(payload: dict[str, str]) -> TrackError:
    """Rebuild the exception a server serialised with :meth:`TrackError.to_dict`."""
    cls = _BY_CODE.get(payload.get("code", ""), TrackError)
    return cls(payload.get("message", "unknown error"))
