"""Fetcher against a real local server: conditional GET, decoding, redirects, statuses."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from aiohttp import web
from fetch_servers import ETAG, FEED, LAST_MODIFIED, Handler, LocalServer

from progleton.exceptions import (
    ConnectError,
    FetchError,
    HTTPStatusError,
    ServerBusy,
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


def _busy_server(serve: Callable[[dict[str, Handler]], LocalServer], answer: web.Response) -> LocalServer:
    async def limited(request: web.Request) -> web.Response:
        return answer

    async def feed(request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="application/rss+xml")

    return serve({"/limited": limited, "/feed": feed})


@pytest.mark.parametrize(
    ("status", "retry", "left"), [(429, "3600", 3600.0), (429, None, 60.0), (503, "120", 120.0), (503, None, None)]
)
def test_a_server_that_asked_for_time_is_asked_nothing_more_until_then(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings,
    status: int, retry: str | None, left: float | None,
) -> None:
    """One feed's 429 left the server's other feeds asked all the same: a rate limiter counts
    a client's requests to the server. A 503 without a Retry-After is a server failing, not
    one asking for time: the other addresses are asked."""
    busy = _busy_server(serve, web.Response(status=status, headers={"Retry-After": retry} if retry else {}))
    other = _busy_server(serve, web.Response(status=200))  # another port: another server

    async def action(fetcher: Fetcher) -> tuple[BaseException | FetchResult, FetchResult]:
        with pytest.raises(HTTPStatusError):
            await fetcher.fetch_feed(busy.url("/limited"))
        try:
            same: BaseException | FetchResult = await fetcher.fetch_feed(busy.url("/feed"))
        except ServerBusy as exc:
            same = exc
        return same, await fetcher.fetch_feed(other.url("/feed"))

    same, elsewhere = run(settings, action)
    assert elsewhere.status == 200
    if left is None:
        assert isinstance(same, FetchResult) and busy.paths() == ["/limited", "/feed"]
        return
    assert isinstance(same, ServerBusy) and busy.paths() == ["/limited"]  # not asked at all
    assert same.status == 429 and same.retry_after is not None and left - 5 < same.retry_after <= left
    assert str(same).startswith(f"{busy.url('/feed')} was not asked: 127.0.0.1:{busy.port} asked for time until ")


def test_requests_waiting_for_the_hosts_slot_are_not_sent_after_its_429(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings,
) -> None:
    """Feeds of one server queue for its slot (``per_host_concurrency``); after the first
    answers 429, those behind it were sent one by one all the same."""
    busy = _busy_server(serve, web.Response(status=429, headers={"Retry-After": "600"}))
    one_at_a_time = settings.replace(per_host_concurrency=1)

    async def action(fetcher: Fetcher) -> list[BaseException | FetchResult]:
        urls = [busy.url("/limited")] + [busy.url(f"/feed?n={i}") for i in range(5)]
        return await asyncio.gather(*(fetcher.fetch_feed(u) for u in urls), return_exceptions=True)

    answers = run(one_at_a_time, action)
    assert busy.paths() == ["/limited"]
    assert all(isinstance(a, ServerBusy) for a in answers[1:]), answers


def test_leave_alone_carries_a_wait_from_an_earlier_run(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings,
) -> None:
    from datetime import UTC, datetime, timedelta

    from progleton.urls import server_of

    busy = _busy_server(serve, web.Response(status=200))

    async def action(fetcher: Fetcher) -> None:
        fetcher.leave_alone(server_of(busy.url("/")), datetime.now(UTC) + timedelta(minutes=30))
        with pytest.raises(ServerBusy, match="was not asked"):
            await fetcher.fetch_page(busy.url("/feed"))
        fetcher.leave_alone(server_of(busy.url("/")), datetime.now(UTC) - timedelta(seconds=1))  # no sooner
        with pytest.raises(ServerBusy):
            await fetcher.fetch_feed(busy.url("/feed"))

    run(settings, action)
    assert busy.paths() == []
