"""Fixtures for the web tests: a real SQLite file seeded through the store's public methods."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

with warnings.catch_warnings():
    # starlette asks for httpx2 over httpx; the test client works the same with either.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from progleton.core import Progleton, make_progleton
from progleton.web import create_app

NOW = datetime.now(UTC).replace(microsecond=0)
WIRE_TEXT = ("The Continental Press reports that the harbour authority of Port Verel approved "
             "the new sea wall after a night of debate. ") * 8


@dataclass
class Seeded:
    """Ids of what ``seed`` stored."""

    sources: dict[str, int]
    stories: dict[str, str]
    articles: dict[str, int]


def article_record(source_id: int, slug: str, title: str, *, host: str = "example.org",
                   text: str = "", html: str | None = None, hours_ago: float = 1.0,
                   **extra: Any) -> dict[str, Any]:
    """A stored article's fields, as the pipeline would write them."""
    text = text or f"{title}. " + "Some calm reporting on the matter at hand. " * 20
    url = f"https://{host}/news/{slug}"
    return {
        "url": url, "canonical_url": url, "title": title, "text": text,
        "html": html if html is not None else "".join(f"<p>{p}</p>" for p in text.split(". ") if p),
        "summary": text[:200], "authors": ["Ana Reporter"], "published": NOW - timedelta(hours=hours_ago),
        "updated": None, "language": "en", "image": None, "site_name": None,
        "word_count": len(text.split()), "warnings": [], "text_hash": slug, "source_id": source_id,
        "extracted": True, **extra,
    }


def seed(p: Progleton) -> Seeded:
    """Six outlets; a story told in three outlets' own words; a wire story carried by three."""
    names = ["Continental Press", "Harbour Daily", "The Verel Times", "North Coast Radio",
             "Morning Ledger", "Evening Star"]
    sources = {}
    for i, name in enumerate(names):
        source, _ = p.store.add_source(f"https://outlet{i}.example/feed.xml", title=name,
                                       groups=["Verel"] if i < 3 else ["National"])
        sources[name] = source.id
    s = sources
    articles: dict[str, int] = {}
    add = p.store.add_article
    wire_story = "story-wire-sea-wall"
    articles["wire"] = add(article_record(s["Continental Press"], "sea-wall", "Port Verel approves sea wall",
                                          host="cpress.example", text=WIRE_TEXT, hours_ago=6, authors=["Continental Press"],
                                          image="https://cpress.example/wall.jpg"),
                           {"story_id": wire_story, "wire_copy_of": None, "reasons": {"note": "new story"}})
    for name in ("Harbour Daily", "Morning Ledger", "Evening Star"):
        articles[f"copy-{name}"] = add(
            article_record(s[name], "cp-sea-wall", "Port Verel approves sea wall", host=f"{s[name]}.example",
                           text=WIRE_TEXT, hours_ago=5, authors=["Continental Press", "Staff"]),
            {"story_id": wire_story, "wire_copy_of": articles["wire"],
             "reasons": {"score": 0.99, "note": f"wire copy of {articles['wire']}", "nearest": str(articles["wire"])}})
    storm = "story-storm"
    articles["storm1"] = add(article_record(s["Harbour Daily"], "storm", "Storm closes Verel ferry", hours_ago=30),
                             {"story_id": storm, "reasons": {"note": "new story"}})
    articles["storm2"] = add(
        article_record(s["The Verel Times"], "ferry-storm", "Ferries halted as storm hits coast", hours_ago=28),
        {"story_id": storm, "reasons": {"score": 0.71, "shared_names": ["Verel", "Ines Tarrow"],
                                        "shared_terms": ["ferry", "gale"],
                                        "nearest": str(articles["storm1"]), "note": "joined by names+text"}})
    articles["storm3"] = add(
        article_record(s["North Coast Radio"], "gale", "Gale warning: ferry crossings cancelled", hours_ago=27),
        {"story_id": storm, "reasons": {"score": 0.65, "shared_terms": ["ferry"]}})
    evil = '<p>Before</p><script>alert("pwned")</script><p>After &lt;b&gt;</p>'
    articles["evil"] = add(
        article_record(s["Morning Ledger"], "evil", "Council <b>budget</b> vote <script>alert(1)</script>",
                       html=evil, text="Council budget vote in Verel. After the vote.", hours_ago=80),
        {"story_id": "story-evil", "reasons": {"note": "new story"}})
    return Seeded(sources=sources, stories={"wire": wire_story, "storm": storm, "evil": "story-evil"},
                  articles=articles)


