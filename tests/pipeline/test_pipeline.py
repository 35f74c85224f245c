"""The update shell against a real local server that mixes good and hostile sources:
every bad input ends as a clear error on its own source, the others go on, and nothing
already stored is lost."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import random
import string
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp import web

from local_server import LocalServer, trickle
from progleton import make_progleton
from progleton.core import Progleton
from progleton.entries import (
    EntryText,
    dated,
    entries_per_day,
    entry_guid,
    feed_warning,
    html_to_text,
    newest_entries,
    not_after,
    plain_title,
    profile_key,
    read_feed,
    retry_advice,
    salvaged_title,
    short_title,
)
from progleton.exceptions import MAX_MESSAGE_CHARS, HTTPStatusError, short_message
from progleton.feeds.model import Enclosure, ParsedEntry, ParsedFeed
from progleton.pages import PAGE_HEAD_NOTE, PAGE_RETRY_WAITS, page_retry_at, retried_page
from progleton.pipeline import Updater, stored_doc
from progleton.timefmt import duration_words
from progleton.types import Article

ARTICLE = """<html><head><title>{title}</title></head><body><nav>Home · World · Sport</nav>
<article><h1>{title}</h1><p>{body}</p><p>The council will publish the full plan on Friday,
officials said, after a review by the harbour board and the city's engineers.</p>
<p>Residents can comment until the end of the month at the town hall.</p></article>
<footer>© The Test Gazette</footer></body></html>"""


def stored_articles(app: Progleton) -> list[Article]:
    """Every article of the top stories, as a reader finds them."""
    return [a for s in app.stories() for a in app.story(s.id).articles]


def rss(base: str, items: list[tuple[str, str]], summaries: dict[str, str] | None = None) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>{base}/a/{slug}</link><guid>{slug}</guid>"
        f"<pubDate>Wed, 25 Nov 2026 0{i}:00:00 GMT</pubDate>"
        f"<description>{(summaries or {}).get(slug, f'Summary of {title}')}</description></item>"
        for i, (slug, title) in enumerate(items)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Gazette</title><link>{base}/</link>{body}</channel></rss>'


# a feed whose entries link to no web page but one: a script, a data address, a URN, nothing;
# and whose titles carry markup
UNLINKED = """<?xml version="1.0"?><rss version="2.0"><channel><title>&lt;img src=x onerror=alert(1)&gt;Odd &lt;b&gt;Links&lt;/b&gt;</title>
<item><title>Ferry timetable changes</title><link>javascript:alert(document.domain)</link><guid>js</guid>
<description>The ferry to Port Alder runs later from Monday.</description></item>
<item><title>Tram fares frozen</title><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link>
<guid>data</guid><description>Fares stay as they are.</description></item>
<item><title>Bridge repairs</title><link>urn:uuid:7d1c5e0a-0000-4000-8000-000000000001</link><guid>urn</guid>
<description>The bridge closes for a week.</description></item>
<item><title>Harbour open day</title><guid isPermaLink="false">none</guid><description>Tours of the harbour.</description></item>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Quay &lt;b&gt;rebuilt&lt;/b&gt; for AT&amp;amp;T</title><link>{base}/a/quay</link><guid>quay</guid></item>
</channel></rss>"""

# items that share their text; the last one is the first republished under another address
COMMENTS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Links</title>""" + "".join(
    f"<item><title>{title}</title><link>{{base}}/c/{slug}</link><guid>{slug}</guid>"
    f"<description>&lt;a href=\"{{base}}/c/{slug}#comments\"&gt;Comments&lt;/a&gt;</description></item>"
    for slug, title in (("1", "Show HN: a tide table"), ("2", "Lighthouse keeper retires"),
                        ("3", "Tram line approved"), ("4", "Show HN: a tide table"))
) + "</channel></rss>"

# an entry dated far ahead (a sticky post) beside an ordinary one
FUTURE = """<?xml version="1.0"?><rss version="2.0"><channel><title>Ahead</title>
<item><title>Pinned: read the rules</title><guid>pinned</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate>
<description>The rules of the forum.</description></item>
<item><title>Ferry strike ends</title><guid>ferry</guid><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>
<description>The ferries run again.</description></item></channel></rss>"""

# entries dated before there was news on the web (a typo'd year; a zero timestamp's 1970) and far
# ahead, beside an ordinary one
ODD_DATES = """<?xml version="1.0"?><rss version="2.0"><channel><title>Odd Dates</title>
<item><title>Tram depot reopens</title><guid>1901</guid><pubDate>Tue, 01 Jan 1901 09:00:00 GMT</pubDate>
<description>The tram depot reopens.</description></item>
<item><title>Lighthouse keeper retires</title><guid>epoch</guid><pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate>
<description>The keeper retires.</description></item>
<item><title>Pinned: read the rules</title><guid>pinned</guid><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate>
<description>The rules of the forum.</description></item>
<item><title>Ferry strike ends</title><guid>ferry</guid><pubDate>Wed, 25 Nov 2026 08:00:00 GMT</pubDate>
<description>The ferries run again.</description></item></channel></rss>"""

# a billion laughs whose declarations sit in an external DTD, never fetched: its references are
# to entities nothing declares (they were stored as written, "Laughs &lol9;")
LAUGHS = """<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/laughs.dtd">
<rss version="2.0"><channel><title>Laughs &lol9;</title>
<item><title>Ferry &lol9; timetable changes</title><guid>ferry</guid>
<description>The ferry to Port Alder runs later &lol9;from Monday.</description></item></channel></rss>"""

# episodes with nothing but their audio: no title, no link, no guid
PODCAST = """<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Talk</title>
<item><enclosure url="http://127.0.0.1/audio/episode%2001.mp3" type="audio/mpeg" length="1"/></item>
<item><enclosure url="http://127.0.0.1/audio/episode-02.mp3" type="audio/mpeg" length="1"/></item>
</channel></rss>"""


