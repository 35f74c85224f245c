"""Fetcher against a real local server: conditional GET, decoding, redirects, statuses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from aiohttp import web
from fetch_servers import ETAG, FEED, LAST_MODIFIED, LocalServer

from progleton.exceptions import (
    ConnectError,
    FetchError,
    HTTPStatusError,
    SourceGone,
    TooManyRedirects,
)
from progleton.fetch import Fetcher, FetchResult
from progleton.settings import Settings

T = TypeVar("T")


def run(settings: Settings, action: Callable[[Fetcher], Awaitable[T]]) -> T:
    async def main() -> T:
        async with Fetcher(settings) as fetcher:
            return await action(fetcher)

    return asyncio.run(main())


def fetch_feed(settings: Settings, url: str, **validators: str | None) -> FetchResult:
    return run(settings, lambda f: f.fetch_feed(url, **validators))


def test_feed_200_keeps_validators_and_headers(hostile: LocalServer, settings: Settings) -> None:
    result = fetch_feed(settings, hostile.url("/feed"))
    assert (result.status, result.body) == (200, FEED)
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)
    assert result.headers["content-type"].startswith("application/rss+xml")
    assert result.cache_seconds == 900
    assert result.final_url == result.url and result.permanent_url is None
    sent = hostile.requests[-1][1]
    assert sent["User-Agent"] == settings.user_agent_string
    assert (
        sent["User-Agent"].startswith("Progleton/") and settings.contact_url in sent["User-Agent"]
    )
    assert "application/rss+xml" in sent["Accept"]
    assert sent["Accept-Encoding"] == "gzip, deflate, br"
    assert "If-None-Match" not in sent


def test_304_sends_validators_exactly_and_keeps_them(
    hostile: LocalServer, settings: Settings
) -> None:
    result = fetch_feed(settings, hostile.url("/feed"), etag=ETAG, last_modified=LAST_MODIFIED)
    sent = hostile.requests[-1][1]
    assert sent["If-None-Match"] == ETAG
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert result.status == 304 and result.not_modified and result.body == b""
    assert (result.etag, result.last_modified) == (ETAG, LAST_MODIFIED)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "rawdeflate", "br", "gzip-br", "identity"])
def test_content_encodings_are_decoded(
    hostile: LocalServer, settings: Settings, coding: str
) -> None:
    assert fetch_feed(settings, hostile.url(f"/encoded/{coding}")).body == FEED


def test_broken_gzip_is_a_clear_error(hostile: LocalServer, settings: Settings) -> None:
    with pytest.raises(FetchError, match="broken gzip"):
        fetch_feed(settings, hostile.url("/encoded/broken"))


def test_unknown_encoding_is_refused(serve: Callable[..., LocalServer], settings: Settings) -> None:
    async def compress(request: web.Request) -> web.Response:
        return web.Response(body=FEED, headers={"Content-Encoding": "compress"})

    server = serve({"/f": compress})
    with pytest.raises(FetchError, match="unsupported Content-Encoding: compress"):
        fetch_feed(settings, server.url("/f"))


@pytest.mark.parametrize(
    ("statuses", "permanent"),
    [((301,), True), ((308,), True), ((301, 308), True), ((301, 302), False), ((307,), False)],
)
def test_permanent_url_only_for_all_permanent_chains(
    hostile: LocalServer, settings: Settings, statuses: tuple[int, ...], permanent: bool
) -> None:
    target = hostile.url("/feed")
    url = target
    for status in reversed(statuses):
        url = hostile.url(
            f"/redirect?status={status}&to={url.replace('&', '%26').replace('?', '%3F')}"
        )
    result = fetch_feed(settings, url)
    assert result.final_url == target and result.body == FEED
    assert result.permanent_url == (target if permanent else None)


def test_relative_redirect_chain_within_limit(hostile: LocalServer, settings: Settings) -> None:
    result = fetch_feed(settings.replace(max_redirects=3), hostile.url("/chain/3"))
    assert result.final_url == hostile.url("/chain/0")
    assert result.permanent_url == hostile.url("/chain/0")


def test_redirect_chain_too_long(hostile: LocalServer, settings: Settings) -> None:
    with pytest.raises(TooManyRedirects, match="more than 3 times"):
        fetch_feed(settings.replace(max_redirects=3), hostile.url("/chain/4"))


def test_redirect_loop(hostile: LocalServer, settings: Settings) -> None:
    with pytest.raises(TooManyRedirects, match="loop"):
        fetch_feed(settings, hostile.url("/loop/a"))


def test_410_retires_the_source(hostile: LocalServer, settings: Settings) -> None:
    with pytest.raises(SourceGone, match="retired") as caught:
        fetch_feed(settings, hostile.url("/status/410"))
    assert caught.value.status == 410


@pytest.mark.parametrize(
    ("code", "retry", "expected"),
    [("429", "120", 120.0), ("503", "Fri, 01 Jan 2100 00:00:00 GMT", None), ("429", "soon", None)],
)
def test_rate_limits_carry_retry_after(
    hostile: LocalServer, settings: Settings, code: str, retry: str, expected: float | None
) -> None:
    with pytest.raises(HTTPStatusError) as caught:
        fetch_feed(settings, hostile.url(f"/status/{code}?retry={retry}"))
    assert caught.value.status == int(code)
    if code == "503":
        assert caught.value.retry_after is not None and caught.value.retry_after > 86400
        assert "retried in a day (it asked for longer" in str(caught.value)  # not "2299678648 s"
    else:
        assert caught.value.retry_after == expected
    if retry == "120":
        assert "it will be retried in 2 minutes" in str(caught.value)


@pytest.mark.parametrize(
    ("code", "advice"), [(404, "check the URL"), (403, "refuses"), (500, "retried")]
)
def test_error_statuses_say_what_to_do(
    hostile: LocalServer, settings: Settings, code: int, advice: str
) -> None:
    with pytest.raises(HTTPStatusError, match=advice) as caught:
        fetch_feed(settings, hostile.url(f"/status/{code}"))
    assert caught.value.status == code and not isinstance(caught.value, SourceGone)


@pytest.mark.parametrize(
    ("query", "seconds"),
    [
        ("Cache-Control=no-cache", 0.0),
        ("Cache-Control=max-age%3D60", 60.0),
        ("Date=Wed, 25 Nov 2026 08:00:00 GMT&Expires=Wed, 25 Nov 2026 09:00:00 GMT", 3600.0),
        ("", None),
    ],
)
def test_cache_lifetime(
    hostile: LocalServer, settings: Settings, query: str, seconds: float | None
) -> None:
    assert fetch_feed(settings, hostile.url(f"/cache?{query}")).cache_seconds == seconds


def test_refused_connection_is_connect_error(settings: Settings) -> None:
    with pytest.raises(ConnectError, match="Could not connect"):
        fetch_feed(settings, "http://127.0.0.1:9/feed")


def test_fetcher_must_be_opened() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(Fetcher().fetch_feed("http://example.com/feed"))
