"""The demo corpus as plain data: outlets, their articles and the wire stories they reprint.

Everything lives under ``demo/data`` and is read with :mod:`importlib.resources`::

    data/
      outlets/<slug>/outlet.json     name, feed format and path, teaser and date style
      outlets/<slug>/layout.html     the outlet's page shell: nav, cookie notice, footer
      outlets/<slug>/article.html    the article markup: byline, body, appeal, share, related
      outlets/<slug>/home.html       the outlet's front page (list of articles)
      outlets/<slug>/articles/*.txt  one article each: header lines, ``---``, paragraphs
      wire/*.txt                     wire stories whose body outlets reprint verbatim

Article headers: ``title``, ``slug`` (page path under the outlet), ``author``, ``published``
and ``updated`` (age at serve time, e.g. ``5h``, ``1d4h``, ``45m``), ``summary``, ``section``,
optional ``image: yes``, ``event`` (the name of the event the article covers), ``wire`` (the
wire story it reprints; its body then comes from ``wire/<name>.txt``) and ``status: 404`` for an
article that the feed lists but whose page is gone; ``edition: 2`` holds an article back until
the server publishes its second edition (new articles arriving between two updates).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import timedelta
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

FEED_FORMATS = ("rss2", "atom", "jsonfeed", "rss1")

_AGE = re.compile(r"(\d+)([dhm])")
_AGE_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def parse_age(text: str) -> timedelta:
    """Parse a relative age such as ``5h``, ``1d4h`` or ``45m`` into a timedelta."""
    compact = text.replace(" ", "")
    parts = _AGE.findall(compact)
    if not parts or "".join(n + u for n, u in parts) != compact:
        raise ValueError(f"not an age like '5h' or '1d4h': {text!r}")
    return sum((timedelta(**{_AGE_UNITS[u]: int(n)}) for n, u in parts), timedelta())


@dataclass(frozen=True)
class FeedSpec:
    """How an outlet publishes its feed."""

    path: str  # under the outlet prefix, e.g. "feed.xml"
    format: str  # one of FEED_FORMATS
    content: str = "full"  # "full": the whole article in the feed; "summary": a teaser only
    link_params: str = ""  # tracking query string added to entry links, e.g. "utm_source=feed"
    fault: str | None = None  # "http-500" or "malformed-xml": a deliberately broken source


@dataclass(frozen=True)
class Article:
    """One article of one outlet, as the corpus describes it."""

    outlet: str  # outlet slug
    stem: str  # file name without .txt; unique within the outlet
    title: str
    slug: str  # page path under the outlet prefix
    author: str
    published: timedelta  # age at serve time
    summary: str
    paragraphs: tuple[str, ...]
    section: str = "News"
    updated: timedelta | None = None
    image: bool = False
    event: str | None = None
    wire: str | None = None
    status: int = 200
    edition: int = 1  # published only once the server reaches this edition

    @property
    def path(self) -> str:
        """The page's path on the demo server, e.g. ``/meridian-herald/news/flood``."""
        return f"/{self.outlet}/{self.slug}"

    @property
    def image_path(self) -> str | None:
        """Path of the article's lead image, when it has one."""
        return f"/{self.outlet}/media/{self.stem}.png" if self.image else None


@dataclass(frozen=True)
class Outlet:
    """A fictional news outlet served under ``/<slug>/``."""

    slug: str
    name: str
    tagline: str
    feed: FeedSpec
    color: str = "#336699"
    language: str = "en"
    date_style: str = "%d %B %Y, %H:%M UTC"
    teaser_after: int = 2  # paragraph after which the "Read more" teaser goes; 0: none
    teaser_html: str = ""
    # appended to full content in the feed, e.g. "The post … appeared first on …"
    feed_footer: str = ""
    boilerplate: tuple[str, ...] = ()  # phrases on every page that are never article text
    templates: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    articles: tuple[Article, ...] = ()

    @property
    def home_path(self) -> str:
        """Path of the outlet's front page."""
        return f"/{self.slug}/"

    @property
    def feed_path(self) -> str:
        """Path of the outlet's feed."""
        return f"/{self.slug}/{self.feed.path}"

    @property
    def broken(self) -> bool:
        """True for the deliberately broken source."""
        return self.feed.fault is not None


