"""The demo server: real HTTP on 127.0.0.1, valid feeds, live pages, conditional GET."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import socket
from datetime import timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
import feedparser
import pytest
from demo_helpers import NOW, http_get
from lxml import etree

from progleton.demo import EXPECTATIONS, DemoServer, feed_urls, load_corpus, opml_url

CORPUS = load_corpus().at_edition(1)
LIVE_OUTLETS = [o for o in CORPUS.outlets if not o.broken]


def _entries(demo: DemoServer, feed_path: str) -> list[dict[str, str]]:
    """Title, link and content of each entry, whatever the feed's format."""
    answer = http_get(demo.url(feed_path))
    assert answer.status == 200
    if answer.headers["content-type"].startswith("application/feed+json"):
        document = json.loads(answer.body)
        assert document["version"] == "https://jsonfeed.org/version/1.1"
        return [
            {"title": i["title"], "link": i["url"], "content": i.get("content_html", "")}
            for i in document["items"]
        ]
    etree.fromstring(answer.body, etree.XMLParser(resolve_entities=False))  # well-formed
    parsed = feedparser.parse(answer.body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return [
        {"title": e.title, "link": e.link, "content": e.get("content", [{}])[0].get("value", "")}
        for e in parsed.entries
    ]


def test_listens_on_loopback_with_a_free_port(demo: DemoServer) -> None:
    parts = urlsplit(demo.base_url)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port
    assert http_get(demo.url("/robots.txt")).text == "User-agent: *\nAllow: /\n"
    assert http_get(demo.url("/")).status == 200


@pytest.mark.parametrize("outlet", LIVE_OUTLETS, ids=lambda o: o.slug)
def test_every_feed_is_valid_and_every_entry_has_title_and_link(
    demo: DemoServer, outlet: object
) -> None:
    entries = _entries(demo, outlet.feed_path)  # type: ignore[attr-defined]
    assert len(entries) == len(outlet.articles)  # type: ignore[attr-defined]
    for entry in entries:
        assert entry["title"].strip()
        assert entry["link"].startswith(demo.base_url + "/")


def test_every_linked_page_answers_except_the_deliberately_missing(demo: DemoServer) -> None:
    missing = {demo.url(p) for p in EXPECTATIONS.missing_pages}
    assert missing, "the corpus must keep one page that 404s"
    seen = 0
    for outlet in LIVE_OUTLETS:
        for entry in _entries(demo, outlet.feed_path):
            answer = http_get(entry["link"])
            page = entry["link"].split("?")[0]
            assert answer.status == (404 if page in missing else 200), page
            if answer.status == 200:
                assert answer.headers["content-type"] == "text/html; charset=utf-8"
                assert entry["title"].split()[0] in answer.text
            seen += 1
    assert 25 <= seen <= 40


def test_the_broken_source_fails(demo: DemoServer) -> None:
    assert EXPECTATIONS.broken_feeds
    for path in EXPECTATIONS.broken_feeds:
        assert http_get(demo.url(path)).status == 500


def test_summary_only_feed_has_no_full_text(demo: DemoServer) -> None:
    assert EXPECTATIONS.summary_only_feeds
    for path in EXPECTATIONS.summary_only_feeds:
        assert all(not e["content"] for e in _entries(demo, path))


def test_full_feeds_carry_the_body(demo: DemoServer) -> None:
    herald = CORPUS.outlet("meridian-herald")
    entries = _entries(demo, herald.feed_path)
    assert herald.articles[0].paragraphs[-1].split(".")[0] in entries[0]["content"]


def test_tracking_parameters_on_some_feed_links(demo: DemoServer) -> None:
    links = [e["link"] for o in LIVE_OUTLETS for e in _entries(demo, o.feed_path)]
    assert any("utm_source=feed" in link for link in links)
    assert any("?" not in link for link in links)


def test_dates_count_back_from_the_serve_time(demo: DemoServer) -> None:
    herald = CORPUS.outlet("meridian-herald")
    parsed = feedparser.parse(http_get(demo.url(herald.feed_path)).body)
    first = parsedate_to_datetime(parsed.entries[0].published)
    assert first == NOW - herald.articles[0].published
    assert all(NOW - timedelta(days=2) <= NOW - a.published <= NOW for a in CORPUS.articles())


@pytest.mark.parametrize("outlet", CORPUS.outlets, ids=lambda o: o.slug)
def test_home_pages_advertise_their_feed(demo: DemoServer, outlet: object) -> None:
    home = http_get(demo.url(outlet.home_path))  # type: ignore[attr-defined]
    assert home.status == 200
    links = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]* href="([^"]+)"', home.text)
    assert (links[0][1]) == demo.url(outlet.feed_path)  # type: ignore[attr-defined]
    assert links[0][0] in {"application/rss+xml", "application/atom+xml", "application/feed+json"}
    bare = http_get(demo.url(outlet.home_path.rstrip("/")))  # type: ignore[attr-defined]
    assert bare.status == 200  # redirected to the slash form


