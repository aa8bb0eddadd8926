"""The REST API: a Jupyter server extension under ``{base_url}track/api/v1/``, and the same
handlers standalone (``jupyter track server``). Handlers are built from the route table in
:mod:`jupyter_ext.wire.routes`; see ``openapi.json``.
"""
from __future__ import annotations

from typing import Any


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "jupyter_ext.server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    from jupyter_ext.server.extension import load

    load(server_app)

