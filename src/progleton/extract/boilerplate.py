"""Per-site boilerplate learning: blocks that recur across a site's pages are not articles.

A ``SiteProfile`` remembers, for one host, the fingerprint of every text block it has seen
(normalized text hash, DOM path, a text sample) and the distinct pages it was seen on. A
block is boilerplate once it has been seen on at least ``min_pages`` pages that are about
different things (pages whose titles share most words count once, so a quote repeated in
the articles of one story is kept) and on at least ``min_share`` of the site's pages since
it first appeared. Boilerplate blocks are removed from later pages whatever their class
names; removal is top-down, so a whole appeal container goes with its short control lines,
and a container left with little but learned boilerplate goes whole. Besides whole blocks,
the profile learns link-line templates: the words around the link of a short line such as
"Read more: <a>…</a>", whose link text changes from page to page.

Usage, in the pipeline: ``extract(html, url=u, site_profile=p)`` first (it only reads the
profile and uses what earlier pages taught it), then ``p.observe(html, url=u)``. The profile
is bounded (``MAX_BLOCKS`` blocks, ``MAX_PAGES`` pages, ~100 KB of JSON; blocks seen once
and least recently are evicted first, learned boilerplate last) and round-trips through
JSON; it is a plain picklable object.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

from progleton.extract.blocks import (
    dom_path,
    fingerprint,
    iter_blocks,
    remove_element,
    strip_invisible,
    word_count,
)

LOGGER = logging.getLogger(__name__)
PROFILE_VERSION = 1
MIN_PAGES = 3
MIN_SHARE = 0.5
MAX_BLOCKS = 1000
MAX_PAGES = 100
MAX_PAGE_IDS = 8  # page ids kept per block; beyond that only the count grows
SAME_STORY_JACCARD = 0.5
SAMPLE_CHARS = 80
TITLE_SKETCH_WORDS = 12
MAX_LINK_LINE_CHARS = 200
# Share of a container's words in boilerplate children above which the container goes whole.
CONTAINER_BOILERPLATE_SHARE = 0.7
_NEVER_WHOLE = frozenset({"html", "body", "main", "article"})
_TITLE_WORDS = re.compile(r"\w{4,}")


@dataclass
class BlockRecord:
    """One block as the profile knows it."""

    path: str
    sample: str
    pages: list[str]
    count: int
    first_seen: int  # the profile's page counter when first seen
    last_seen: int

    def to_row(self, key: str) -> list[Any]:
        return [
            key,
            self.path,
            self.sample,
            self.pages,
            self.count,
            self.first_seen,
            self.last_seen,
        ]


@dataclass(frozen=True)
class BoilerplateEntry:
    """Why a block is stripped: what ``progleton site-profile HOST`` prints."""

    fingerprint: str
    sample: str
    dom_path: str
    pages_seen: int
    share: float
    page_ids: tuple[str, ...]


def link_line_key(element: HtmlElement, text: str) -> str:
    """Key of a short line that is mostly a link ("Read more: <a>…</a>"): its words outside links.

    The link text changes from page to page; the words around it are the site's template.
    Returns "" for anything else.
    """
    if len(text) > MAX_LINK_LINE_CHARS or len(element) > 6:
        return ""
    links = list(element.iter("a"))
    if not links:
        return ""
    link_text = " ".join(a.text_content() for a in links)
    outside = text
    for a in links:
        outside = outside.replace(" ".join(a.text_content().split()), " ", 1)
    if (
        not outside.strip()
        or word_count(outside) > 4
        or word_count(link_text) < word_count(outside)
    ):
        return ""
    key = fingerprint(outside)
    return f"link:{key}" if key else ""


def page_id(url: str) -> str:
    """Short stable id of a page URL (fragment ignored)."""
    return hashlib.blake2b(
        url.split("#", 1)[0].encode("utf-8", "replace"), digest_size=4
    ).hexdigest()


def title_sketch(title: str) -> list[str]:
    """Hashed distinct content words of a title: what tells two stories apart."""
    words = sorted({w.lower() for w in _TITLE_WORDS.findall(title)})[:TITLE_SKETCH_WORDS]
    return [hashlib.blake2b(w.encode(), digest_size=3).hexdigest() for w in words]


def jaccard(a: list[str], b: list[str]) -> float:
    """Jaccard similarity of two sketches (0 when both are empty)."""
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


@dataclass
class SiteProfile:
    """What one site repeats on its pages; see the module docstring."""

    host: str
    min_pages: int = MIN_PAGES
    min_share: float = MIN_SHARE
    pages_observed: int = 0
    blocks: dict[str, BlockRecord] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=dict)  # page id -> title sketch

    # -- learning -------------------------------------------------------------------------
    def observe(self, html: str | bytes, *, url: str) -> None:
        """Learn the blocks of one page of this site; never raises on bad HTML."""
        from progleton.extract.core import parse_page  # late: core imports this module

        tree = parse_page(html)
        if tree is None:
            return
        try:
            strip_invisible(tree)
            self.observe_tree(tree, url=url)
        except Exception:  # a page that cannot be learned from is skipped, never fatal
            LOGGER.warning("site profile could not observe page", extra={"url": url})

    def observe_tree(self, tree: HtmlElement, *, url: str) -> None:
        """Learn from an already parsed tree (scripts stripped); the tree is not changed."""
        pid = page_id(url)
        if pid in self.pages:
            return  # the same page again (a re-fetch) teaches nothing new
        self.pages_observed += 1
        self.pages[pid] = title_sketch(_page_title(tree))
        seen_here: set[str] = set()
        for element, text in iter_blocks(tree):
            for key in (fingerprint(text), link_line_key(element, text)):
                if key and key not in seen_here:
                    seen_here.add(key)
                    self._record(key, element, text, pid)
        self._evict()

    def _record(self, key: str, element: HtmlElement, text: str, pid: str) -> None:
        record = self.blocks.get(key)
        if record is None:
            # most blocks are never seen again: path and sample wait for a second sighting
            self.blocks[key] = BlockRecord(
                "", "", [pid], 1, self.pages_observed, self.pages_observed
            )
            return
        record.last_seen = self.pages_observed
        if pid not in record.pages:
            record.count += 1
            record.pages = [*record.pages, pid][-MAX_PAGE_IDS:]
            if not record.path:
                record.path, record.sample = dom_path(element), text[:SAMPLE_CHARS]

    def _evict(self) -> None:
        if len(self.pages) > MAX_PAGES:
            for pid in list(self.pages)[: len(self.pages) - MAX_PAGES]:
                del self.pages[pid]
        if len(self.blocks) <= MAX_BLOCKS:
            return
        ranked = sorted(
            self.blocks.items(),
            key=lambda kv: (kv[1].count >= self.min_pages, kv[1].last_seen, kv[1].count),
        )
        for key, _record in ranked[: len(self.blocks) - MAX_BLOCKS]:
            del self.blocks[key]

    # -- deciding -------------------------------------------------------------------------
    def distinct_stories(self, record: BlockRecord) -> int:
        """Pages of ``record`` about different stories (similar titles count once)."""
        sketches: list[list[str]] = []
        unknown = 0
        for pid in record.pages:
            sketch = self.pages.get(pid)
            if sketch is None:
                unknown += 1
            elif all(jaccard(sketch, other) < SAME_STORY_JACCARD for other in sketches):
                sketches.append(sketch)
        beyond_ids = max(0, record.count - len(record.pages))
        return len(sketches) + unknown + beyond_ids

    def share(self, record: BlockRecord) -> float:
        """Share of the pages observed since the block first appeared that carried it."""
        span = self.pages_observed - record.first_seen + 1
        return min(1.0, record.count / span) if span > 0 else 0.0

    def is_boilerplate(self, key: str) -> bool:
        """True when the block with fingerprint ``key`` is learned boilerplate."""
        record = self.blocks.get(key)
        if record is None or record.count < self.min_pages:
            return False
        return (
            self.share(record) >= self.min_share and self.distinct_stories(record) >= self.min_pages
        )

    def boilerplate_keys(self) -> frozenset[str]:
        """Fingerprints of every block currently judged boilerplate."""
        return frozenset(k for k in self.blocks if self.is_boilerplate(k))

    def strip(self, tree: HtmlElement) -> int:
        """Remove learned boilerplate from ``tree`` (scripts stripped) in place; count removed."""
        keys = self.boilerplate_keys()
        if not keys:
            return 0
        matched = {
            element: text
            for element, text in iter_blocks(tree)
            if fingerprint(text) in keys or link_line_key(element, text) in keys
        }
        doomed = [e for e in matched if not any(a in matched for a in e.iterancestors())]
        words_gone: dict[HtmlElement, int] = {}
        for element in doomed:
            words = word_count(matched[element])
            for ancestor in element.iterancestors():
                words_gone[ancestor] = words_gone.get(ancestor, 0) + words
        doomed.extend(_mostly_boilerplate_containers(words_gone))
        removed = 0
        root = tree.getroottree().getroot()
        for element in doomed:
            if element.getparent() is not None and element.getroottree().getroot() is root:
                remove_element(element)
                removed += 1
        return removed

    # -- explaining and storing -----------------------------------------------------------
    def explain(self) -> list[BoilerplateEntry]:
        """What this profile strips and why, most widespread first."""
        entries = [
            BoilerplateEntry(
                fingerprint=key,
                sample=r.sample,
                dom_path=r.path,
                pages_seen=r.count,
                share=round(self.share(r), 3),
                page_ids=tuple(r.pages),
            )
            for key, r in self.blocks.items()
            if self.is_boilerplate(key)
        ]
        return sorted(entries, key=lambda e: (-e.pages_seen, e.dom_path))

    def to_json(self) -> str:
        """Compact JSON (bounded by ``MAX_BLOCKS`` and ``MAX_PAGES``)."""
        return json.dumps(
            {
                "version": PROFILE_VERSION,
                "host": self.host,
                "min_pages": self.min_pages,
                "min_share": self.min_share,
                "pages_observed": self.pages_observed,
                "pages": self.pages,
                "blocks": [r.to_row(k) for k, r in self.blocks.items()],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def from_json(cls, stored: str) -> SiteProfile:
        """Rebuild a profile from ``to_json`` output; an unreadable one starts afresh."""
        try:
            data = json.loads(stored)
            profile = cls(
                host=str(data["host"]),
                min_pages=int(data["min_pages"]),
                min_share=float(data["min_share"]),
                pages_observed=int(data["pages_observed"]),
                pages={str(k): list(v) for k, v in data["pages"].items()},
            )
            for key, path, sample, pages, count, first, last in data["blocks"]:
                profile.blocks[key] = BlockRecord(
                    path, sample, list(pages), int(count), int(first), int(last)
                )
        except (ValueError, KeyError, TypeError, AttributeError):
            return cls(host=_host_of(stored))
        return profile


def _mostly_boilerplate_containers(words_gone: dict[HtmlElement, int]) -> list[HtmlElement]:
    """Containers whose text is mostly learned boilerplate: their leftovers are controls."""
    doomed: list[HtmlElement] = []
    for container, gone in words_gone.items():
        if container.tag in _NEVER_WHOLE:
            continue
        total = word_count(container.text_content())
        if 0 < total <= 400 and gone / total >= CONTAINER_BOILERPLATE_SHARE and total - gone <= 20:
            doomed.append(container)
    return doomed


def _page_title(tree: HtmlElement) -> str:
    for xpath in ("//h1", "//title"):
        found = tree.xpath(xpath)
        if found:
            return " ".join(found[0].text_content().split())
    return ""


def _host_of(stored: str) -> str:
    try:
        return str(json.loads(stored).get("host", ""))
    except (ValueError, AttributeError):
        return ""