# relative links and guids, and a relative xml:base; read where the feed now lives (/a/)
MOVED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Moved Gazette</title>
<item><title>Dock reopens</title><link>dock</link><guid>dock</guid></item>
<item xml:base="sub/"><title>Pier lights</title><link>../pier</link><guid isPermaLink="false">pier</guid></item>
</channel></rss>"""


# a JSON feed (JSON escapes allow any character) with controls and bidi overrides everywhere
CONTROLS = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "Harbour\u202e sweN\u202c \u2066Daily\u2069\x1b[31m",
    "items": [{"id": "1", "title": "Ferry\x00 news\u202egpj.exe\x85", "authors": [{"name": "Ann\u202d\x07 Lee"}],
               "content_text": "First\x00 line\x1b[0m\n\tsecond\x9b line"}]})


# a JSON feed whose fields hold numbers and booleans where addresses and texts belong
WRONG_TYPES = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "Typed Gazette",
    "items": [{"id": "odd", "url": 5, "title": "Ferry timetable changes", "content_text": 3.5, "summary": True},
              {"id": "quay", "url": "{base}/a/quay", "title": "Harbour quay to be rebuilt", "summary": False}]})


# a feed feedparser salvages: an unescaped "&" and an unclosed title and description; leftover
# markup in titles, and a runaway title
BROKEN_TITLES = """<?xml version="1.0"?><rss version="2.0"><channel><title>Malformed & broken<item><title>Unclosed <b>bold item</title>
<link>{base}/a/bold</link><guid>bold</guid></item>
<item><title>""" + " ".join(["Harbour"] * 400) + """</title><link>{base}/a/long</link><guid>long</guid></item>
<item><title>Ferry <b>timetable changes</title><link>{base}/a/ferry</link><guid>ferry</guid><description>The ferry.</item>
</channel></rss>"""


class Farm:
    """A real aiohttp server on 127.0.0.1 with good and hostile routes; ``state`` flips behaviour."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {"good_broken": False}
        self.base = ""
        self.server = LocalServer(self._app())
        self.base = self.server.url("")

    def _app(self) -> web.Application:
        @web.middleware
        async def count(request: web.Request, handler: Any) -> web.StreamResponse:
            self.state.setdefault("paths", []).append(request.path)
            if "Authorization" in request.headers:
                self.state.setdefault("authorized", []).append(request.path)
            return await handler(request)

        app = web.Application(middlewares=[count])
        app.router.add_get("/good.xml", self.good)
        app.router.add_get("/a/{slug}", self.article)
        app.router.add_get("/xxe.xml", self.xxe)
        app.router.add_get("/bomb.xml", self.bomb)
        app.router.add_get("/many.xml", self.many)
        app.router.add_get("/trickle/{slug}", self.trickle)
        app.router.add_get("/trickle.xml", self.trickle_feed)
        app.router.add_get("/busy-pages.xml", self.busy_pages_feed)
        app.router.add_get("/busy/{slug}", self.busy_page)
        app.router.add_get("/busy-feed.xml", self.busy_page)
        app.router.add_get("/flaky.xml", self.flaky_feed)
        app.router.add_get("/slow.xml", self.slow_feed)
        app.router.add_get("/desk.xml", self.desk_feed)
        app.router.add_get("/byline/{slug}", self.byline_page)
        app.router.add_get("/flaky/{slug}", self.flaky_page)
        app.router.add_get("/files.xml", self.files_feed)
        app.router.add_get("/odd-links.xml", self.odd_links_feed)
        app.router.add_get("/long-links.xml", self.long_links_feed)
        app.router.add_get("/long-moved.xml", self.long_moved_feed)
        app.router.add_get("/claims/{slug}", self.claiming_page)
        app.router.add_get("/files/{name}", self.file)
        app.router.add_get("/credentials.xml", self.credentials_feed)
        app.router.add_get("/members.xml", self.members_feed)
        app.router.add_get("/to-credentials/{slug}", self.to_credentials)
        app.router.add_get("/long-page.xml", self.long_page_feed)
        app.router.add_get("/long-page/{slug}", self.long_page)
        answers = {
            "/html.xml": web.Response(text="<html><body><p>Welcome</p></body></html>", content_type="text/html"),
            "/empty.xml": web.Response(body=b"", content_type="application/rss+xml"),
            "/private.xml": web.Response(status=302, headers={"Location": "http://169.254.169.254/latest/"}),
            "/gone.xml": web.Response(status=410),
            "/unlinked.xml": web.Response(text=UNLINKED, content_type="application/rss+xml"),
            "/comments.xml": web.Response(text=COMMENTS, content_type="application/rss+xml"),
            "/future.xml": web.Response(text=FUTURE, content_type="application/rss+xml"),
            "/laughs.xml": web.Response(text=LAUGHS, content_type="application/rss+xml"),
            "/odd-dates.xml": web.Response(text=ODD_DATES, content_type="application/rss+xml"),
            "/podcast.xml": web.Response(text=PODCAST, content_type="application/rss+xml"),
            "/controls.json": web.Response(text=CONTROLS, content_type="application/feed+json"),
            "/wrong-types.json": web.Response(text=WRONG_TYPES, content_type="application/feed+json"),
            "/broken-titles.xml": web.Response(text=BROKEN_TITLES, content_type="application/rss+xml"),
            # an article page that redirects to an address of 8,000 characters (near the most a
            # header line may hold)
            "/to-long/quay": web.Response(status=302, headers={"Location": "/nowhere/" + "y" * 8_000}),
            "/long-page-redirect.xml": web.Response(
                text=rss("{base}", [("quay", "Harbour quay to be rebuilt")]).replace("/a/quay", "/to-long/quay"),
                content_type="application/rss+xml"),
            "/busy.xml": web.Response(status=503, headers={"Retry-After": "120"}),
            # a feed moved for good: its relative links and guids are relative to /a/feed.xml
            "/old/feed.xml": web.Response(status=301, headers={"Location": "/a/feed.xml"}),
            "/a/feed.xml": web.Response(text=MOVED, content_type="application/rss+xml"),
            "/robots.txt": web.Response(text="User-agent: *\nAllow: /\n"),
            "/refused.xml": web.Response(
                text=rss("http://127.0.0.1", [("refused", "An entry the store refuses")]).replace(
                    "<channel>", "<channel><ttl>5</ttl>"),
                content_type="application/rss+xml", headers={"ETag": '"v1"'}),
        }

        async def fixed(request: web.Request) -> web.Response:
            answer = answers[request.path]
            body = answer.body.replace(b"{base}", self.base.encode()) if answer.body else answer.body
            return web.Response(body=body, status=answer.status, headers=answer.headers)

        for path in answers:
            app.router.add_get(path, fixed)
        return app

    async def good(self, request: web.Request) -> web.Response:
        if self.state["good_broken"]:
            return web.Response(status=500, text="Internal Server Error")
        quay = self.state.get("quay_title", "Harbour quay to be rebuilt")
        items = [("quay", quay), ("tram", "Tram line approved")]
        return web.Response(text=rss(self.base, items, self.state.get("summaries")), content_type="application/rss+xml")

    async def many(self, request: web.Request) -> web.Response:
        count = self.state.get("many", 20)
        etag = f'"many-{count}"'  # the same feed answers "not modified" to its own ETag
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        items = [(f"story-{i}", f"Council story number {i}") for i in range(count)]
        return web.Response(text=rss(self.base, items), content_type="application/rss+xml", headers={"ETag": etag})

    async def trickle_feed(self, request: web.Request) -> web.Response:
        items = rss(self.base, [(f"slow-{i}", f"Slow page {i}") for i in range(self.state.get("trickle", 6))])
        return web.Response(text=items.replace("/a/slow-", "/trickle/slow-"), content_type="application/rss+xml")

    async def busy_pages_feed(self, request: web.Request) -> web.Response:
        items = rss(self.base, [(f"busy-{i}", f"Busy page {i}") for i in range(30)])
        return web.Response(text=items.replace("/a/busy-", "/busy/busy-"), content_type="application/rss+xml")

    async def busy_page(self, request: web.Request) -> web.Response:
        self.state["busy_requests"] = self.state.get("busy_requests", 0) + 1
        return web.Response(status=429, headers={"Retry-After": "3600"})

    async def slow_feed(self, request: web.Request) -> web.Response:
        """A feed that takes a moment to answer; ``?n=`` makes each address a source of its own."""
        await asyncio.sleep(0.3)
        self.state.setdefault("slow_requests", []).append(request.query.get("n"))
        n = request.query.get("n", "0")
        return web.Response(text=rss(self.base, [(f"slow-{n}", f"Council story {n}")]), content_type="application/rss+xml")

    async def desk_feed(self, request: web.Request) -> web.Response:
        """A news site's feed whose only author is the channel's managingEditor."""
        items = rss(self.base, [("bridge", "Bridge closes for repairs")]).replace("/a/", "/byline/")
        return web.Response(text=items.replace("<channel>", "<channel><managingEditor>desk@news.example "
                                               "(News Desk)</managingEditor>"), content_type="application/rss+xml")

    async def byline_page(self, request: web.Request) -> web.Response:
        page = ARTICLE.format(title="Bridge closes for repairs", body="The bridge over the Alder closes on Monday.")
        page = page.replace("<head>", '<head><meta name="author" content="Ann Lee">')
        return web.Response(text=page, content_type="text/html")

    async def flaky_feed(self, request: web.Request) -> web.Response:
        items = rss(self.base, [("ferry", "Ferry timetable changes"), ("gone", "Lighthouse sold")])
        return web.Response(text=items.replace("/a/", "/flaky/"), content_type="application/rss+xml")

    async def flaky_page(self, request: web.Request) -> web.Response:
        """Article pages of a site that fails for a while: 503 while ``flaky_down``; one page is
        gone for good (404)."""
        slug = request.match_info["slug"]
        self.state.setdefault("flaky_requests", []).append(slug)
        if slug == "gone":
            return web.Response(status=404)
        if self.state.get("flaky_down", True):
            return web.Response(status=503, headers={"Retry-After": str(self.state.get("flaky_after", 5))})
        body = ("The morning ferry to Port Alder leaves at 7.40 from Monday, the harbour board said, "
                "after the new pontoon opened for the winter timetable.")
        return web.Response(text=ARTICLE.format(title="Ferry timetable changes", body=body), content_type="text/html")

    async def odd_links_feed(self, request: web.Request) -> web.Response:
        """Links no URL parser reads (a port out of range, an unclosed IPv6 bracket) beside a good
        one, and a page that claims a canonical address with a port out of range."""
        items = rss(self.base, [("quay", "Harbour quay to be rebuilt"), ("port", "Port out of range"),
                                ("bracket", "Unclosed bracket"), ("claim", "Tram line approved")])
        items = items.replace(f"{self.base}/a/port", "http://127.0.0.1:99999/a/port")
        items = items.replace(f"{self.base}/a/bracket", "http://[::1/a/bracket")
        return web.Response(text=items.replace("/a/claim", "/claims/claim"), content_type="application/rss+xml")

    async def long_links_feed(self, request: web.Request) -> web.Response:
        """An entry whose link, and one whose guid, is 8,000 random characters (no compression
        brings them under PostgreSQL's limit for an indexed value), beside an ordinary one."""
        noise = "".join(random.Random(7).choices(string.ascii_letters + string.digits, k=8000))
        items = rss(self.base, [("quay", "Harbour quay to be rebuilt"), ("long", "A link too long"),
                                ("guid", "A guid too long")])
        items = items.replace("/a/long<", f"/a/long-{noise}<").replace("<guid>guid</guid>", f"<guid>{noise}</guid>")
        return web.Response(text=items, content_type="application/rss+xml")

    async def long_moved_feed(self, request: web.Request) -> web.Response:
        """A feed moved for good to an address of 6,000 random characters."""
        noise = "".join(random.Random(8).choices(string.ascii_letters, k=6000))
        return web.Response(status=301, headers={"Location": f"/a/feed.xml?x={noise}"})

    async def claiming_page(self, request: web.Request) -> web.Response:
        page = ARTICLE.format(title="Tram line approved", body="The tram line was approved on Tuesday.")
        page = page.replace("<head>", '<head><link rel="canonical" href="http://127.0.0.1:99999/claims/claim">')
        return web.Response(text=page, content_type="text/html")

    async def files_feed(self, request: web.Request) -> web.Response:
        """Items that link to their files, not to pages: an episode, a PDF report, an image."""
        items = [("episode.mp3", "Harbour Talk episode 12"), ("report.pdf", "Harbour board annual report"),
                 ("chart.png", "Tide chart for December")]
        return web.Response(text=rss(self.base, items).replace("/a/", "/files/"), content_type="application/rss+xml")

    def _with_credentials(self, path: str) -> str:
        return self.base.replace("http://", "http://reader:s3cret@") + path

    async def credentials_feed(self, request: web.Request) -> web.Response:
        return web.Response(body=self.credentials_body(), content_type="application/rss+xml")

    def credentials_body(self) -> bytes:
        """Article links that carry a user name and password, one of them to a page that
        redirects to an address with others, and an enclosure with some."""
        items = rss(self.base, [("quay", "Harbour quay to be rebuilt"), ("tram", "Tram line approved")])
        items = items.replace(f"{self.base}/a/quay", self._with_credentials("/a/quay"))
        items = items.replace(f"{self.base}/a/tram", self._with_credentials("/to-credentials/tram"))
        enclosure = f'<enclosure url="{self._with_credentials("/files/episode.mp3")}" type="audio/mpeg"/></item>'
        return items.replace("</item>", enclosure, 1).encode()

    async def members_feed(self, request: web.Request) -> web.Response:
        """A feed behind HTTP Basic (reader, s3cret) whose entries link relatively."""
        if request.headers.get("Authorization") != "Basic cmVhZGVyOnMzY3JldA==":
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="feed"'})
        items = rss(self.base, [("quay", "Harbour quay to be rebuilt")]).replace(f"{self.base}/a/quay", "/a/quay")
        return web.Response(text=items, content_type="application/rss+xml")

    async def to_credentials(self, request: web.Request) -> web.Response:
        location = self._with_credentials(f"/a/{request.match_info['slug']}").replace("reader:s3cret", "evil:pw")
        return web.Response(status=302, headers={"Location": location})

    async def long_page_feed(self, request: web.Request) -> web.Response:
        items = rss(self.base, [("dredging", "Harbour dredging begins")]).replace("/a/", "/long-page/")
        return web.Response(text=items, content_type="application/rss+xml")

    async def long_page(self, request: web.Request) -> web.StreamResponse:
        """An article page of 24 MB, over max_response_bytes: its article, then comments."""
        body = "The dredging of the harbour channel began on Monday and will last until the spring."
        page = ARTICLE.format(title="Harbour dredging begins", body=body).replace("</body></html>", "")
        response = web.StreamResponse(headers={"Content-Type": "text/html", "Content-Length": str(24 * 1024 * 1024)})
        await response.prepare(request)
        comment = ("<div class='comment'><p>" + "A reader's comment. " * 50 + "</p></div>\n").encode()
        try:
            await response.write(page.encode().ljust(len(comment) * 8))
            for _ in range(24 * 1024 * 1024 // len(comment) - 8):
                if request.transport is None or request.transport.is_closing():
                    return response  # the client has read what it wanted
                await response.write(comment)
            self.state["long_page_sent_whole"] = True
        except ConnectionResetError:
            pass
        return response

    async def file(self, request: web.Request) -> web.StreamResponse:
        """A 24 MB file of the type its name says (the image as application/octet-stream); the
        files sent whole are counted (a file left unread ends in a reset once the socket's
        buffers are full)."""
        name = request.match_info["name"]
        self.state.setdefault("file_requests", []).append(name)
        kind, start = {"episode.mp3": ("audio/mpeg", b"ID3"), "report.pdf": ("application/pdf", b"%PDF-1.7\n"),
                       "chart.png": ("application/octet-stream", b"\x89PNG\r\n\x1a\n")}[name]
        response = web.StreamResponse(headers={"Content-Type": kind})
        await response.prepare(request)
        try:
            await response.write(start)
            for _ in range(24):
                await response.write(bytes(1024 * 1024))
            await response.write_eof()
            self.state.setdefault("files_sent_whole", []).append(name)
        except ConnectionResetError:
            pass
        return response

    async def trickle(self, request: web.Request) -> web.StreamResponse:
        """An article page that sends a byte every 0.2 s: never idle long enough to time out."""
        return await trickle(request)

    async def article(self, request: web.Request) -> web.Response:
        slug = request.match_info["slug"]
        title = {"quay": "Harbour quay to be rebuilt", "tram": "Tram line approved"}.get(slug, slug)
        body = f"The {slug} project was approved by the council of Port Alder on Tuesday evening."
        return web.Response(text=ARTICLE.format(title=title, body=body), content_type="text/html")

    async def xxe(self, request: web.Request) -> web.Response:
        doc = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
               "<rss version=\"2.0\"><channel><title>&x;</title><item><title>&x;</title>"
               f"<link>{self.base}/a/xxe</link></item></channel></rss>")
        return web.Response(text=doc, content_type="application/rss+xml")

    async def bomb(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = gzip.compress(b"\0" * (64 * 1024 * 1024))  # 64 MiB of zeros, a few KB compressed
        for _ in range(4):
            await response.write(chunk)
        return response

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def farm() -> Iterator[Farm]:
    f = Farm()
    try:
        yield f
    finally:
        f.close()


HOSTILE = ["/xxe.xml", "/bomb.xml", "/html.xml", "/empty.xml", "/private.xml", "/gone.xml"]


def test_hostile_sources_fail_alone_and_nothing_stored_is_lost(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1,
                         max_response_bytes=8 * 1024 * 1024)
    try:
        for path in ["/good.xml", *HOSTILE]:
            app.store.add_source(farm.base + path)
        result = app.update(due_only=False)
        by_path = {s.url.removeprefix(farm.base): s for s in result.sources}
        assert by_path["/good.xml"].status == "ok" and by_path["/good.xml"].new_articles == 2
        for path in HOSTILE:
            if path == "/xxe.xml":  # salvaged without the entity, and said so
                assert by_path[path].warning and "entity" in by_path[path].warning, by_path[path]
                continue
            assert by_path[path].status in ("error", "gone"), path
            assert by_path[path].error, path
        every_text = str([(a.title, a.text) for a in stored_articles(app)])
        assert "root:" not in every_text
        xxe_source = next(s for s in app.sources() if s.url.endswith("/xxe.xml"))
        assert "not well-formed" in (xxe_source.last_error or "")
        assert by_path["/gone.xml"].status == "gone"
        assert any(s.retired for s in app.sources())
        stored = {a.title for a in stored_articles(app)}
        assert {"Harbour quay to be rebuilt", "Tram line approved"} <= stored

        farm.state["good_broken"] = True
        again = app.update(due_only=False)
        assert {s.url.removeprefix(farm.base): s.status for s in again.sources}["/good.xml"] == "error"
        assert {a.title for a in stored_articles(app)} == stored
        good = next(s for s in app.sources() if s.url.endswith("/good.xml"))
        assert good.error_count == 1 and good.backoff_minutes > 0 and good.last_error
    finally:
        app.close()


def test_references_to_entities_a_feed_never_declares_are_not_stored(farm: Farm, db_url: str) -> None:
    """A hostile feed's "&lol9;", whose declaration was never read, was stored and shown as
    written: the source was called "Laughs &lol9;". It is left out, and the source says so."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/laughs.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 1
        [source] = app.sources()
        [article] = stored_articles(app)
        assert (source.title, article.title) == ("Laughs", "Ferry timetable changes")
        assert article.text == "The ferry to Port Alder runs later from Monday."
        assert "&lol9;" in (source.last_error or "") and "left out" in (source.last_error or "")
    finally:
        app.close()


def test_entries_the_store_refuses_fail_only_their_own_source(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        good, _ = app.store.add_source(farm.base + "/good.xml")
        refused, _ = app.store.add_source(farm.base + "/refused.xml")
        with app.store.engine.begin() as conn:  # a store that cannot take one entry (a real failure)
            conn.exec_driver_sql("CREATE TRIGGER refuse BEFORE INSERT ON entries WHEN new.guid LIKE '%refused' "
                                 "BEGIN SELECT RAISE(ABORT, 'this entry cannot be stored'); END")
        by_id = {s.source_id: s for s in app.update(due_only=False).sources}
        assert by_id[good.id].status == "ok" and by_id[good.id].new_articles == 2
        assert by_id[refused.id].status == "error"
        assert "could not be stored" in (by_id[refused.id].error or "")
        after = app.store.get_source(refused.id)
        assert after.etag is None and after.error_count == 1
        assert after.last_error == "internal error: its entries could not be stored: this entry cannot be stored"
        assert len(stored_articles(app)) == 2
    finally:
        app.close()


def test_article_text_comes_from_the_page_and_feed_summary_is_kept(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        articles = stored_articles(app)
        quay = next(a for a in articles if a.title.startswith("Harbour"))
        assert quay.extracted and "approved by the council of Port Alder" in quay.text
        assert "Home · World" not in quay.text and "©" not in quay.text
        assert quay.summary == "Summary of Harbour quay to be rebuilt"
    finally:
        app.close()


def test_relative_links_and_guids_of_a_moved_feed_are_read_where_it_now_lives(
        farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        source, _ = app.store.add_source(farm.base + "/old/feed.xml")
        app.update(due_only=False)
        articles = {a.title: a for a in stored_articles(app)}
        assert articles["Dock reopens"].url == farm.base + "/a/dock"
        assert articles["Pier lights"].url == farm.base + "/a/pier"
        assert all(a.extracted for a in articles.values())  # the pages were there
        known = app.store.known_entries(source.id, [farm.base + "/a/dock", "pier"])
        assert set(known) == {farm.base + "/a/dock", "pier"}
    finally:
        app.close()


def test_pages_are_fetched_and_extracted_in_bounded_chunks(farm: Farm, db_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fetched body was held until the whole feed's pages were extracted in one call:
    40 pages of 15 MB peaked at 1.08 GB. A feed of any length now holds one chunk's bodies."""
    from progleton.pipeline import Updater

    batches: list[int] = []
    extract = Updater._extract_pages

    async def counting(self: Updater, pages: Any, site_url: str | None) -> Any:
        batches.append(sum(1 for page, _, _ in pages if page is not None))
        return await extract(self, pages, site_url)

    monkeypatch.setattr(Updater, "_extract_pages", counting)
    farm.state["many"] = 20
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/many.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 20
        assert sum(batches) == 20 and max(batches) <= Updater.PAGE_CHUNK < 20
    finally:
        app.close()


def test_a_huge_feed_gives_its_newest_entries_and_says_how_many_were_left(farm: Farm, db_url: str) -> None:
    """A feed of 100,000 items took over the update (grouping ran for half an hour): one update
    takes ``max_new_entries``, the newest, and the older ones come on later updates."""
    farm.state["many"] = 9  # dated 00:00 to 08:00; the newest are the last in the feed
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False,
                         max_new_entries=4)
    try:
        app.store.add_source(farm.base + "/many.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_entries == 4
        assert result.warning == "took the newest 4 of 9 new entries (max_new_entries); 5 were left for later updates"
        titles = {a.title for a in stored_articles(app)}
        assert titles == {f"Council story number {i}" for i in (5, 6, 7, 8)}
        # the feed answers its ETag "not modified": with entries left, it is not sent
        again = app.update(due_only=False).sources[0]
        assert again.new_entries == 4 and "1 was left" in (again.warning or "")
        third = app.update(due_only=False).sources[0]
        assert third.new_entries == 1 and third.warning is None
    finally:
        app.close()


def test_newest_entries_ranks_by_date_then_feed_order() -> None:
    day = datetime(2026, 11, 25, tzinfo=UTC)
    text = EntryText(None, "", "", "", "")
    new = [(str(i), ParsedEntry(id=str(i), published=day + timedelta(hours=h) if h is not None else None), text)
           for i, h in enumerate([1, None, 5, 3, None])]
    kept, left = newest_entries(new, 3)
    assert [g for g, _, _ in kept] == ["0", "2", "3"]  # in feed order
    assert [g for g, _, _ in left] == ["1", "4"]  # the newest first, undated ones in feed order
    kept, left = newest_entries(new[1:2] + new[4:], 1)  # undated: the first in the feed
    assert [g for g, _, _ in kept] == ["1"] and [g for g, _, _ in left] == ["4"]
    assert newest_entries(new, 10) == (new, [])


def test_pages_that_trickle_are_cut_short_by_the_sources_time_for_pages(farm: Farm, db_url: str) -> None:
    """Pages trickling a byte at a time, each under its own limits, held an update for
    pages / 2 x max_response_seconds: the source's time for pages bounds them all."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, page_seconds_per_source=1.0)
    try:
        app.store.add_source(farm.base + "/trickle.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 6
        assert result.warning == ("pages cut short: 6 article pages not fetched within 1 s "
                                  "(page_seconds_per_source), shown with the feed's text until asked for again")
        articles = stored_articles(app)
        assert len(articles) == 6 and not any(a.extracted for a in articles)
        assert all(a.text.startswith("Summary of Slow page") for a in articles)
        assert all("page not fetched: this source's 1 s for fetching pages ran out" in a.warnings for a in articles)
    finally:
        app.close()


def test_updates_at_once_share_the_due_sources_and_fetch_none_twice(farm: Farm, db_url: str) -> None:
    """Two updates of one database at once (two cron runs, two machines): each takes a few due
    sources at a time, so both do part of the work, and no feed is fetched twice."""
    apps = [make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False,
                           concurrency=1) for _ in range(2)]  # each takes 4 sources at a time
    try:
        for n in range(16):
            apps[0].store.add_source(f"{farm.base}/slow.xml?n={n}")

        async def both() -> list[Any]:
            return list(await asyncio.gather(*(app.update_async(group=False) for app in apps)))

        results = asyncio.run(both())
        assert sorted(farm.state["slow_requests"], key=int) == [str(n) for n in range(16)]  # each once
        assert all(len(r.sources) >= 2 for r in results) and sum(len(r.sources) for r in results) == 16
    finally:
        for app in apps:
            app.close()


def test_an_update_stopped_midway_gives_its_sources_back(farm: Farm, db_url: str) -> None:
    """A cron run under ``timeout`` or a stopped server: the sources it had taken and not
    finished are due again at once, not an hour later."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        source, _ = app.store.add_source(farm.base + "/trickle.xml")

        async def stopped() -> None:
            task = asyncio.create_task(app.update_async())
            await asyncio.sleep(1.5)  # its pages are trickling in
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        asyncio.run(stopped())
        assert [s.id for s in app.store.due_sources(datetime.now(UTC))] == [source.id]
    finally:
        app.close()


def test_a_schedule_written_by_a_clock_that_ran_ahead_is_due_again(farm: Farm, either_db_url: str) -> None:
    """The machine's clock ran a year ahead for an update (a board without a battery-backed
    clock, a wrong NTP answer), then was put right: every source was due in a year, and one taken
    by an update killed then was held as long. Nothing schedules a source further ahead than
    its longest wait (a day): a later time is due now."""
    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        now = datetime.now(UTC)
        ahead, taken, later = (app.store.add_source(f"{farm.base}/good.xml?n={n}")[0] for n in range(3))
        app.store.update_source(ahead.id, next_fetch_at=now + timedelta(days=366),
                                last_fetched_at=now + timedelta(days=365))
        app.store.update_source(taken.id, next_fetch_at=now + timedelta(days=365, hours=1),
                                claimed_until=now + timedelta(days=365, hours=1))
        app.store.update_source(later.id, next_fetch_at=now + timedelta(hours=20))  # as scheduled
        result = app.update(group=False)
        assert sorted(s.source_id for s in result.sources) == [ahead.id, taken.id]
        assert all(s.status == "ok" for s in result.sources)
        for source in (app.store.get_source(ahead.id), app.store.get_source(taken.id)):
            assert source.next_fetch_at is not None and source.next_fetch_at < now + timedelta(days=2)
        assert app.store.get_source(later.id).next_fetch_at == now + timedelta(hours=20)
    finally:
        app.close()


def test_pages_not_yet_asked_for_when_the_time_ran_out_wait_for_the_next_update(farm: Farm, db_url: str) -> None:
    """Stored with the feed's text, they would never be fetched: the next update asks for them."""
    farm.state["trickle"] = 12  # a first chunk of 8 is in flight when the time runs out, 4 wait
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, page_seconds_per_source=1.0)
    try:
        app.store.add_source(farm.base + "/trickle.xml")
        result = app.update(due_only=False).sources[0]
        assert result.new_articles == Updater.PAGE_CHUNK
        assert result.warning is not None and "4 new entries left for the next update" in result.warning
        again = app.update(due_only=False).sources[0]
        assert again.new_articles == 4 and "left for the next update" not in (again.warning or "")
    finally:
        app.close()


