"""Real HTTP servers on 127.0.0.1 for the fetch tests, hostile ones included.

Each server runs its own event loop in a background thread (``LocalServer``, shared by the
tests), so a test drives the Fetcher with ``asyncio.run`` and the server keeps serving while
the client blocks.
"""

from __future__ import annotations

import asyncio
import functools
import gzip
import threading
import zlib
from collections.abc import Iterator

import brotli
from aiohttp import web

from local_server import Handler as Handler  # re-exported: the fetch tests import both from here
from local_server import LocalServer as LocalServer

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>The Daily Test</title>
<item><title>Council approves budget</title><link>http://example.com/a</link></item>
</channel></rss>"""
ETAG = 'W/"budget-7, v2"'
LAST_MODIFIED = "Wed, 25 Nov 2026 08:00:00 GMT"
MiB = 1024 * 1024


def zlib_bomb_blocks(total: int = 1024 * MiB, wbits: int = 31) -> Iterator[bytes]:
    """A gzip (wbits 31) or deflate (15) stream of ``total`` zeros, ~1 KiB per MiB, on the fly.

    After a full flush the compressor's state is reset, so every further MiB of
    zeros compresses to the very same block: compute it once, repeat it.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    zeros = bytes(MiB)
    yield compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(total // MiB - 1):
        yield block
    yield compressor.flush()


async def _feed(request: web.Request) -> web.Response:
    if request.headers.get("If-None-Match") == ETAG:
        return web.Response(status=304)  # validators deliberately not repeated
    return web.Response(
        body=FEED,
        content_type="application/rss+xml",
        headers={
            "ETag": ETAG,
            "Last-Modified": LAST_MODIFIED,
            "Cache-Control": "public, max-age=900",
        },
    )


async def _encoded(request: web.Request) -> web.Response:
    coding = request.match_info["coding"]
    feed = FEED * int(request.query.get("repeat", "1"))
    if coding == "gzip":
        half = len(feed) // 2  # two gzip members, as some servers send
        body = gzip.compress(feed[:half]) + gzip.compress(feed[half:])
    elif coding == "deflate":
        body = zlib.compress(feed)
    elif coding == "rawdeflate":
        compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
        body, coding = compressor.compress(feed) + compressor.flush(), "deflate"
    elif coding == "br":
        body = brotli.compress(feed)
    elif coding == "gzip-br":
        body, coding = brotli.compress(gzip.compress(feed)), "gzip, br"
    elif coding == "broken":
        body, coding = b"\x1f\x8b\x08\x00garbage-not-gzip" * 10, "gzip"
    else:
        body = feed
    return web.Response(body=body, headers={"Content-Encoding": coding})


async def _stream(
    request: web.Request, blocks: Iterator[bytes], headers: dict[str, str]
) -> web.StreamResponse:
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    try:
        for block in blocks:
            await response.write(block)
        await response.write_eof()
    except ConnectionResetError:  # the client gave up, as it should
        pass
    return response


async def _gzip_bomb(request: web.Request) -> web.StreamResponse:
    return await _stream(request, zlib_bomb_blocks(), {"Content-Encoding": "gzip"})


async def _deflate_bomb(request: web.Request) -> web.StreamResponse:
    return await _stream(request, zlib_bomb_blocks(wbits=15), {"Content-Encoding": "deflate"})


@functools.cache
def brotli_bomb() -> bytes:
    """256 MiB of zeros, brotli-compressed a MiB at a time to ~50 KB."""
    compressor, zeros = brotli.Compressor(quality=1), bytes(MiB)
    blocks = [compressor.process(zeros) for _ in range(256)]
    return b"".join(blocks) + compressor.finish()


async def _br_bomb(request: web.Request) -> web.StreamResponse:
    return await _stream(request, iter([brotli_bomb()]), {"Content-Encoding": "br"})


async def _endless(request: web.Request) -> web.StreamResponse:
    def forever() -> Iterator[bytes]:
        while True:
            yield b"<item>" + b"x" * 16384 + b"</item>"

    return await _stream(request, forever(), {"Content-Type": "application/rss+xml"})


async def _slow(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
    await response.prepare(request)
    try:
        for byte in FEED:
            await response.write(bytes([byte]))
            await asyncio.sleep(1)
    except ConnectionResetError:
        pass
    return response


async def _silent(request: web.Request) -> web.Response:
    await asyncio.sleep(30)  # never answers within any test's caps
    return web.Response(body=FEED)


async def _declared_huge(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.content_length = 10**12
    await response.prepare(request)
    await response.write(FEED)
    return response


async def _redirect(request: web.Request) -> web.Response:
    status = int(request.query.get("status", "302"))
    return web.Response(status=status, headers={"Location": request.query["to"]})


async def _loop(request: web.Request) -> web.Response:
    other = "b" if request.match_info["which"] == "a" else "a"
    return web.Response(status=302, headers={"Location": f"/loop/{other}"})


async def _chain(request: web.Request) -> web.Response:
    left = int(request.match_info["left"])
    if left == 0:
        return await _feed(request)
    return web.Response(status=301, headers={"Location": f"/chain/{left - 1}"})


async def _status(request: web.Request) -> web.Response:
    code = int(request.match_info["code"])
    headers = {"Retry-After": request.query["retry"]} if "retry" in request.query else {}
    return web.Response(status=code, text="no", headers=headers)


async def _cache(request: web.Request) -> web.Response:
    headers = {k: v for k, v in request.query.items()}
    return web.Response(body=FEED, headers=headers)


def hostile_app() -> web.Application:
    app = web.Application()
    routes = [
        ("/feed", _feed),
        ("/encoded/{coding}", _encoded),
        ("/bomb/gzip", _gzip_bomb),
        ("/bomb/br", _br_bomb),
        ("/bomb/deflate", _deflate_bomb),
        ("/endless", _endless),
        ("/slow", _slow),
        ("/silent", _silent),
        ("/declared-huge", _declared_huge),
        ("/redirect", _redirect),
        ("/loop/{which}", _loop),
        ("/chain/{left}", _chain),
        ("/status/{code}", _status),
        ("/cache", _cache),
    ]
    for path, handler in routes:
        app.router.add_get(path, handler)
    return app


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with fixed bytes."""

    def __init__(self, answer: bytes) -> None:
        self._answer = answer
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self._server: asyncio.Server = future.result(timeout=10)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._answer_once, "127.0.0.1", 0)

    async def _answer_once(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(self._answer)
        try:
            await writer.drain()
        except ConnectionError:
            pass
        writer.close()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        # Closed in its loop's thread, as asyncio's servers must be: closed from this one, it
        # raced the loop ending the last connection, both woke the server's waiters, and the
        # second found them gone (TypeError: 'NoneType' object is not iterable).
        self._loop.call_soon_threadsafe(self._server.close)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
