"""News not in English, end to end: Russian, German, Chinese and Korean outlets served on 127.0.0.1,
updated into SQLite, then read back: grouped by event, searchable, explained in their words."""

from __future__ import annotations

import html
import warnings
from collections import defaultdict
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from aiohttp import web

from local_server import LocalServer
from progleton import make_progleton
from progleton.explain import why_together
from progleton.web import create_app

from .stream_languages import EXPECTED, language_docs

PAGE = """<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head><body>
<nav>{nav}</nav><article><h1>{title}</h1>{paragraphs}</article><footer>© {outlet}</footer></body></html>"""
NAV = {"ru": "Главная · Политика · Общество", "de": "Startseite · Politik · Panorama", "zh": "首页 · 国内 · 国际",
       "ko": "홈 · 사회 · 전국"}


def _lang(doc_id: str) -> str:
    return doc_id.split("-", 1)[0]


class Outlets:
    """One RSS feed per outlet of the language stream, and an article page per report."""

    def __init__(self) -> None:
        self.docs = language_docs()
        app = web.Application()
        app.router.add_get("/{outlet}/rss.xml", self.feed)
        app.router.add_get("/{outlet}/a/{doc_id}", self.page)
        app.router.add_get("/robots.txt", self.robots)
        self.server = LocalServer(app)
        self.base = self.server.url("")

    @property
    def outlets(self) -> list[str]:
        return sorted({d.source for d in self.docs})

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nAllow: /\n")

    async def feed(self, request: web.Request) -> web.Response:
        outlet = request.match_info["outlet"]
        items = "".join(
            f"<item><title>{html.escape(d.title)}</title><link>{self.base}/{outlet}/a/{d.id}</link>"
            f"<guid>{d.id}</guid><pubDate>{d.published:%a, %d %b %Y %H:%M:%S} GMT</pubDate>"  # type: ignore[union-attr]
            f"<description>{html.escape(d.text[:80])}</description></item>"
            for d in self.docs if d.source == outlet
        )
        xml = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet}</title>'
               f"<link>{self.base}/{outlet}/</link>{items}</channel></rss>")
        return web.Response(body=xml.encode(), content_type="application/rss+xml", charset="utf-8")

    async def page(self, request: web.Request) -> web.Response:
        doc = next(d for d in self.docs if d.id == request.match_info["doc_id"])
        lang = _lang(doc.id)
        sentences = [s for s in doc.text.replace("。", "。\n").replace(". ", ".\n").split("\n") if s]
        paragraphs = "".join(f"<p>{html.escape(s)}</p>" for s in sentences)
        text = PAGE.format(lang=lang, title=html.escape(doc.title), nav=NAV[lang], paragraphs=paragraphs,
                           outlet=doc.source)
        return web.Response(body=text.encode(), content_type="text/html", charset="utf-8")


@pytest.fixture
def outlets() -> Iterator[Outlets]:
    served = Outlets()
    try:
        yield served
    finally:
        served.server.close()


def test_news_in_four_languages_is_grouped_searched_and_explained(outlets: Outlets, db_url: str) -> None:
    app = make_progleton(db_url, allowed_hosts="127.0.0.1", extract_workers=1)
    try:
        for outlet in outlets.outlets:
            app.store.add_source(f"{outlets.base}/{outlet}/rss.xml")
        app.update(due_only=False)
        articles = {a.url.rsplit("/", 1)[-1]: a for s in app.stories(limit=50) for a in app.story(s.id).articles}
        assert articles.keys() == EXPECTED.keys()
        # each event is one story, and events of one kind (two quakes, two derailments, two fires) two
        stories: defaultdict[str, set[str]] = defaultdict(set)
        for doc_id, article in articles.items():
            assert article.extracted and article.language == _lang(doc_id)
            assert article.story_id is not None
            stories[article.story_id].add(EXPECTED[doc_id])
        assert all(len(events) == 1 for events in stories.values())
        assert len(stories) == len(set(EXPECTED.values()))
        # search finds words of any alphabet
        for query, event in (("Листвянка", "irkutsk"), ("Gersthofen", "augsburg"), ("磨西镇", "sichuan"),
                             ("남동공단", "incheon")):
            found = {h.article.url.rsplit("/", 1)[-1] for h in app.search(query)}
            assert found and all(EXPECTED[d] == event for d in found), query
        # and the story page says why, in the articles' own words
        story = app.story(articles["ru-irk-2"].story_id or "")
        article = next(a for a in story.articles if a.id == articles["ru-irk-2"].id)
        lines = " ".join(why_together(article, story.articles))
        assert "Иркутск" in lines and "иркутск " not in lines
        # the story page marks each report's language, and search pages find Chinese
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # starlette asks for httpx2 over httpx
            from fastapi.testclient import TestClient
        with TestClient(create_app(app, admin_password=""), base_url="http://127.0.0.1:8000") as client:
            page = client.get("/stories/" + quote(story.story.id, safe="")).text
            assert f'href="/articles/{article.id}" lang="ru" dir="auto">{html.escape(article.title)}</a>' in page
            assert "Иркутске" in page
            found = client.get("/search", params={"q": "磨西镇"}).text
            assert "<mark>磨西镇</mark>" in found
    finally:
        app.close()
