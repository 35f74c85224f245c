"""robots.txt before article pages: rules, cache, and what a missing or failing file means."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiohttp import web
from fetch_servers import Handler, LocalServer

from progleton.exceptions import RobotsDisallowed
from progleton.fetch import Fetcher, FetchResult, rules_from_answer
from progleton.settings import Settings

ROBOTS = b"""User-agent: *
Disallow: /private/

User-agent: Progleton
Disallow: /members/
Allow: /
"""
PAGE = b"<html><body><article><p>The council met.</p></article></body></html>"


async def _page(request: web.Request) -> web.Response:
    return web.Response(body=PAGE, content_type="text/html")


def robots_route(status: int, body: bytes = ROBOTS) -> Handler:
    async def robots(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type="text/plain")

    return robots


def site(serve: Callable[[dict[str, Handler]], LocalServer], robots: Handler) -> LocalServer:
    return serve({"/robots.txt": robots, "/{tail:.*}": _page})


def fetch_pages(settings: Settings, urls: list[str]) -> list[FetchResult | BaseException]:
    async def main() -> list[FetchResult | BaseException]:
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch_page(u) for u in urls), return_exceptions=True
            )

    return asyncio.run(main())


def test_rules_pick_our_agent_group() -> None:
    rules = rules_from_answer(200, ROBOTS)
    assert not rules.allows("http://news.example/members/scoop")
    assert rules.allows("http://news.example/private/x")
    assert rules.allows("http://news.example/members/x", "OtherBot")
    assert not rules.allows("http://news.example/private/x", "OtherBot")


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (None, "disallow_all"),
        (404, "allow_all"),
        (401, "allow_all"),
        (429, "disallow_all"),
        (503, "disallow_all"),
    ],
)
def test_answers_without_rules(status: int | None, verdict: str) -> None:
    assert rules_from_answer(status).verdict == verdict


def test_disallowed_page_refused_allowed_page_fetched_robots_read_once(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = site(serve, robots_route(200, b"User-agent: Progleton\nDisallow: /members/\n"))
    urls = [
        server.url("/news/1"),
        server.url("/members/2"),
        server.url("/news/3"),
        server.url("/news/4"),
    ]
    outcomes = fetch_pages(settings, urls)
    assert [type(o).__name__ for o in outcomes] == [
        "FetchResult",
        "RobotsDisallowed",
        "FetchResult",
        "FetchResult",
    ]
    assert "forbids" in str(outcomes[1])
    assert server.paths().count("/robots.txt") == 1
    assert "/members/2" not in server.paths()
    page_request = server.requests[-1][1]
    assert "text/html" in page_request["Accept"]


def test_missing_robots_allows_everything(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = site(serve, robots_route(404))
    (outcome,) = fetch_pages(settings, [server.url("/members/1")])
    assert isinstance(outcome, FetchResult) and outcome.body == PAGE


def test_failing_robots_refuses_this_time(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = site(serve, robots_route(503))
    (outcome,) = fetch_pages(settings, [server.url("/news/1")])
    assert isinstance(outcome, RobotsDisallowed)
    assert "503" in str(outcome) and "ask again" in str(outcome)


def test_unreachable_robots_refuses(settings: Settings) -> None:
    (outcome,) = fetch_pages(settings, ["http://127.0.0.1:9/news/1"])
    assert isinstance(outcome, RobotsDisallowed)


def test_robots_check_can_be_turned_off(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = site(serve, robots_route(200, b"User-agent: *\nDisallow: /\n"))
    (outcome,) = fetch_pages(settings.replace(respect_robots=False), [server.url("/news/1")])
    assert isinstance(outcome, FetchResult)
    assert "/robots.txt" not in server.paths()
