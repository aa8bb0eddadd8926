"""JupyterHub as the team server's identity provider.

Run as a Hub service, or with ``--jupyterhub URL`` (the Hub's API, e.g.
``http://127.0.0.1:8081/hub/api``), the standalone server also accepts
``Authorization: token <JupyterHub API token>``: it asks the Hub whose token it is
(``GET {hub api}/user``, which every token may ask: JupyterHub's ``identify``) and takes the
caller to be that Hub user, vouched for by the Hub. A hub user's JupyterLab uses the token the
Hub gave its server (``JUPYTERHUB_API_TOKEN``), so nobody copies a secret. A hub user the team
server does not know yet is added as a user (with no access until a project is shared with
them, or they start one); a disabled user stays refused. Answers are remembered
``CACHE_SECONDS`` per token (by digest), refusals not at all.
"""
from __future__ import annotations

import hashlib
import json
import time
from typing import Any

import tornado.httpclient

from jupyter_ext.errors import Unauthenticated, Unavailable

CACHE_SECONDS = 60.0


class HubIdentity:
    def __init__(self, api_url: str) -> None:
        self.api_url = api_url.rstrip("/") + "/"
        self._seen: dict[bytes, tuple[str, float]] = {}

    def __repr__(self) -> str:
        return f"HubIdentity({self.api_url!r})"

    async def user_of(self, token: str) -> str:
        """The name of the Hub user whose token this is; :class:`Unauthenticated` when the Hub says
        it is nobody's (or a service's)."""
        digest = hashlib.sha256(token.encode("utf-8")).digest()
        hit = self._seen.get(digest)
        now = time.monotonic()
        if hit is not None and hit[1] > now:
            return hit[0]
        client = tornado.httpclient.AsyncHTTPClient()
        try:
            response = await client.fetch(self.api_url + "user", headers={"Authorization": f"token {token}"},
                                          raise_error=False, request_timeout=10.0)
        except OSError as exc:
            raise Unavailable(f"JupyterHub at {self.api_url} did not answer ({exc}); try again") from exc
        if response.code in (401, 403):
            raise Unauthenticated("JupyterHub does not know this token; log in to the Hub again")
        if response.code != 200:
            raise Unavailable(f"JupyterHub at {self.api_url} answered {response.code} when asked who a token is")
        model: Any = json.loads(response.body or b"{}")
        if not isinstance(model, dict) or model.get("kind", "user") != "user" or not model.get("name"):
            raise Unauthenticated("this JupyterHub token is not a user's (a service's tokens need an API key)")
        name = str(model["name"])
        self._seen[digest] = (name, now + CACHE_SECONDS)
        if len(self._seen) > 10_000:
            self._seen = {k: v for k, v in self._seen.items() if v[1] > now}
        return name


def admit(meta: Any, name: str) -> None:
    """The hub user as a user of this server: added on first sight, refused when disabled."""
    from jupyter_ext.core import users
    from jupyter_ext.errors import AlreadyExists, NotFound

    try:
        row = users.get(meta, name)
    except NotFound:
        try:
            users.add(meta, name, actor="jupyterhub")
        except AlreadyExists:
            pass  # another request added them a moment ago
        return
    if row.disabled is not None:
        raise Unauthenticated(f"user {name!r} is disabled on this server")