def test_a_big_feed_is_parsed_off_the_event_loop(farm: Farm, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`serve` answered nothing while a 16 MB feed was parsed on its event loop."""
    import threading

    from progleton import pipeline

    threads: list[str] = []
    parse = pipeline.read_feed

    def recording(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return parse(*args)

    monkeypatch.setattr(pipeline, "read_feed", recording)
    monkeypatch.setattr(pipeline.Updater, "THREAD_FEED_BYTES", 100)  # the test feeds are small
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/good.xml")
        assert app.update(due_only=False).sources[0].new_articles == 2
        assert threads and threading.main_thread().name not in threads
    finally:
        app.close()


def test_pages_are_not_fetched_when_article_fetching_is_off(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        articles = stored_articles(app)
        assert len(articles) == 2 and not any(a.extracted for a in articles)
        assert all("article fetching is off" in a.warnings for a in articles)
    finally:
        app.close()


def test_entries_without_a_web_link_are_read_from_the_feed_and_never_linked(farm: Farm, db_url: str) -> None:
    """A javascript:, data: or urn: link would be offered to readers as "the original": such an
    entry is an article of the feed's own text with no link, the source says why, and the
    titles a feed wrote markup into are text."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/unlinked.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 5
        assert result.warning == ("3 new entries link to no web address (such as "
                                  "'javascript:alert(document.domain)'): shown with the feed's own text "
                                  "and no link to the original")
        assert app.sources()[0].last_error == result.warning
        articles = {a.title: a for a in stored_articles(app)}
        assert {title: a.link for title, a in articles.items()} == {
            "Ferry timetable changes": "", "Tram fares frozen": "", "Bridge repairs": "", "Harbour open day": "",
            "Quay rebuilt for AT&T": farm.base + "/a/quay"}
        ferry = app.article(articles["Ferry timetable changes"].id)
        assert ferry.text == "The ferry to Port Alder runs later from Monday." and ferry.outlet == "Odd Links"
        assert ferry.url == ferry.canonical_url and ferry.url.startswith("urn:progleton:entry:")
        assert app.sources()[0].title == "Odd Links"  # the feed's title, its markup dropped
        again = app.update(due_only=False).sources[0]
        assert again.new_entries == 0 and again.warning is None  # the entries are known now
    finally:
        app.close()


def test_control_and_bidi_override_characters_are_not_stored(farm: Farm, db_url: str) -> None:
    """Titles, the source's name and authors came stored with NULs, escape codes and
    U+202E (which makes "news\u202egpj.exe" read as "newsexe.jpg")."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/controls.json")
        assert app.update(due_only=False).sources[0].new_articles == 1
        assert app.sources()[0].title == "Harbour sweN Daily"  # the escape sequence whole, not its ESC alone
        article = app.article(next(a for a in stored_articles(app)).id)
        assert (article.title, list(article.authors)) == ("Ferry newsgpj.exe", ["Ann Lee"])
        assert article.text == "First line\n\nsecond line"
    finally:
        app.close()


def test_json_feed_fields_of_the_wrong_type_are_dropped_and_the_source_says_so(farm: Farm, db_url: str) -> None:
    """``"url": 5`` had the update fetch /5 as the entry's page, ``"content_text": 3.5`` stored the
    text "3.5" and ``"summary": true`` "True"."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/wrong-types.json")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 2
        assert "/5" not in farm.state["paths"] and "/a/quay" in farm.state["paths"]
        articles = {a.title: app.article(a.id) for a in stored_articles(app)}
        odd = articles["Ferry timetable changes"]
        assert odd.link == "" and odd.url.startswith("urn:progleton:entry:")
        assert odd.text == "" and odd.summary == ""
        assert articles["Harbour quay to be rebuilt"].summary == ""  # not "False"
        assert result.warning == ("feed not valid, salvaged what could be read: JSON Feed fields that are not "
                                  "strings were dropped: items' url (a number), items' content_text (a number), "
                                  "items' summary (true or false, 2 times)")
        assert app.sources()[0].last_error == result.warning
    finally:
        app.close()


