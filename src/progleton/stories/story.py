"""A story as the grouper keeps it while open, and as it shows it (:class:`Story`)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np


@dataclass(frozen=True)
class Story:
    """A group of articles about one event, as the grouper sees it now."""

    story_id: str
    doc_ids: tuple[str, ...]  # in arrival order
    title: str  # the title of the earliest independent report
    first_published: datetime | None
    last_published: datetime | None
    outlets: tuple[str, ...]  # distinct sources, in arrival order
    independent_outlets: int  # distinct sources of independent reports (a wire text counts once)
    wire_copies: int  # members that copy an earlier member's text
    published: tuple[datetime | None, ...] = ()  # per member, for velocity


@dataclass
class OpenStory:
    """The grouper's working state of one open story (its members, centroid and span of news)."""

    story_id: str
    members: list[str] = field(default_factory=list)  # doc ids in arrival order
    centroid: dict[str, float] = field(default_factory=dict)
    first_active: datetime | None = None
    last_active: datetime | None = None
    year_counts: Counter[str] = field(default_factory=Counter)
    carriers: Counter[str] = field(default_factory=Counter)  # names/numbers -> members carrying
    version: int = 0  # bumped on every change, for the cached norms
    layout: int = 0  # bumped when the centroid is rebuilt (its features' order may change)
    # The centroid's features in order, as (layout, table slots, kinds) and (epoch, idfs): between
    # rebuilds features are only appended, so only new ones are looked up (see _centroid_norms)
    terms: tuple[int, np.ndarray, np.ndarray] = (-1, np.empty(0, np.int32), np.empty(0, np.int8))
    idfs: tuple[int, np.ndarray] = (-1, np.empty(0))
    # The centroid's values in order, as (version, array): a new snapshot of the vocabulary
    # weighs them again, but they change only with the members
    values: tuple[int, np.ndarray] = (-1, np.empty(0))
    norms: tuple[int, int, dict[str, float]] = (-1, -1, {})  # (epoch, version, kind_norms)
    carrier_sq: tuple[int, int, dict[str, float]] = (-1, -1, {})  # (epoch, version, carrier_norms)

    @property
    def years(self) -> frozenset[str]:
        """The years its members mention ("d:2013")."""
        return frozenset(self.year_counts)


def widen(story: OpenStory, when: datetime | None) -> None:
    """Stretch the story's span of news to cover ``when``."""
    if when is None:
        return
    if story.first_active is None or when < story.first_active:
        story.first_active = when
    if story.last_active is None or when > story.last_active:
        story.last_active = when


def gap_hours(when: datetime | None, story: OpenStory) -> float | None:
    """Hours between ``when`` and the span of the story's news (0 inside it; None if unknown)."""
    if when is None or story.first_active is None or story.last_active is None:
        return None
    if when < story.first_active:
        return (story.first_active - when).total_seconds() / 3600
    return max((when - story.last_active).total_seconds() / 3600, 0.0)
