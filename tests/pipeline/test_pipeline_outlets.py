"""A story's outlets are sites: two feeds of one site carrying a story are one outlet, two
sites are two, in the counts, the ranking, the names shown and what the grouper reads, live and
after a restart. Feeds served by a real server on 127.0.0.1, whose home page links name the
sites (the site is the feed's link, never fetched)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
from aiohttp import web

from local_server import LocalServer
from progleton import make_progleton
from progleton.core import Progleton
from progleton.pipeline import stored_doc
from progleton.stories import story_score

NOW = datetime.now(UTC).replace(microsecond=0)  # reports of the last hours: their story is open
REPORTS = {
    "bbc-home": ("BBC News", "https://www.bbc.co.uk/news",
                 "Strong earthquake hits Valparaiso in Chile",
                 "A magnitude 7.1 earthquake struck near Valparaiso in central Chile on Tuesday, "
                 "shaking buildings in Santiago. President Gabriel Boric said rescue teams were "
                 "searching collapsed homes in Vina del Mar, and the navy issued a tsunami warning "
                 "for the Valparaiso coast before lifting it two hours later."),
    "bbc-world": ("BBC News - World", "https://www.bbc.co.uk/news/world",
                  "Chile earthquake: rescuers search Vina del Mar rubble",
                  "Rescuers in Vina del Mar searched the rubble of collapsed homes after a magnitude "
                  "7.1 earthquake near Valparaiso, Chile. Gabriel Boric flew to the coast as the navy "
                  "lifted its tsunami warning; the quake was felt in Santiago and as far as Mendoza "
                  "in Argentina, officials said."),
    "guardian": ("The Guardian", "https://www.theguardian.com/world",
                 "Chile: deadly 7.1 quake strikes off Valparaiso",
                 "The earthquake of magnitude 7.1 off Valparaiso shook central Chile on Tuesday. "
                 "Homes collapsed in Vina del Mar, President Gabriel Boric said, and a tsunami "
                 "warning for the Valparaiso coast was lifted after two hours. Buildings swayed "
                 "in Santiago."),
}


def _feed(base: str, slug: str, *, linked: bool = True) -> str:
    title, home, headline, text = REPORTS[slug]
    link = f"<link>{home}</link>" if linked else ""
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{link}'
            f"<item><title>{headline}</title><link>{base}/{slug}/quake</link><guid>{slug}-quake</guid>"
            f"<pubDate>{format_datetime(NOW - timedelta(hours=len(slug) % 7), usegmt=True)}</pubDate>"
            f"<description>{text}</description></item></channel></rss>")


@pytest.fixture
def feed_links() -> dict[str, bool]:
    """Whether the feeds give their home pages' links (``"on"``), as the test sets it."""
    return {"on": True}


@pytest.fixture
def feeds(feed_links: dict[str, bool]) -> Iterator[LocalServer]:
    server: LocalServer

    async def feed(request: web.Request) -> web.Response:
        return web.Response(text=_feed(server.url(""), request.match_info["slug"], linked=feed_links["on"]),
                            content_type="application/rss+xml")

    app = web.Application()
    app.router.add_get("/{slug}.xml", feed)
    server = LocalServer(app)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_db_url(request: pytest.FixtureRequest, db_url: str) -> str:
    return db_url if request.param == "sqlite" else str(request.getfixturevalue("postgres_url"))


def _open(db_url: str) -> Progleton:
    return make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1, fetch_articles=False)


def _sources(rows: list[dict[str, Any]]) -> dict[str, str]:
    """What the grouper reads as each article's outlet, by feed."""
    return {r["url"].rsplit("/", 2)[-2]: stored_doc(r).source for r in rows}


