"""An aiohttp app served on 127.0.0.1 from a background thread, for tests that need a real
HTTP server (fetching, the update pipeline, end to end)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LocalServer:
    """An aiohttp app served on 127.0.0.1:<free port> from a background thread."""

    def __init__(self, app: web.Application) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        app.middlewares.append(self._record)
        self._loop = asyncio.new_event_loop()
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.1)
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.port: int = self._call(self._start())

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.requests.append((request.path_qs, dict(request.headers)))
        return await handler(request)

    def _call(self, coro: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)  # type: ignore[arg-type]

    async def _start(self) -> int:
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return int(site._server.sockets[0].getsockname()[1])  # type: ignore[union-attr]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self._call(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()


async def trickle(request: web.Request, content_type: str = "text/html") -> web.StreamResponse:
    """A response that sends a byte every 0.2 s for 100 s: never idle long enough to time out,
    so only a bound on the whole fetch ends it."""
    response = web.StreamResponse(headers={"Content-Type": content_type})
    await response.prepare(request)
    for _ in range(500):
        await response.write(b" ")
        await asyncio.sleep(0.2)
    return response