def test_titles_of_a_salvaged_feed_are_plain_text_and_a_runaway_one_is_cut_at_a_word(farm: Farm, db_url: str) -> None:
    """feedparser salvaged a broken feed with markup left in its titles: the source was named
    "Malformed & broken<item><title>Unclosed <b>bold item", and a title of 3,000 characters was
    cut in the middle of a word."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/broken-titles.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.warning and "not well-formed" in result.warning
        assert app.sources()[0].title == "Malformed & broken"
        titles = sorted(a.title for a in stored_articles(app))
        assert titles[0] == "Ferry timetable changes"
        assert len(titles[1]) <= 500 and titles[1].endswith("Harbour…")
        assert titles[1].removesuffix("…").split() == ["Harbour"] * titles[1].count("Harbour")
    finally:
        app.close()


@pytest.mark.parametrize(("title", "expected"), [
    ("Malformed & broken<item><title>Unclosed <b>bold item", "Malformed & broken"),
    ("Unclosed <b>bold item", "Unclosed bold item"),
    ("<title>Ferry news</title>", "Ferry news"),
    ("Harbour\n  news<dc:creator>Ann</dc:creator>", "Harbour news"),
    ("Vec<T> and 3 < 5", "Vec<T> and 3 < 5"),  # text that only looks like a tag stays
])
def test_a_salvaged_feeds_titles_are_plain_text(title: str, expected: str) -> None:
    assert salvaged_title(title) == expected


def test_short_title_cuts_at_a_word_with_an_ellipsis() -> None:
    assert short_title("Ferry news", 200) == "Ferry news"
    assert short_title("Ferry timetable changes again", 20) == "Ferry timetable…"
    assert short_title("x" * 300, 200) == "x" * 199 + "…"  # no word to cut at
    assert len(short_title("word " * 100, 200)) <= 200


def test_credentials_in_article_links_are_never_sent_stored_or_shown(farm: Farm, db_url: str) -> None:
    """An article link "http://user:pass@host/…" was fetched with them (HTTP Basic) and shown
    to readers as written; so was the address a page redirected to."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/credentials.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 2
        assert {"/a/quay", "/to-credentials/tram", "/a/tram"} <= set(farm.state["paths"])
        assert farm.state.get("authorized", []) == []
        articles = [app.article(a.id) for a in stored_articles(app)]
        assert sorted(a.link for a in articles) == [farm.base + "/a/quay", farm.base + "/a/tram"]
        assert all(a.extracted for a in articles)
        stored = str([(a.url, a.canonical_url, a.link, a.html, a.warnings) for a in articles])
        assert "s3cret" not in stored and "evil" not in stored and "@" not in stored
        # nor does an entry's enclosure, shown with the feed's text
        feed, _ = read_feed(farm.credentials_body(), farm.base + "/credentials.xml", {}, farm.base)
        assert [e.url for e in feed.entries[0].enclosures] == [farm.base + "/files/episode.mp3"]
    finally:
        app.close()


