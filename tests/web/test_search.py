"""Search filters and highlighting."""

from __future__ import annotations

import html
import json
import re
from datetime import date
from typing import Any

import feedparser
import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from progleton.core import Progleton
from progleton.searching import SearchQuery, parse_query, store_filters
from progleton.web.search import mark_matches

from .conftest import Seeded, add_carried_story, article_record, csrf_token


def test_parse_query_splits_filters_from_words() -> None:
    parsed = parse_query('source:"Harbour Daily" after:2026-01-02 ferry -storm "sea wall" OR gale lang:EN')
    assert parsed == SearchQuery(text='ferry -storm "sea wall" OR gale', source="Harbour Daily",
                                 after=date(2026, 1, 2), lang="en")
    assert parsed.filtered and parsed.terms() == ["ferry", "sea wall", "gale"]
    assert parse_query("before:tuesday x").problems == ("before: wants a date like 2026-03-31, not 'tuesday'",)
    assert parse_query("ferry NOT storm AND gale").terms() == ["ferry", "gale"]
    assert parse_query("-storm NOT gale").problems == (
        "Add a word to search for: -word and NOT word leave a word out of what the others find.",)
    assert parse_query("at 10:30 -source:x") == SearchQuery(text="at 10:30 -source:x")
    assert not parse_query("plain words").filtered


@pytest.mark.parametrize(("query", "why"), [
    ("AND", 'AND and OR join the words searched for ("and" in quotes is searched for itself).'),
    ("OR AND", 'AND and OR join the words searched for ("and" in quotes is searched for itself).'),
    ("NOT", "-word and NOT word leave a word out of what the others find."),
    ('"', "letters or digits."),
    ("* (", "letters or digits."),
])
def test_a_query_with_no_word_says_why(query: str, why: str) -> None:
    """An operator alone is no word to search for: "AND" was told to add "letters or digits"."""
    assert parse_query(query).problems == (f"Add a word to search for: {why}",)
    assert not parse_query('"and"').problems and not parse_query("ferry AND gale").problems


@given(st.text(max_size=80))
def test_parse_query_never_fails(query: str) -> None:
    parsed = parse_query(query)
    assert isinstance(parsed.text, str)
    parsed.terms()


def test_mark_matches() -> None:
    assert str(mark_matches("Ferry <b>halted</b>, ferry-men cheer", "ferry")) == (
        "<mark>Ferry</mark> &lt;b&gt;halted&lt;/b&gt;, <mark>ferry</mark>-men cheer")
    assert str(mark_matches("the sea wall holds", '"sea wall" sea')) == "the <mark>sea wall</mark> holds"
    assert str(mark_matches("seaside", "sea")) == "seaside"
    assert str(mark_matches("<x>", "")) == "&lt;x&gt;"
    assert str(mark_matches("storms and a storm", "storm -storms")) == "<mark>storms</mark> and a <mark>storm</mark>"
    assert str(mark_matches("a gale, no storm", "gale -storm")) == "a <mark>gale</mark>, no storm"
    assert str(mark_matches("大坝决堤，大坝", "大坝")) == "<mark>大坝</mark>决堤，<mark>大坝</mark>"  # substrings


