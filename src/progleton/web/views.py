"""Pure shaping of store records into what the pages show: coverage groups, reasons, paging."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..stories.features import name_forms
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


def _by_reference(articles: Sequence[Article]) -> dict[str, Article]:
    """The members by what a reason may name them: article id (what the grouper records), or
    URL (older stored reasons); the earliest member wins a shared URL."""
    found: dict[str, Article] = {}
    for a in reversed(articles):
        found.update({a.url: a, a.canonical_url: a, str(a.id): a})
    found.pop("", None)
    return found


def shown_names(article: Article, keys: Sequence[str]) -> list[str]:
    """Shared name keys as the article writes them ("kestrel fall" -> "Kestrel Falls"), without
    the short forms of longer names also shown ("falls" beside "Kestrel Falls")."""
    keys = list(dict.fromkeys(keys))
    last_words = {k.rsplit(" ", 1)[-1] for k in keys if " " in k}
    keys = [k for k in keys if " " in k or k not in last_words]
    forms = name_forms(keys, article.title, article.text or article.summary)
    return list(dict.fromkeys(forms.get(k) or k.title() for k in keys))


_JOINED_ON = {"names": "shared names", "text": "wording", "title": "headline words", "numbers": "numbers"}
_NEW_STORY = re.compile(r"new story \(closest \S+ scored ([\d.]+) < ([\d.]+)\)")
_SPLIT = re.compile(r"split out of \S+: its two groups of reports averaged ([\d.]+) .*\(< ([\d.]+)\)")
_REGROUPED = re.compile(r"regrouped from \S+: scored ([\d.]+) against \S+ once it had (\d+) reports")


def _note_lines(note: str, score: object) -> list[str]:
    """The grouper's note (which names stories by id) and score, in a reader's words."""
    if note.startswith("joined by "):
        kinds = [_JOINED_ON.get(k, k) for k in note.removeprefix("joined by ").split("+")]
        kinds = list(dict.fromkeys(kinds))
        listed = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else kinds[0]
        lines = [f"Joined on {listed}."]
        if isinstance(score, int | float) and score > 0:
            shown = math.floor(score * 100) / 100  # 0.9996 is not "1.00", certain
            lines.append(f"Scored {shown:.2f} as a report of the same event (1 is certain).")
        return lines
    if m := _NEW_STORY.fullmatch(note):
        return [f"Started this story: the closest open story scored {m[1]} as the same event, "
                f"under the {m[2]} needed to join it."]
    if m := _SPLIT.match(note):
        return [f"Split off with the reports like it: the two groups in its earlier story scored "
                f"{m[1]} as one event (under {m[2]})."]
    if m := _REGROUPED.match(note):
        return [f"Had started a story of its own; moved here when this story had {m[2]} reports "
                f"and it scored {m[1]} against them."]
    if note.startswith("merged by a user"):
        return ["Merged into this story by a user."]
    if note.startswith(("wire copy", "loaded", "new story")) or not note:
        return []
    return [note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".")]


def reasons_in_words(story_articles: Sequence[Article]) -> dict[int, list[str]]:
    """:func:`why_together` for every member of a story (its members looked up once)."""
    members = _by_reference(story_articles)
    return {a.id: why_together(a, story_articles, members=members) for a in story_articles}


def why_together(article: Article, story_articles: Sequence[Article], *,
                 members: dict[str, Article] | None = None) -> list[str]:
    """Sentences saying why an article is in its story, from its stored reasons."""
    reasons = article.reasons or {}
    lines: list[str] = []
    score = reasons.get("score")
    members = members if members is not None else _by_reference(story_articles)
    if article.wire_copy_of is not None:
        original = members.get(str(article.wire_copy_of))
        line = (f"Carries the same text as {original.outlet}" if original
                else "Carries the text of another outlet's report")
        if str(reasons.get("note") or "").startswith("wire copy") and isinstance(score, int | float) and score > 0:
            line += f" (about {min(score, 1.0):.0%} of the wording alike)"  # the estimated Jaccard
        lines.append(line + ".")
    keys = [str(n) for n in reasons.get("shared_names") or ()]
    names = shown_names(article, keys)
    if names:
        lines.append("Names the same people, places or organisations: " + ", ".join(names[:8]) + ".")
    # words already shown as (part of) a name say nothing more
    name_words = {w for k in keys for w in k.lower().split()}
    terms = [str(n) for n in reasons.get("shared_terms") or () if str(n) not in name_words]
    if terms:
        lines.append("Shares the distinctive words: " + ", ".join(terms[:10]) + ".")
    nearest = reasons.get("nearest")
    if nearest and article.wire_copy_of is None:
        closest = members.get(str(nearest))
        lines.append(f"Closest to {closest.outlet}: {closest.title}." if closest and closest.id != article.id
                     else "Closest to an earlier report.")
    lines += _note_lines(str(reasons.get("note") or ""), score)
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
