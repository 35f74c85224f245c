"""Output feeds: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for top stories, one story, a search.

The documents are built as plain records (``OutFeed``) and written by pure functions, so
the three formats always say the same thing.
"""

from __future__ import annotations

import hashlib
import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import TYPE_CHECKING, Annotated
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit
from xml.etree import ElementTree as ET

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ..searching import language_problem
from ..types import Article, SearchHit, Story
from .accounts import User, require_user
from .app import story_path
from .views import copies_left_out, group_problem, language_asked

if TYPE_CHECKING:
    from ..core import Progleton

router = APIRouter(include_in_schema=False)
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPES = {"atom": "application/atom+xml; charset=utf-8", "rss": "application/rss+xml; charset=utf-8",
               "json": "application/feed+json; charset=utf-8"}
FEED_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class OutItem:
    id: str
    url: str
    title: str
    content_html: str
    summary: str
    published: datetime | None
    updated: datetime | None
    authors: tuple[str, ...] = ()
    language: str | None = None  # ISO 639-1, as extraction found it (Atom xml:lang, JSON Feed language)


@dataclass(frozen=True)
class OutFeed:
    title: str
    home_url: str
    feed_url: str  # without the format suffix's query; ``self`` links add it
    description: str
    items: tuple[OutItem, ...]
    id: str = ""  # the Atom feed id (:func:`_ids`); the self address without its token if empty
    language: str | None = None  # the language all its items were chosen by (Atom xml:lang)

    @property
    def updated(self) -> datetime:
        times = [t for i in self.items if (t := i.updated or i.published) is not None]
        return max(times, default=EPOCH)


def _iso(dt: datetime | None) -> str:
    return (dt or EPOCH).astimezone(UTC).isoformat().replace("+00:00", "Z")


def to_atom(feed: OutFeed, self_url: str) -> bytes:
    """The feed as an Atom 1.0 document."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    root = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: feed.language} if feed.language else {})
    sub(root, "id", feed.id or _without_token(self_url))  # an id to keep: no secret, no host
    sub(root, "title", feed.title)
    sub(root, "subtitle", feed.description)
    sub(root, "updated", _iso(feed.updated))
    sub(root, "link", rel="alternate", type="text/html", href=feed.home_url)
    sub(root, "link", rel="self", type="application/atom+xml", href=self_url)
    sub(root, "generator", "Progleton")
    for item in feed.items:
        entry = sub(root, "entry", **({XML_LANG: item.language} if item.language else {}))
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        sub(entry, "updated", _iso(item.updated or item.published))
        if item.published:
            sub(entry, "published", _iso(item.published))
        for name in item.authors or ("Progleton",):
            sub(sub(entry, "author"), "name", name)
        sub(entry, "summary", item.summary)
        sub(entry, "content", item.content_html, type="html")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8"))


def _without_token(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "token"])
    return urlunsplit(parts._replace(query=query))


def to_rss(feed: OutFeed, self_url: str) -> bytes:
    """The feed as an RSS 2.0 document."""
    ET.register_namespace("atom", ATOM_NS)
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    for tag, text in (("title", feed.title), ("link", feed.home_url), ("description", feed.description),
                      ("lastBuildDate", format_datetime(feed.updated)), ("generator", "Progleton")):
        ET.SubElement(channel, tag).text = text
    ET.SubElement(channel, f"{{{ATOM_NS}}}link", {"rel": "self", "href": self_url, "type": "application/rss+xml"})
    for item in feed.items:
        element = ET.SubElement(channel, "item")
        ET.SubElement(element, "title").text = item.title
        ET.SubElement(element, "link").text = item.url
        ET.SubElement(element, "guid", {"isPermaLink": "false"}).text = item.id
        ET.SubElement(element, "description").text = item.content_html
        when = item.published or item.updated
        if when:
            ET.SubElement(element, "pubDate").text = format_datetime(when.astimezone(UTC), usegmt=True)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + bytes(ET.tostring(root, encoding="utf-8"))


def to_json_feed(feed: OutFeed, self_url: str) -> bytes:
    """The feed as a JSON Feed 1.1 document."""
    items = []
    for item in feed.items:
        entry: dict[str, object] = {"id": item.id, "url": item.url, "title": item.title,
                                    "content_html": item.content_html, "summary": item.summary}
        if item.published:
            entry["date_published"] = _iso(item.published)
        if item.updated:
            entry["date_modified"] = _iso(item.updated)
        if item.authors:
            entry["authors"] = [{"name": a} for a in item.authors]
        if item.language:
            entry["language"] = item.language
        items.append(entry)
    document = {"version": "https://jsonfeed.org/version/1.1", "title": feed.title,
                "home_page_url": feed.home_url, "feed_url": self_url, "description": feed.description,
                "items": items}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


WRITERS = {"atom": to_atom, "rss": to_rss, "json": to_json_feed}


def _ids(request: Request) -> str:
    """The root of this installation's feed and entry ids. Atom ids must never change (RFC 4287
    4.2.6), so they are no addresses, which change with the name the server is reached by
    (localhost, 127.0.0.1, a LAN name) and showed every story twice in a reader that used two.
    The installation's part comes from its secret key: two installations never share ids."""
    install = hashlib.sha256(b"feed ids:" + request.app.state.secret_key.encode()).hexdigest()[:16]
    return f"urn:progleton:{install}"


