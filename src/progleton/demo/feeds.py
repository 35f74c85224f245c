"""Write an outlet's feed in its own format: RSS 2.0, RSS 1.0 (RDF), Atom 1.0 or JSON Feed 1.1.

Entry ids never depend on the server's address or the serve time, so that a restarted demo
server publishes the same entries again (and ``update`` run twice stores nothing twice).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from .corpus import Article, Outlet
from .render import PageRenderer, fill, rfc822, rfc3339
from .render import escape as escape_html


@dataclass(frozen=True)
class FeedEntry:
    """One article as the feed presents it."""

    guid: str
    title: str
    link: str  # with the outlet's tracking parameters, if any
    author: str
    published: datetime
    modified: datetime
    summary: str
    content_html: str | None  # None for summary-only feeds
    image: str | None


def feed_entries(renderer: PageRenderer, outlet: Outlet) -> list[FeedEntry]:
    """The outlet's entries, newest first."""
    return [_entry(renderer, outlet, a) for a in outlet.articles]


def _entry(renderer: PageRenderer, outlet: Outlet, article: Article) -> FeedEntry:
    link = renderer.url(article.path)
    if outlet.feed.link_params:
        link += "?" + outlet.feed.link_params
    content = None
    if outlet.feed.content == "full":
        content = renderer.body_html(article)
        if outlet.feed_footer:
            footer_slots = {"url": renderer.url(article.path), "title": escape_html(article.title)}
            content += "\n" + fill(outlet.feed_footer, footer_slots)
    return FeedEntry(
        guid=f"{outlet.slug}-{article.stem}",
        title=article.title,
        link=link,
        author=article.author,
        published=renderer.published(article),
        modified=renderer.modified(article),
        summary=article.summary,
        content_html=content,
        image=renderer.url(article.image_path) if article.image_path else None,
    )


def render_feed(renderer: PageRenderer, outlet: Outlet) -> str:
    """The outlet's feed document, in the outlet's format."""
    writers: dict[str, Callable[[PageRenderer, Outlet, list[FeedEntry]], str]] = {
        "rss2": _rss2,
        "rss1": _rss1,
        "atom": _atom,
        "jsonfeed": _jsonfeed,
    }
    entries = feed_entries(renderer, outlet)
    text = writers[outlet.feed.format](renderer, outlet, entries)
    if outlet.feed.fault == "malformed-xml":
        # A feed cut off mid-write, with a bare ampersand: what a crashed CMS leaves behind.
        text = text[: len(text) // 2] + "\n<title>Tides & Times"
    return text


def _latest(entries: list[FeedEntry], fallback: datetime) -> datetime:
    return max((e.modified for e in entries), default=fallback)


def _rss2(renderer: PageRenderer, outlet: Outlet, entries: list[FeedEntry]) -> str:
    items = []
    for e in entries:
        parts = [
            f"<title>{escape(e.title)}</title>",
            f"<link>{escape(e.link)}</link>",
            f'<guid isPermaLink="false">{escape(e.guid)}</guid>',
            f"<pubDate>{rfc822(e.published)}</pubDate>",
            f"<dc:creator>{escape(e.author)}</dc:creator>",
            f"<description>{escape(e.summary)}</description>",
        ]
        if e.content_html is not None:
            parts.append(f"<content:encoded><![CDATA[{e.content_html}]]></content:encoded>")
        if e.image:
            parts.append(f'<enclosure url={quoteattr(e.image)} length="0" type="image/png"/>')
        items.append("    <item>\n      " + "\n      ".join(parts) + "\n    </item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        "  <channel>\n"
        f"    <title>{escape(outlet.name)}</title>\n"
        f"    <link>{escape(renderer.url(outlet.home_path))}</link>\n"
        f"    <atom:link href={quoteattr(renderer.url(outlet.feed_path))}"
        ' rel="self" type="application/rss+xml"/>\n'
        f"    <description>{escape(outlet.tagline)}</description>\n"
        f"    <language>{outlet.language}</language>\n"
        f"    <lastBuildDate>{rfc822(_latest(entries, renderer.now))}</lastBuildDate>\n"
        "    <ttl>30</ttl>\n" + "\n".join(items) + "\n  </channel>\n</rss>\n"
    )


def _rss1(renderer: PageRenderer, outlet: Outlet, entries: list[FeedEntry]) -> str:
    seq = "\n".join(f"        <rdf:li rdf:resource={quoteattr(e.link)}/>" for e in entries)
    items = []
    for e in entries:
        parts = [
            f"<title>{escape(e.title)}</title>",
            f"<link>{escape(e.link)}</link>",
            f"<description>{escape(e.summary)}</description>",
            f"<dc:creator>{escape(e.author)}</dc:creator>",
            f"<dc:date>{rfc3339(e.published)}</dc:date>",
        ]
        if e.content_html is not None:
            parts.append(f"<content:encoded><![CDATA[{e.content_html}]]></content:encoded>")
        items.append(
            f"  <item rdf:about={quoteattr(e.link)}>\n    " + "\n    ".join(parts) + "\n  </item>"
        )
    home = renderer.url(outlet.home_path)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        f"  <channel rdf:about={quoteattr(renderer.url(outlet.feed_path))}>\n"
        f"    <title>{escape(outlet.name)}</title>\n"
        f"    <link>{escape(home)}</link>\n"
        f"    <description>{escape(outlet.tagline)}</description>\n"
        f"    <dc:language>{outlet.language}</dc:language>\n"
        f"    <dc:date>{rfc3339(_latest(entries, renderer.now))}</dc:date>\n"
        f"    <items>\n      <rdf:Seq>\n{seq}\n      </rdf:Seq>\n    </items>\n"
        "  </channel>\n" + "\n".join(items) + "\n</rdf:RDF>\n"
    )