def test_opml_lists_every_source(demo: DemoServer) -> None:
    answer = http_get(opml_url(demo.base_url))
    assert answer.headers["content-type"].startswith("text/x-opml")
    tree = etree.fromstring(answer.body)
    listed = [o.get("xmlUrl") for o in tree.iter("outline") if o.get("xmlUrl")]
    assert listed == feed_urls(demo.base_url)
    assert len(listed) >= 7


@pytest.mark.parametrize("path", ["/meridian-herald/feed.xml", EXPECTATIONS.article_pages[0]])
def test_conditional_get_answers_304(demo: DemoServer, path: str) -> None:
    first = http_get(demo.url(path))
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert http_get(demo.url(path), {"If-None-Match": etag}).status == 304
    assert http_get(demo.url(path), {"If-None-Match": f'W/"x", {etag}'}).status == 304
    assert http_get(demo.url(path), {"If-None-Match": '"other"'}).status == 200
    assert http_get(demo.url(path), {"If-Modified-Since": modified}).status == 304
    earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
    assert http_get(demo.url(path), {"If-Modified-Since": earlier}).status == 200
    again = http_get(demo.url(path), {"If-None-Match": etag})
    assert again.body == b"" and again.headers["etag"] == etag


def test_gzip_when_asked_and_head(demo: DemoServer) -> None:
    path = EXPECTATIONS.article_pages[0]
    plain = http_get(demo.url(path))
    packed = http_get(demo.url(path), {"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed.body) == plain.body
    assert packed.headers["etag"] != plain.headers["etag"]
    assert http_get(demo.url(path), {"If-None-Match": packed.headers["etag"]}).status == 304
    head = http_get(demo.url(path), method="HEAD")
    assert head.status == 200 and head.body == b""
    assert int(head.headers["content-length"]) == len(plain.body)


def test_images_and_unknown_paths(demo: DemoServer) -> None:
    image = next(a.image_path for a in CORPUS.articles() if a.image_path)
    answer = http_get(demo.url(image))
    assert answer.headers["content-type"] == "image/png" and answer.body.startswith(b"\x89PNG")
    assert http_get(demo.url("/nowhere/at/all")).status == 404


def test_stop_releases_the_port_and_restarts_cleanly() -> None:
    server = DemoServer(now=NOW).start()
    port = urlsplit(server.base_url).port
    assert port is not None
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(RuntimeError):
        _ = server.base_url
    with socket.create_server(("127.0.0.1", port)):
        pass  # the port is free again
    with DemoServer(port=port, now=NOW) as again:
        assert again.base_url.endswith(f":{port}")


def test_same_serve_time_gives_same_bytes() -> None:
    with DemoServer(now=NOW) as one, DemoServer(now=NOW) as two:
        path = "/coastline-courier/atom.xml"
        body_one = http_get(one.url(path)).text.replace(one.base_url, "BASE")
        body_two = http_get(two.url(path)).text.replace(two.base_url, "BASE")
        assert body_one == body_two


def test_works_inside_a_running_event_loop() -> None:
    async def fetch_all() -> list[int]:
        async with DemoServer(now=NOW) as server, aiohttp.ClientSession() as session:
            statuses = []
            for url in feed_urls(server.base_url):
                async with session.get(url) as response:
                    await response.read()
                    statuses.append(response.status)
            return statuses

    statuses = asyncio.run(fetch_all())
    assert statuses.count(500) == len(EXPECTATIONS.broken_feeds)
    assert statuses.count(200) == len(statuses) - len(EXPECTATIONS.broken_feeds)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        DemoServer(now=NOW.replace(tzinfo=None))


def test_the_second_edition_adds_articles_that_join_their_events() -> None:
    later = EXPECTATIONS.second_edition
    assert later and any(later.values()) and None in later.values()
    with DemoServer(now=NOW) as server:
        feed = "/meridian-herald/feed.xml"
        before = http_get(server.url(feed))
        assert all(http_get(server.url(p)).status == 404 for p in later)
        assert server.publish_next_edition() == 2
        after = http_get(server.url(feed), {"If-None-Match": before.headers["etag"]})
        assert after.status == 200  # the feed changed
        assert all(http_get(server.url(p)).status == 200 for p in later)
        old_page = EXPECTATIONS.article_pages[-1]
        assert http_get(server.url(old_page)).status == 200
        with pytest.raises(ValueError):
            server.publish_next_edition()
    for path, event in later.items():
        if event is not None:
            assert path not in EXPECTATIONS.event(event).paths
            assert event in {e.name for e in EXPECTATIONS.events}
