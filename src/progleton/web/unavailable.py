"""A database that cannot be used, as the web reader answers it: 503 Service Unavailable with
what happened and what to do, not a 500.

A request that meets a database locked by another program past the busy timeout, a full disk, a
damaged file or a PostgreSQL server gone fails as every request will until that is fixed; it is
no bug of the page. The failure is read as the CLI reads it (:mod:`progleton.store.failures`)
and answered in a short page (JSON under ``/api/``, plain text for output feeds and images),
with ``Retry-After``; the server's log has it in a line that names the database. Any other
error goes on to the security middleware's 500, as before. No traceback is shown either way.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from ..store.failures import database_failure
from .security import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("progleton.web")

RETRY_AFTER_S = 30
TITLE = "The database cannot be used"


class DatabaseUnavailable:
    """ASGI middleware: a request that failed on a database that cannot be used is answered
    503, in HTML from ``page(path, title, message)`` for the pages. ``database`` names the
    database in the server's log (its address; the page does not show it)."""

    def __init__(self, app: ASGIApp, *, database: Callable[[], Any], page: Callable[[str, str, str], str]) -> None:
        self.app = app
        self.database = database
        self.page = page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception as exc:
            failure = database_failure(exc, again="try again")  # without the database's address
            if failure is None or started:
                raise
            path = str(scope.get("path", ""))
            log.error("request failed path=%s: %s", path, database_failure(exc, self.database()))
            body, content_type = self._answer(path, str(failure))
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(RETRY_AFTER_S).encode()), (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": body})

    def _answer(self, path: str, message: str) -> tuple[bytes, str]:
        if path.startswith("/api/"):
            return json.dumps({"detail": message}).encode(), "application/json"
        if path.startswith(("/feeds/", "/images")):  # a feed reader shows a page as a broken feed
            return f"{TITLE}: {message}\n".encode(), "text/plain; charset=utf-8"
        return self.page(path, TITLE, message).encode(), "text/html; charset=utf-8"