def add_carried_story(p: Progleton, carriers: int, story_id: str = "story-dam") -> dict[str, Any]:
    """A story of a text carried by ``carriers`` outlets besides its own, and two independent
    reports, as a big news event's story is; its ids: "original", "copies", "reports"."""
    text = ("TARSK (Global Wire) - The Tarsk dam on the upper Ober river gave way before dawn, flooding "
            "the valley villages of Hollin and Mardoe, the regional water board said. ") * 4
    def outlet(name: str) -> int:
        return p.store.add_source(f"https://{name.lower().replace(' ', '-')}.example/feed.xml", title=name)[0].id
    original = p.store.add_article(
        article_record(outlet("Global Wire"), story_id, "Tarsk dam gives way", host="wire.example", text=text, hours_ago=9),
        {"story_id": story_id, "reasons": {"note": "new story"}})
    copies = [p.store.add_article(
        article_record(outlet(f"Carrier {n:03d}"), story_id, "Tarsk dam gives way", host=f"c{n}.example", text=text,
                       hours_ago=8 - n / 100),
        {"story_id": story_id, "wire_copy_of": original, "reasons": {"score": 0.99, "nearest": str(original)}})
        for n in range(carriers)]
    reports = [p.store.add_article(
        article_record(outlet(name), story_id + "-own", title, host=f"{name.lower().replace(' ', '')}.example", hours_ago=h),
        {"story_id": story_id, "reasons": {"score": 0.8, "shared_names": ["Tarsk", "Hollin"]}})
        for name, title, h in (("Valley Times", "Hollin evacuees return as the Ober falls", 3),
                               ("Coast Herald", "Inquiry into the Tarsk dam failure opens", 2))]
    return {"original": original, "copies": copies, "reports": reports}


@pytest.fixture
def progleton(tmp_path: Path) -> Iterator[Progleton]:
    p = make_progleton(f"sqlite:///{tmp_path}/t.db")
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def seeded(progleton: Progleton) -> Seeded:
    return seed(progleton)


@pytest.fixture
def client(progleton: Progleton) -> Iterator[TestClient]:
    with TestClient(create_app(progleton, admin_password=""), base_url="http://127.0.0.1:8000") as c:
        yield c


def csrf_token(client: TestClient, page: str = "/sources") -> str:
    """The CSRF token a page's forms carry (after the page set the cookie)."""
    html = client.get(page).text
    start = html.index('name="csrf_token" value="') + len('name="csrf_token" value="')
    return html[start:html.index('"', start)]


FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Local Gazette</title><link>http://127.0.0.1/</link>
<description>Fixture feed</description>
<item><title>Bridge reopens after repairs</title><link>http://127.0.0.1/bridge</link>
<guid>bridge-1</guid><description>The old bridge reopened on Monday.</description></item>
</channel></rss>"""
HOME = b"""<!doctype html><html><head><title>Local Gazette</title>
<link rel="alternate" type="application/rss+xml" title="Local Gazette" href="/feed.xml"></head>
<body><p>Welcome</p></body></html>"""


@contextmanager
def serve_files(files: dict[str, tuple[bytes, str]], statuses: dict[str, int] | None = None,
                redirects: dict[str, tuple[int, str]] | None = None) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering ``{path: (body, content type)}`` (with 200,
    or the status ``statuses`` gives the path), ``redirects`` ``{path: (status, location)}``,
    404 otherwise; yields its base URL."""

    class Files(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path in (redirects or {}):
                status, location = (redirects or {})[self.path]
                self.send_response(status)
                self.send_header("location", location)
                self.send_header("content-length", "0")
                self.end_headers()
                return
            body, kind = files.get(self.path, (b"not found", "text/plain"))
            self.send_response((statuses or {}).get(self.path, 200) if self.path in files else 404)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def local_site() -> Iterator[str]:
    with serve_files({"/": (HOME, "text/html"), "/feed.xml": (FEED, "application/rss+xml")},
                     redirects={"/for-now": (302, "/feed.xml")}) as base:
        yield base
