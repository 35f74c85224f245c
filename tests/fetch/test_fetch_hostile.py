"""Hostile servers: each ends as a clear error on that fetch, with bounded time and memory."""

from __future__ import annotations

import asyncio
import gzip
import time
import tracemalloc
from collections.abc import Callable

import pytest
from aiohttp import web
from fetch_servers import FEED, LocalServer, MiB, RawServer

from progleton.exceptions import (
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    NotAWebPage,
    ResponseTooLarge,
    TooManyRedirects,
    UnsafeURLError,
)
from progleton.fetch import Fetcher, FetchResult
from progleton.settings import Settings


def fetch_feed(settings: Settings, url: str) -> FetchResult:
    async def main() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch_feed(url)

    return asyncio.run(main())


def peak_traced_bytes(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("path", ["/bomb/gzip", "/bomb/deflate", "/bomb/br"])
def test_decompression_bomb_stops_at_the_cap(
    hostile: LocalServer, settings: Settings, path: str
) -> None:
    """1 GiB of zeros gzipped/deflated (256 MiB brotli), 2 MiB cap: memory stays near the cap."""
    capped = settings.replace(max_response_bytes=2 * MiB)
    errors: list[BaseException] = []

    def attempt() -> None:
        try:
            fetch_feed(capped, hostile.url(path))
        except ResponseTooLarge as exc:
            errors.append(exc)

    peak = peak_traced_bytes(attempt)
    assert errors, "the bomb was not refused"
    assert "after decompression" in str(errors[0]) and "max_response_bytes" in str(errors[0])
    assert peak < 8 * MiB, f"peak traced memory {peak / MiB:.1f} MiB"


def test_declared_length_over_the_cap_is_refused_before_reading(
    hostile: LocalServer, settings: Settings
) -> None:
    with pytest.raises(ResponseTooLarge, match="Content-Length"):
        fetch_feed(settings, hostile.url("/declared-huge"))


def test_endless_body_hits_the_size_cap(hostile: LocalServer, settings: Settings) -> None:
    with pytest.raises(ResponseTooLarge, match="on the wire"):
        fetch_feed(settings, hostile.url("/endless"))


def test_endless_body_hits_the_time_cap(hostile: LocalServer, settings: Settings) -> None:
    roomy = settings.replace(max_response_bytes=10**12, max_response_seconds=1.0)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"longer than 1\.0 s"):
        fetch_feed(roomy, hostile.url("/endless"))
    assert time.monotonic() - started < 3


def test_one_byte_a_second_hits_the_time_cap(hostile: LocalServer, settings: Settings) -> None:
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match=r"longer than 2\.0 s"):
        fetch_feed(settings.replace(read_timeout=5.0), hostile.url("/slow"))
    assert time.monotonic() - started < 4


def test_server_that_never_answers_hits_the_read_timeout(
    hostile: LocalServer, settings: Settings
) -> None:
    with pytest.raises(FetchTimeout, match=r"sent nothing for 0\.5 s"):
        fetch_feed(settings.replace(read_timeout=0.5), hostile.url("/silent"))


def test_twenty_concurrent_fetches_good_ones_unaffected(
    hostile: LocalServer, settings: Settings
) -> None:
    hostile_paths = {
        "/bomb/gzip": ResponseTooLarge,
        "/endless": ResponseTooLarge,
        "/slow": FetchTimeout,
        "/silent": FetchTimeout,
        "/loop/a": TooManyRedirects,
        # (a 429 would leave the server's other addresses unasked: a rate limiter's choice,
        # test_a_server_that_asked_for_time_is_asked_nothing_more_until_then)
        "/status/503": HTTPStatusError,
        "/redirect?to=http://169.254.169.254/latest/meta-data/": UnsafeURLError,
        "/redirect?to=file:///etc/passwd": UnsafeURLError,
    }
    good_paths = [f"/feed?n={n}" for n in range(6)] + [f"/encoded/{c}" for c in ("gzip", "br")]
    good_paths += ["/chain/2", "/encoded/deflate", "/cache?Expires=0", "/feed?n=last"]
    paths = [*hostile_paths, *good_paths]
    assert len(paths) == 20
    guarded = settings.replace(allow_private_addresses=False, allowed_hosts="127.0.0.1")

    async def main() -> list[FetchResult | BaseException]:
        async with Fetcher(guarded) as fetcher:
            jobs = [fetcher.fetch_feed(hostile.url(path)) for path in paths]
            return await asyncio.gather(*jobs, return_exceptions=True)

    started = time.monotonic()
    outcomes = dict(zip(paths, asyncio.run(main()), strict=True))
    assert time.monotonic() - started < 6
    for path, expected in hostile_paths.items():
        assert isinstance(outcomes[path], expected), (path, outcomes[path])
        assert isinstance(outcomes[path], FetchError) and str(outcomes[path])
    for path in good_paths:
        result = outcomes[path]
        assert isinstance(result, FetchResult), (path, result)
        assert result.body == FEED


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (b"SSH-2.0-OpenSSH_9.6\r\n\r\n", "invalid HTTP response"),
        (b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a" * 100_000 + b"\r\n\r\n", "invalid HTTP response"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort", "closed the connection after sending 5 bytes"),
        (b"", "broke|invalid"),
    ],
)
def test_broken_http_is_a_clear_error(settings: Settings, answer: bytes, message: str) -> None:
    server = RawServer(answer)
    try:
        with pytest.raises(FetchError, match=message):
            fetch_feed(settings, server.url("/feed"))
    finally:
        server.close()


