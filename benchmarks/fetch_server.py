"""A local feed farm for fetch benchmarks: N generated RSS feeds on 127.0.0.1.

Each feed ``/feeds/<i>.xml`` has ``items`` entries with HTML content, an ETag and
a Last-Modified; a matching ``If-None-Match`` gets 304. Every answer waits
``latency`` seconds first (asyncio.sleep), like a distant server.

Run it alone:  .venv/bin/python benchmarks/fetch_server.py --feeds 2000 --latency 0.05
(prints ``listening <base URL>`` and serves until interrupted), or from another
benchmark in a separate process (so the server does not steal the client's CPU):

    with serve_feeds_in_subprocess(feeds=2000) as farm:
        urls = farm.feed_urls()
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

from aiohttp import web

EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def feed_xml(index: int, items: int) -> bytes:
    """One RSS 2.0 feed with ``items`` entries, each with a paragraph of HTML content."""
    entries = []
    for n in range(items):
        published = format_datetime(EPOCH + timedelta(hours=index % 24, minutes=n))
        content = escape(
            f"<p>Outlet {index} reports development {n}: the council met on Tuesday to "
            f"discuss the harbour budget, and the mayor said the plan would be revised.</p>"
            f"<p>Residents of district {n % 7} asked for more buses; the vote is next week.</p>"
        )
        entries.append(
            f"<item><title>Outlet {index} story {n}: council weighs harbour budget</title>"
            f"<link>http://outlet{index}.example/news/{n}</link>"
            f'<guid isPermaLink="false">outlet{index}-story-{n}</guid>'
            f"<pubDate>{published}</pubDate><description>{content}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {index}</title><link>http://outlet{index}.example/</link>"
        f"<description>Benchmark feed {index}</description>{''.join(entries)}</channel></rss>"
    ).encode()


def make_app(*, feeds: int = 2000, items: int = 20, latency: float = 0.05) -> web.Application:
    """The aiohttp application serving the feed farm."""
    bodies = [feed_xml(i, items) for i in range(feeds)]
    last_modified = format_datetime(EPOCH, usegmt=True)

    async def feed(request: web.Request) -> web.Response:
        try:
            index = int(request.match_info["index"])
            body = bodies[index]
        except (ValueError, IndexError):
            raise web.HTTPNotFound() from None
        if latency:
            await asyncio.sleep(latency)
        etag = f'"feed-{index}-v1"'
        headers = {"ETag": etag, "Last-Modified": last_modified}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type="application/rss+xml", headers=headers)

    app = web.Application()
    app.router.add_get("/feeds/{index}.xml", feed)
    return app


async def serve(*, port: int, feeds: int, items: int, latency: float) -> None:
    """Serve until cancelled; prints ``listening <base URL>`` once ready.

    The port is opened with SO_REUSEPORT so several processes can share it.
    """
    runner = web.AppRunner(make_app(feeds=feeds, items=items, latency=latency), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=4096, reuse_port=True)
    await site.start()
    bound = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"listening http://127.0.0.1:{bound}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


@dataclass(frozen=True)
class FeedFarm:
    """A running feed farm: its base URL and size."""

    base_url: str
    feeds: int

    def feed_urls(self) -> list[str]:
        return [f"{self.base_url}/feeds/{i}.xml" for i in range(self.feeds)]


@contextmanager
def serve_feeds_in_subprocess(
    *, feeds: int = 2000, items: int = 20, latency: float = 0.05, workers: int = 1
) -> Iterator[FeedFarm]:
    """Run the farm in ``workers`` child processes sharing one port, for the block."""
    children: list[subprocess.Popen[str]] = []
    port = "0"
    try:
        for _ in range(max(1, workers)):
            command = [
                sys.executable,
                __file__,
                "--port",
                port,
                "--feeds",
                str(feeds),
                "--items",
                str(items),
                "--latency",
                str(latency),
            ]
            children.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
            line = children[-1].stdout.readline().strip() if children[-1].stdout else ""
            if not line.startswith("listening "):
                raise RuntimeError(f"feed server did not start: {line!r}")
            base_url = line.split()[1]
            port = base_url.rsplit(":", 1)[1]
        yield FeedFarm(base_url, feeds)
    finally:
        for child in children:
            child.terminate()
            child.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--feeds", type=int, default=2000)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each answer")
    args = parser.parse_args()
    try:
        asyncio.run(serve(port=args.port, feeds=args.feeds, items=args.items, latency=args.latency))
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
