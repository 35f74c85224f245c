"""Entries an update leaves for a later one (more than ``max_new_entries``, or a page not yet
asked for) are kept in the store, so a feed that rotates before the next update loses none:
real SQLite files and the local PostgreSQL, a real HTTP server on 127.0.0.1, and each update
in a Progleton of its own, as cron runs them (a restart keeps what waits)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiohttp import web

from local_server import LocalServer, trickle
from progleton import make_progleton
from progleton.core import Progleton
from progleton.pending import MAX_PENDING_PER_SOURCE, PENDING_DAYS
from progleton.pipeline import Updater
from progleton.types import Article, SourceUpdate

DAY = datetime(2026, 11, 25, tzinfo=UTC)
PAGE = """<html><head><title>{title}</title></head><body><nav>Home · World</nav><article><h1>{title}</h1>
<p>The {slug} report was filed from the harbour of Port Alder on Tuesday, the council said.</p>
<p>Officials will publish the full account of the {slug} matter on Friday after a review.</p></article>
<footer>© The Rotating Gazette</footer></body></html>"""


class Rotating:
    """Feeds whose items the test sets (``feeds[name]``: slug, title, published), with article
    pages that answer at once, or trickle a byte every 0.2 s while their slug is in ``slow``."""

    def __init__(self) -> None:
        self.feeds: dict[str, list[tuple[str, str, datetime]]] = {}
        self.slow: set[str] = set()
        app = web.Application()
        app.router.add_get("/feed/{name}", self.feed)
        app.router.add_get("/p/{slug}", self.page)
        app.router.add_get("/robots.txt", self.robots)
        self.server = LocalServer(app)
        self.base = self.server.url("")

    def url(self, name: str) -> str:
        return f"{self.base}/feed/{name}"

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def feed(self, request: web.Request) -> web.Response:
        items = "".join(
            f"<item><title>{title}</title><link>{self.base}/p/{slug}</link><guid isPermaLink='false'>{slug}</guid>"
            f"<author>desk@rotating.example (Ann Lee)</author>"
            f"<pubDate>{published:%a, %d %b %Y %H:%M:%S} GMT</pubDate><description>Summary of {title}</description></item>"
            for slug, title, published in self.feeds.get(request.match_info["name"], []))
        return web.Response(text=f'<?xml version="1.0"?><rss version="2.0"><channel><title>Rotating Gazette</title>'
                                 f"<link>{self.base}/</link>{items}</channel></rss>", content_type="application/rss+xml")

    async def page(self, request: web.Request) -> web.StreamResponse:
        slug = request.match_info["slug"]
        if slug not in self.slow:
            return web.Response(text=PAGE.format(title=f"Report {slug}", slug=slug), content_type="text/html")
        return await trickle(request)


@pytest.fixture
def site() -> Iterator[Rotating]:
    s = Rotating()
    try:
        yield s
    finally:
        s.server.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    """A fresh SQLite file, then a fresh PostgreSQL database."""
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def items(prefix: str, count: int, first_hour: int) -> list[tuple[str, str, datetime]]:
    """``count`` items, dated an hour apart from ``first_hour``: the last in the feed is the newest."""
    return [(f"{prefix}{i}", f"Report {prefix}{i}", DAY + timedelta(hours=first_hour + i)) for i in range(count)]


def update_once(db_url: str, **settings: Any) -> SourceUpdate:
    """One update in a Progleton of its own (a cron run): nothing carries over but the database."""
    with make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, **settings) as app:
        return app.update(due_only=False).sources[0]


def articles(app_or_url: Progleton | str) -> dict[str, Article]:
    """Every stored article, by the slug of its page."""
    if isinstance(app_or_url, str):
        with make_progleton(app_or_url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
            return articles(app)
    with app_or_url.store.engine.connect() as conn:
        ids = list(conn.execute(sa.text("SELECT id FROM articles")).scalars())
    return {a.url.rsplit("/", 1)[-1]: a for a in app_or_url.store.articles_by_ids(ids).values()}


def pending(app_or_url: Progleton | str) -> dict[str, str]:
    """The pending entries of every source: {guid: why it waits}."""
    if isinstance(app_or_url, str):
        with make_progleton(app_or_url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
            return pending(app)
    with app_or_url.store.engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT guid, reason FROM pending_entries")).all())


def add_source(db_url: str, url: str) -> int:
    with make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1) as app:
        return app.store.add_source(url)[0].id


def test_a_feed_that_rotates_faster_than_max_new_entries_loses_no_entry(site: Rotating, either_db_url: str) -> None:
    """Five entries, two taken an update, then five others in their place: every one of the ten
    is stored, the first five from what the store kept of them (with their own page, date and
    author), each update in a process of its own. Before, the three left of the first five
    were lost once the feed stopped listing them."""
    site.feeds["news"] = items("a", 5, 0)
    add_source(either_db_url, site.url("news"))
    first = update_once(either_db_url, max_new_entries=2)
    assert first.new_articles == 2
    assert first.warning == "took the newest 2 of 5 new entries (max_new_entries); 3 were left for later updates"
    assert set(pending(either_db_url)) == {"a0", "a1", "a2"}

    site.feeds["news"] = items("b", 5, 10)  # the first five are gone from the feed
    results = [update_once(either_db_url, max_new_entries=2) for _ in range(4)]
    assert [r.new_articles for r in results] == [2, 2, 2, 2]
    assert results[0].warning == "took the newest 2 of 8 new entries (max_new_entries); 6 were left for later updates"
    stored = articles(either_db_url)
    assert set(stored) == {f"a{i}" for i in range(5)} | {f"b{i}" for i in range(5)}
    assert pending(either_db_url) == {}
    a0 = stored["a0"]  # stored on the last update, from the pending entry alone
    assert a0.extracted and "a0 report was filed" in a0.text and a0.summary == "Summary of Report a0"
    assert a0.published == DAY and a0.authors == stored["b4"].authors != ()

    last = update_once(either_db_url, max_new_entries=2)
    assert last.new_articles == 0 and last.warning is None


def test_an_entry_whose_page_was_postponed_is_stored_after_the_feed_drops_it(site: Rotating, db_url: str) -> None:
    """Pages that trickle: the first chunk of eight is in flight when the source's time for pages
    runs out, and the ninth entry's page is not asked for; it waits, and is stored with its
    page on the next update though the feed no longer lists it."""
    site.feeds["slow"] = items("s", Updater.PAGE_CHUNK + 1, 0)
    site.slow = {slug for slug, _, _ in site.feeds["slow"]}
    add_source(db_url, site.url("slow"))
    first = update_once(db_url, page_seconds_per_source=1.0)
    assert first.new_articles == Updater.PAGE_CHUNK
    assert "1 new entry left for the next update, its page not yet fetched" in (first.warning or "")
    waiting = pending(db_url)
    assert list(waiting) == ["s8"] and waiting["s8"].startswith("page postponed: this source's 1 s")

    site.feeds["slow"], site.slow = [], set()
    again = update_once(db_url, page_seconds_per_source=1.0)
    assert again.new_articles == 1 and again.warning is None
    s8 = articles(db_url)["s8"]
    assert s8.extracted and "s8 report was filed" in s8.text
    assert pending(db_url) == {}


def test_pending_entries_that_waited_too_long_are_dropped_and_said(site: Rotating, db_url: str) -> None:
    """Entries left waiting for over PENDING_DAYS, which the feed no longer lists, are dropped
    when their source is updated, and it says so; those of a source not updated go too."""
    site.feeds["news"], site.feeds["other"] = items("a", 3, 0), items("o", 2, 0)
    news = add_source(db_url, site.url("news"))
    add_source(db_url, site.url("other"))
    with make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, max_new_entries=1) as app:
        app.update(due_only=False)
        assert set(pending(app)) == {"a0", "a1", "o0"}
        with app.store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE pending_entries SET first_seen = :t"),
                         {"t": datetime.now(UTC) - PENDING_DAYS - timedelta(minutes=1)})
        site.feeds["news"] = items("b", 1, 10)
        result = app.update(source_ids=[news]).sources[0]
        assert result.new_articles == 1
        assert result.warning == ("2 entries that had waited 14 days were dropped, not stored: the feed no "
                                  "longer lists them; 0 wait for later updates")
        assert pending(app) == {}  # the other source's too, though it was not updated
        assert set(articles(app)) == {"a2", "o1", "b0"}


def test_a_source_keeps_a_bounded_number_of_entries_waiting_the_newest(site: Rotating, db_url: str) -> None:
    """A feed that lists far more than max_new_entries (a hostile one may list a million): the
    newest MAX_PENDING_PER_SOURCE of those left wait, the older ones are dropped, and the source
    says how many of each."""
    count = 300 + MAX_PENDING_PER_SOURCE + 100
    site.feeds["huge"] = [(f"h{i}", f"Report h{i}", DAY + timedelta(minutes=i)) for i in range(count)]
    add_source(db_url, site.url("huge"))
    result = update_once(db_url, max_new_entries=300, fetch_articles=False)
    assert result.new_articles == 300
    assert result.warning == (
        f"took the newest 300 of {count:,} new entries (max_new_entries); 1,100 were left for later updates; "
        "100 of the entries left were dropped, not stored, the oldest: a source keeps at most 1,000 entries "
        "(20 MB) waiting; 1,000 wait for later updates")
    assert set(pending(db_url)) == {f"h{i}" for i in range(100, 1_100)}
