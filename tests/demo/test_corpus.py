"""The corpus files and EXPECTATIONS: consistent with each other and with what the issue asks."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from demo_helpers import http_get
from hypothesis import given
from hypothesis import strategies as st

from progleton.demo import EXPECTATIONS, DemoServer, load_corpus
from progleton.demo.corpus import FEED_FORMATS, parse_age, split_article_file
from progleton.demo.server import is_not_modified

CORPUS = load_corpus().at_edition(1)
ARTICLES = CORPUS.articles()
EVERY_EDITION = load_corpus().articles()
BY_PATH = {a.path: a for a in ARTICLES}


def test_size_and_shape_of_the_corpus() -> None:
    live = [o for o in CORPUS.outlets if not o.broken]
    assert len(live) >= 6
    assert 25 <= len(ARTICLES) <= 40
    assert set(FEED_FORMATS) <= {o.feed.format for o in live}
    assert len({a.path for a in EVERY_EDITION}) == len(EVERY_EDITION) <= 40
    for article in EVERY_EDITION:
        paragraphs = [p for p in article.paragraphs if not p.startswith("## ")]
        assert 4 <= len(paragraphs) <= 10, article.path
        assert article.author and article.summary and article.title
        assert timedelta(0) < article.published <= timedelta(days=2)
        assert article.updated is None or article.updated < article.published


def test_the_multi_outlet_event_is_told_in_own_words() -> None:
    pages = [BY_PATH[p] for p in EXPECTATIONS.multi_outlet_event]
    assert len({a.outlet for a in pages}) >= 4
    assert len({a.title for a in pages}) == len(pages)
    openings = [a.paragraphs[0] for a in pages]
    assert len(set(openings)) == len(openings)
    assert all(a.wire is None for a in pages)


def test_the_wire_story_is_verbatim_in_three_outlets() -> None:
    pages = [BY_PATH[p] for p in EXPECTATIONS.wire_copies]
    assert len({a.outlet for a in pages}) == 3
    assert len({a.paragraphs for a in pages}) == 1  # same body, word for word
    assert len({a.title for a in pages}) == 3  # each outlet wrote its own headline


def test_events_of_one_kind_that_must_stay_apart() -> None:
    assert EXPECTATIONS.must_not_group
    for name_a, name_b in EXPECTATIONS.must_not_group:
        a, b = EXPECTATIONS.event(name_a), EXPECTATIONS.event(name_b)
        assert a.kind == b.kind and not set(a.paths) & set(b.paths)


def test_every_event_spans_outlets_and_singles_are_alone() -> None:
    for event in EXPECTATIONS.events:
        assert len(set(event.outlets)) == len(event.paths) >= 2, event.name
        assert all(BY_PATH[p].event == event.name for p in event.paths)
    in_events = {p for e in EXPECTATIONS.events for p in e.paths}
    assert len(EXPECTATIONS.single_outlet) >= 5
    assert not in_events & set(EXPECTATIONS.single_outlet)
    assert in_events | set(EXPECTATIONS.single_outlet) == set(EXPECTATIONS.article_pages)


def test_missing_pages_are_listed_in_a_feed_and_not_served() -> None:
    for path in EXPECTATIONS.missing_pages:
        assert BY_PATH[path].status == 404
    assert set(EXPECTATIONS.article_pages).isdisjoint(EXPECTATIONS.missing_pages)


def test_first_and_last_paragraphs_match_the_files() -> None:
    assert set(EXPECTATIONS.first_and_last) == set(EXPECTATIONS.article_pages)
    for path, (first, last) in EXPECTATIONS.first_and_last.items():
        assert BY_PATH[path].paragraphs[0] == first and BY_PATH[path].paragraphs[-1] == last


def test_boilerplate_never_in_article_text() -> None:
    for article in EVERY_EDITION:
        text = " ".join((article.title, article.summary, *article.paragraphs)).lower()
        for phrase in EXPECTATIONS.boilerplate_phrases:
            assert phrase.lower() not in text, (article.path, phrase)


@pytest.fixture(scope="module")
def pages() -> dict[str, str]:
    with DemoServer() as server:
        return {p: http_get(server.url(p)).text for p in EXPECTATIONS.article_pages}


def test_each_outlet_repeats_its_boilerplate_on_every_page(pages: dict[str, str]) -> None:
    seen: Counter[str] = Counter()
    for outlet in CORPUS.outlets:
        for article in (a for a in outlet.articles if a.path in pages):
            for phrase in outlet.boilerplate:
                assert phrase in pages[article.path], (article.path, phrase)
                seen[phrase] += 1
    assert set(seen) == set(EXPECTATIONS.boilerplate_phrases)
    assert any(p.startswith("A Message from") for p in seen)
    assert {"Dear readers,", "Remind me later."} <= set(seen)


def test_pages_carry_varied_metadata(pages: dict[str, str]) -> None:
    texts = list(pages.values())
    for marker in ('rel="canonical"', 'property="og:image"', "application/ld+json", "<time"):
        with_it = sum(marker in t for t in texts)
        assert 0 < with_it, marker


def test_article_file_format() -> None:
    fields, paragraphs = split_article_file("title: A: B\nauthor: X\n---\nOne\nline.\n\n\nTwo.\n")
    assert fields == {"title": "A: B", "author": "X"}
    assert paragraphs == ("One line.", "Two.")
    with pytest.raises(ValueError):
        split_article_file("title: no body marker\n")


@given(st.integers(0, 9), st.integers(0, 23), st.integers(0, 59))
def test_parse_age_round_trip(days: int, hours: int, minutes: int) -> None:
    text = f"{days}d{hours}h{minutes}m"
    assert parse_age(text) == timedelta(days=days, hours=hours, minutes=minutes)


@pytest.mark.parametrize("bad", ["", "5", "h5", "5x", "5h junk", "-5h"])
def test_parse_age_refuses_junk(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_age(bad)


MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))


@given(MOMENTS, MOMENTS)
def test_if_modified_since_is_a_date_comparison(modified: datetime, since: datetime) -> None:
    header = format_datetime(since, usegmt=True)
    assert is_not_modified(('"a"',), modified, None, header) == (modified <= since)


@given(st.lists(st.from_regex(r'"[a-z0-9]{1,8}"', fullmatch=True), min_size=1, max_size=4))
def test_if_none_match_wins_over_dates(tags: list[str]) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    header = ", ".join(tags)
    assert is_not_modified((tags[-1],), now, header, None)
    assert not is_not_modified(('"zz-not-there"',), now, header, format_datetime(now, usegmt=True))
    assert is_not_modified(('"q"',), now, "*", None)
    assert not is_not_modified(('"q"',), now, None, "not a date")
