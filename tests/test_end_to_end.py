"""End to end: the demo outlets served on 127.0.0.1, `progleton update` on a fresh SQLite
file, then the stories checked through the JSON API and the HTML pages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from progleton import make_progleton
from progleton.core import Progleton
from progleton.demo import EXPECTATIONS, DemoServer, feed_urls

pytestmark = pytest.mark.slow


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PROGLETON_DB": db_url, "PROGLETON_ALLOWED_HOSTS": "127.0.0.1",
           "PROGLETON_EXTRACT_WORKERS": "2"}
    return subprocess.run([sys.executable, "-m", "progleton", *args], env=env, capture_output=True,
                          text=True, timeout=240, check=False)


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A fresh SQLite file with the whole demo ingested by `progleton update` (a real process)."""
    db_url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'demo.db'}"
    with DemoServer() as server:
        app = make_progleton(db_url, allowed_hosts="127.0.0.1")
        for url in feed_urls(server.base_url):
            app.store.add_source(url, groups=["demo"])
        app.close()
        first = _cli(db_url, "update", "--json")
        assert first.returncode == 0, first.stderr
        second = _cli(db_url, "update", "--all", "--json")
        assert second.returncode == 0, second.stderr
        yield server, db_url, json.loads(first.stdout), json.loads(second.stdout)


def _open(db_url: str) -> Progleton:
    return make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)


def _story_of(app: Progleton, base_url: str, path: str) -> str:
    from progleton.urls import canonical_url

    article_id = app.store.article_id_by_canonical_url(canonical_url(base_url + path))
    assert article_id is not None, f"{path} was not stored"
    story = app.article(article_id).story_id
    assert story is not None
    return story


def test_broken_source_is_recorded_and_others_go_on(ingested: Any) -> None:
    server, db_url, first, _ = ingested
    by_url = {r["url"]: r for r in first}
    for path in EXPECTATIONS.broken_feeds:
        broken = by_url[server.base_url + path]
        assert broken["status"] == "error" and broken["error"]
    ok = [r for r in first if r["status"] == "ok"]
    assert len(ok) == len(first) - len(EXPECTATIONS.broken_feeds)
    assert sum(r["new_articles"] for r in ok) >= len(EXPECTATIONS.article_pages) - 1
    with _open(db_url) as app:
        failed = [s for s in app.sources() if s.last_status == "error"]
        assert failed and all(s.last_error and s.next_fetch_at for s in failed)


def test_second_update_stores_nothing_twice(ingested: Any) -> None:
    _, db_url, _, second = ingested
    assert sum(r["new_articles"] for r in second) == 0
    assert sum(r["new_entries"] for r in second) == 0
    with _open(db_url) as app:
        urls = [a.canonical_url for s in app.stories(limit=500) for a in app.story(s.id).articles]
        assert len(urls) == len(set(urls))


def test_one_event_from_many_outlets_is_one_story(ingested: Any) -> None:
    server, db_url, _, _ = ingested
    with _open(db_url) as app:
        stories = {_story_of(app, server.base_url, p) for p in EXPECTATIONS.multi_outlet_event}
        assert len(stories) == 1
        detail = app.story(stories.pop())
        assert detail.story.outlet_count >= 4


def test_wire_story_is_one_story_with_copies(ingested: Any) -> None:
    server, db_url, _, _ = ingested
    with _open(db_url) as app:
        stories = {_story_of(app, server.base_url, p) for p in EXPECTATIONS.wire_copies}
        assert len(stories) == 1
        detail = app.story(stories.pop())
        copies = [a for a in detail.articles if a.wire_copy_of is not None]
        assert len(copies) == len(EXPECTATIONS.wire_copies) - 1


def test_events_of_the_same_kind_stay_apart(ingested: Any) -> None:
    server, db_url, _, _ = ingested
    with _open(db_url) as app:
        for name_a, name_b in EXPECTATIONS.must_not_group:
            a = {_story_of(app, server.base_url, p) for p in EXPECTATIONS.event(name_a).paths}
            b = {_story_of(app, server.base_url, p) for p in EXPECTATIONS.event(name_b).paths}
            assert not a & b, (name_a, name_b)


def test_no_boilerplate_anywhere_and_bodies_kept(ingested: Any) -> None:
    server, db_url, _, _ = ingested
    from progleton.urls import canonical_url

    with _open(db_url) as app:
        for path in EXPECTATIONS.article_pages:
            article_id = app.store.article_id_by_canonical_url(canonical_url(server.base_url + path))
            if article_id is None:
                continue  # the same text under another URL of the same outlet
            article = app.article(article_id)
            for phrase in EXPECTATIONS.boilerplate_phrases:
                assert phrase.lower() not in article.text.lower(), (path, phrase)
                assert phrase.lower() not in article.html.lower(), (path, phrase)
            first, last = EXPECTATIONS.first_and_last[path]
            assert " ".join(first.split())[:60] in " ".join(article.text.split()), path
            assert " ".join(last.split())[:60] in " ".join(article.text.split()), path


def test_restart_gives_same_groups_and_new_pages_join(ingested: Any) -> None:
    _server, db_url, _, _ = ingested
    with _open(db_url) as app:
        before = {s.id: s.article_count for s in app.stories(limit=500)}
        result = app.update(due_only=False)
        assert result.new_articles == 0
        assert {s.id: s.article_count for s in app.stories(limit=500)} == before


def test_web_pages_and_api_show_the_stories(ingested: Any) -> None:
    from fastapi.testclient import TestClient

    from progleton.web import create_app

    _server, db_url, _, _ = ingested
    with _open(db_url) as app, TestClient(create_app(app), base_url="http://127.0.0.1:8000") as client:
        stories = client.get("/api/v1/stories").json()
        items = stories["stories"] if isinstance(stories, dict) else stories
        assert items
        top = items[0]
        front = client.get("/")
        assert front.status_code == 200 and "default-src" in front.headers["content-security-policy"]
        assert top["title"].split()[0] in front.text
        assert " ago" in front.text or "just now" in front.text
        page = client.get(f"/stories/{top['id']}")
        assert page.status_code == 200
        story = app.story(top["id"])
        article_page = client.get(f"/articles/{story.articles[0].id}")
        assert "Read the entire article at" in article_page.text
        for phrase in EXPECTATIONS.boilerplate_phrases:
            assert phrase not in front.text and phrase not in page.text and phrase not in article_page.text
        assert client.get("/sources").status_code == 200
        assert client.get("/search", params={"q": top["title"].split()[0]}).status_code == 200
        assert client.get("/openapi.json").json()["paths"]


def test_cli_listings(ingested: Any, tmp_path: Path) -> None:
    _, db_url, _, _ = ingested
    listed = json.loads(_cli(db_url, "stories", "--json").stdout)
    assert listed and {"id", "title", "outlet_count"} <= set(listed[0])
    sources = json.loads(_cli(db_url, "sources", "--json").stdout)
    assert any(s["last_error"] for s in sources)
    opml = _cli(db_url, "export").stdout
    assert opml.count("<outline") >= len(sources)
    word = listed[0]["title"].split()[0]
    assert json.loads(_cli(db_url, "search", word, "--json").stdout)
