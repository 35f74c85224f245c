"""Pure shaping of store records into what the pages show: coverage groups, reasons, paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..types import Article, SearchHit, StoryDetail

TIME_FILTERS: dict[str, tuple[str, timedelta]] = {
    "day": ("Past 24 hours", timedelta(days=1)),
    "3days": ("Past 3 days", timedelta(days=3)),
    "week": ("Past week", timedelta(days=7)),
}


@dataclass(frozen=True)
class Coverage:
    """One report in a story, with the wire copies that carry its text."""

    report: Article
    copies: tuple[Article, ...] = ()

    @property
    def is_wire(self) -> bool:
        return bool(self.copies)

    @property
    def carried_by(self) -> tuple[str, ...]:
        """Every outlet that ran this text, the original's first."""
        return tuple(dict.fromkeys([self.report.outlet, *(c.outlet for c in self.copies)]))

    @property
    def wire_name(self) -> str:
        """Whose text this is: the byline every carrier shares (a wire agency), else the first outlet."""
        shared = set(self.report.authors)
        for copy in self.copies:
            shared &= set(copy.authors)
        return next((a for a in self.report.authors if a in shared), self.report.outlet)


def coverage(detail: StoryDetail) -> list[Coverage]:
    """The story's reports in publication order, each wire copy grouped under its original.

    A copy whose original is not in this story (it was split out) is shown as a report.
    """
    ids = {a.id for a in detail.articles}
    return [
        Coverage(report=a, copies=detail.copies_of(a.id))
        for a in detail.articles
        if a.wire_copy_of is None or a.wire_copy_of not in ids
    ]


def _title_of(url: str, articles: Sequence[Article]) -> str | None:
    for a in articles:
        if url in (a.canonical_url, a.url):
            return f"{a.outlet}: {a.title}"
    return None


def why_together(article: Article, story_articles: Sequence[Article]) -> list[str]:
    """Sentences saying why an article is in its story, from its stored reasons."""
    reasons = article.reasons or {}
    lines: list[str] = []
    if article.wire_copy_of is not None:
        original = next((a for a in story_articles if a.id == article.wire_copy_of), None)
        lines.append(f"Carries the same text as {original.outlet}." if original
                     else "Carries the text of another outlet's report.")
    names = [str(n) for n in reasons.get("shared_names") or ()]
    if names:
        lines.append("Names the same people, places or organisations: " + ", ".join(names[:8]) + ".")
    terms = [str(n) for n in reasons.get("shared_terms") or ()]
    if terms:
        lines.append("Shares the distinctive words: " + ", ".join(terms[:10]) + ".")
    nearest = reasons.get("nearest")
    if nearest:
        label = _title_of(str(nearest), story_articles)
        lines.append(f"Closest to {label}." if label else "Closest to an earlier report.")
    score = reasons.get("score")
    if isinstance(score, int | float) and score > 0:
        lines.append(f"Similarity {score:.2f}.")
    note = str(reasons.get("note") or "")
    if note and note not in ("loaded", "new story"):
        lines.append(note[:1].upper() + note[1:] + ("" if note.endswith(".") else "."))
    return lines


def group_hits(hits: Sequence[SearchHit]) -> list[tuple[str | None, list[SearchHit]]]:
    """Search hits grouped by story, groups in order of their best hit."""
    groups: dict[str | None, list[SearchHit]] = {}
    for hit in hits:
        key = hit.article.story_id
        groups.setdefault(key, []).append(hit)
    return list(groups.items())


def since_for(name: str | None, now: datetime) -> datetime | None:
    """The start of a named time filter ("day", "3days", "week"); None for all time."""
    if name not in TIME_FILTERS:
        return None
    return now - TIME_FILTERS[name][1]


@dataclass(frozen=True)
class Paging:
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1
