"""Fixtures for the fetch tests: real local servers (see fetch_servers) and small caps."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from aiohttp import web
from fetch_servers import Handler, LocalServer, MiB, hostile_app

from progleton.settings import Settings


@pytest.fixture(scope="module")
def hostile() -> Iterator[LocalServer]:
    """A server with good and hostile routes (see ``hostile_app``)."""
    server = LocalServer(hostile_app())
    yield server
    server.close()


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Handler]], LocalServer]]:
    """Factory: a server with the given routes, closed after the test."""
    servers: list[LocalServer] = []

    def start(routes: dict[str, Handler]) -> LocalServer:
        app = web.Application()
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        servers.append(LocalServer(app))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def settings() -> Settings:
    """Loopback allowed, small caps so hostile cases end in a second or two."""
    return Settings().replace(
        allow_private_addresses=True,
        max_response_bytes=MiB,
        max_response_seconds=2.0,
        read_timeout=1.0,
        connect_timeout=1.0,
    )