def test_a_feed_followed_with_credentials_sends_them_to_the_feed_alone(farm: Farm, db_url: str) -> None:
    """The address of a private feed, given with its user name and password, is the user's
    choice: it is fetched with them (HTTP Basic). Its entries' links do not inherit them."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm._with_credentials("/members.xml"))
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 1
        assert farm.state["authorized"] == ["/members.xml"] and "/a/quay" in farm.state["paths"]
        article = app.article(stored_articles(app)[0].id)
        assert article.link == farm.base + "/a/quay" and article.extracted
    finally:
        app.close()


def test_an_article_page_over_the_size_cap_is_read_as_far_as_extraction_reads(farm: Farm, db_url: str) -> None:
    """A 24 MB article page was refused ("sent more than 20,000,000 bytes … raise
    max_response_bytes") though extraction reads only a page's first 5 MB: its beginning is
    read and the article extracted from it, saying so."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/long-page.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.warning is None
        article = app.article(stored_articles(app)[0].id)
        assert article.extracted and "dredging of the harbour channel began on Monday" in article.text
        assert article.warnings == (PAGE_HEAD_NOTE,)
        assert "5,000,000 bytes" in PAGE_HEAD_NOTE
        assert not farm.state.get("long_page_sent_whole")
    finally:
        app.close()


def test_errors_and_warnings_are_stored_at_a_readable_length(farm: Farm, db_url: str) -> None:
    """An address of 100,000 characters (followed before such were refused) put an error of
    100 KB on its source, and a page's redirect to a long one a warning as long on its article
    and its source: the address is cut inside, with "…", and what happened is kept."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        failing, _ = app.store.add_source(farm.base + "/nowhere/" + "x" * 100_000)
        warned, _ = app.store.add_source(farm.base + "/long-page-redirect.xml")
        by_id = {r.source_id: r for r in app.update(due_only=False).sources}
        error = app.store.get_source(failing.id).last_error or ""
        assert by_id[failing.id].error == error and len(error) <= MAX_MESSAGE_CHARS
        assert error.startswith(farm.base + "/nowhere/xxx") and "x…x" in error and "answered" in error
        warning = app.store.get_source(warned.id).last_error or ""
        assert by_id[warned.id].warning == warning and len(warning) <= MAX_MESSAGE_CHARS and "y…y" in warning
        [article] = [app.article(a.id) for a in stored_articles(app)]
        assert article.warnings and all(len(w) <= MAX_MESSAGE_CHARS for w in article.warnings)
        assert "y…y" in article.warnings[0] and "answered" in article.warnings[0]
    finally:
        app.close()


def test_short_message_cuts_long_addresses_inside_then_the_whole() -> None:
    url = "http://a.example/" + "x" * 5_000
    said = short_message(f"{url} answered 404 Not Found; check the URL.")
    assert said.startswith("http://a.example/xxx") and said.endswith("xxx answered 404 Not Found; check the URL.")
    assert "x…x" in said and len(said) < 300
    assert short_message("plain words " * 1_000) == ("plain words " * 1_000)[:MAX_MESSAGE_CHARS - 1] + "…"
    assert short_message("a short error") == "a short error"


def test_a_date_far_ahead_is_taken_as_the_fetch_time_and_others_are_kept(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/future.xml")
        before = datetime.now(UTC)
        app.update(due_only=False)
        articles = {a.title: a for a in stored_articles(app)}
        pinned = articles["Pinned: read the rules"].published
        assert pinned is not None and before <= pinned <= datetime.now(UTC)
        assert articles["Ferry strike ends"].published == datetime(2026, 11, 25, 8, tzinfo=UTC)
    finally:
        app.close()


def test_dates_before_news_on_the_web_are_taken_as_unknown_and_said(farm: Farm, db_url: str) -> None:
    """A date of 1901 or 1970 (a zero timestamp) was stored as the article's: its story sorted
    and was grouped as news of then, "56 years ago". The article is undated (sorted and grouped
    by when it was fetched), the entry keeps what the feed said, and the source says so."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/odd-dates.xml")
        before = datetime.now(UTC)
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 4
        articles = {a.title: a for a in stored_articles(app)}
        for title in ("Tram depot reopens", "Lighthouse keeper retires"):
            old = articles[title]
            assert old.published is None and old.updated is None, title
            last_seen = app.story(old.story_id or "").story.last_seen
            assert last_seen is not None and before <= last_seen <= datetime.now(UTC), title
        pinned = articles["Pinned: read the rules"].published
        assert pinned is not None and before <= pinned <= datetime.now(UTC)
        assert articles["Ferry strike ends"].published == datetime(2026, 11, 25, 8, tzinfo=UTC)
        with app.store.engine.connect() as conn:  # what the feed said is kept with its entry
            said = {guid.rsplit("/", 1)[-1]: published
                    for guid, published in conn.exec_driver_sql("SELECT guid, published FROM entries")}
        assert str(said["1901"]).startswith("1901-01-01 09:00") and str(said["epoch"]).startswith("1970-01-01")
        assert str(said["pinned"]).startswith("2100-01-01")
        warning = app.store.get_source(result.source_id).last_error or ""
        assert "2 new entries dated before 1995 (such as 1901-01-01): taken as undated" in warning, warning
        assert "1 new entry dated in the future (such as 2100-01-01): dated when fetched" in warning, warning
    finally:
        app.close()


def test_a_date_is_plausible_from_1995_to_a_little_past_the_fetch() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert dated(None, datetime(1970, 1, 1, tzinfo=UTC), now - timedelta(days=1)) == now - timedelta(days=1)
    assert dated(datetime(1994, 12, 31, 23, tzinfo=UTC)) is None
    assert dated(datetime(1995, 1, 1, tzinfo=UTC)) == datetime(1995, 1, 1, tzinfo=UTC)
    assert dated() is None


def test_not_after_allows_a_little_clock_skew() -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert not_after(now + timedelta(minutes=5), now) == now + timedelta(minutes=5)
    assert not_after(now + timedelta(days=1), now) == now
    assert not_after(now - timedelta(days=1), now) == now - timedelta(days=1)
    assert not_after(None, now) is None


