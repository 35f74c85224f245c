"""Search for Chinese, Japanese and Korean words, which the full-text indexes cannot find.

Both indexes cut text into tokens at spaces and punctuation (SQLite's unicode61, PostgreSQL's
``simple`` parser), and Chinese and Japanese put no spaces between words: a whole clause is one
token, so a word inside it is never matched; Thai, Lao, Khmer and Burmese put spaces between
phrases only. Korean writes its particles onto its words ("화재로"), so a word is rarely a token
alone. A query holding such characters is answered here
instead, by substring match over the newest ``SCAN_WINDOW`` articles (every term, none of the
``-excluded``; headline matches first, then newest), on either database.
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

from ..scripts import HANGUL, SOUTHEAST_ASIAN, UNSPACED_RUN
from .base import SearchFilters
from .ranking import best_first
from .schema import articles

SCAN_WINDOW = 50_000  # newest articles scanned (a scan, not an index: bounded)
SNIPPET_CHARS = 60  # context on each side of the first match


def wants_substring_search(query: str) -> bool:
    """True when ``query`` has characters of a language whose words the indexes cannot cut out:
    written without spaces between them (Chinese, Japanese, Thai, Lao, Khmer, Burmese), or with
    particles written onto them (Korean)."""
    return any(script.search(query) is not None for script in (UNSPACED_RUN, HANGUL, SOUTHEAST_ASIAN))


def search_terms(query: str) -> tuple[list[str], list[str]]:
    """The terms ``query`` wants and those it excludes, as this search reads them."""
    wanted: list[str] = []
    excluded: list[str] = []
    for raw in re.findall(r'-?"[^"]*"|\S+', query):
        if raw == "OR":
            continue  # every term must match: OR is not offered on this path
        negate = raw.startswith("-")
        term = raw.lstrip("-").strip('"').strip()
        if term:
            (excluded if negate else wanted).append(term)
    return wanted, excluded


def _contains(term: str) -> sa.ColumnElement[bool]:
    a = articles.c
    return sa.or_(a.title.contains(term, autoescape=True), sa.func.coalesce(a.text, "").contains(term, autoescape=True))


def substring_search_ids(conn: sa.Connection, query: str, limit: int, offset: int,
                         filters: SearchFilters | None = None, fold_copies: bool = False) -> list[tuple[int, str, int]]:
    """Article ids, snippets (matches between \\x02 and \\x03) and the wire copies each stands
    for (with ``fold_copies``: :mod:`.ranking`) for ``query``, best first."""
    wanted, excluded = search_terms(query)
    if not wanted:
        return []
    a = articles.c
    newest = conn.execute(sa.select(sa.func.max(a.id))).scalar() or 0
    where: list[Any] = [a.id > newest - SCAN_WINDOW, *map(_contains, wanted)]
    where += [sa.not_(_contains(term)) for term in excluded]
    if filters is not None:
        if filters.source_ids is not None:
            where.append(a.source_id.in_([int(i) for i in filters.source_ids] or [-1]))
        if filters.language:
            where.append(sa.or_(a.language == filters.language, a.language.like(filters.language + "-%")))
        when = sa.func.coalesce(a.published, a.created_at, type_=a.published.type)
        if filters.after is not None:
            where.append(when >= filters.after)
        if filters.before is not None:
            where.append(when < filters.before)
    in_title = sa.case((a.title.contains(wanted[0], autoescape=True), 0), else_=1)
    ranked = sa.select(a.id, in_title.label("in_title"), (-a.id).label("newest")).where(*where).subquery("ranked")
    page = best_first(ranked, ["in_title", "newest"], limit=limit, offset=offset, fold_copies=fold_copies)
    ranked_ids = [(int(r.id), int(r.folded)) for r in conn.execute(page)]
    texts = dict(conn.execute(sa.select(a.id, a.text).where(a.id.in_([i for i, _ in ranked_ids]))).all())
    return [(i, snippet(texts.get(i) or "", wanted), folded) for i, folded in ranked_ids]


def snippet(text: str, terms: list[str]) -> str:
    """The text around the first match of any term, every term's matches marked."""
    starts = [i for i in (text.find(t) for t in terms) if i >= 0]
    if not starts:
        return text[: 2 * SNIPPET_CHARS]
    first = min(starts)
    begin, end = max(0, first - SNIPPET_CHARS), first + SNIPPET_CHARS
    piece = text[begin:end]
    for term in sorted(set(terms), key=len, reverse=True):
        piece = piece.replace(term, f"\x02{term}\x03")
    return ("…" if begin else "") + piece + ("…" if end < len(text) else "")
