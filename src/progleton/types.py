"""Public records of the store, as the CLI, the web app and the API see them.

What a source said (``Entry``) is kept apart from what we derived (``Article``,
``Story``). All datetimes are UTC-aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .exceptions import masked_passwords
from .urls import address_name, is_web_address


@dataclass(frozen=True)
class Source:
    """A feed we follow, with its fetch health."""

    id: int
    url: str
    title: str | None = None
    site_url: str | None = None
    groups: tuple[str, ...] = ()
    added_at: datetime | None = None
    last_fetched_at: datetime | None = None
    last_status: str | None = None  # "ok", "not modified", "error", "rate limited", "gone"
    last_error: str | None = None
    error_count: int = 0
    next_fetch_at: datetime | None = None
    interval_minutes: float | None = None
    backoff_minutes: float = 0.0
    retired: bool = False
    etag: str | None = None
    last_modified: str | None = None
    article_count: int = 0

    @property
    def name(self) -> str:
        """Its title, else what its address names (:func:`~progleton.urls.address_name`)."""
        return self.title or address_name(self.url) or self.shown_url

    @property
    def shown_url(self) -> str:
        """Its address as people are shown it: a password in it masked, the user name kept
        ("https://ann:********@example.org/feed.xml"). The fetcher alone uses ``url``."""
        return masked_passwords(self.url)


def outlet_name(source_title: str | None, site_name: str | None, url: str, source_url: str | None = None) -> str:
    """What an article's outlet is called: its source's title, else the page's site name, else
    what its source's feed address names (one name for all of a source's articles, those
    without a web address too; :func:`~progleton.urls.address_name`), else what its own
    address names, else "unknown outlet"."""
    if source_title or site_name:
        return source_title or site_name or ""
    for address in (source_url or "", url):
        if is_web_address(address) and (name := address_name(address)):
            return name
    return "unknown outlet"


@dataclass(frozen=True)
class Article:
    """One page (canonical URL identity), cleaned; with the story it belongs to."""

    id: int
    url: str
    canonical_url: str
    title: str
    text: str = ""
    html: str = ""
    summary: str = ""
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    updated: datetime | None = None
    language: str | None = None
    image: str | None = None
    site_name: str | None = None
    word_count: int = 0
    warnings: tuple[str, ...] = ()
    source_id: int | None = None
    source_title: str | None = None
    story_id: str | None = None
    source_url: str | None = None  # its source's feed address (for the outlet's name)
    wire_copy_of: int | None = None
    reasons: dict[str, Any] = field(default_factory=dict)
    extracted: bool = True  # False when the page could not be used and the feed's content was kept
    page_retry_at: datetime | None = None  # when its page, which failed for a while, is asked for again
    created_at: datetime | None = None
    # the outlet it counts for in its story, as the story's counts go (its source's site: the
    # store's :func:`~progleton.outlets.outlet_key`); empty where no store said (then its name)
    outlet_key: str = ""

    @property
    def outlet(self) -> str:
        """Who published it: the source's title, else the page's site name, else the host."""
        return outlet_name(self.source_title, self.site_name, self.url, self.source_url)

    @property
    def byline(self) -> tuple[str, ...]:
        """The authors to show beside the outlet: without the outlet's own name (a feed or page
        that credits the paper itself, stored before extraction left it out), which would read
        "Daily Courier by Daily Courier"."""
        own = {n.casefold() for n in (self.outlet, self.source_title, self.site_name) if n}
        return tuple(a for a in self.authors if a.casefold() not in own)

    @property
    def link(self) -> str:
        """Where to send a reader for the original: its canonical address (the feed's click
        trackers, "utm_source" and the like, and any fragment dropped; a page's own claim only
        on the same host), else the address it was fetched from. Empty when neither is a web
        address (http or https): a ``javascript:`` or ``data:`` link from a feed is never
        offered to a reader or a feed reader."""
        for link in (self.canonical_url, self.url):
            if link and is_web_address(link):
                return link
        return ""

    @property
    def snippet(self) -> str:
        text = self.summary or self.text
        return text[:280].rsplit(" ", 1)[0] + "…" if len(text) > 280 else text


@dataclass(frozen=True)
class Story:
    """A group of articles about one event."""

    id: str
    title: str
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    article_count: int = 0
    outlet_count: int = 0  # distinct outlets that carried it
    independent_count: int = 0  # independent reports: a wire text counts once however many carry it
    outlets: tuple[str, ...] = ()
    snippet: str = ""
    image: str | None = None
    score: float = 0.0
    lead_article_id: int | None = None
    # when what it shows last changed: its latest article, or a later edit of the article that
    # leads it (its headline and snippet are the story's); its feed item's ``updated``
    updated: datetime | None = None


@dataclass(frozen=True)
class RelatedStory:
    """Another story that may report the same event (for a reader deciding what to merge)."""

    story: Story
    same_event: float | None = None  # the grouper's probability that both are one event (None: not weighed)
    shared_words: tuple[str, ...] = ()  # headline words the two stories share


@dataclass(frozen=True)
class StoryDetail:
    story: Story
    articles: tuple[Article, ...]  # in publication order

    @property
    def independent(self) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.wire_copy_of is None)

    def copies_of(self, article_id: int) -> tuple[Article, ...]:
        return tuple(a for a in self.articles if a.wire_copy_of == article_id)


@dataclass(frozen=True)
class SourceUpdate:
    """What happened to one source in one update: a failed source is a result, not an exception."""

    source_id: int
    url: str
    status: str  # "ok", "not modified", "error", "gone", "skipped"
    new_entries: int = 0
    new_articles: int = 0
    error: str | None = None
    warning: str | None = None  # e.g. a feed that was not well-formed but could be salvaged


@dataclass(frozen=True)
class OpmlImport:
    """What an OPML import did: each source its outlines name, once, with whether it is new;
    the outlines skipped, with why; how many outlines named a source named before in the file
    (the same address again, or another way of writing it), each taken once."""

    added: tuple[tuple[Source, bool], ...] = ()
    skipped: tuple[str, ...] = ()
    repeated: int = 0


@dataclass(frozen=True)
class UpdateResult:
    sources: tuple[SourceUpdate, ...] = ()
    grouped: int = 0  # articles put into stories: the update's new ones, and any an earlier one left
    # the sources an update of every source left alone: their server asked for time that has
    # not passed (429, Retry-After; :func:`~progleton.fetch.asked_to_wait`), until next_fetch_at
    held_back: tuple[Source, ...] = ()
    # how many sources an update of every source left to another update that had taken them
    # (fetching them at that moment, in this process or another)
    elsewhere: int = 0
    elsewhere_by: tuple[str, ...] = ()  # those updates, as far as they are known: "pid 4242 on web1"

    @property
    def grouped_earlier(self) -> int:
        """Articles an earlier update stored and left ungrouped (it was stopped, or its grouping
        failed), grouped by this one."""
        return max(0, self.grouped - self.new_articles)

    @property
    def new_articles(self) -> int:
        return sum(s.new_articles for s in self.sources)

    @property
    def new_entries(self) -> int:
        return sum(s.new_entries for s in self.sources)

    @property
    def errors(self) -> tuple[SourceUpdate, ...]:
        return tuple(s for s in self.sources if s.status in ("error", "gone"))


@dataclass(frozen=True)
class SearchHit:
    article: Article
    highlight: str  # sanitized HTML with <mark> around matches
    # other matches of the same wire text (its original and copies) that this hit stands for,
    # left out of a search that folds copies; 0 otherwise
    folded_copies: int = 0