def test_items_sharing_only_their_text_are_articles_of_their_own(farm: Farm, db_url: str) -> None:
    """A feed whose every item reads "Comments" (as Hacker News's does), or a site serving one
    maintenance page for every article: each item is its own article; one item republished
    under another address (same title, same text) is stored once."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/comments.xml")
        result = app.update(due_only=False).sources[0]
        assert (result.new_entries, result.new_articles) == (4, 3)
        titles = sorted(a.title for a in stored_articles(app))
        assert titles == ["Lighthouse keeper retires", "Show HN: a tide table", "Tram line approved"]
    finally:
        app.close()


def test_a_headline_the_feed_changes_later_is_shown_and_the_grouping_reads_the_first(farm: Farm, db_url: str) -> None:
    """A corrected headline replaces the stored one wherever the article is shown (its story's
    title too), while the grouper keeps reading the title it first read: a restart replays the
    same groups."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        farm.state["quay_title"] = "CORRECTED: Harbour quay &lt;b&gt;rebuild&lt;/b&gt; delayed to 2027"
        again = app.update(due_only=False).sources[0]
        assert again.status == "ok" and again.new_entries == 0
        quay = next(a for a in stored_articles(app) if "quay" in a.title.lower())
        assert quay.title == "CORRECTED: Harbour quay rebuild delayed to 2027"
        assert app.story(quay.story_id or "").story.title == quay.title
        assert [h.article.id for h in app.search("corrected delayed")] == [quay.id]  # search finds what is shown
        grouped = [r for r in app.store.assignments(since=datetime(2000, 1, 1, tzinfo=UTC)) if r["id"] == quay.id]
        assert grouped[0]["title"] == "Harbour quay to be rebuilt"  # what the grouper read, and replays
        third = app.update(due_only=False).sources[0]  # the same feed again: nothing more changes
        assert third.new_entries == 0
    finally:
        app.close()


def _retries_fall_due(app: Progleton) -> None:
    """Every page retry falls due, as if its wait had passed."""
    import sqlalchemy as sa

    with app.store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE articles SET page_retry_at = :t WHERE page_retry_at IS NOT NULL"),
                     {"t": datetime.now(UTC) - timedelta(seconds=1)})


def _replayed_text(app: Progleton, article_id: int) -> str:
    """The text a restart's grouper reads of the article (the one the assigning read)."""
    return next(stored_doc(r).text for r in app.store.assignments() if r["id"] == article_id)


def _article(app: Progleton, slug: str) -> Article:
    return next(a for a in stored_articles(app) if a.url.endswith("/" + slug))


@pytest.mark.parametrize("fetch_articles", [True, False])
def test_a_pages_byline_comes_before_the_author_an_entry_inherits_from_its_feed(
        farm: Farm, db_url: str, fetch_articles: bool) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=fetch_articles)
    try:
        app.store.add_source(farm.base + "/desk.xml")
        app.update(due_only=False)
        expected = ("Ann Lee",) if fetch_articles else ("News Desk",)
        assert _article(app, "bridge").authors == expected
    finally:
        app.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """A fresh SQLite file, then a fresh PostgreSQL database."""
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def test_a_page_that_failed_for_a_while_is_fetched_again_and_its_text_shown(farm: Farm, either_db_url: str) -> None:
    """A site that answers 503 for a while: its article is stored with the feed's text and
    asked for again on a later update, then shows the page's text and is found by it. The
    grouper's replay reads the text it first read; a page gone for good (404) is not asked
    for again."""
    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/flaky.xml")
        first = app.update(due_only=False).sources[0]
        assert first.status == "ok" and first.new_articles == 2
        ferry = _article(app, "ferry")
        assert not ferry.extracted and "answered 503" in " ".join(ferry.warnings)
        assert ferry.text == "Summary of Ferry timetable changes"
        story_before = {a.id: a.story_id for a in stored_articles(app)}

        farm.state["flaky_down"] = False
        app.update(due_only=False)  # not due yet (15 minutes at least): nothing asked again
        assert farm.state["flaky_requests"].count("ferry") == 1
        _retries_fall_due(app)
        asked = datetime.now(UTC)
        app.update(due_only=False)
        assert farm.state["flaky_requests"].count("ferry") == 2
        assert farm.state["flaky_requests"].count("gone") == 1  # a 404 is not asked for again
        ferry = _article(app, "ferry")
        assert ferry.extracted and "pontoon" in ferry.text and not ferry.warnings
        assert ferry.updated is not None and ferry.updated >= asked  # its text changed: dated by it
        assert [h.article.id for h in app.search("pontoon")] == [ferry.id]
        assert {a.id: a.story_id for a in stored_articles(app)} == story_before  # no regrouping
        assert _replayed_text(app, ferry.id) == "Summary of Ferry timetable changes"
        _retries_fall_due(app)
        app.update(due_only=False)  # fetched: never asked for again
        assert farm.state["flaky_requests"].count("ferry") == 2
    finally:
        app.close()


def test_a_page_that_keeps_failing_is_asked_for_a_bounded_number_of_times(farm: Farm, db_url: str) -> None:
    """Four more tries after the first, each later than the last (or the server's Retry-After,
    when longer); then the article keeps the feed's text for good and says the last reason."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        farm.state["flaky_after"] = 3 * 3600  # longer than the first waits
        app.store.add_source(farm.base + "/flaky.xml")
        app.update(due_only=False)
        for _ in range(6):
            _retries_fall_due(app)
            app.update(due_only=False)
        assert farm.state["flaky_requests"].count("ferry") == 1 + len(PAGE_RETRY_WAITS)
        ferry = _article(app, "ferry")
        assert not ferry.extracted and ferry.text == "Summary of Ferry timetable changes"
        assert sum("answered 503" in w for w in ferry.warnings) == 1  # the last reason, once
    finally:
        app.close()


def test_a_text_the_feed_rewrites_is_shown_where_the_feed_text_is(farm: Farm, either_db_url: str) -> None:
    """A live post the feed keeps rewriting: an article that shows the feed's text shows its
    new text and is found by it, in the same story; the grouper's replay reads the first text.
    An article whose page was used keeps the page's text."""
    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        quay = _article(app, "quay")
        farm.state["summaries"] = {"quay": "Divers found a cracked pile under the Harbour quay on Friday."}
        again = app.update(due_only=False).sources[0]
        assert again.status == "ok" and again.new_entries == 0
        now = _article(app, "quay")
        assert now.text == "Divers found a cracked pile under the Harbour quay on Friday."
        assert now.story_id == quay.story_id and now.summary.startswith("Divers")
        assert [h.article.id for h in app.search("cracked pile")] == [quay.id]
        assert _article(app, "tram").text == "Summary of Tram line approved"
        assert _replayed_text(app, quay.id) == "Summary of Harbour quay to be rebuilt"
        farm.state["summaries"] = {"quay": "Divers found two cracked piles."}
        app.update(due_only=False)
        assert _article(app, "quay").text == "Divers found two cracked piles."
        assert _replayed_text(app, quay.id) == "Summary of Harbour quay to be rebuilt"  # still the first
    finally:
        app.close()


@pytest.mark.parametrize("feed", ["story", "top"])
def test_a_headline_or_text_the_feed_changes_moves_the_storys_feeds(farm: Farm, either_db_url: str,
                                                                     feed: str) -> None:
    """The article took the new headline (and its story too), but its `updated` stayed, so the
    story's feed kept its `<updated>` and Last-Modified: a feed reader asking If-Modified-Since
    was told "304 Not Modified" and missed the change. The article is dated by the change.
    The top stories' feed dated each story by its latest article's publication alone: the
    edit of the article that leads it (whose headline and snippet the item shows) moves it too."""
    from fastapi.testclient import TestClient

    from progleton.web import create_app
    from progleton.web.app import story_path

    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        quay = _article(app, "quay")
        assert app.story(quay.story_id or "").story.lead_article_id == quay.id
        # the item that shows the article: itself in its story's feed, its story in the top stories'
        item_url = "/a/quay" if feed == "story" else story_path(quay.story_id or "")
        with TestClient(create_app(app, admin_password=""), base_url="http://127.0.0.1:8000") as client:
            def get_feed(fmt: str = "atom", **headers: str) -> Any:
                params = {"id": quay.story_id} if feed == "story" else {}
                return client.get(f"/feeds/{feed}.{fmt}", params=params, headers=headers)

            first = get_feed()
            for edit in ({"quay_title": "CORRECTED: Harbour quay rebuild delayed to 2027"},
                         {"summaries": {"quay": "Divers found a cracked pile under the Harbour quay."}}):
                time.sleep(1.1)  # Last-Modified counts whole seconds
                before = _article(app, "quay")
                seen = datetime.now(UTC)
                farm.state.update(edit)
                app.update(due_only=False)
                after = _article(app, "quay")
                assert after.updated is not None and after.updated >= seen, edit
                assert after.updated > (before.updated or before.published or seen), edit
                # the feed says so: its updated time, each format's, and Last-Modified
                atom = get_feed().text
                assert f"<updated>{after.updated.isoformat().replace('+00:00', 'Z')}</updated>" in atom, edit
                entry = json.loads(get_feed("json").text)["items"]
                assert [i["date_modified"] for i in entry if i["url"].endswith(item_url)] == [
                    after.updated.isoformat().replace("+00:00", "Z")], edit
                assert get_feed("atom", **{"if-modified-since": first.headers["last-modified"]}).status_code == 200
                assert get_feed().headers["etag"] != first.headers["etag"]
                first = get_feed()
            assert get_feed("atom", **{"if-modified-since": first.headers["last-modified"]}).status_code == 304
        assert app.story(quay.story_id or "").story.title == "CORRECTED: Harbour quay rebuild delayed to 2027"
    finally:
        app.close()


