"""One parsed request, as the operations see it: path parameters, query, JSON body, caller.

Parsing refuses bad input with :class:`InvalidArgument` saying which parameter was wrong and
what it should be; operations never touch tornado.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from jupyter_ext.errors import InvalidArgument

if TYPE_CHECKING:
    from jupyter_ext.client.local import LocalBackend
    from jupyter_ext.server.services import Services


@dataclasses.dataclass(frozen=True)
class Principal:
    """Who is calling: a Jupyter user (browser) or an API key (SDKs, agents)."""

    username: str
    via: str  # "jupyter" | "key" | "token"
    access_key: str = ""
    name: str = ""
    display_name: str = ""
    initials: str = ""
    avatar_url: str | None = None
    color: str | None = None
    scope: str = "full"  # a key's: full | read | agent
    vouched: bool = False  # the name is the server's word (a key's owner, a JupyterHub user), not a claim


def as_principal(user: Any, *, hub: bool = False) -> Principal:
    """The caller as operations see it: a key's Principal as it is, or a Jupyter user (browser)."""
    if isinstance(user, Principal):
        if user.via in ("key", "token") and not user.vouched and not user.username.startswith("key:"):
            return dataclasses.replace(user, vouched=True)
        return user
    name = getattr(user, "username", None) or getattr(user, "name", None) or str(user)
    return Principal(username=str(name), via="jupyter", display_name=str(getattr(user, "display_name", "") or ""),
                     initials=str(getattr(user, "initials", "") or ""), avatar_url=getattr(user, "avatar_url", None),
                     color=getattr(user, "color", None), vouched=hub)


@dataclasses.dataclass(frozen=True)
class Reply:
    body: Any
    status: int = 200


@dataclasses.dataclass(frozen=True)
class Encoded:
    """A response body already serialised (a cached chart)."""

    payload: bytes


@dataclasses.dataclass
class Call:
    services: Services
    path: dict[str, str]
    query: Mapping[str, list[bytes]]
    body_bytes: bytes | bytearray
    user: Principal
    base_url: str = "/"

    @property
    def backend(self) -> LocalBackend:
        return self.services.backend

    # -- query ------------------------------------------------------------------------------------
    def q(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        if not values:
            return default
        return values[-1].decode("utf-8", "replace")

    def q_list(self, name: str, *, commas: bool = True) -> list[str] | None:
        values = self.query.get(name)
        if not values:
            return None
        out: list[str] = []
        for raw in values:
            text = raw.decode("utf-8", "replace")
            out.extend([v for v in text.split(",") if v] if commas else [text])
        return out

    def q_int(self, name: str, default: int | None = None, *, lo: int = 0, hi: int = 2**62) -> int | None:
        text = self.q(name)
        if text is None or text == "":
            return default
        try:
            value = int(text)
        except ValueError:
            raise InvalidArgument(f"query parameter {name} must be an integer, got {text!r}") from None
        if not lo <= value <= hi:
            raise InvalidArgument(f"query parameter {name} must be between {lo} and {hi}, got {value}")
        return value

    def q_bool(self, name: str, default: bool | None = None) -> bool | None:
        text = self.q(name)
        if text is None or text == "":
            return default
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise InvalidArgument(f"query parameter {name} must be true or false, got {text!r}")

    # -- body -------------------------------------------------------------------------------------
    @property
    def body(self) -> dict[str, Any]:
        from jupyter_ext.wire import codec

        cached = self.__dict__.get("_body")
        if cached is None:
            parsed = codec.loads(self.body_bytes) if self.body_bytes and not self.body_bytes.isspace() else {}
            if not isinstance(parsed, dict):
                raise InvalidArgument("the request body must be a JSON object")
            self.__dict__["_body"] = cached = parsed
        return cached

    def edits(self, cleared_by_null: tuple[str, ...] = ()) -> dict[str, Any]:
        """A PATCH body's fields to change: null keeps a field as it is (the route table's rule),
        but for those in ``cleared_by_null``, which null clears."""
        return {k: v for k, v in self.body.items() if v is not None or k in cleared_by_null}

    def b(self, name: str, default: Any = None, kind: type | tuple[type, ...] | None = None) -> Any:
        value = self.body.get(name)
        if value is None:  # null is as if left out (the route table's rule, wire/validate.py)
            value = default
        if kind is not None and value is not None and not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise InvalidArgument(f"body field {name} must be {names}, got {type(value).__name__}")
        return value

    def announce(self, kind: str, ident: str, fields: list[str], **extra: Any) -> None:
        self.services.changes.announce(kind, ident, fields, **extra)