@given(st.text(max_size=60), st.text(max_size=20))
def test_mark_matches_only_adds_marks(text: str, query: str) -> None:
    marked = str(mark_matches(text, query))
    assert html.unescape(marked.replace("<mark>", "").replace("</mark>", "")) == text
    assert "<" not in marked.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize(("query", "title", "marked"), [
    ("earthquake", "Two earthquakes shake the coast", "Two <mark>earthquakes</mark> shake"),
    ("injuries", "One injury reported at the pier", "One <mark>injury</mark> reported"),
    ("collide", "Two trains collided near Verel", "trains <mark>collided</mark> near"),
    ("Листвянка", "Толчки ощутили в Листвянке", "в <mark>Листвянке</mark>"),
    ("cafe", "Café on the quay reopens", "<mark>Café</mark> on the quay"),
    ("مدينة", "انفجار يهز بالمدينة القديمة", "يهز <mark>بالمدينة</mark> القديمة"),
    ("احمد", "أحمد يفوز بالسباق", "<mark>أحمد</mark> يفوز"),
    ("محمد", "زيارة مُحَمَّد للميناء", "زيارة <mark>مُحَمَّد</mark> للميناء"),
    ("עיר", "שריפה בלב העיר העתיקה", "בלב <mark>העיר</mark> העתיקה"),
    ('"sea wall"', "The sea, wall and all", "The <mark>sea, wall</mark> and all"),
])
def test_a_headline_marks_the_words_the_search_matched(
        client: TestClient, progleton: Progleton, query: str, title: str, marked: str) -> None:
    """A search finds a word's other forms, its accented and Arabic spellings: the headline
    marked only the word as typed, so "earthquake" found "Two earthquakes..." and marked nothing."""
    source = progleton.store.add_source("https://harbour.example/feed.xml", title="Harbour Daily")[0].id
    progleton.store.add_article(article_record(source, "a", title, text="Calm reporting. " * 20),
                                {"story_id": "story-a", "reasons": {}})
    page = client.get("/search", params={"q": query}).text
    assert marked in _headline(page, "h3") and marked in _headline(page, "h2")  # the article's and its story's


def _headline(page: str, tag: str) -> str:
    return page.split(f"<{tag}", 1)[1].split(f"</{tag}>", 1)[0]


def test_markup_in_a_query_or_a_headline_is_text_on_the_page(client: TestClient, progleton: Progleton) -> None:
    """The query's "<b>halted" is the phrase "b halted", marked across what the headline
    writes between the two words; every "<" of either is escaped."""
    source = progleton.store.add_source("https://harbour.example/feed.xml", title="Harbour Daily")[0].id
    progleton.store.add_article(article_record(source, "a", "Ferry <b>halted</b> by gale", text="Calm reporting. " * 20),
                                {"story_id": "story-a", "reasons": {}})
    page = client.get("/search", params={"q": 'ferry "<b>halted" -storm'}).text
    assert "<mark>Ferry</mark> &lt;<mark>b&gt;halted</mark>&lt;/b&gt; by gale" in _headline(page, "h3")
    assert "<b>" not in page.split("<main")[1]


def test_search_page_with_filters(client: TestClient, seeded: Seeded) -> None:
    page = client.get("/search", params={"q": 'ferry source:"North Coast"'}).text
    assert "Gale warning" in page and "Storm closes" not in page
    assert "<mark>ferry</mark> crossings cancelled" in page  # the title is highlighted too
    assert "Nothing matches" in client.get("/search", params={"q": "ferry lang:fr"}).text
    assert "Add some words" in client.get("/search", params={"q": "source:Harbour"}).text
    bad = client.get("/search", params={"q": "ferry after:soon"}).text
    assert "after: wants a date like 2026-03-31, not &#39;soon&#39;" in bad
    assert "Gale warning" not in bad and "Nothing matches" not in bad  # no unfiltered hits, no second message
    nowhere = client.get("/search", params={"q": "ferry source:nowhere"}).text
    assert "No source&#39;s name or address contains &#39;nowhere&#39;" in nowhere and "Gale warning" not in nowhere
    assert "Add a word to search for" in client.get("/search", params={"q": "-ferry"}).text
    with_not = client.get("/search", params={"q": "ferry NOT gale"}).text
    assert "Gale warning" not in with_not and "Storm closes Verel" in with_not
    assert 'href="/feeds/search.atom?q=ferry"' in client.get("/search?q=ferry").text


def test_api_search_with_filters(client: TestClient, seeded: Seeded) -> None:
    hits = client.get("/api/v1/search", params={"q": "ferry source:harbour"}).json()
    assert [h["article"]["title"] for h in hits] == ["Storm closes Verel ferry"]
    unreadable = client.get("/api/v1/search", params={"q": "ferry before:soon"})
    assert unreadable.status_code == 422 and "before: wants a date" in unreadable.json()["detail"]
    nobody = client.get("/api/v1/search", params={"q": "ferry source:nobody"})
    assert nobody.status_code == 422 and "No source's name or address contains 'nobody'" in nobody.json()["detail"]
    assert "letters or digits" in client.get("/api/v1/search", params={"q": "*"}).json()["detail"]
    assert "Add some words" in client.get("/api/v1/search", params={"q": "source:harbour"}).json()["detail"]


