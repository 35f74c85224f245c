"""Front-page order: many independent outlets, fresh, and still gathering reports.

A pure function of the stories and the time. A story's weight is

    log2(1 + independent outlets) * (1 + velocity) * 0.5 ** (age / half_life)

where independent outlets count a wire text once however many outlets carry it, velocity is the
number of reports in the last ``velocity_hours`` per hour, and age is the time since the latest
report. Undated stories rank as if their latest report were ``half_life`` old.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime, timedelta

from .story import Story


def story_weight(
    story: Story,
    now: datetime,
    *,
    half_life: timedelta = timedelta(hours=12),
    velocity_hours: float = 6.0,
) -> float:
    """How high ``story`` belongs on the front page at ``now`` (higher is better)."""
    age = (now - story.last_published) if story.last_published else half_life
    age_hours = max(age.total_seconds() / 3600, 0.0)
    recent = sum(
        1
        for t in story.published
        if t is not None and 0 <= (now - t).total_seconds() / 3600 <= velocity_hours
    )
    velocity = recent / velocity_hours
    decay = 0.5 ** (age_hours / (half_life.total_seconds() / 3600))
    return float(math.log2(1 + story.independent_outlets) * (1 + velocity) * decay)


def rank_stories(
    stories: Iterable[Story],
    now: datetime,
    *,
    half_life: timedelta = timedelta(hours=12),
    velocity_hours: float = 6.0,
) -> list[Story]:
    """Stories best first; ties go to the more recent, then to the story id (stable)."""

    def key(story: Story) -> tuple[float, float, str]:
        weight = story_weight(story, now, half_life=half_life, velocity_hours=velocity_hours)
        latest = story.last_published.timestamp() if story.last_published else 0.0
        return (-weight, -latest, story.story_id)

    return sorted(stories, key=key)