def test_two_feeds_of_one_site_are_one_outlet_and_two_sites_two(feeds: LocalServer, either_db_url: str) -> None:
    app = _open(either_db_url)
    try:
        for slug in REPORTS:  # BBC's main feed first: its outlet is named after it
            app.store.add_source(feeds.url(f"/{slug}.xml"))
        app.update(due_only=False, group=False)
        live = _sources(app.store.unassigned_articles())  # what the assigning reads
        app.assign_stories()
        [story] = app.stories()
        assert story.article_count == 3
        assert (story.outlet_count, story.independent_count) == (2, 2)
        assert story.outlets == ("BBC News", "The Guardian")
        assert story.score == pytest.approx(story_score(2, story.last_seen, 2))
        assert live["bbc-home"] == live["bbc-world"] != live["guardian"]
        assert _sources(app.store.assignments(since=datetime(2000, 1, 1, tzinfo=UTC))) == live  # and the replay
    finally:
        app.close()
    restarted = _open(either_db_url)
    try:
        with restarted.grouping():
            [replayed] = restarted.grouper.stories()  # rebuilt from storage
        assert (len(replayed.outlets), replayed.independent_outlets) == (2, 2)
        assert restarted.story(story.id).story.outlet_count == 2
    finally:
        restarted.close()


def test_a_home_page_found_on_a_later_fetch_counts_its_stories_again(
        feeds: LocalServer, feed_links: dict[str, bool], either_db_url: str) -> None:
    """A feed without a home page link counts by its own address (here an IP address: an outlet
    of its own). Its link, found on a later fetch, makes it one site with another feed; the
    stories its articles were in kept counting it as another outlet until their members
    changed."""
    app = _open(either_db_url)
    try:
        for slug in REPORTS:
            app.store.add_source(feeds.url(f"/{slug}.xml"))
        feed_links["on"] = False  # the first fetch: no home page link
        app.update(due_only=False)
        [story] = app.stories()
        assert (story.article_count, story.outlet_count, story.independent_count) == (3, 3, 3)
        feed_links["on"] = True  # the next fetch finds it (the feed's link)
        app.update(due_only=False)
        assert {s.site_url for s in app.sources()} == {home for _, home, _, _ in REPORTS.values()}
        [again] = app.stories()
        assert again.article_count == 3  # no new report: its counts changed with the site
        assert (again.outlet_count, again.independent_count) == (2, 2)
        assert again.outlets == ("BBC News", "The Guardian")
        assert again.score == pytest.approx(story_score(2, again.last_seen, 2))
    finally:
        app.close()


def test_a_removed_feed_of_a_site_leaves_its_stories_as_they_were(feeds: LocalServer, either_db_url: str) -> None:
    """Removing BBC's World feed, followed beside its main feed: the stories of its articles
    keep them (they stay, under its name) and count them for BBC, as they did. Its articles
    counted by the name it left, another outlet: named at once as a third, counted and ranked
    as one once a story's members changed, and read so by the grouper after a restart."""
    app = _open(either_db_url)
    try:
        for slug in REPORTS:
            app.store.add_source(feeds.url(f"/{slug}.xml"))
        app.update(due_only=False)
        [before] = app.stories()
        live = _sources(app.store.assignments(since=datetime(2000, 1, 1, tzinfo=UTC)))
        world = app.store.source_by_url(feeds.url("/bbc-world.xml"))
        assert world is not None
        app.remove_source(world.id)
        [after] = app.stories()
        assert after.article_count == 3
        assert (after.outlet_count, after.independent_count) == (2, 2)
        assert after.outlets == ("BBC News", "The Guardian")
        assert after.score == pytest.approx(before.score)
        assert _sources(app.store.assignments(since=datetime(2000, 1, 1, tzinfo=UTC))) == live  # the replay's
    finally:
        app.close()
    restarted = _open(either_db_url)
    try:
        with restarted.grouping():
            [replayed] = restarted.grouper.stories()  # rebuilt from storage
        assert (len(replayed.outlets), replayed.independent_outlets) == (2, 2)
    finally:
        restarted.close()