def test_saved_searches_are_feeds(client: TestClient, seeded: Seeded) -> None:
    import feedparser

    from .conftest import csrf_token

    page = client.get("/search?q=ferry").text
    assert 'action="/searches"' in page
    saved = client.post("/searches", data={"csrf_token": csrf_token(client), "q": "ferry source:North",
                                           "name": "Ferries up north"}, follow_redirects=False)
    assert saved.status_code == 303 and "notice=saved" in saved.headers["location"]
    listing = client.get("/search").text
    assert '<a href="/search?q=ferry%20source%3ANorth">Ferries up north</a>' in listing
    # the same query again is renamed, not listed twice; a query of spaces saves nothing
    client.post("/searches", data={"csrf_token": csrf_token(client), "q": "ferry source:North", "name": "Ferries"})
    client.post("/searches", data={"csrf_token": csrf_token(client), "q": "ferry source:North",
                                   "name": "Ferries up north"})
    client.post("/searches", data={"csrf_token": csrf_token(client), "q": "   ", "name": "Blank"})
    listing = client.get("/search").text
    assert listing.count("feed: <a") == 1 and ">Ferries up north</a>" in listing and "Blank" not in listing
    feed_path = listing.split('feed: <a href="')[1].split('"')[0]
    parsed = feedparser.parse(client.get(feed_path).content)
    assert parsed.feed.title == "Progleton: Ferries up north"
    assert [e.link for e in parsed.entries] == ["https://example.org/news/gale"]
    assert client.get("/feeds/saved/999.atom").status_code == 404
    search_id = feed_path.split("/")[-1].split(".")[0]
    client.post(f"/searches/{search_id}/delete", data={"csrf_token": csrf_token(client)})
    assert "Ferries up north" not in client.get("/search").text
    assert client.post(f"/searches/{search_id}/delete", data={"csrf_token": csrf_token(client)}).status_code == 404


def test_filters_become_store_filters(tmp_path: object) -> None:
    """``before:`` includes its whole day; ``source:`` names sources by title, URL or id."""
    from datetime import UTC, datetime, timedelta

    from progleton import make_progleton

    with make_progleton(f"sqlite:///{tmp_path}/f.db") as p:
        harbour, _ = p.store.add_source("https://harbour.example/feed", title="Harbour Daily")
        p.store.add_source("https://ledger.example/feed", title="Valley Ledger")
        filters = store_filters(parse_query("x source:harbour after:2026-01-10 before:2026-01-10 lang:EN"), p.sources())
        assert filters.source_ids == [harbour.id]
        assert filters.after == datetime(2026, 1, 10, tzinfo=UTC)
        assert filters.before == datetime(2026, 1, 10, tzinfo=UTC) + timedelta(days=1)
        assert filters.language == "en"
        assert store_filters(parse_query(f"x source:{harbour.id}"), p.sources()).source_ids == [harbour.id]
        assert store_filters(parse_query("x source:nowhere"), p.sources()).source_ids == []


@pytest.mark.parametrize("query", ["OR", '"', "-ferry", "after:2026-13-01 ferry", "source:Nowhere ferry",
                                   "after:2026-01-01"])
def test_a_search_that_can_find_nothing_is_not_saved(client: TestClient, seeded: Seeded, query: str) -> None:
    """POST /api/v1/searches {"query": "OR"} answered 201 though /search answers 422; the search
    page offered "Save this search as" above its own error."""
    saved = client.post("/api/v1/searches", json={"query": query, "name": "Never"})
    assert saved.status_code == 422, saved.text
    searched = client.get("/api/v1/search", params={"q": query})
    if searched.status_code == 422:
        assert saved.json()["detail"] == searched.json()["detail"]  # the same words
    else:  # filters alone: the search finds nothing and says nothing
        assert saved.json()["detail"] == "Add some words to search for; filters narrow a search down."
    page = client.get("/search", params={"q": query}).text
    assert 'action="/searches"' not in page and "Save this search as" not in page
    posted = client.post("/searches", data={"csrf_token": csrf_token(client), "q": query, "name": "Never"},
                         follow_redirects=False)
    assert posted.status_code == 303 and "notice=saved" not in posted.headers["location"]
    assert client.get("/api/v1/searches").json() == []
    assert client.post("/api/v1/searches", json={"query": "ferry source:North"}).status_code == 201


