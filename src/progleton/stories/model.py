"""Story-grouping records: the document handed in and the assignment handed back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Doc:
    """An article as the grouper sees it."""

    id: str
    url: str
    source: str  # the outlet (a source id or host); wire copies count once per outlet
    title: str
    text: str
    published: datetime | None = None  # UTC


@dataclass(frozen=True)
class Reasons:
    """Why a doc joined its story (kept with the membership, shown on the story page)."""

    score: float = 0.0
    shared_terms: tuple[str, ...] = ()
    shared_names: tuple[str, ...] = ()
    nearest: str | None = None  # id of the most similar member
    note: str = ""  # e.g. "new story", "wire copy of …", "moved by user"


@dataclass(frozen=True)
class Assignment:
    doc_id: str
    story_id: str
    wire_copy_of: str | None = None  # id of the earliest original whose text this copies
    new_story: bool = False
    reasons: Reasons = field(default_factory=Reasons)
    # earlier docs this add moved (store them too): a story that had grown into two separate
    # groups of reports was split, or a small story was folded into the one this doc joined
    regrouped: tuple[Assignment, ...] = ()
