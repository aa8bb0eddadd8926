"""Rows of the ``api_keys`` and ``server_secrets`` tables."""
from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection

from jupyter_ext.store.schema import api_keys, server_secrets


@dataclasses.dataclass(frozen=True)
class ApiKeyRow:
    access_key: str
    name: str
    user: str
    salt: str
    secret_digest: str
    created: float
    last_used: float | None
    revoked: float | None
    scope: str = "full"  # full | read | agent

    def public(self) -> dict[str, Any]:
        """What may be shown or sent anywhere: everything but the salt and the digest."""
        return {"access_key": self.access_key, "name": self.name, "user": self.user, "created": self.created,
                "last_used": self.last_used, "revoked": self.revoked, "scope": self.scope}


def _row(r: Any) -> ApiKeyRow:
    return ApiKeyRow(access_key=r.access_key, name=r.name, user=r.user or "", salt=r.salt,
                     secret_digest=r.secret_digest, created=r.created, last_used=r.last_used, revoked=r.revoked,
                     scope=r.scope or "full")


def insert(conn: Connection, row: ApiKeyRow) -> None:
    conn.execute(api_keys.insert().values(**dataclasses.asdict(row)))


def get(conn: Connection, access_key: str) -> ApiKeyRow | None:
    r = conn.execute(select(api_keys).where(api_keys.c.access_key == access_key)).first()
    return None if r is None else _row(r)


def list_all(conn: Connection, *, include_revoked: bool) -> list[ApiKeyRow]:
    stmt = select(api_keys).order_by(api_keys.c.created, api_keys.c.access_key)
    if not include_revoked:
        stmt = stmt.where(api_keys.c.revoked.is_(None))
    return [_row(r) for r in conn.execute(stmt)]


def set_fields(conn: Connection, access_key: str, **fields: Any) -> None:
    conn.execute(update(api_keys).where(api_keys.c.access_key == access_key).values(**fields))


def get_secret(conn: Connection, name: str) -> str | None:
    r = conn.execute(select(server_secrets.c.value).where(server_secrets.c.name == name)).first()
    return None if r is None else str(r[0])


def insert_secret(conn: Connection, name: str, value: str, created: float) -> None:
    conn.execute(server_secrets.insert().values(name=name, value=value, created=created))


def delete_secret(conn: Connection, name: str) -> None:
    conn.execute(server_secrets.delete().where(server_secrets.c.name == name))


def revocation_signature(conn: Connection) -> tuple[int, int, float | None]:
    """Differs after any key is revoked or removed: (keys, revoked keys, latest revocation)."""
    r = conn.execute(select(func.count(), func.count(api_keys.c.revoked), func.max(api_keys.c.revoked))).one()
    return int(r[0]), int(r[1]), None if r[2] is None else float(r[2])