def _carried_and_own(progleton: Progleton) -> tuple[dict[str, Any], list[int]]:
    """A dam's story whose wire text 40 outlets carried besides its own, and 22 reports of one
    outlet's own that name "Mardoe" too, each its own story: 63 matches, 23 texts."""
    dam = add_carried_story(progleton, 40)
    courier = progleton.store.add_source("https://ober.example/feed.xml", title="Ober Courier")[0].id
    own = [progleton.store.add_article(
        article_record(courier, f"mardoe-{n}", f"Mardoe council meets on the flood, day {n}", host="ober.example",
                       hours_ago=1 + n / 10), {"story_id": f"story-mardoe-{n}", "reasons": {}}) for n in range(22)]
    return dam, own


def _hit_ids(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'<h3><a href="/articles/(\d+)"', page)]


def test_a_text_carried_by_dozens_of_outlets_is_one_search_hit_and_pages_count_hits(
        client: TestClient, progleton: Progleton) -> None:
    """19 of a search page's 20 hits were the same agency text, one per outlet that carried it,
    and the reports in outlets' own words came pages later. The text is one hit, saying how
    many more outlets carried it (linked to its story), and each page has 20 hits."""
    dam, own = _carried_and_own(progleton)
    first, second = (client.get("/search", params={"q": "mardoe", "page": n}).text for n in (1, 2))
    assert len(_hit_ids(first)) == 20 and len(_hit_ids(second)) == 3
    assert sorted(_hit_ids(first) + _hit_ids(second)) == sorted([dam["original"], *own])  # no copy, none twice
    carried = f'<a href="/stories/story-dam#a{dam["original"]}">and 40 more outlets carried this text</a>'
    assert (first + second).count(carried) == 1
    assert 'rel="next" href="/search?q=mardoe&page=2"' in first and 'rel="next"' not in second


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_search_feeds_have_a_text_carried_by_dozens_of_outlets_once(
        client: TestClient, progleton: Progleton, fmt: str) -> None:
    """A search's feed, and a saved search's, had an entry per outlet that carried a text (41
    of the feed's 50 entries the same words)."""
    dam, own = _carried_and_own(progleton)
    user = client.app.state.local_user.id  # type: ignore[attr-defined]
    saved = progleton.store.add_saved_search(user, "Mardoe", "mardoe")
    for path in (f"/feeds/search.{fmt}?q=mardoe", f"/feeds/saved/{saved}.{fmt}"):
        body = client.get(path).content
        if fmt == "json":
            items = [(i["id"], i["content_html"]) for i in json.loads(body)["items"]]
        else:
            items = [(e.id, e.get("summary", "") + "".join(c.value for c in e.get("content", [])))
                     for e in feedparser.parse(body).entries]
        assert sorted(int(i.rsplit(":", 1)[1]) for i, _ in items) == sorted([dam["original"], *own]), path
        notes = [c for _, c in items if "more outlets carried this text" in c]
        assert len(notes) == 1 and "and 40 more outlets carried this text" in notes[0], path
        assert f"/stories/story-dam#a{dam['original']}" in notes[0], path


def test_the_api_search_has_a_text_carried_by_dozens_of_outlets_once_with_the_count(
        client: TestClient, progleton: Progleton) -> None:
    dam, own = _carried_and_own(progleton)
    hits = [h for offset in (0, 20) for h in client.get("/api/v1/search",
                                                        params={"q": "mardoe", "offset": offset}).json()]
    assert sorted(h["article"]["id"] for h in hits) == sorted([dam["original"], *own])
    assert {h["article"]["id"]: h["folded_copies"] for h in hits} == {dam["original"]: 40, **dict.fromkeys(own, 0)}
