"""Search with filters: ``source:``, ``after:``, ``before:``, ``lang:`` beside words, "phrases",
OR and -exclusion (those go to the store's full-text index); plus title highlighting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from ..store.base import SearchFilters
from ..types import SearchHit

if TYPE_CHECKING:
    from ..core import Progleton

_TOKEN = re.compile(r'(-?\w+:)?("[^"]*"?|\S+)')
FILTER_NAMES = ("source", "after", "before", "lang")


@dataclass(frozen=True)
class SearchQuery:
    """A user's query split into full-text words and filters."""

    text: str
    source: str | None = None
    after: date | None = None
    before: date | None = None
    lang: str | None = None
    problems: tuple[str, ...] = field(default=())

    @property
    def filtered(self) -> bool:
        return any((self.source, self.after, self.before, self.lang))

    def terms(self) -> list[str]:
        """The words and phrases to highlight (not the excluded ones, not OR)."""
        out = []
        for match in re.finditer(r'(-?)"([^"]+)"|(-?)(\S+)', self.text):
            if match.group(2) and not match.group(1):
                out.append(match.group(2))
            elif match.group(4) and not match.group(3) and match.group(4) != "OR":
                out.append(match.group(4))
        return [t for t in out if re.search(r"\w", t)]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_query(query: str) -> SearchQuery:
    """Split ``source:"Harbour Daily" after:2026-01-01 ferry -storm`` into text and filters (pure)."""
    words: list[str] = []
    found: dict[str, str] = {}
    problems: list[str] = []
    for match in _TOKEN.finditer(query):
        prefix, value = match.group(1), match.group(2)
        name = prefix[:-1].lower() if prefix else ""
        if name in FILTER_NAMES:
            found[name] = value.strip('"')
        else:
            words.append(match.group(0))
    dates = {}
    for name in ("after", "before"):
        if name in found:
            dates[name] = _date(found[name])
            if dates[name] is None:
                problems.append(f"{name}: wants a date like 2026-03-31")
    return SearchQuery(text=" ".join(words), source=found.get("source") or None, after=dates.get("after"),
                       before=dates.get("before"), lang=(found.get("lang") or "").lower() or None,
                       problems=tuple(problems))


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def run_search(progleton: Progleton, query: str, *, limit: int, offset: int = 0) -> list[SearchHit]:
    """Full-text search with the filters applied; best match first."""
    parsed = parse_query(query)
    if not parsed.text.strip():
        return []
    if not parsed.filtered:
        return progleton.search(parsed.text, limit=limit, offset=offset)
    return progleton.search(parsed.text, limit=limit, offset=offset, filters=store_filters(progleton, parsed))


def store_filters(progleton: Progleton, query: SearchQuery) -> SearchFilters:
    """The query's filters as the store takes them: ``source:`` names any source whose
    title or URL contains it, or its id."""
    source_ids = None
    if query.source is not None:
        wanted = query.source.lower()
        source_ids = [s.id for s in progleton.sources()
                      if wanted in (s.title or "").lower() or wanted in s.url.lower() or wanted == str(s.id)]
    return SearchFilters(
        source_ids=source_ids,
        after=_start(query.after) if query.after else None,
        before=_start(query.before) + timedelta(days=1) if query.before else None,
        language=query.lang,
    )


def mark_terms(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of the terms wrapped in <mark> (pure)."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out = Markup("")
    last = 0
    for match in pattern.finditer(text):
        out += escape(text[last:match.start()]) + Markup("<mark>") + escape(match.group(0)) + Markup("</mark>")
        last = match.end()
    return out + escape(text[last:])