def test_a_text_the_feed_rewrites_leaves_a_page_read_article_alone(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/good.xml")
        app.update(due_only=False)
        before = _article(app, "quay")
        assert before.extracted
        farm.state["summaries"] = {"quay": "Divers found a cracked pile under the Harbour quay on Friday."}
        app.update(due_only=False)
        assert _article(app, "quay").text == before.text
    finally:
        app.close()


def test_links_no_parser_reads_spoil_only_their_own_entries(farm: Farm, db_url: str) -> None:
    """An entry linking to a port out of range or an unclosed IPv6 bracket, and a page claiming
    such a canonical address, failed the whole source ("internal error: Port out of range
    0-65535") and none of its entries was stored: they are entries without a web link, and the
    claim is not taken."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/odd-links.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 4, result
        assert "2 new entries link to no web address" in (result.warning or "")
        by_title = {a.title: a for a in stored_articles(app)}
        assert by_title["Harbour quay to be rebuilt"].extracted
        claim = by_title["Tram line approved"]
        assert claim.extracted and claim.canonical_url == farm.base + "/claims/claim"
        for title in ("Port out of range", "Unclosed bracket"):
            assert by_title[title].link == "" and by_title[title].text == f"Summary of {title}"
    finally:
        app.close()


def test_a_link_or_guid_too_long_to_index_spoils_only_its_own_entry(farm: Farm, either_db_url: str) -> None:
    """On PostgreSQL an entry whose link (the article's canonical URL) or guid, both unique
    keys, held 8,000 random characters failed its whole source ("index row size exceeds btree
    version 4 maximum 2704"), and none of its entries was stored, on every update."""
    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/long-links.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 3, result
        assert "1 new entry links to no web address" in (result.warning or "")
        by_title = {a.title: a for a in stored_articles(app)}
        assert by_title["Harbour quay to be rebuilt"].extracted and by_title["A guid too long"].extracted
        assert by_title["A link too long"].link == "" and by_title["A link too long"].text == "Summary of A link too long"
        again = app.update(due_only=False).sources[0]
        assert again.status == "ok" and again.new_entries == 0, again
    finally:
        app.close()


def test_a_feed_moved_to_an_address_too_long_to_index_is_read_where_it_was(farm: Farm, either_db_url: str) -> None:
    app = make_progleton(either_db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        source, _ = app.store.add_source(farm.base + "/long-moved.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 2, result
        assert app.store.get_source(source.id).url == farm.base + "/long-moved.xml"
    finally:
        app.close()


def test_entries_that_link_to_files_keep_the_feeds_text_and_the_files_are_not_downloaded(
        farm: Farm, db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    """A podcast's episode, a PDF, an image (served as octet-stream) are no article pages: each
    fetch stops at the start of the file, the article keeps the feed's text and says what the link
    is, nothing is logged as an error, and the files are not asked for again."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, max_response_bytes=32 * 1024 * 1024)
    try:
        app.store.add_source(farm.base + "/files.xml")
        result = app.update(due_only=False).sources[0]
        assert result.status == "ok" and result.new_articles == 3
        assert farm.state.get("files_sent_whole", []) == []
        said = {"episode.mp3": "is audio (audio/mpeg), not a web page",
                "report.pdf": "is a PDF document (application/pdf), not a web page",
                "chart.png": "is an image (PNG) (application/octet-stream), not a web page"}
        for name, why in said.items():
            article = _article(app, name)
            assert not article.extracted and article.text.startswith("Summary of ")
            assert any(why in w for w in article.warnings), article.warnings
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        _retries_fall_due(app)
        app.update(due_only=False)
        assert sorted(farm.state["file_requests"]) == sorted(said)
    finally:
        app.close()


# ---- pure helpers ---------------------------------------------------------------------------

def test_page_retries_wait_longer_each_time_and_at_least_what_the_server_asked() -> None:
    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    waits = [page_retry_at(now, failed, 0) for failed in range(1, len(PAGE_RETRY_WAITS) + 2)]
    assert waits[:-1] == [now + w for w in PAGE_RETRY_WAITS] and waits[-1] is None
    assert page_retry_at(now, 1, 3 * 3600) == now + timedelta(hours=3)
    assert page_retry_at(now, 1, 10**9) == now + timedelta(days=1)  # a server's "never" is a day


def test_a_retried_page_gives_the_pages_text_or_the_next_try() -> None:
    from progleton.extract import ExtractedArticle

    now = datetime(2026, 12, 6, 12, tzinfo=UTC)
    row = {"id": 7, "title": "Ferry", "authors": [], "warnings": ["page not fetched: a answered 503.", "other"],
           "page_attempts": 0}
    page = ExtractedArticle(title="Ferry", text="Page text", html="<p>Page text</p>", authors=("Ann Lee",))
    done = retried_page(row, (page, None, "http://a/1"), None, now)
    assert done["text"] == "Page text" and done["extracted"] and done["warnings"] == []
    assert done["authors"] == ["Ann Lee"] and done["page_retry_at"] is None and done["page_attempts"] == 1
    inherited = retried_page({**row, "authors": ["News Desk"]}, (page, None, "http://a/1"), None, now)
    assert inherited["authors"] == ["Ann Lee"]  # the page's byline, not the feed's managingEditor
    failed = retried_page(row, (None, "page not fetched: a answered 502.", "http://a/1"), 0.0, now)
    assert failed["warnings"] == ["other", "page not fetched: a answered 502."]
    assert failed["page_retry_at"] == now + PAGE_RETRY_WAITS[1] and "text" not in failed
    assert retried_page(row, (None, "page not fetched: a answered 404.", "http://a/1"), None, now)["page_retry_at"] is None


def test_entry_guid_prefers_id_then_link_then_content_hash() -> None:
    assert entry_guid(ParsedEntry(id="x", link="http://a/1")) == "x"
    assert entry_guid(ParsedEntry(id=None, link="http://a/1")) == "http://a/1"
    one = entry_guid(ParsedEntry(id=None, title="t", summary="s"))
    assert one.startswith("sha256:") and one == entry_guid(ParsedEntry(id=None, title="t", summary="s"))


def test_entry_guid_of_an_entry_with_only_an_enclosure_is_its_url() -> None:
    episode = ParsedEntry(id=None, enclosures=(Enclosure("http://a/1.mp3", "audio/mpeg"),))
    assert entry_guid(episode) == "http://a/1.mp3"


def test_episodes_with_only_an_enclosure_are_each_kept(farm: Farm, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)
    try:
        app.store.add_source(farm.base + "/podcast.xml")
        result = app.update(due_only=False).sources[0]
        assert (result.new_entries, result.new_articles) == (2, 2)
        articles = sorted((a for a in stored_articles(app)), key=lambda a: a.title)
        assert [a.title for a in articles] == ["episode 01.mp3", "episode-02.mp3"]
        # the audio is there to play: the feed gave nothing else
        assert 'Listen: <a href="http://127.0.0.1/audio/episode%2001.mp3">episode 01.mp3</a>' in articles[0].html
        # shown by their files' names, which say nothing of an event: not one story on "episode mp3"
        assert len({a.story_id for a in articles}) == 2
        assert app.story(articles[1].story_id or "").story.title == "episode-02.mp3"
        assert [h.article.id for h in app.search("episode")] != []
    finally:
        app.close()


def test_a_rate_limited_source_says_when_it_is_really_retried(farm: Farm, db_url: str) -> None:
    """The schedule keeps a backoff longer than a Retry-After; the source's message said the
    server's "2 minutes" while its next fetch was a day later."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1,
                         min_interval_minutes=60, default_interval_minutes=240)
    try:
        app.store.add_source(farm.base + "/busy.xml")
        result = app.update(due_only=False).sources[0]
        source = app.sources()[0]
        assert source.next_fetch_at is not None and source.last_fetched_at is not None
        wait = source.next_fetch_at - source.last_fetched_at
        assert wait > timedelta(hours=3)
        assert result.error == source.last_error
        assert f"it will be retried in {duration_words(wait.total_seconds() / 60)} (it asked for 2 minutes" \
            in (result.error or "")
    finally:
        app.close()


def test_retry_advice_names_what_the_server_asked_only_when_the_schedule_waits_longer() -> None:
    busy = HTTPStatusError("http://a/f answered 503 Service Unavailable", status=503, retry_after=120)
    assert retry_advice(busy, timedelta(minutes=2, seconds=6)) == (
        "http://a/f answered 503 Service Unavailable; it will be retried in 2 minutes.")
    assert retry_advice(busy, timedelta(hours=23)) == (
        "http://a/f answered 503 Service Unavailable; it will be retried in 23 hours "
        "(it asked for 2 minutes, sooner than this source's backoff).")


def test_a_page_that_could_not_be_fetched_is_not_promised_a_retry() -> None:
    """The fetcher's errors, as it makes them, read for a page without the advice for a source."""
    from yarl import URL

    from progleton.exceptions import ConnectError
    from progleton.fetch.client import _status_error, _total_timeout
    from progleton.settings import Settings

    gone = _status_error(URL("https://a.example/1"), 404, {})
    assert str(gone) == "https://a.example/1 answered 404 Not Found; check the URL (the feed may have moved)."
    assert gone.without_advice == "https://a.example/1 answered 404 Not Found."
    slow = _total_timeout(URL("https://a.example/1"), Settings().replace(max_response_seconds=30))
    assert slow.without_advice == "https://a.example/1 took longer than 30.0 s in total; gave up."
    assert "It will be retried later" in str(slow)
    refused = ConnectError("Could not connect to a.example:443 (refused). The site may be down",
                           advice="; it will be retried later.")
    assert str(refused) == "Could not connect to a.example:443 (refused). The site may be down; it will be retried later."
    assert refused.without_advice == "Could not connect to a.example:443 (refused). The site may be down."


def test_plain_title_drops_markup_and_keeps_what_is_text() -> None:
    assert plain_title("<b>Bold</b>  Feed") == "Bold Feed"
    assert plain_title("x &lt; y &amp; z") == "x < y & z"
    assert plain_title("Why 3 < 5 matters & more") == "Why 3 < 5 matters & more"
    assert plain_title("<script>alert(1)</script> Harbour <em>news</em>") == "Harbour news"
    assert plain_title('<img onerror="alert(1)" src="http://a/x" />') == ""


@pytest.mark.parametrize("title", [
    "Understanding Vec<T> and Option<U>", "Why x<y and y>z matters", "The <details> element",
    "Map<String, List<Integer>> in Java",
])
def test_plain_title_keeps_text_that_only_looks_like_a_tag(title: str) -> None:
    assert plain_title(title) == title


def test_plain_title_drops_real_tags_beside_text_that_looks_like_one() -> None:
    assert plain_title("<script>alert(1)</script>Quay <b>rebuilt</b> for AT&amp;T") == "Quay rebuilt for AT&T"
    assert plain_title("Generic <b>Vec<T></b> &amp; more") == "Generic Vec<T> & more"
    assert plain_title("Line<br>break") == "Line break"


def test_entries_per_day_from_feed_dates() -> None:
    now = datetime(2026, 11, 26, tzinfo=UTC)
    feed = ParsedFeed(entries=tuple(ParsedEntry(id=str(i), published=now - timedelta(hours=12 * i))
                                    for i in range(1, 5)))
    assert entries_per_day(feed, now) == pytest.approx(2.0)
    assert entries_per_day(ParsedFeed(entries=(ParsedEntry(id="1"),)), now) is None


def test_html_to_text_keeps_paragraphs() -> None:
    assert html_to_text("<p>One <b>two</b></p><ul><li>three</li></ul>") == "One two\n\nthree"
    assert html_to_text("plain words") == "plain words"
    assert html_to_text("") == ""


def test_profile_key_separates_outlets_sharing_a_host() -> None:
    assert profile_key("http://127.0.0.1:8/ledger/news/1", "http://127.0.0.1:8/ledger/") == "127.0.0.1/ledger"
    assert profile_key("https://news.example/world/1", "https://news.example/") == "news.example"
    assert profile_key("https://cdn.example/x", "https://news.example/ledger/") == "cdn.example"


@pytest.mark.slow
def test_restart_then_update_groups_like_an_unbroken_run(tmp_path: Any) -> None:
    """Stored memberships, the grouper's saved term statistics and the corrections rebuild
    a grouper that decides later articles exactly as one that never stopped."""
    import shutil

    from progleton.demo import DemoServer, feed_urls

    def memberships(app: Any) -> set[frozenset[str]]:
        return {frozenset(a.canonical_url for a in app.story(s.id).articles) for s in app.stories(limit=500)}

    with DemoServer() as server:
        unbroken = make_progleton(f"sqlite:///{tmp_path / 'a.db'}", allowed_hosts="127.0.0.1", extract_workers=1)
        for url in feed_urls(server.base_url):
            unbroken.store.add_source(url)
        unbroken.update(due_only=False)
        story = unbroken.stories(limit=1)[0]
        unbroken.move_article(unbroken.story(story.id).articles[-1].id)  # a correction to replay
        unbroken.store.engine.dispose()
        shutil.copy(tmp_path / "a.db", tmp_path / "b.db")
        server.publish_next_edition()
        unbroken.update(due_only=False)
        restarted = make_progleton(f"sqlite:///{tmp_path / 'b.db'}", allowed_hosts="127.0.0.1", extract_workers=1)
        restarted.update(due_only=False)
        try:
            assert memberships(restarted) == memberships(unbroken)
            assert restarted.store.get_meta("stories.grouper_state")
        finally:
            unbroken.close()
            restarted.close()


PLAIN_ATOM = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>u</id>
<entry><title>e</title><id>e1</id><link href="http://a.example/1"/>
<summary type="text">Use &lt;br&gt; to break &amp; more</summary>
<content type="text">&lt;not a tag&gt;

second paragraph</content></entry>
<entry><title>h</title><id>e2</id><link href="http://a.example/2"/><summary type="html">&lt;b&gt;bold&lt;/b&gt;</summary></entry></feed>"""
PLAIN_JSON = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "j", "items": '
              b'[{"id": "1", "url": "http://a.example/1", "content_text": "Plain text with <angle> brackets"}]}')


def test_plain_text_from_the_feed_is_escaped_not_cleaned_as_html() -> None:
    url = "http://a.example/feed"
    atom = read_feed(PLAIN_ATOM, url, {}, url)[1]
    assert atom[0].summary_text == "Use <br> to break & more"
    assert atom[0].summary_html == "<p>Use &lt;br&gt; to break &amp; more</p>"
    assert atom[0].content_text == "<not a tag>\n\nsecond paragraph"
    assert (atom[1].summary_html, atom[1].summary_text) == ("<b>bold</b>", "bold")  # HTML stays HTML
    feed, texts = read_feed(PLAIN_JSON, url, {"content-type": "application/feed+json"}, url)
    assert feed.entries[0].content_type == "text/plain"
    assert texts[0].summary_text == "Plain text with <angle> brackets"


GOOD_RSS = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
            b"<item><title>a</title><link>http://a.example/1</link></item></channel></rss>")


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    (GOOD_RSS, "application/rss+xml", None),
    (GOOD_RSS, "text/html", "served as text/html, read as a feed anyway"),
    (GOOD_RSS.replace(b"<title>t<", "<title>caf\xe9<".encode("latin-1")), "application/rss+xml; charset=utf-8",
     "its encoding was misdeclared (document declared as utf-8, but parsed as ISO-8859-1), read anyway"),
    (GOOD_RSS.replace(b"<title>a<", "<title>Zürich ☕ Stra".encode() + b"\xdfe<"), "application/rss+xml",
     "1 invalid UTF-8 byte sequence replaced with U+FFFD; the rest read as UTF-8"),
    (GOOD_RSS.replace(b"<title>a</title>", b"<title>a&nbsp;b</title>"), "text/html",
     "feed not well-formed, salvaged what could be read: not well-formed XML: Entity 'nbsp' not defined"),
])
def test_feed_warning_says_what_was_wrong(body: bytes, content_type: str, expected: str | None) -> None:
    url = "http://a.example/feed"
    warning = feed_warning(read_feed(body, url, {"content-type": content_type}, url)[0])
    if expected is None or not expected.startswith("feed not"):
        assert warning == expected
    else:
        assert warning is not None and warning.startswith(expected)


def test_a_server_that_answers_a_feed_with_429_is_asked_for_no_other_feed_until_then(
        farm: Farm, db_url: str) -> None:
    """One feed's 429 with an hour to wait left its server's other feeds asked, in the same
    update and the next ones: a rate limiter counts a client's requests to the server. They are
    rate limited until then, and not counted as failing (not asked is not failed)."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, per_host_concurrency=1,
                         fetch_articles=False)
    try:
        busy = app.store.add_source(farm.base + "/busy-feed.xml")[0]
        others = [app.store.add_source(farm.base + f"/slow.xml?n={n}")[0] for n in range(3)]
        first = {r.source_id: r for r in app.update(due_only=False).sources}
        assert farm.state["busy_requests"] == 1 and farm.state.get("slow_requests", []) == []
        assert "answered 429 Too Many Requests" in (first[busy.id].error or "")
        for source in others:
            assert first[source.id].status == "error"
            assert "was not asked: 127.0.0.1:" in (first[source.id].error or "")
            assert "asked for time until" in (first[source.id].error or "")
        by_id = {s.id: s for s in app.sources()}
        hour = datetime.now(UTC) + timedelta(minutes=55)
        for source in others:
            stored = by_id[source.id]
            assert stored.last_status == "rate limited" and stored.error_count == 0
            assert stored.next_fetch_at is not None and stored.next_fetch_at > hour
        # a plain update when one of them is due again (say, the schedule was changed): its
        # server's hour is not over, so it is not asked; one of another server is
        app.store.update_source(others[0].id, next_fetch_at=datetime.now(UTC) - timedelta(minutes=1))
        other_farm = Farm()  # another port: another server
        try:
            elsewhere = app.store.add_source(other_farm.base + "/slow.xml?n=9")[0]
            second = {r.source_id: r for r in app.update().sources}
            assert set(second) == {others[0].id, elsewhere.id}
            assert "was not asked" in (second[others[0].id].error or "") and second[elsewhere.id].status == "ok"
            assert other_farm.state["slow_requests"] == ["9"]
        finally:
            other_farm.close()
        assert farm.state.get("slow_requests", []) == [] and farm.state["busy_requests"] == 1
        # asked for by name, a source is asked of its server all the same
        app.update(source_ids=[others[1].id])
        assert farm.state["slow_requests"] == ["1"]
    finally:
        app.close()


def test_a_host_that_answers_a_page_with_429_is_asked_for_no_more_pages(farm: Farm, db_url: str) -> None:
    """Thirty pages of one feed went on being requested after the first answered 429 with an
    hour to wait; the rest keep the feed's text and say why."""
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        app.store.add_source(farm.base + "/busy-pages.xml")
        result = app.update(due_only=False).sources[0]
        # the first page asked of the host answers 429: no other is asked for, and every entry is
        # stored with the feed's text, saying why (a host that keeps answering 429 would let one
        # entry through per update if they waited)
        assert farm.state["busy_requests"] == 1
        assert result.status == "ok" and result.new_articles == 30
        warnings = [w for a in stored_articles(app) for w in a.warnings]
        assert sum("asked to be left alone until" in w for w in warnings) == 29
        assert result.warning and "30 of 30 new article pages not fetched" in result.warning
        assert "asked for again later where the failure may pass" in result.warning
        assert "answered 429" in app.sources()[0].last_error
    finally:
        app.close()
