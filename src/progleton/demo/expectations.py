"""What a correct ingestion of the demo corpus must produce, for tests and for the demo itself.

All locations are paths on the demo server (``/meridian-herald/news/...``); join them to a
running server's ``base_url`` with :meth:`DemoExpectations.url`.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations
from types import MappingProxyType
from typing import Any

from .corpus import Corpus, _data_root, load_corpus


@dataclass(frozen=True)
class DemoEvent:
    """One news event covered by two or more outlets: these pages belong in one story."""

    name: str
    title: str
    kind: str  # e.g. "flood", "mayor-resignation": events of one kind must still stay apart
    paths: tuple[str, ...]
    outlets: tuple[str, ...]  # outlet names, in the order of ``paths``
    wire: str | None = None  # set when every page reprints the same wire story


@dataclass(frozen=True)
class DemoExpectations:
    """The answers the demo corpus was written to have."""

    outlets: tuple[str, ...]  # outlet names, broken one included
    events: tuple[DemoEvent, ...]  # every multi-outlet event, largest first
    multi_outlet_event: tuple[str, ...]  # one event told by 4+ outlets in their own words
    wire_copies: tuple[str, ...]  # one wire story reprinted verbatim (same body) by 3 outlets
    must_not_group: tuple[tuple[str, str], ...]  # pairs of event names: same kind, other event
    single_outlet: tuple[str, ...]  # pages whose story no other outlet covers
    boilerplate_phrases: tuple[str, ...]  # never in extracted text; every one is on real pages
    broken_feeds: tuple[str, ...]  # feed paths that fail
    missing_pages: tuple[str, ...]  # pages a feed links to that answer 404
    summary_only_feeds: tuple[str, ...]  # feeds with a teaser only: full text is on the page
    article_pages: tuple[str, ...]  # every page that answers 200
    first_and_last: MappingProxyType[str, tuple[str, str]]  # page -> first, last body paragraph
    # Pages that DemoServer.publish_next_edition() adds, each with the event it must join
    # (None: a story of its own). Not in the fields above, which describe the first edition.
    second_edition: MappingProxyType[str, str | None]

    def url(self, base_url: str, path: str) -> str:
        """Join a path from these expectations to a running server's base URL."""
        return base_url.rstrip("/") + path

    def event(self, name: str) -> DemoEvent:
        """The event with that name."""
        for event in self.events:
            if event.name == name:
                return event
        raise KeyError(name)


def _event_meta() -> dict[str, dict[str, Any]]:
    meta: dict[str, dict[str, Any]] = json.loads((_data_root() / "events.json").read_text("utf-8"))
    return meta


def build_expectations(full: Corpus) -> DemoExpectations:
    """Derive the expectations from the corpus files (articles name their event and wire)."""
    corpus = full.at_edition(1)
    meta = _event_meta()
    by_event: dict[str, list[tuple[str, str]]] = defaultdict(list)
    wire_of: dict[str, str | None] = {}
    for outlet in corpus.outlets:
        for a in outlet.articles:
            if a.event and a.status == 200:
                by_event[a.event].append((a.path, outlet.name))
                wire_of[a.event] = a.wire
    events = sorted(
        (
            DemoEvent(
                name=name,
                title=meta[name]["title"],
                kind=meta[name]["kind"],
                paths=tuple(p for p, _ in pages),
                outlets=tuple(o for _, o in pages),
                wire=wire_of[name],
            )
            for name, pages in by_event.items()
            if len(pages) >= 2
        ),
        key=lambda e: (-len(e.paths), e.name),
    )
    own_words = [e for e in events if e.wire is None]
    wired = [e for e in events if e.wire is not None]
    live = [a for a in corpus.articles() if a.status == 200]
    grouped = {p for e in events for p in e.paths}
    phrases = {p for o in corpus.outlets for p in o.boilerplate}
    return DemoExpectations(
        outlets=tuple(o.name for o in corpus.outlets),
        events=tuple(events),
        multi_outlet_event=own_words[0].paths,
        wire_copies=wired[0].paths,
        must_not_group=tuple(
            (a.name, b.name) for a, b in combinations(events, 2) if a.kind == b.kind
        ),
        single_outlet=tuple(a.path for a in live if a.path not in grouped),
        boilerplate_phrases=tuple(sorted(phrases)),
        broken_feeds=tuple(o.feed_path for o in corpus.outlets if o.broken),
        missing_pages=tuple(a.path for a in corpus.articles() if a.status != 200),
        summary_only_feeds=tuple(
            o.feed_path for o in corpus.outlets if o.feed.content == "summary" and not o.broken
        ),
        article_pages=tuple(a.path for a in live),
        first_and_last=MappingProxyType(
            {a.path: (a.paragraphs[0], a.paragraphs[-1]) for a in live}
        ),
        second_edition=MappingProxyType(
            {a.path: a.event for a in full.articles() if a.edition == 2 and a.status == 200}
        ),
    )


EXPECTATIONS = build_expectations(load_corpus())
