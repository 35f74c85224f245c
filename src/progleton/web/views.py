"""Pure shaping of store records into what the pages show: search groups, time filters, paging
(a story's coverage and reasons in words are in :mod:`progleton.explain`, shared with the CLI)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..types import Article, SearchHit

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TIME_FILTERS: dict[str, tuple[str, timedelta]] = {
    "day": ("Past 24 hours", timedelta(days=1)),
    "3days": ("Past 3 days", timedelta(days=3)),
    "week": ("Past week", timedelta(days=7)),
}


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


COPIES_SHOWN = 3  # of a text's wire copies, in a story's page and feed, when it has more than two more


def copies_left_out(articles: Sequence[Article]) -> set[int]:
    """The ids of the wire copies a story's page folds and its feed leaves out: of a text
    carried by more than five outlets besides its own, all but the three first published
    (dozens of copies, word for word the same, bury the story's other reports)."""
    copies: dict[int, list[Article]] = {}
    for article in sorted(articles, key=lambda a: (a.published or a.created_at or EPOCH, a.id)):
        if article.wire_copy_of is not None:
            copies.setdefault(article.wire_copy_of, []).append(article)
    return {a.id for same in copies.values() if len(same) > COPIES_SHOWN + 2 for a in same[COPIES_SHOWN:]}


@dataclass(frozen=True)
class Paging:
    page: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def language_asked(lang: str | None, language: str | None) -> str | None:
    """The language a request chooses by ``lang`` or by its other name ``language`` (the
    feeds and the front page said ``lang``, the API ``language``): None when neither is given
    (or empty); ``ValueError`` saying so when both are and name different languages."""
    given = [v for v in (lang, language) if v]
    if len(given) == 2 and given[0].lower() != given[1].lower():
        raise ValueError(f"lang={lang!r} and language={language!r} ask for different languages: give lang alone.")
    return given[0] if given else None


def group_problem(group: str | None, groups: Sequence[str]) -> str | None:
    """Why ``group`` filters out every story: no source is in it (None when some is, or no
    group is asked). ``groups``: the groups sources are in."""
    if not group or group in groups:
        return None
    known = f"the groups are {', '.join(map(repr, groups))}." if groups else "no source is in a group."
    return f"No source is in the group {group!r}: {known}"
