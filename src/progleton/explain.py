"""A story in a reader's words: who carried which text, and why each article is in the story.

Pure functions over store records, shared by the story page, the JSON API and ``progleton story``.
The grouper records what it did as structured fields (:class:`progleton.stories.Reasons`:
``action``, ``score``, ``bar``, ``evidence``, ``story_size``); they are worded here. Reasons
stored before those fields existed carry only the grouper's one-line note, which names stories by
id; those notes are read back with patterns (:func:`_note_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from .citations import Citation
from .credits import text_credit
from .extract.authors import names_a_role
from .stories.features import name_forms, word_forms
from .stories.model import probability_text as probability_text  # for the CLI and the web reader
from .types import Article, StoryDetail


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
        """Every outlet that ran this text, the original's first, each once as the story counts
        its outlets (:attr:`~progleton.types.Article.outlet_key`: two feeds of one site are one
        outlet), named by its first article here."""
        named: dict[str, str] = {}
        for article in (self.report, *self.copies):
            named.setdefault(_outlet_of(article), article.outlet)
        return tuple(named.values())

    @property
    def agency(self) -> str | None:
        """The news agency whose text this is, where the text or its bylines say: the one its
        dateline or credit line names ("SANTIAGO (Global Wire) -", "Copyright 2026 The
        Associated Press"; not the outlet whose page it is: that is its own footer), else the
        byline every carrier shares, but not a desk or role ("Staff reporter"). None when
        nothing says."""
        for article in (self.report, *self.copies):
            if (named := text_credit(article.text)) and named.casefold() != article.outlet.casefold():
                return named
        shared = set(self.report.authors)
        for copy in self.copies:
            shared &= set(copy.authors)
        return next((a for a in self.report.authors if a in shared and not names_a_role(a)), None)

    @property
    def wire_name(self) -> str:
        """Whose text this is: :attr:`agency`, else the first outlet that published it."""
        return self.agency or self.report.outlet

    @property
    def wire_label(self) -> str:
        """How a reader is told whose text this is: "AP text", or "Text first published by
        Coast Herald" where nothing names an agency (the first outlet may have carried it too)."""
        agency = self.agency
        return f"{agency} text" if agency else f"Text first published by {self.report.outlet}"


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


@dataclass(frozen=True)
class MergedIn:
    """A story a user merged into this one, whose articles are still here: what an unmerge
    (``Progleton.unmerge_story``) would take back out, under its own id."""

    story_id: str
    title: str
    articles: int


def merged_in(detail: StoryDetail) -> list[MergedIn]:
    """The stories merged into this one by a user, in the order their articles appear. Merges
    made before merged articles recorded where they came from are not known here."""
    found: dict[str, list[Article]] = {}
    for a in detail.articles:
        origin = a.reasons.get("from_story") if a.reasons.get("action") == "merged" else None
        if isinstance(origin, str):
            found.setdefault(origin, []).append(a)
    return [MergedIn(story_id, str(group[0].reasons.get("from_title") or group[0].title), len(group))
            for story_id, group in found.items()]


@dataclass(frozen=True)
class Moment:
    """One article in a story's timeline, and what it added to the story."""

    article: Article
    when: datetime | None  # published, else stored
    event: str  # "First report", "First from an outlet", "Follow-up", "Carries <outlet>'s text"


def timeline(detail: StoryDetail, cites: Mapping[int, Sequence[Citation]] | None = None,
             ) -> list[tuple[date | None, list[Moment]]]:
    """How the story developed: every article by when it was published (else stored), by day
    (UTC), each with what it added: the first report, an outlet's first report, an outlet's
    follow-up, another outlet's text carried (a wire copy), or another outlet's report relayed
    (``cites``, from :func:`~progleton.citations.story_citations`: it cites an outlet whose
    earlier report is in the story). An outlet is one as the story counts its outlets
    (:attr:`~progleton.types.Article.outlet_key`): a site's second feed adds a follow-up."""
    by_id = {a.id: a for a in detail.articles}

    def when(a: Article) -> datetime | None:
        return a.published or a.created_at

    ordered = sorted(detail.articles, key=lambda a: (when(a) is None, when(a) or datetime.min.replace(tzinfo=UTC), a.id))
    seen: set[str] = set()
    earlier: set[int] = set()
    days: list[tuple[date | None, list[Moment]]] = []
    for i, a in enumerate(ordered):
        original = by_id.get(a.wire_copy_of) if a.wire_copy_of is not None else None
        relayed = [by_id[c.article_id] for c in (cites or {}).get(a.id, ()) if c.article_id in earlier]
        earlier.add(a.id)
        if i == 0:
            event = "First report"
        elif original is not None:
            agency = Coverage(original, detail.copies_of(original.id)).agency or original.outlet
            event = f"Carries {original.outlet}'s text" if agency == original.outlet else f"Carries {agency} text"
        elif relayed:
            event = f"Relays the report{'s' if len(relayed) > 1 else ''} of {_listed([r.outlet for r in relayed])}"
        elif _outlet_of(a) in seen:
            event = "Follow-up"
        else:
            event = "First from this outlet"
        seen.add(_outlet_of(a))
        moment = when(a)
        day = moment.astimezone(UTC).date() if moment else None
        if not days or days[-1][0] != day:
            days.append((day, []))
        days[-1][1].append(Moment(a, moment, event))
    return days


def _outlet_of(article: Article) -> str:
    """The outlet an article counts for, as the story counts its outlets; its name where no
    store said (an article made by hand)."""
    return article.outlet_key or article.outlet


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


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


_JOINED_ON = {
    "names": "shared names", "phrases": "repeated phrases", "text": "wording", "title": "headline words",
    "numbers": "numbers",
}


def _listed(items: Sequence[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def _joined_lines(evidence: Sequence[str], score: float | None, bar: float | None) -> list[str]:
    kinds = list(dict.fromkeys(_JOINED_ON.get(k, k) for k in evidence)) or ["wording"]
    lines = [f"Joined on {_listed(kinds)}."]
    if score is not None and score > 0:
        needed = f", {bar:.2f} needed to join" if bar is not None else ""
        lines.append(f"Scored {probability_text(score)} as a report of the same event (1 is certain{needed}).")
    return lines


def _started_line(score: float | None, bar: float | None) -> str:
    if score is None or bar is None:
        return "Started this story: no open story shared enough of its names and words to weigh."
    return (f"Started this story: the closest open story scored {probability_text(score)} as the same event, "
            f"under the {bar:.2f} needed to join it.")


def _split_line(score: float | None, bar: float | None, on_wording: bool) -> str:
    if score is None or bar is None:
        return "Split off with the reports like it, when its earlier story divided in two."
    measure = "alike in wording" if on_wording else "as one event"
    return (f"Split off with the reports like it: the two groups in its earlier story scored "
            f"{probability_text(score)} {measure} (under {bar:.2f}).")


def _regrouped_line(score: float | None, size: object) -> str:
    scored = f" and it scored {probability_text(score)} against them" if score is not None else ""
    return f"Had started a story of its own; moved here when this story had {size} reports{scored}."


_BY_A_USER = {
    "moved": "Moved into this story by a user.",
    "split_out": "Split out into a story of its own by a user.",
    "merged": "Merged into this story by a user.",
    "wire_original": "Its text's earlier carrier was split out of this story by a user; it carries that text here now.",
}


def _action_lines(reasons: Mapping[str, Any]) -> list[str] | None:
    """The recorded action in words; None when the reasons predate recorded actions."""
    action = reasons.get("action")
    if not isinstance(action, str):
        return None
    score, bar = _number(reasons.get("score")), _number(reasons.get("bar"))
    if action == "joined":
        return _joined_lines([str(k) for k in reasons.get("evidence") or ()], score, bar)
    if action == "started":
        return [_started_line(score if reasons.get("other_story") else None, bar)]
    if action == "split_off":
        return [_split_line(score, bar, "text" in (reasons.get("evidence") or ()))]
    if action == "regrouped":
        return [_regrouped_line(score, reasons.get("story_size") or "a few")]
    if action == "merged" and reasons.get("from_title"):
        return [f"Merged into this story by a user, with the reports of “{reasons['from_title']}”."]
    if action in _BY_A_USER:
        return [_BY_A_USER[action]]
    return []  # "wire_copy" (said with the original), "loaded", or one this version does not know


_NEW_STORY = re.compile(r"new story \(closest \S+ scored ([\d.]+) < ([\d.]+)\)")
_SPLIT = re.compile(r"split out of \S+: its two groups of reports averaged ([\d.]+) .*\(< ([\d.]+)\)")
_REGROUPED = re.compile(r"regrouped from \S+: scored ([\d.]+) against \S+ once it had (\d+) reports")


def _note_lines(note: str, score: float | None) -> list[str]:
    """A note stored before actions were recorded (it names stories by id), in a reader's words."""
    if note.startswith("joined by "):
        return _joined_lines(note.removeprefix("joined by ").split("+"), score, None)
    if m := _NEW_STORY.fullmatch(note):
        return [_started_line(float(m[1]), float(m[2]))]
    if m := _SPLIT.match(note):
        return [_split_line(float(m[1]), float(m[2]), " similarity " in note)]
    if m := _REGROUPED.match(note):
        return [_regrouped_line(float(m[1]), m[2])]
    if note.startswith("merged by a user"):
        return [_BY_A_USER["merged"]]
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
    score = _number(reasons.get("score"))
    members = members if members is not None else _by_reference(story_articles)
    note = str(reasons.get("note") or "")
    if article.wire_copy_of is not None:
        original = members.get(str(article.wire_copy_of))
        line = (f"Carries the same text as {original.outlet}" if original
                else "Carries the text of another outlet's report")
        copied = reasons.get("action") == "wire_copy" or note.startswith("wire copy")
        if copied and score is not None and score > 0 and "contained" in (reasons.get("evidence") or ()):
            line += f" (about {min(score, 1.0):.0%} of the shorter text is in the other: one cut or added to)"
        elif copied and score is not None and score > 0:
            line += f" (about {min(score, 1.0):.0%} of the wording alike)"  # the estimated Jaccard
        lines.append(line + ".")
    keys = [str(n) for n in reasons.get("shared_names") or ()]
    names = shown_names(article, keys)
    if names:
        lines.append("Names the same people, places or organisations: " + ", ".join(names[:8]) + ".")
    # words already shown as (part of) a name say nothing more
    name_words = {w for k in keys for w in k.lower().split()}
    terms = [str(n) for n in reasons.get("shared_terms") or () if str(n) not in name_words][:10]
    if terms:
        written = word_forms(terms, article.title, article.text or article.summary or "")
        shown = dict.fromkeys(written.get(t, t).lower() for t in terms)
        lines.append("Shares the distinctive words: " + ", ".join(shown) + ".")
    nearest = reasons.get("nearest")
    if nearest and article.wire_copy_of is None:
        closest = members.get(str(nearest))
        lines.append(f"Closest to {closest.outlet}: {closest.title}." if closest and closest.id != article.id
                     else "Closest to an earlier report.")
    action_lines = _action_lines(reasons)
    lines += action_lines if action_lines is not None else _note_lines(note, score)
    return lines