def story_item(story: Story, base: str, ids: str) -> OutItem:
    """A top story as a feed item: its headline, outlets and snippet; updated when its latest
    article came, or when the article that leads it was edited (``Story.updated``), as that
    article's own item in the story's feed is."""
    url = base + story_path(story.id)
    outlets = ", ".join(story.outlets)
    content = (f"<p>{html.escape(story.snippet)}</p>" if story.snippet else "") + (
        f"<p>{story.outlet_count} outlet{'s' if story.outlet_count != 1 else ''}"
        f"{': ' + html.escape(outlets) if outlets else ''}. "
        f'<a href="{html.escape(url)}">Full coverage</a></p>')
    return OutItem(id=f"{ids}:story:{quote(story.id, safe='')}", url=url, title=story.title,
                   content_html=content, summary=story.snippet,
                   published=story.first_seen, updated=story.updated or story.last_seen)


def article_item(article: Article, base: str, ids: str, *, carried_by_more: int = 0) -> OutItem:
    """An article of a followed story or a search as a feed item, linking to the original;
    ``carried_by_more``: the other outlets' copies of its text that a search left out for it."""
    reader_url = f"{base}/articles/{article.id}"
    carried = ""
    if carried_by_more and article.story_id:
        story_url = f"{base}{story_path(article.story_id)}#a{article.id}"
        outlets = f"{carried_by_more} more outlet{'' if carried_by_more == 1 else 's'}"
        carried = f' · <a href="{html.escape(story_url)}">and {outlets} carried this text</a>'
    content = (f"<p>{html.escape(article.snippet)}</p><p>{html.escape(article.outlet)}"
               f"{' (wire copy)' if article.wire_copy_of else ''}{carried} · "
               f'<a href="{html.escape(reader_url)}">Read in Progleton</a></p>')
    # an article whose feed gave no web address is linked to its page here. Its id is the
    # installation's, as a story's is: the original's address is the outlet's own entry id in
    # its feed, for an entry that is not this one (another title, other content)
    return OutItem(id=f"{ids}:article:{article.id}", url=article.link or reader_url, title=f"{article.title} ({article.outlet})",
                   content_html=content, summary=article.snippet, published=article.published or article.created_at,
                   updated=article.updated, authors=article.authors, language=article.language)


def hit_item(hit: SearchHit, base: str, ids: str) -> OutItem:
    """A search's hit as a feed item: its article, and the copies of its text it stands for."""
    return article_item(hit.article, base, ids, carried_by_more=hit.folded_copies)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _answer(feed: OutFeed, fmt: str, request: Request) -> Response:
    """The feed, or 304 when the reader already has this version: its ETag, compared weakly as
    RFC 9110 asks of If-None-Match (a proxy that compresses turns ETags weak: W/"…"), else its
    Last-Modified, the newest item's time, when the reader sends no ETag."""
    body = WRITERS[fmt](feed, str(request.url))
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    modified = feed.updated.replace(microsecond=0)
    headers = {"etag": etag, "last-modified": format_datetime(modified, usegmt=True),
               "cache-control": "private, max-age=300"}
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        if etag in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
    elif (since := _http_date(request.headers.get("if-modified-since"))) is not None and modified <= since:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)


def _http_date(value: str | None) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None
    return parsed if parsed is None or parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _p(request: Request) -> Progleton:
    return request.app.state.progleton  # type: ignore[no-any-return]


