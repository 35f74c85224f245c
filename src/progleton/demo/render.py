"""Turn the corpus into HTML pages, the OPML list and images for one base URL and one "now".

Templates hold ``{name}`` slots. Only names the renderer knows are replaced, so CSS rules and
JSON inside a template are left alone. Text slots are HTML-escaped; slots whose name ends in
``_html`` (and ``body``, ``related``, ``head``, ``main``, ``article_list``) carry markup.
"""

from __future__ import annotations

import html
import json
import re
import struct
import zlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .corpus import Article, Corpus, Outlet

_SLOT = re.compile(r"\{([a-z_]+)\}")

FEED_MEDIA_TYPES = {
    "rss2": "application/rss+xml",
    "rss1": "application/rss+xml",  # what sites advertise for RSS 1.0 in practice
    "atom": "application/atom+xml",
    "jsonfeed": "application/feed+json",
}


def escape(text: str) -> str:
    """Escape text for element content and double-quoted attributes (apostrophes stay)."""
    return html.escape(text, quote=False).replace('"', "&quot;")


def fill(template: str, slots: Mapping[str, str]) -> str:
    """Replace every ``{name}`` whose name is in ``slots``; leave other braces alone."""
    return _SLOT.sub(lambda m: slots.get(m.group(1), m.group(0)), template)


def rfc822(moment: datetime) -> str:
    """A date as RSS 2.0 wants it: ``Thu, 26 Nov 2026 09:15:00 +0000``."""
    return format_datetime(moment)


def rfc3339(moment: datetime) -> str:
    """A date as Atom, JSON Feed and HTML meta tags want it: ``2026-11-26T09:15:00+00:00``."""
    return moment.isoformat(timespec="seconds")