@pytest.mark.parametrize(("answer", "said"), [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort", "after sending 5 bytes of the 1,000 it announced,"),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nshort\r\n", "after sending 5 bytes,"),
])
def test_a_body_cut_short_says_how_much_came_and_is_tried_again(settings: Settings, answer: bytes, said: str) -> None:
    """A body shorter than its Content-Length said "<ContentLengthError: 400, message='Not enough
    data to satisfy content length header.'>", aiohttp's words."""
    server = RawServer(answer)
    try:
        with pytest.raises(FetchError) as caught:
            fetch_feed(settings, server.url("/feed"))
    finally:
        server.close()
    error = caught.value
    assert str(error) == (f"127.0.0.1 closed the connection {said} so the response was cut short (the server or "
                          "a proxy before it broke off); it will be retried later.")
    assert error.temporary  # a page cut short is asked for again, a source retried on its backoff


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nX-Junk: " + b"a\x1b[2J" * 20_000 + b"\r\n\r\n",
    b"HTTP/1.1 200 OK\r\n" + b"\x00\x1b[31m" * 20_000 + b"\r\n\r\n",
    b"HTTP/1.1 302 Found\r\nLocation: http://[" + b"\x7f" * 5_000 + b"\r\nContent-Length: 0\r\n\r\n",
])
def test_server_text_in_a_message_is_short_and_without_controls(settings: Settings, answer: bytes) -> None:
    """An invalid response's message held 65,666 characters of the server's bytes."""
    server = RawServer(answer)
    try:
        with pytest.raises(FetchError) as caught:
            fetch_feed(settings, server.url("/feed"))
    finally:
        server.close()
    message = str(caught.value)
    assert len(message) < 400, message
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in message), message


def test_quoted_keeps_short_text_and_cuts_long_text() -> None:
    from progleton.fetch.headers import quoted

    assert quoted("Bad status line\r\n'x\x00y'") == "Bad status line 'x y'"
    assert quoted("a" * 1000) == "a" * 199 + "…"


def fetch_page(settings: Settings, url: str) -> FetchResult:
    async def main() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch_page(url)

    return asyncio.run(main())


