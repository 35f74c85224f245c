"""Output feeds: valid Atom, RSS 2.0 and JSON Feed 1.1, parsed back."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import feedparser
import pytest
from fastapi.testclient import TestClient

from progleton.core import Progleton
from progleton.web import create_app

from .conftest import Seeded, add_carried_story

BASE = "http://127.0.0.1:8000"


def parse(body: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


@pytest.mark.parametrize(("fmt", "version", "media_type"), [
    ("atom", "atom10", "application/atom+xml"), ("rss", "rss20", "application/rss+xml"),
])
def test_top_stories_xml_feeds(client: TestClient, seeded: Seeded, fmt: str, version: str, media_type: str) -> None:
    answer = client.get(f"/feeds/top.{fmt}")
    assert answer.headers["content-type"].startswith(media_type)
    parsed = parse(answer.content)
    assert parsed.version == version
    assert parsed.feed.title == "Progleton: top stories"
    titles = [e.title for e in parsed.entries]
    assert titles == ["Ferries halted as storm hits coast", "Port Verel approves sea wall",
                      "Council <b>budget</b> vote <script>alert(1)</script>"]
    first = parsed.entries[0]
    assert first.link == f"{BASE}/stories/story-storm"
    content = first.content[0].value if fmt == "atom" else first.description
    assert "Harbour Daily, North Coast Radio, The Verel Times" in content
    assert first.published_parsed is not None
    assert all("<script" not in e.get("summary", "") for e in parsed.entries)


def test_top_stories_json_feed(client: TestClient, seeded: Seeded) -> None:
    answer = client.get("/feeds/top.json")
    assert answer.headers["content-type"].startswith("application/feed+json")
    document = json.loads(answer.content)
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert document["home_page_url"] == f"{BASE}/"
    assert document["feed_url"] == f"{BASE}/feeds/top.json"
    items = document["items"]
    assert [i["url"] for i in items][:1] == [f"{BASE}/stories/story-storm"]
    assert all(i["id"] and i["title"] and i["content_html"] for i in items)
    assert items[0]["date_published"].endswith("Z")
    assert "&lt;script&gt;" in items[2]["content_html"] or "<script" not in items[2]["content_html"]


def test_group_feed(client: TestClient, seeded: Seeded) -> None:
    parsed = parse(client.get("/feeds/top.atom?group=Verel").content)
    assert parsed.feed.title == "Progleton: top stories in Verel"
    assert len(parsed.entries) == 2


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_follow_one_story(client: TestClient, seeded: Seeded, fmt: str) -> None:
    answer = client.get(f"/feeds/story.{fmt}?id={quote(seeded.stories['wire'], safe='')}")
    assert answer.status_code == 200
    if fmt == "json":
        items = json.loads(answer.content)["items"]
        urls = [i["url"] for i in items]
        titles = [i["title"] for i in items]
        assert {i["language"] for i in items} == {"en"}  # each article's language, as extracted
    else:
        parsed = parse(answer.content)
        assert parsed.feed.title == "Port Verel approves sea wall · Progleton"
        urls = [e.link for e in parsed.entries]
        titles = [e.title for e in parsed.entries]
        if fmt == "atom":
            assert answer.content.count(b'<entry xml:lang="en">') == 4
    assert len(urls) == 4 and "https://cpress.example/news/sea-wall" in urls
    assert "Port Verel approves sea wall (Continental Press)" in titles


def test_a_storys_feed_has_a_few_copies_of_a_text_carried_by_dozens_of_outlets(
        client: TestClient, progleton: Progleton) -> None:
    """Following a big event's story, a feed reader got an entry for each of its 100 wire
    copies, word for word the same: 46 of the feed's 50 entries, the reports in the outlets'
    own words crowded out."""
    dam = add_carried_story(progleton, 100)
    items = json.loads(client.get("/feeds/story.json?id=story-dam").content)["items"]
    ids = {int(i["id"].rsplit(":", 1)[1]) for i in items}
    assert ids == {dam["original"], *dam["copies"][:3], *dam["reports"]}  # the first three copies


def test_search_feed(client: TestClient, seeded: Seeded) -> None:
    parsed = parse(client.get("/feeds/search.atom?q=ferry").content)
    assert parsed.feed.title == "Progleton search: ferry"
    exact = {"https://example.org/news/storm", "https://example.org/news/gale"}
    # a word finds its plural too ("Ferries halted as storm hits coast"); quoted, only itself
    assert {e.link for e in parsed.entries} == exact | {"https://example.org/news/ferry-storm"}
    quoted = parse(client.get('/feeds/search.atom?q="ferry"').content)
    assert {e.link for e in quoted.entries} == exact


def test_feed_errors(client: TestClient, seeded: Seeded) -> None:
    assert client.get("/feeds/top.xml").status_code == 404
    assert client.get("/feeds/story.atom?id=story-nope").status_code == 404
    assert client.get("/feeds/story.atom").status_code == 400


def test_feeds_answer_conditional_requests(client: TestClient, seeded: Seeded) -> None:
    first = client.get("/feeds/top.atom")
    etag = first.headers["etag"]
    again = client.get("/feeds/top.atom", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/feeds/top.atom", headers={"if-none-match": '"other"'}).status_code == 200
    # compared weakly (a compressing proxy makes ETags weak), and "*" matches any version
    assert client.get("/feeds/top.atom", headers={"if-none-match": f'"x", W/{etag}'}).status_code == 304
    assert client.get("/feeds/top.atom", headers={"if-none-match": "*"}).status_code == 304
    # a reader that keeps dates only
    modified = first.headers["last-modified"]
    assert client.get("/feeds/top.atom", headers={"if-modified-since": modified}).status_code == 304
    assert client.get("/feeds/top.atom", headers={"if-modified-since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200
    assert client.get("/feeds/top.atom", headers={"if-modified-since": "garbage"}).status_code == 200
    # an ETag that does not match wins over a date that does
    assert client.get("/feeds/top.atom", headers={"if-none-match": '"other"',
                                                   "if-modified-since": modified}).status_code == 200


def test_feed_and_entry_ids_stay_the_same_whatever_name_the_server_is_reached_by(
        progleton: Progleton, seeded: Seeded) -> None:
    app = create_app(progleton, admin_password="")
    ids = []
    for base in ("http://127.0.0.1:8000", "http://localhost:8000"):
        with TestClient(app, base_url=base) as client:
            atom = client.get("/feeds/top.atom?lang=en&utm_source=x").text
            ids.append(re.findall(r"<(?:\w+:)?id>([^<]+)</(?:\w+:)?id>", atom))
            assert 'xml:lang="en"' in atom.split(">", 2)[1]  # the feed's own language, as chosen
    assert ids[0] == ids[1] and ids[0][0].endswith(":feed:top?lang=en")
    assert all(i.startswith("urn:progleton:") for i in ids[0]) and len(set(ids[0])) == len(ids[0])


@pytest.mark.parametrize("path", ["/feeds/story.atom?id=story-storm", "/feeds/search.atom?q=ferry"])
def test_article_entries_have_the_installations_ids_not_the_originals_addresses(
        client: TestClient, seeded: Seeded, path: str) -> None:
    """The story and search feeds gave an article's address as its entry id, the outlet's own
    entry id in its feed for another entry (another title, other content); the top stories
    feed and the guide say urn:progleton:…"""
    entries = parse(client.get(path).content).entries
    links = {e.link for e in entries}
    ids = [e.id for e in entries]
    assert ids and all(i.startswith("urn:progleton:") and ":article:" in i for i in ids)
    assert len(set(ids)) == len(ids) and not links & set(ids)
    top = parse(client.get("/feeds/top.atom").content).entries[0].id
    assert ids[0].rsplit(":article:", 1)[0] == top.rsplit(":story:", 1)[0]  # one installation's ids


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_top_stories_feed_of_a_group_no_source_is_in_says_so(client: TestClient, seeded: Seeded, fmt: str) -> None:
    """A feed of an unknown group (a typo: "verel") answered an empty feed, which a feed reader
    shows as "no news" for ever; the front page and the API say the group is unknown."""
    answer = client.get(f"/feeds/top.{fmt}?group=verel")
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/plain")
    assert "No source is in the group 'verel'" in answer.text and "'Verel'" in answer.text
    bad_language = client.get(f"/feeds/top.{fmt}?lang=english")
    assert bad_language.status_code == 404 and "not a language code" in bad_language.text
    # a group some source is in, and a language no story is in, are feeds (empty for now)
    assert client.get(f"/feeds/top.{fmt}?group=Verel").status_code == 200
    assert client.get(f"/feeds/top.{fmt}?lang=de").status_code == 200


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
def test_top_stories_feed_takes_the_language_as_language_too(client: TestClient, seeded: Seeded, fmt: str) -> None:
    """The API chooses a language by `language`, the feeds by `lang`: each takes both, and two
    that differ are refused (400, saying so) rather than one of them silently chosen."""
    by_lang = client.get(f"/feeds/top.{fmt}?lang=en")
    by_language = client.get(f"/feeds/top.{fmt}?language=en")
    # the same feed under the same ids: only its own address differs
    assert by_language.status_code == 200
    assert by_language.content.replace(b"language=en", b"lang=en") == by_lang.content
    assert client.get(f"/feeds/top.{fmt}?lang=en&language=EN").status_code == 200
    assert "not a language code" in client.get(f"/feeds/top.{fmt}?language=english").text
    both = client.get(f"/feeds/top.{fmt}?lang=en&language=fr")
    assert both.status_code == 400 and both.headers["content-type"].startswith("text/plain")
    assert both.text.rstrip("\n") == "lang='en' and language='fr' ask for different languages: give lang alone."


@pytest.mark.parametrize("fmt", ["atom", "rss", "json"])
@pytest.mark.parametrize(("query", "why"), [
    ("source:Nobody ferry", "No source's name or address contains 'Nobody'"),
    ("OR", "word to search for"),
    ("ferry after:2026-13-45", "after:"),
])
def test_a_search_feed_that_can_find_nothing_says_why(client: TestClient, seeded: Seeded, fmt: str,
                                                       query: str, why: str) -> None:
    """A search feed whose query can find nothing answered an empty feed (no news, for ever, in a
    feed reader) where the search page and the API say why; it answers 404 saying so."""
    answer = client.get(f"/feeds/search.{fmt}?q={quote(query)}")
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("text/plain") and why in answer.text
    assert client.get(f"/feeds/search.{fmt}?q={quote('ferry source:North')}").status_code == 200
