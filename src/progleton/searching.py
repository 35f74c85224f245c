"""A reader's search: words, "phrases", OR, NOT/-exclusion (the store's full-text index reads
those) beside the filters ``source:``, ``after:``, ``before:`` and ``lang:``. The web pages, the
API, the outgoing search feeds and the CLI all search through :meth:`Progleton.find`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from .store.base import SearchFilters
from .types import SearchHit, Source

_TOKEN = re.compile(r'(-?\w+:)?("[^"]*"?|\S+)')
FILTER_NAMES = ("source", "after", "before", "lang")
OPERATORS = ("OR", "AND", "NOT")  # the full-text index's, written in capitals
# ISO 639-1, the codes an article's language is stored in (extraction reports them)
LANGUAGE_CODES = frozenset("""
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz
    ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo
    lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps
    pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn
    to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())


def language_problem(code: str) -> str | None:
    """Why ``code`` is no language code an article can have (``None`` when it is one; pure)."""
    if code.split("-")[0].lower() in LANGUAGE_CODES:
        return None
    return f"{code!r} is not a language code: give an ISO 639-1 code, two letters such as 'en', 'de' or 'ja'."


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
        """The words and phrases to highlight (not the excluded ones, not OR, AND or NOT)."""
        out = []
        negate_next = False
        for match in re.finditer(r'(-?)"([^"]+)"|(-?)(\S+)', self.text):
            if match.group(4) in OPERATORS:
                negate_next = match.group(4) == "NOT"
                continue
            if match.group(2) and not match.group(1) and not negate_next:
                out.append(match.group(2))
            elif match.group(4) and not match.group(3) and not negate_next:
                out.append(match.group(4))
            negate_next = False
        return [t for t in out if re.search(r"\w", t)]


@dataclass(frozen=True)
class Found:
    """What a search found, and what the reader should be told about the query: a filter that
    could not be read, or that matched nothing, gives no hits rather than unfiltered ones."""

    hits: list[SearchHit]
    query: SearchQuery
    problems: tuple[str, ...] = ()


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
                problems.append(f"{name}: wants a date like 2026-03-31, not {found[name]!r}")
    parsed = SearchQuery(text=" ".join(words), source=found.get("source") or None, after=dates.get("after"),
                         before=dates.get("before"), lang=(found.get("lang") or "").lower() or None)
    if not parsed.text.strip() and parsed.filtered:
        problems.append("Add some words to search for: filters narrow a search down.")
    elif parsed.text.strip() and not parsed.terms():
        problems.append(_no_word(parsed.text))
    return SearchQuery(**{**parsed.__dict__, "problems": tuple(problems)})


def _no_word(text: str) -> str:
    """Why a query with text has no word to search for: an exclusion alone, an operator alone
    ("AND" is no word, and was told to add "letters or digits"), or no letter or digit."""
    if re.search(r'(^|\s)-\S|(^|\s)NOT(\s|$)', text):
        return "Add a word to search for: -word and NOT word leave a word out of what the others find."
    if all(token in OPERATORS for token in text.split()):
        return ('Add a word to search for: AND and OR join the words searched for ("and" in quotes is '
                "searched for itself).")
    return "Add a word to search for: letters or digits."


def nothing_found(query: SearchQuery, today: date) -> str:
    """What a search that found nothing says, by what excluded everything: a date filter in the
    future, after: and before: that leave no day, or the filters or the words."""
    if query.after is not None and query.after > today:
        return (f"No articles match: after:{query.after} is in the future, and no article is published "
                "after it yet.")
    if query.after is not None and query.before is not None and query.after > query.before:
        return (f"No articles match: no day is both after:{query.after} and before:{query.before} (the "
                "after: date comes first).")
    if query.filtered:
        given = [f'{name}:"{value}"' if " " in str(value) else f"{name}:{value}" for name, value in (("source", query.source), ("after", query.after),
                                                      ("before", query.before), ("lang", query.lang)) if value]
        return (f"No articles match with {' '.join(given)}. Try without {'it' if len(given) == 1 else 'them'}, "
                "or with fewer words.")
    return "No articles match. Try fewer words, or `progleton update` to fetch more."


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def store_filters(query: SearchQuery, sources: Sequence[Source]) -> SearchFilters:
    """The query's filters as the store takes them: ``source:`` names any source whose
    title or URL contains it, or its id."""
    source_ids = None
    if query.source is not None:
        wanted = query.source.lower()
        source_ids = [s.id for s in sources
                      if wanted in (s.title or "").lower() or wanted in s.url.lower() or wanted == str(s.id)]
    return SearchFilters(
        source_ids=source_ids,
        after=_start(query.after) if query.after else None,
        before=_start(query.before) + timedelta(days=1) if query.before else None,
        language=query.lang,
    )