PAGE = b"<html><head><title>Ferry</title></head><body><p>The ferry runs later.</p></body></html>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def test_an_article_link_to_audio_is_refused_before_its_body_is_read(
    serve: Callable[..., LocalServer], settings: Settings
) -> None:
    """A podcast's item links to its 30 MB episode: the page fetch stops at the headers instead
    of reading the file up to the cap, and says what the link is."""
    sent: list[int] = []

    async def episode(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "audio/mpeg"})
        await response.prepare(request)
        try:
            for _ in range(30):
                await response.write(b"ID3" + bytes(MiB - 3))
                sent.append(MiB)
        except ConnectionResetError:
            pass
        return response

    server = serve({"/episode.mp3": episode})
    with pytest.raises(NotAWebPage) as caught:
        fetch_page(settings.replace(max_response_bytes=64 * MiB), server.url("/episode.mp3"))
    assert "audio/mpeg" in str(caught.value) and "not a web page" in str(caught.value)
    assert not caught.value.temporary
    assert sum(sent) < 30 * MiB  # the rest was never sent: the socket's buffers filled


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("image/png", PNG),
        ("application/octet-stream", PNG),  # S3's default type, for an image
        ("text/html", PNG),  # a server that calls everything text/html
        ("", b"%PDF-1.4\n" + bytes(2000)),
    ],
)
def test_an_article_link_to_a_file_is_not_a_web_page(
    serve: Callable[..., LocalServer], settings: Settings, content_type: str, body: bytes
) -> None:
    async def answer(request: web.Request) -> web.Response:
        response = web.Response(body=body)
        if content_type:
            response.headers["Content-Type"] = content_type
        else:
            response.headers.pop("Content-Type", None)
        return response

    server = serve({"/file": answer})
    with pytest.raises(NotAWebPage, match="not a web page"):
        fetch_page(settings, server.url("/file"))


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/html; charset=utf-8", PAGE),
        ("application/xhtml+xml", PAGE),
        ("application/octet-stream", PAGE),  # misconfigured, but a page
        ("text/plain", b"The ferry runs later from Monday."),
        ("text/html; charset=utf-16", "\ufeff".encode("utf-16-le") + PAGE.decode().encode("utf-16-le")),
        ("text/html", PAGE.replace(b"Ferry", b"Fer\x00ry")),  # a stray NUL from a broken CMS
        ("", PAGE),
    ],
)
def test_web_pages_of_any_declared_type_are_read(
    serve: Callable[..., LocalServer], settings: Settings, content_type: str, body: bytes
) -> None:
    async def answer(request: web.Request) -> web.Response:
        response = web.Response(body=body)
        if content_type:
            response.headers["Content-Type"] = content_type
        else:
            response.headers.pop("Content-Type", None)
        return response

    server = serve({"/page": answer})
    assert fetch_page(settings, server.url("/page")).body == body


def test_a_feed_is_read_whatever_type_it_is_served_as(serve: Callable[..., LocalServer], settings: Settings) -> None:
    """Only article pages are refused by type: a feed served as image/png is still read (the
    update notes the type)."""
    async def answer(request: web.Request) -> web.Response:
        return web.Response(body=FEED, content_type="image/png")

    server = serve({"/feed": answer})
    assert fetch_feed(settings, server.url("/feed")).body == FEED


def fetch_page_head(settings: Settings, url: str, head: int) -> FetchResult:
    async def main() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch_page(url, head_bytes=head)

    return asyncio.run(main())


@pytest.mark.parametrize("coding", ["identity", "gzip"])
def test_a_page_longer_than_its_head_is_read_so_far_not_refused(
    serve: Callable[..., LocalServer], settings: Settings, coding: str
) -> None:
    """An article page over max_response_bytes was refused with advice to raise it, though
    extraction reads only the page's first 5 MB: asked for its head, the fetch reads that far,
    on the wire and after decompression (a gzip bomb of a page inflates no further)."""
    block = PAGE[:-len(b"</body></html>")] + b"<p>filler</p>" * 80_000  # about 1 MiB
    member = gzip.compress(block) if coding == "gzip" else block

    async def page(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "text/html", **({"Content-Encoding": "gzip"} if coding == "gzip" else {})}
        response = web.StreamResponse(headers=headers)
        await response.prepare(request)
        try:
            for _ in range(1024):  # 1 GiB once inflated
                if request.transport is None or request.transport.is_closing():
                    break  # the client has read what it wanted
                await response.write(member)
        except ConnectionResetError:
            pass
        return response

    server = serve({"/page": page})
    result: list[FetchResult] = []
    peak = peak_traced_bytes(lambda: result.append(fetch_page_head(settings, server.url("/page"), MiB // 2)))
    assert result[0].truncated and result[0].body == (block * 2)[:MiB // 2]
    assert peak < 8 * MiB, f"peak traced memory {peak / MiB:.1f} MiB"
    # over the cap, a feed, or a page asked for whole, is refused as before
    with pytest.raises(ResponseTooLarge, match="max_response_bytes"):
        fetch_page(settings, server.url("/page"))
    assert not fetch_page_head(settings, short_page(serve), MiB).truncated


def short_page(serve: Callable[..., LocalServer]) -> str:
    """A page shorter than any head."""
    async def page(request: web.Request) -> web.Response:
        return web.Response(body=PAGE, content_type="text/html")

    return serve({"/short": page}).url("/short")
