"""A story's outlets in the store are sites (``progleton.outlets``): its counts, score and
outlet names, refreshed as its members change, and worked out again for stories stored before
(migration 0011); on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from progleton.store import migrate, migrations_config, open_store
from progleton.store.sql import SQLStore
from progleton.stories import story_score

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
# (feed address, home page, title): BBC through two feeds, and two other sites
BBC_HOME = ("http://feeds.bbci.co.uk/news/rss.xml", "https://www.bbc.co.uk/news", "BBC News")
BBC_WORLD = ("http://feeds.bbci.co.uk/news/world/rss.xml", "https://www.bbc.co.uk/news/world", "BBC News - World")
GUARDIAN = ("https://www.theguardian.com/world/rss", "https://www.theguardian.com/world", "The Guardian")
CRUNCH = ("https://feeds.feedburner.com/TechCrunch", "https://techcrunch.com/", "TechCrunch")
VERGE = ("https://feeds.feedburner.com/TheVerge", "https://www.theverge.com/", "The Verge")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(db: str) -> Iterator[SQLStore]:
    s = open_store(db)
    try:
        yield s
    finally:
        s.close()


def _report(store: SQLStore, source: tuple[str, str | None, str | None], n: int, story: str = "quake",
            copy_of: int | None = None) -> int:
    found = store.source_by_url(source[0])
    source_id = found.id if found else store.add_source(source[0], site_url=source[1], title=source[2])[0].id
    url = f"https://news{n}.example/quake/{n}"
    return store.add_article(
        {"url": url, "canonical_url": url, "title": f"Quake report {n}", "text": f"Report {n} on the quake.",
         "authors": [], "warnings": [], "source_id": source_id, "text_hash": f"h{n}",
         "published": NOW - timedelta(hours=n)},
        {"story_id": story, "wire_copy_of": copy_of, "reasons": {}})


def test_two_feeds_of_one_site_reporting_a_story_are_one_outlet(store: SQLStore) -> None:
    _report(store, BBC_HOME, 1)
    _report(store, BBC_WORLD, 2)
    one = store.get_story("quake").story
    assert (one.article_count, one.outlet_count, one.independent_count) == (2, 1, 1)
    assert one.outlets == ("BBC News",)  # named after the first of its feeds followed
    assert one.score == pytest.approx(story_score(1, NOW - timedelta(hours=1), 1))
    _report(store, GUARDIAN, 3)
    two = store.top_stories(limit=5)[0]
    assert (two.article_count, two.outlet_count, two.independent_count) == (3, 2, 2)
    assert two.outlets == ("BBC News", "The Guardian")
    assert two.score == pytest.approx(story_score(2, NOW - timedelta(hours=1), 2))


def test_a_wire_copy_on_another_feed_of_the_same_site_adds_no_outlet(store: SQLStore) -> None:
    original = _report(store, GUARDIAN, 1)
    _report(store, BBC_HOME, 2, copy_of=original)
    _report(store, BBC_WORLD, 3, copy_of=original)
    story = store.get_story("quake").story
    assert (story.outlet_count, story.independent_count) == (2, 1)


def test_feedburner_feeds_count_by_their_home_pages(store: SQLStore) -> None:
    _report(store, CRUNCH, 1)
    _report(store, VERGE, 2)
    _report(store, ("https://feeds.feedburner.com/NoHome1", None, "No Home 1"), 3)
    _report(store, ("https://feeds.feedburner.com/NoHome2", None, "No Home 2"), 4)
    story = store.get_story("quake").story
    assert (story.outlet_count, story.independent_count) == (4, 4)  # never one "feedburner.com"
    assert story.outlets == ("No Home 1", "No Home 2", "TechCrunch", "The Verge")


def test_feeds_served_from_one_ip_address_count_each_as_before(store: SQLStore) -> None:
    for n in (1, 2):
        _report(store, (f"http://127.0.0.1:8765/outlet{n}/rss.xml", f"http://127.0.0.1:8765/outlet{n}/", None), n)
    story = store.get_story("quake").story
    assert (story.outlet_count, story.independent_count) == (2, 2)
    assert story.outlets == ("127.0.0.1:8765",)  # untitled: both named by their address, as before


def test_a_removed_feeds_articles_count_for_the_outlet_they_counted_for(store: SQLStore) -> None:
    """A removed source's articles stay in their stories, counted for the outlet they counted
    for while it was followed (kept on them: ``articles.source_outlet``). They counted by the
    name it left, so removing BBC's World feed made every story it shared with BBC's main feed
    one of two BBC outlets: the named outlets at once, the counts and score once the story's
    members changed."""
    _report(store, BBC_HOME, 1)
    _report(store, BBC_WORLD, 2)
    _report(store, GUARDIAN, 3)
    _report(store, BBC_WORLD, 4, story="elsewhere")
    before = store.get_story("quake").story
    world = store.source_by_url(BBC_WORLD[0])
    assert world is not None
    store.remove_source(world.id)
    removed = store.get_story("quake").story
    assert (removed.article_count, removed.outlet_count, removed.independent_count) == (3, 2, 2)
    assert removed.outlets == ("BBC News", "The Guardian")  # named after the feed still followed
    assert removed.score == pytest.approx(before.score)
    elsewhere = store.get_story("elsewhere").story  # its only outlet: named by the name it left
    assert (elsewhere.outlet_count, elsewhere.outlets) == (1, ("BBC News - World",))
    assert {a.outlet_key for a in store.get_story("quake").articles} == {"site:bbc.co.uk", "site:theguardian.com"}
    _report(store, GUARDIAN, 5)  # the story is counted again
    story = store.get_story("quake").story
    assert (story.article_count, story.outlet_count, story.independent_count) == (4, 2, 2)
    assert story.outlets == ("BBC News", "The Guardian")


def test_removed_feeds_that_name_no_site_stay_outlets_of_their_own(store: SQLStore) -> None:
    """Two feeds served from one IP address count each alone (``source:<id>``); removed, they
    still do, though the names they leave are one."""
    for n in (1, 2):
        _report(store, (f"http://127.0.0.1:8765/outlet{n}/rss.xml", f"http://127.0.0.1:8765/outlet{n}/", None), n)
    for source in store.list_sources():
        store.remove_source(source.id)
    _report(store, GUARDIAN, 3)
    story = store.get_story("quake").story
    assert (story.outlet_count, story.independent_count) == (3, 3)


@pytest.mark.parametrize("change", ["site_url", "url"], ids=["home page set", "feed moved"])
@pytest.mark.parametrize("write", ["update_source", "save_feeds"])
def test_a_source_whose_site_changes_has_its_stories_counted_again(store: SQLStore, change: str, write: str) -> None:
    """A source's site decides the outlet its articles count for: one whose home page is set
    later (found on a later fetch, or written by hand), or whose feed moved to the site's own
    host (a 301), is one outlet with the site's other feed. The stories of its articles kept
    the counts and score of two outlets until their members changed."""
    _report(store, BBC_HOME, 1)
    _report(store, ("http://rss.bbc-feeds.example/world.xml", None, "BBC World"), 2)  # a site of its own, as it says
    _report(store, GUARDIAN, 3, story="elsewhere")
    before = store.get_story("quake").story
    assert (before.outlet_count, before.independent_count) == (2, 2)
    world = store.source_by_url("http://rss.bbc-feeds.example/world.xml")
    assert world is not None
    fields = {"site_url": BBC_WORLD[1]} if change == "site_url" else {"url": "https://www.bbc.co.uk/news/world/rss.xml"}
    if write == "update_source":
        store.update_source(world.id, **fields)
    else:  # as an update writes what a fetch found
        store.save_feeds([(world.id, fields, [])])
    after = store.get_story("quake").story
    assert (after.article_count, after.outlet_count, after.independent_count) == (2, 1, 1)
    assert after.outlets == ("BBC News",)
    assert after.score == pytest.approx(story_score(1, NOW - timedelta(hours=1), 1))
    assert store.get_story("elsewhere").story.outlet_count == 1  # the other stories as they were


def test_upgrading_counts_every_storys_outlets_again_by_site(db: str) -> None:
    """Migration 0011: a story told by BBC's two feeds and the Guardian had been counted as
    three outlets and scored as a story of three."""
    engine = sa.create_engine(db)
    config = migrations_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0009")
        for n, (feed, home, title) in enumerate((BBC_HOME, BBC_WORLD, GUARDIAN, CRUNCH), 1):
            conn.execute(sa.text("INSERT INTO sources (id, url, site_url, title, added_at) VALUES (:n, :u, :h, :t, :at)"),
                         {"n": n, "u": feed, "h": home, "t": title, "at": NOW})
        for story_id, outlets in (("quake", 3), ("gadget", 1)):
            conn.execute(sa.text("INSERT INTO stories (id, title, last_seen, article_count, outlet_count, "
                                 "independent_count, score) VALUES (:id, 'x', :at, 1, :n, :n, :score)"),
                         {"id": story_id, "at": NOW, "n": outlets, "score": story_score(outlets, NOW, outlets)})
        for n, (story_id, source_id, copy_of) in enumerate(
                (("quake", 1, None), ("quake", 2, None), ("quake", 3, None), ("quake", 3, 1), ("gadget", 4, None)), 1):
            conn.execute(sa.text("INSERT INTO articles (id, url, canonical_url, title, source_id, story_id, published, "
                                 "wire_copy_of, created_at, authors, warnings, reasons) VALUES "
                                 "(:n, :u, :u, 'x', :s, :story, :at, :copy, :at, '[]', '[]', '{}')"),
                         {"n": n, "u": f"https://x.example/{n}", "s": source_id, "story": story_id, "at": NOW,
                          "copy": copy_of})
    migrate(engine)
    with engine.connect() as conn:
        counts = {r.id: r[1:] for r in conn.execute(sa.text(
            "SELECT id, outlet_count, independent_count, score FROM stories"))}
    engine.dispose()
    assert counts["quake"][:2] == (2, 2)
    assert counts["quake"][2] == pytest.approx(story_score(2, NOW, 2))
    assert counts["gadget"][:2] == (1, 1)