class PageRenderer:
    """Renders one outlet's pages for a given base URL and serve time."""

    def __init__(self, corpus: Corpus, base_url: str, now: datetime) -> None:
        self.corpus = corpus
        self.base = base_url.rstrip("/")
        self.now = now

    # -- shared pieces ------------------------------------------------------------------------

    def url(self, path: str) -> str:
        """Absolute URL of a path on the demo server."""
        return self.base + path

    def published(self, article: Article) -> datetime:
        """When the article was published, relative to the serve time."""
        return self.now - article.published

    def modified(self, article: Article) -> datetime:
        """When the article last changed (its update, else its publication)."""
        return self.now - (article.updated if article.updated is not None else article.published)

    def outlet_slots(self, outlet: Outlet) -> dict[str, str]:
        """Slots every page of an outlet can use."""
        return {
            "base": self.base,
            "outlet_name": escape(outlet.name),
            "tagline": escape(outlet.tagline),
            "home_url": self.url(outlet.home_path),
            "feed_url": self.url(outlet.feed_path),
            "feed_type": FEED_MEDIA_TYPES[outlet.feed.format],
            "year": str(self.now.year),
            "language": outlet.language,
        }

    def _layout(self, outlet: Outlet, page: str, slots: dict[str, str]) -> str:
        head, _, main = page.partition("<!-- main -->")
        if not main:
            head, main = "", page
        head = head.replace("<!-- head -->", "").strip()
        shell = dict(slots, head=fill(head, slots), main=fill(main, slots))
        return fill(outlet.templates["layout"], shell)

    # -- article pages ------------------------------------------------------------------------

    def body_html(self, article: Article, *, teaser: str = "") -> str:
        """The article body as HTML; ``teaser`` is inserted after the outlet's teaser paragraph."""
        blocks = [paragraph_html(p) for p in article.paragraphs]
        outlet = self.corpus.outlet(article.outlet)
        # Never after the last paragraph: the teaser sits inside the body, as on real sites.
        at = min(outlet.teaser_after, len(blocks) - 1)
        if teaser and at > 0:
            blocks.insert(at, teaser)
        return "\n".join(blocks)

    def _neighbours(self, article: Article, count: int) -> list[Article]:
        live = [a for a in self.corpus.outlet(article.outlet).articles if a.status == 200]
        if article not in live:
            return live[:count]
        start = live.index(article)
        ring = live[start + 1 :] + live[:start]
        return ring[:count]

    def _teaser(self, outlet: Outlet, article: Article) -> str:
        others = self._neighbours(article, 1)
        if not outlet.teaser_html or not others:
            return ""
        other = others[0]
        return fill(
            outlet.teaser_html, {"href": self.url(other.path), "title": escape(other.title)}
        )

    def _related(self, article: Article) -> str:
        return "\n".join(
            f'<li><a href="{self.url(a.path)}">{escape(a.title)}</a></li>'
            for a in self._neighbours(article, 3)[::-1]
        )

    def _jsonld(self, outlet: Outlet, article: Article) -> str:
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": rfc3339(self.published(article)),
            "dateModified": rfc3339(self.modified(article)),
            "author": [{"@type": "Person", "name": article.author}],
            "publisher": {"@type": "NewsMediaOrganization", "name": outlet.name},
            "mainEntityOfPage": self.url(article.path),
        }
        if article.image_path:
            data["image"] = [self.url(article.image_path)]
        text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">\n{text}\n</script>'

    def article_slots(self, article: Article) -> dict[str, str]:
        """Every slot an article template can use."""
        outlet = self.corpus.outlet(article.outlet)
        published, modified = self.published(article), self.modified(article)
        image = self.url(article.image_path) if article.image_path else ""
        page_url = self.url(article.path)
        return self.outlet_slots(outlet) | {
            "title": escape(article.title),
            "author": escape(article.author),
            "section": escape(article.section),
            "summary": escape(article.summary),
            "url": page_url,
            "published_iso": rfc3339(published),
            "published_human": published.strftime(outlet.date_style),
            "modified_iso": rfc3339(modified),
            "modified_human": modified.strftime(outlet.date_style),
            "canonical_html": f'<link rel="canonical" href="{page_url}">',
            "og_image_html": f'<meta property="og:image" content="{image}">' if image else "",
            "figure_html": (
                f'<figure class="lead"><img src="{image}" alt="" width="600" height="315"></figure>'
                if image
                else ""
            ),
            "jsonld_html": self._jsonld(outlet, article),
            "body": self.body_html(article, teaser=self._teaser(outlet, article)),
            "related": self._related(article),
        }

    def article_page(self, article: Article) -> str:
        """The full HTML page of one article."""
        outlet = self.corpus.outlet(article.outlet)
        return self._layout(outlet, outlet.templates["article"], self.article_slots(article))

    # -- outlet front pages -------------------------------------------------------------------

    def home_page(self, outlet: Outlet) -> str:
        """The outlet's front page: its articles, newest first, and the feed link in <head>."""
        items = "\n".join(
            f'<li><a href="{self.url(a.path)}">{escape(a.title)}</a>'
            f' <time datetime="{rfc3339(self.published(a))}">'
            f"{self.published(a).strftime(outlet.date_style)}</time>"
            f"<p>{escape(a.summary)}</p></li>"
            for a in outlet.articles
            if a.status == 200
        )
        slots = self.outlet_slots(outlet) | {"article_list": items}
        return self._layout(outlet, outlet.templates["home"], slots)

    def index_page(self) -> str:
        """The demo server's own front page, listing the outlets."""
        items = "\n".join(
            f'<li><a href="{self.url(o.home_path)}">{escape(o.name)}</a>'
            f' — <a href="{self.url(o.feed_path)}">feed</a></li>'
            for o in self.corpus.outlets
        )
        return (
            '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>Progleton demo outlets</title>"
            f'<link rel="alternate" type="text/x-opml" href="{self.url("/demo.opml")}"></head>'
            f"<body><h1>Progleton demo outlets</h1><ul>\n{items}\n</ul></body></html>\n"
        )

    def opml(self) -> str:
        """An OPML 2.0 list of every demo source, the broken one included."""
        outlines = "\n".join(
            f'    <outline type="rss" text={quoteattr(o.name)} title={quoteattr(o.name)}'
            f" xmlUrl={quoteattr(self.url(o.feed_path))}"
            f" htmlUrl={quoteattr(self.url(o.home_path))}/>"
            for o in self.corpus.outlets
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n'
            f"  <head><title>Progleton demo sources</title>"
            f"<dateCreated>{xml_escape(rfc822(self.now))}</dateCreated></head>\n"
            '  <body>\n  <outline text="Demo news" title="Demo news">\n'
            f"{outlines}\n  </outline>\n  </body>\n</opml>\n"
        )


def paragraph_html(paragraph: str) -> str:
    """One body paragraph as HTML: ``## `` makes a subheading, ``> `` a quotation."""
    if paragraph.startswith("## "):
        return f"<h2>{html.escape(paragraph[3:], quote=False)}</h2>"
    if paragraph.startswith("> "):
        return f"<blockquote><p>{html.escape(paragraph[2:], quote=False)}</p></blockquote>"
    return f"<p>{html.escape(paragraph, quote=False)}</p>"


def solid_png(color: str, width: int = 600, height: int = 315) -> bytes:
    """A tiny solid-colour PNG, the lead image every demo article with ``image: yes`` gets."""
    red, green, blue = (int(color.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    row = b"\x00" + bytes((red, green, blue)) * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(row * height, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
