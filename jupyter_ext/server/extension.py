"""Loading into a running Jupyter server: the API under its base_url, on the same store the
kernels write (the settings in force: ``JUPYTER_TRACK_HOME``, ``track.toml``)."""
from __future__ import annotations

from typing import Any

from jupyter_ext.server.app import handlers
from jupyter_ext.server.services import Services


def load(server_app: Any) -> None:
    from jupyter_ext import config

    cfg = config.load()
    web_app = server_app.web_app
    base_url = web_app.settings.get("base_url", "/")
    services = Services.open(cfg.store_url, cfg.blob_url)
    web_app.settings["jupyter_track_services"] = services
    services.workspace = str(getattr(server_app, "root_dir", "") or "") or None
    web_app.add_handlers(".*$", handlers(services, base_url, jupyter=True))
    from jupyter_ext.notebook import autoload

    autoload.install(server_app)  # kernels of notebook sessions load %track by themselves
    server_app.log.info("jupyter-ext: tracking API at %strack/api/v1/ (store %s)", base_url, _shown(cfg.store_url))


def _shown(url: str) -> str:
    from jupyter_ext.core.rules.redact import redact_url

    return redact_url(url)