def _atom(renderer: PageRenderer, outlet: Outlet, entries: list[FeedEntry]) -> str:
    items = []
    for e in entries:
        parts = [
            f"<id>tag:{outlet.slug}.demo,2026:{escape(e.guid)}</id>",
            f'<title type="text">{escape(e.title)}</title>',
            f'<link rel="alternate" type="text/html" href={quoteattr(e.link)}/>',
            f"<published>{rfc3339(e.published)}</published>",
            f"<updated>{rfc3339(e.modified)}</updated>",
            f"<author><name>{escape(e.author)}</name></author>",
            f'<summary type="text">{escape(e.summary)}</summary>',
        ]
        if e.content_html is not None:
            parts.append(f'<content type="html">{escape(e.content_html)}</content>')
        if e.image:
            parts.append(f'<link rel="enclosure" type="image/png" href={quoteattr(e.image)}/>')
        items.append("  <entry>\n    " + "\n    ".join(parts) + "\n  </entry>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.language}">\n'
        f"  <id>tag:{outlet.slug}.demo,2026:feed</id>\n"
        f"  <title>{escape(outlet.name)}</title>\n"
        f"  <subtitle>{escape(outlet.tagline)}</subtitle>\n"
        f"  <updated>{rfc3339(_latest(entries, renderer.now))}</updated>\n"
        f'  <link rel="self" type="application/atom+xml" href={quoteattr(renderer.url(outlet.feed_path))}/>\n'
        f'  <link rel="alternate" type="text/html" href={quoteattr(renderer.url(outlet.home_path))}/>\n'
        + "\n".join(items)
        + "\n</feed>\n"
    )


def _jsonfeed(renderer: PageRenderer, outlet: Outlet, entries: list[FeedEntry]) -> str:
    items = []
    for e in entries:
        item: dict[str, object] = {
            "id": e.guid,
            "url": e.link,
            "title": e.title,
            "summary": e.summary,
            "date_published": rfc3339(e.published),
            "date_modified": rfc3339(e.modified),
            "authors": [{"name": e.author}],
        }
        if e.content_html is not None:
            item["content_html"] = e.content_html
        else:
            item["content_text"] = e.summary
        if e.image:
            item["image"] = e.image
        items.append(item)
    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "description": outlet.tagline,
        "home_page_url": renderer.url(outlet.home_path),
        "feed_url": renderer.url(outlet.feed_path),
        "language": outlet.language,
        "items": items,
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