@router.get("/feeds/top.{fmt}")
def top_stories_feed(request: Request, fmt: str, group: Annotated[str | None, Query(max_length=200)] = None,
                     lang: Annotated[str | None, Query(max_length=20)] = None,
                     language: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """Top stories (optionally of one source group, of one language: ``lang``, or ``language``
    as the API names it) as a feed. A group no source is in, or a language that is no code, is
    a 404 saying so (a feed reader would show an empty feed as no news for ever), as the front
    page and the API say it; ``lang`` and ``language`` naming two languages are a 400."""
    _check(fmt)
    try:
        lang = language_asked(lang, language)
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    groups = [name for name, _ in _p(request).store.source_groups()]
    problems = [why for why in (group_problem(group, groups), lang and language_problem(lang)) if why]
    if problems:
        raise HTTPException(status_code=404, detail=" ".join(problems))
    base = _base(request)
    stories = _p(request).stories(limit=FEED_SIZE, group=group or None, language=lang or None)
    home = base + "/" + (("?" + urlencode({"group": group})) if group else "")
    title = "Progleton: top stories" + (f" in {group}" if group else "")
    ids = _ids(request)
    chosen = urlencode([(k, v) for k, v in (("group", group), ("lang", lang)) if v])
    feed = OutFeed(title=title, home_url=home, feed_url=str(request.url), description="Stories grouped across outlets",
                   items=tuple(story_item(s, base, ids) for s in stories), id=f"{ids}:feed:top?{chosen}".rstrip("?"),
                   language=lang or None)
    return _answer(feed, fmt, request)


@router.get("/feeds/story.{fmt}")
def story_feed(request: Request, fmt: str, id: Annotated[str, Query(max_length=2000)]) -> Response:
    """Follow one developing story: its articles, newest first; of a text carried by dozens of
    outlets, the first few copies (as its page shows them), not an entry for each."""
    _check(fmt)
    base, ids = _base(request), _ids(request)
    detail = _p(request).story(id)
    left_out = copies_left_out(detail.articles)
    articles = sorted((a for a in detail.articles if a.id not in left_out),
                      key=lambda a: a.published or a.created_at or EPOCH, reverse=True)
    feed = OutFeed(title=f"{detail.story.title} · Progleton", home_url=base + story_path(id),
                   feed_url=str(request.url), description=f"Coverage of: {detail.story.title}",
                   items=tuple(article_item(a, base, ids) for a in articles[:FEED_SIZE]),
                   id=f"{ids}:feed:story:{quote(id, safe='')}")
    return _answer(feed, fmt, request)


@router.get("/feeds/search.{fmt}")
def search_feed(request: Request, fmt: str, q: Annotated[str, Query(min_length=1, max_length=500)]) -> Response:
    """A search as a feed: the best matching articles, a text carried by several outlets
    once (as the search page shows it). A query that can find nothing (a filter it cannot
    read, a ``source:`` naming none, no word) is a 404 saying why, as the search page and the
    API say it."""
    _check(fmt)
    base, ids = _base(request), _ids(request)
    found = _p(request).find(q, limit=FEED_SIZE, fold_copies=True)
    if found.problems:
        raise HTTPException(status_code=404, detail=" ".join(found.problems))
    feed = OutFeed(title=f"Progleton search: {q}", home_url=f"{base}/search?q={quote(q)}",
                   feed_url=str(request.url), description=f"Articles matching {q}",
                   items=tuple(hit_item(h, base, ids) for h in found.hits),
                   id=f"{ids}:feed:search?{urlencode({'q': q})}")
    return _answer(feed, fmt, request)


@router.get("/feeds/saved/{search_id}.{fmt}")
def saved_search_feed(request: Request, search_id: int, fmt: str,
                      user: Annotated[User, Depends(require_user)]) -> Response:
    """One saved search as a feed (the feed token of its owner opens it), as :func:`search_feed`."""
    _check(fmt)
    saved = next((s for s in _p(request).store.saved_searches(user.id) if s["id"] == search_id), None)
    if saved is None:
        raise HTTPException(status_code=404, detail=f"no saved search with id {search_id}")
    base, ids = _base(request), _ids(request)
    hits = _p(request).find(saved["query"], limit=FEED_SIZE, fold_copies=True).hits
    feed = OutFeed(title=f"Progleton: {saved['name']}", home_url=f"{base}/search?q={quote(saved['query'])}",
                   feed_url=str(request.url), description=f"Articles matching {saved['query']}",
                   items=tuple(hit_item(h, base, ids) for h in hits),
                   id=f"{ids}:feed:saved:{search_id}")
    return _answer(feed, fmt, request)


def _check(fmt: str) -> None:
    if fmt not in WRITERS:
        raise HTTPException(status_code=404, detail="Feeds come as .atom, .rss or .json.")