@dataclass(frozen=True)
class Corpus:
    """All outlets, in the order the OPML and ``feed_urls`` list them."""

    outlets: tuple[Outlet, ...]
    wire: dict[str, str] = field(compare=False)  # wire story name -> body text

    def articles(self) -> tuple[Article, ...]:
        """Every article of every outlet."""
        return tuple(a for o in self.outlets for a in o.articles)

    @property
    def editions(self) -> int:
        """How many editions the corpus has; the later ones add articles."""
        return max((a.edition for a in self.articles()), default=1)

    def at_edition(self, edition: int) -> Corpus:
        """The corpus as published at ``edition``: later articles left out."""
        outlets = tuple(
            replace(o, articles=tuple(a for a in o.articles if a.edition <= edition))
            for o in self.outlets
        )
        return replace(self, outlets=outlets)

    def outlet(self, slug: str) -> Outlet:
        """The outlet with that slug."""
        for outlet in self.outlets:
            if outlet.slug == slug:
                return outlet
        raise KeyError(slug)


def _data_root() -> Traversable:
    return resources.files("progleton.demo") / "data"


def split_article_file(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Split an article file into its header fields and its body paragraphs."""
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise ValueError("article file lacks the '---' line between header and body")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        if line.strip():
            name, colon, value = line.partition(":")
            if not colon:
                raise ValueError(f"header line without ':': {line!r}")
            fields[name.strip()] = value.strip()
    return fields, split_paragraphs(body)


def split_paragraphs(body: str) -> tuple[str, ...]:
    """Paragraphs separated by blank lines; lines inside a paragraph are joined."""
    blocks = re.split(r"\n\s*\n", body.strip())
    return tuple(" ".join(line.strip() for line in b.splitlines()) for b in blocks if b.strip())


def _article(outlet: str, stem: str, text: str, wire: dict[str, str]) -> Article:
    fields, paragraphs = split_article_file(text)
    wire_name = fields.get("wire") or None
    if wire_name is not None:
        if paragraphs:
            raise ValueError(f"{outlet}/{stem}: a wire copy takes its body from wire/{wire_name}")
        paragraphs = split_paragraphs(wire[wire_name])
    updated = fields.get("updated")
    return Article(
        outlet=outlet,
        stem=stem,
        title=fields["title"],
        slug=fields["slug"],
        author=fields["author"],
        published=parse_age(fields["published"]),
        summary=fields["summary"],
        paragraphs=paragraphs,
        section=fields.get("section", "News"),
        updated=parse_age(updated) if updated else None,
        image=fields.get("image", "no") == "yes",
        event=fields.get("event") or None,
        wire=wire_name,
        status=int(fields.get("status", "200")),
        edition=int(fields.get("edition", "1")),
    )


def _outlet(folder: Traversable, wire: dict[str, str]) -> tuple[int, Outlet]:
    meta: dict[str, Any] = json.loads((folder / "outlet.json").read_text("utf-8"))
    slug = folder.name
    templates = {
        name: (folder / f"{name}.html").read_text("utf-8") for name in ("layout", "article", "home")
    }
    article_dir = folder / "articles"
    found = article_dir.iterdir() if article_dir.is_dir() else iter(())
    files = sorted((f for f in found if f.name.endswith(".txt")), key=lambda f: f.name)
    articles = [_article(slug, f.name[:-4], f.read_text("utf-8"), wire) for f in files]
    articles.sort(key=lambda a: a.published)  # newest first
    feed = FeedSpec(**meta["feed"])
    if feed.format not in FEED_FORMATS:
        raise ValueError(f"{slug}: unknown feed format {feed.format!r}")
    outlet = Outlet(
        slug=slug,
        name=meta["name"],
        tagline=meta["tagline"],
        feed=feed,
        color=meta.get("color", "#336699"),
        language=meta.get("language", "en"),
        date_style=meta.get("date_style", "%d %B %Y, %H:%M UTC"),
        teaser_after=meta.get("teaser_after", 2),
        teaser_html=meta.get("teaser_html", ""),
        feed_footer=meta.get("feed_footer", ""),
        boilerplate=tuple(meta.get("boilerplate", ())),
        templates=templates,
        articles=tuple(articles),
    )
    return int(meta.get("order", 100)), outlet


@cache
def load_corpus() -> Corpus:
    """Read the bundled corpus (cached: the files never change at run time)."""
    root = _data_root()
    wire = {
        f.name[:-4]: f.read_text("utf-8")
        for f in (root / "wire").iterdir()
        if f.name.endswith(".txt")
    }
    outlets = [_outlet(f, wire) for f in (root / "outlets").iterdir() if f.is_dir()]
    outlets.sort(key=lambda pair: (pair[0], pair[1].slug))
    return Corpus(outlets=tuple(o for _, o in outlets), wire=wire)
