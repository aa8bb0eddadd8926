"""Loading into a running Jupyter server: the API under its base_url, on the same store the
kernels write (the settings in force: ``JUPYTER_TRACK_HOME``, ``track.toml``), or, when the
settings name a team server (``api_host``), forwarded to it (server/proxy.py)."""
from __future__ import annotations

import os
from typing import Any

from jupyter_ext.server.app import handlers
from jupyter_ext.server.services import Services


def load(server_app: Any) -> None:
    from jupyter_ext import config

    cfg = config.load()
    web_app = server_app.web_app
    base_url = web_app.settings.get("base_url", "/")
    if cfg.api_host:
        _forward(server_app, cfg, base_url)
    else:
        services = Services.open(cfg.store_url, cfg.blob_url, task_timeout=cfg.task_timeout)
        # Under JupyterHub the Jupyter user is the Hub's word, not a claim: what it creates carries it.
        services.jupyter_identity = bool(os.environ.get("JUPYTERHUB_API_TOKEN"))
        services.workspace = str(getattr(server_app, "root_dir", "") or "") or None
        web_app.settings["jupyter_track_services"] = services
        web_app.add_handlers(".*$", handlers(services, base_url, jupyter=True))
        server_app.log.info("jupyter-ext: tracking API at %strack/api/v1/ (store %s)", base_url,
                            _shown(cfg.store_url))
    from jupyter_ext.notebook import autoload

    autoload.install(server_app)  # kernels of notebook sessions load %track by themselves


def _forward(server_app: Any, cfg: Any, base_url: str) -> None:
    from jupyter_ext import errors
    from jupyter_ext.server import proxy

    try:
        upstream = proxy.Upstream.from_config(cfg)
    except errors.TrackError as exc:
        # The panels must say what is wrong, not show the empty local store as if it were the team's.
        server_app.log.error("jupyter-ext: cannot show the team server %s: %s", cfg.api_host, exc)
        server_app.web_app.add_handlers(".*$", proxy.refusing_handlers(exc, base_url))
        return
    server_app.web_app.settings["jupyter_track_upstream"] = upstream
    server_app.web_app.add_handlers(".*$", proxy.handlers(upstream, base_url))
    server_app.log.info("jupyter-ext: tracking API at %strack/api/v1/ forwarded to the team server %s", base_url,
                        upstream.host)


def _shown(url: str) -> str:
    from jupyter_ext.core.rules.redact import redact_url

    return redact_url(url)
