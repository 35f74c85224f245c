"""Story-grouping records: the document handed in and the assignment handed back."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal


def probability_text(x: float) -> str:
    """A probability with two decimals, rounded down, as notes and the story page write it:
    0.9996 is not "1.00" (certain), and 0.699 under a bar of 0.70 is not "0.70"."""
    return f"{math.floor(x * 100) / 100:.2f}"


# What put a doc in its story, for :class:`Reasons`:
#   "joined"     it scored at least ``bar`` against the story and joined it
#   "started"    no open story scored ``bar`` (``score``: the closest one's): it started one
#   "wire_copy"  its text is a copy of an earlier doc's (``score``: estimated shingle Jaccard)
#   "split_off"  it went with a group of reports split off the story it had joined (``score``:
#                how likely the two groups were one event, under ``bar``)
#   "regrouped"  it had started a small story, folded into this one when that had grown to
#                ``story_size`` reports (``score``: its probability against them, ``bar`` needed)
#   "moved", "split_out", "merged"  a user's correction; "loaded"  replayed at start-up
Action = Literal[
    "joined", "started", "wire_copy", "split_off", "regrouped", "moved", "split_out", "merged",
    "loaded",
]


@dataclass(frozen=True)
class Doc:
    """An article as the grouper sees it."""

    id: str
    url: str
    source: str  # the outlet (its site, a source id or a host); wire copies count once per outlet
    title: str
    text: str
    published: datetime | None = None  # UTC


@dataclass(frozen=True)
class Reasons:
    """Why a doc joined its story (kept with the membership, shown on the story page).

    The structured fields say what happened; ``note`` says the same in one line for logs, naming
    stories by id (pages word the fields instead: :mod:`progleton.explain`).
    """

    score: float = 0.0
    shared_terms: tuple[str, ...] = ()
    shared_names: tuple[str, ...] = ()
    nearest: str | None = None  # id of the most similar member
    note: str = ""  # e.g. "new story (closest story-3 scored 0.40 < 0.70)", "wire copy of 12"
    action: Action | None = None  # what happened (see :data:`Action`); None: not recorded
    evidence: tuple[str, ...] = ()  # "joined": what weighed most ("names", "text", "title", ...); "wire_copy": "contained" for a copy cut short or added to
    bar: float | None = None  # the probability the score was held to
    story_size: int | None = None  # "regrouped": the story's reports when it took this one
    other_story: str | None = None  # the closest story, or the one split off or folded in


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
