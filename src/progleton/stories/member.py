"""An open doc as the grouper keeps it (:class:`Member`), and a story's sums over its members."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import add
from typing import TYPE_CHECKING

import numpy as np

from .model import Doc, Reasons
from .story import FeatureTable, OpenStory, widen

if TYPE_CHECKING:  # imported where it is used (.wire): it imports SciPy
    from datasketch import LeanMinHash


@dataclass
class Member:
    doc: Doc
    seq: int
    raw: dict[str, float]
    index_keys: tuple[str, ...]
    signature: LeanMinHash | None
    story_id: str
    wire_copy_of: str | None
    reasons: Reasons
    active: datetime | None  # published, or the latest time seen when it arrived undated
    years: frozenset[str]  # years the text mentions ("d:2013")
    specific: frozenset[str]  # its names and numbers
    slots: np.ndarray  # its features' slots in the vocabulary's table, in order
    values: np.ndarray  # its raw vector's values, in order (weighed again at each snapshot)
    weighted: tuple[int, dict[str, float]] = (-1, {})  # (vocabulary epoch, unit TF-IDF vector)
    named: bool = True  # it has names (a script without capitals shows none)
    shingle_set: np.ndarray | None = None  # its text's shingles' hashes (None: a short text)


def accumulate(story: OpenStory, member: Member) -> None:
    """Add a member's features, time, years, names and numbers to its story's sums."""
    centroid, raw = story.centroid, member.raw
    centroid.update(zip(raw, map(add, map(centroid.get, raw, repeat(0.0)), raw.values()), strict=True))
    story.accumulated += 1
    widen(story, member.active)
    story.year_counts.update(member.years)
    story.carriers.update(member.specific)
    story.outlets[member.doc.source] += 1


def sum_with_ids(story: OpenStory, members: list[Member]) -> None:
    """:func:`accumulate` of each member in turn on an emptied story, the same sums in the
    same order, at C speed: a big story's features and names as ids (:class:`FeatureTable`)."""
    if story.tables is None:
        story.tables = (FeatureTable(), FeatureTable())
    features, carried = story.tables
    by_id = {m.doc.id: m for m in members}
    story.centroid = features.sums(story.members, lambda d: by_id[d].raw, lambda d: by_id[d].values)
    story.carriers = Counter(carried.sums(story.members, lambda d: by_id[d].specific))
    story.year_counts = Counter(chain.from_iterable(m.years for m in members))
    story.outlets = Counter(m.doc.source for m in members)
    times = [m.active for m in members if m.active is not None]
    # min and max keep the first of equal times, as widen does
    story.first_active, story.last_active = (min(times), max(times)) if times else (None, None)
    story.accumulated = len(members)
