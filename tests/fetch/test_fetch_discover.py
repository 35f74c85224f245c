"""Feed autodiscovery: link parsing (pure) and Fetcher.discover against a real site."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
from aiohttp import web
from fetch_servers import FEED, Handler, LocalServer

from progleton.exceptions import ConnectError, FeedParseError, UnsafeURLError
from progleton.fetch import Fetcher, find_feed_links, looks_like_feed
from progleton.settings import Settings

PAGE = """<!doctype html><html><head>
<link rel="stylesheet alternate" type="text/css" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="News" href="/rss/news.xml">
<link rel="alternate" type="application/json" href="/wp-json/wp/v2/pages/1">
<link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
<link rel="ALTERNATE" type="application/feed+json; charset=utf-8" href="feed.json">
<link rel="alternate" type="application/rss+xml" href="/rss/news.xml#dup">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
</head><body><p>Hello</p></body></html>"""


def test_feed_links_in_document_order() -> None:
    assert find_feed_links(PAGE, "https://news.example/section/index.html") == [
        "https://news.example/rss/news.xml",
        "https://other.example/atom",
        "https://news.example/section/feed.json",
    ]


def test_a_comments_feed_comes_after_the_posts() -> None:
    page = ('<link rel="alternate" type="application/rss+xml" title="Blog » Comments Feed" href="/comments/feed/">'
            '<link rel="alternate" type="application/rss+xml" title="Blog » Feed" href="/feed/">')
    assert find_feed_links(page, "https://blog.example/") == ["https://blog.example/feed/", "https://blog.example/comments/feed/"]


def test_base_href_and_bytes_input() -> None:
    html = b'<html><head><base href="https://cdn.example/base/"><link rel="alternate" type="application/atom+xml" href="a.xml"></head></html>'
    assert find_feed_links(html, "https://news.example/") == ["https://cdn.example/base/a.xml"]


def test_str_with_xml_declaration() -> None:
    xhtml = '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><link rel="alternate" type="application/rss+xml" href="/r.xml"/></head></html>'
    assert find_feed_links(xhtml, "https://news.example/") == ["https://news.example/r.xml"]


@pytest.mark.parametrize("junk", ["", "   ", b"\x00\xff\xfe", "<<<>>>", "<html", FEED.decode()])
def test_garbage_yields_no_links(junk: str | bytes) -> None:
    assert find_feed_links(junk, "https://news.example/") == []


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (FEED, "text/xml", True),
        (
            b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi --><feed xmlns="http://www.w3.org/2005/Atom">',
            "",
            True,
        ),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', "", True),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "application/json", True),
        (b"<!DOCTYPE html><html><head><title>rss</title></head></html>", "text/html", False),
        (b'{"status": "ok"}', "application/json", False),
        (b"", "", False),
        # UTF-16 and UTF-32, with a byte-order mark and without
        ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16"), "", True),
        ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16-be"), "", True),
        ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0">'.encode("utf-16-le"), "", True),
        ('<feed xmlns="http://www.w3.org/2005/Atom">'.encode("utf-32"), "", True),
        ("<!DOCTYPE html><html><body>rss</body></html>".encode("utf-16"), "text/html", False),
    ],
)
def test_looks_like_feed(body: bytes, content_type: str, expected: bool) -> None:
    assert looks_like_feed(body, content_type) is expected


async def _feed(request: web.Request) -> web.Response:
    return web.Response(body=FEED, content_type="application/rss+xml")


def _html(html: str) -> Handler:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    return page


def discover(settings: Settings, url: str) -> str:
    async def main() -> str:
        async with Fetcher(settings) as fetcher:
            return await fetcher.discover(url)

    return asyncio.run(main())


def test_a_feed_url_is_its_own_feed(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = serve({"/rss": _feed})
    assert discover(settings, server.url("/rss")) == server.url("/rss")


def test_url_without_scheme_gets_one(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = serve({"/rss": _feed})
    with pytest.raises(ConnectError, match=f"add http://127.0.0.1:{server.port}/rss"):  # https:// was assumed
        discover(settings, f"127.0.0.1:{server.port}/rss")
    with pytest.raises(UnsafeURLError, match="not mailto"):
        discover(settings, "mailto:editor@news.example")


def test_linked_feed_is_found(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    html = '<html><head><link rel="alternate" type="application/rss+xml" href="/missing.xml"><link rel="alternate" type="application/atom+xml" href="/news.atom"></head></html>'
    server = serve({"/": _html(html), "/news.atom": _feed})
    assert discover(settings, server.url("/")) == server.url("/news.atom")


def test_common_path_is_tried(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = serve({"/blog/post": _html("<html><body>no links</body></html>"), "/index.xml": _feed})
    assert discover(settings, server.url("/blog/post")) == server.url("/index.xml")
    assert "/feed" in server.paths() and "/rss" in server.paths()


def test_a_sections_own_feed_is_tried(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = serve({"/blog/": _html("<html><body>no links</body></html>"), "/blog/feed": _feed, "/feed": _feed})
    assert discover(settings, server.url("/blog/")) == server.url("/blog/feed")  # before the site's


def test_linked_feed_on_private_address_is_skipped(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    html = '<link rel="alternate" type="application/rss+xml" href="http://169.254.169.254/feed">'
    server = serve({"/": _html(html), "/feed.xml": _feed})
    guarded = settings.replace(allow_private_addresses=False, allowed_hosts="127.0.0.1")
    assert discover(guarded, server.url("/")) == server.url("/feed.xml")
    # with nothing else to find, the user hears that the linked feed was refused, and why
    alone = serve({"/": _html(html)})
    with pytest.raises(FeedParseError, match=r"the feed it links was refused\. Refusing http://169\.254"):
        discover(guarded, alone.url("/"))


def test_no_feed_anywhere(
    serve: Callable[[dict[str, Handler]], LocalServer], settings: Settings
) -> None:
    server = serve({"/": _html("<html><body>Just a page</body></html>")})
    with pytest.raises(FeedParseError, match="No feed found"):
        discover(settings, server.url("/"))
