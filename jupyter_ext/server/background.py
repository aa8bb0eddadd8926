"""The standalone API in a background thread of this process, on a free port of 127.0.0.1.

For tests, benchmarks and notebooks that want a real server without a second process.
"""
from __future__ import annotations

import asyncio
import threading
from typing import Any

from jupyter_ext.server.services import Services


class BackgroundServer:
    def __init__(self, store_url: str, blob_url: str, *, ip: str = "127.0.0.1", port: int = 0,
                 workers: int = 4, **services: Any) -> None:
        self.services = Services.open(store_url, blob_url, workers=workers, **services)
        self.loop = asyncio.new_event_loop()
        self.ip = ip
        self.port = port
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._server: Any = None
        self._thread = threading.Thread(target=self._run, name="jupyter-track-api-server", daemon=True)
        self._thread.start()
        if not self._ready.wait(60):
            raise RuntimeError("the API server did not start within 60 s")
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        from jupyter_ext.server.standalone import start

        asyncio.set_event_loop(self.loop)

        async def begin() -> None:
            self._server, self.port = start(self.services, self.ip, self.port)

        try:
            self.loop.run_until_complete(begin())
        except BaseException as exc:  # noqa: BLE001 - handed to the constructor's caller
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()

    @property
    def url(self) -> str:
        return f"http://{self.ip}:{self.port}"

    def create_key(self, name: str = "local") -> tuple[str, str]:
        """A new API key on this server's store: ``(access_key, secret_key)``."""
        from jupyter_ext.core import keys

        return keys.create(self.services.backend.store, name)

    def stop(self) -> None:
        async def end() -> None:
            self._server.stop()
            await self._server.close_all_connections()

        if self._server is not None and self.loop.is_running():
            asyncio.run_coroutine_threadsafe(end(), self.loop).result(10)
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.services.close()
        if not self.loop.is_running():
            self.loop.close()

    def __enter__(self) -> BackgroundServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
