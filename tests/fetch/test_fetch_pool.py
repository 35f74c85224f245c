"""Politeness and reuse: global and per-host bounds, pooled connections, robots on redirects."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from aiohttp import web
from fetch_servers import FEED, Handler, LocalServer

from progleton.exceptions import RobotsDisallowed
from progleton.fetch import Fetcher, FetchResult
from progleton.settings import Settings


class InFlight:
    """Counts requests being served at once, over every server that shares it."""

    def __init__(self) -> None:
        self.now = 0
        self.most = 0
        self.peers: set[object] = set()

    def handler(self, delay: float = 0.1) -> Handler:
        async def feed(request: web.Request) -> web.Response:
            self.peers.add(
                request.transport.get_extra_info("peername") if request.transport else None
            )
            self.now += 1
            self.most = max(self.most, self.now)
            try:
                await asyncio.sleep(delay)
            finally:
                self.now -= 1
            return web.Response(body=FEED, content_type="application/rss+xml")

        return feed


def fetch_all(settings: Settings, urls: list[str]) -> list[FetchResult]:
    async def main() -> list[FetchResult]:
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(*(fetcher.fetch_feed(u) for u in urls))

    return asyncio.run(main())


def test_per_host_bound(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    counter = InFlight()
    server = serve({"/feed": counter.handler()})
    results = fetch_all(
        settings.replace(per_host_concurrency=2), [server.url(f"/feed?n={n}") for n in range(8)]
    )
    assert all(r.body == FEED for r in results)
    assert counter.most == 2


def test_global_bound_across_hosts(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    counter = InFlight()  # both servers share the counter; two ports are two hosts here
    first, second = serve({"/feed": counter.handler()}), serve({"/feed": counter.handler()})
    urls = [s.url(f"/feed?n={n}") for n in range(6) for s in (first, second)]
    fetch_all(settings.replace(concurrency=3, per_host_concurrency=3), urls)
    assert counter.most == 3


def test_connections_are_reused(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    counter = InFlight()
    server = serve({"/feed": counter.handler(delay=0)})

    async def main() -> None:
        async with Fetcher(settings) as fetcher:
            for n in range(5):
                await fetcher.fetch_feed(server.url(f"/feed?n={n}"))

    asyncio.run(main())
    assert len(counter.peers) == 1


def test_robots_of_the_redirect_target_host_is_obeyed(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    async def forbid_all(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /\n")

    async def no_robots(request: web.Request) -> web.Response:
        return web.Response(status=404)

    target = serve({"/robots.txt": forbid_all, "/story": InFlight().handler(delay=0)})

    async def moved(request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": target.url("/story")})

    origin = serve({"/robots.txt": no_robots, "/story": moved})

    async def main() -> None:
        async with Fetcher(settings) as fetcher:
            await fetcher.fetch_page(origin.url("/story"))

    try:
        asyncio.run(main())
    except RobotsDisallowed as exc:
        assert "forbids" in str(exc)
    else:
        raise AssertionError("the redirect target's robots.txt was ignored")
    assert "/story" not in target.paths()
