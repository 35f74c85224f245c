"""Front-page order: many independent outlets, fresh, and still gathering reports.

One pure score per story, fixed once computed (no ``now`` in it), so the store can keep it
in an indexed column and the front page is an index scan:

    recency in half-days + 2 * log2(1 + independent outlets) + 0.5 * log2(1 + recent reports)

Independent outlets count a wire text once however many outlets carry it; recent reports are
those within six hours of the story's latest. Doubling the independent outlets is worth a
day of recency, so a story told by many outlets stays above a fresh single report for a while
and then gives way.
"""

from __future__ import annotations

import math
from datetime import datetime

HALF_DAY_SECONDS = 43_200
VELOCITY_HOURS = 6.0


def story_score(independent_outlets: int, last_seen: datetime | None, recent_reports: int = 0) -> float:
    """How high a story belongs on the front page (higher is better; comparable across time)."""
    recency = last_seen.timestamp() / HALF_DAY_SECONDS if last_seen else 0.0
    return recency + 2.0 * math.log2(1 + independent_outlets) + 0.5 * math.log2(1 + recent_reports)


def recent_reports(published: list[datetime], latest: datetime | None) -> int:
    """Reports within ``VELOCITY_HOURS`` of the latest one: how fast the story is moving."""
    if latest is None:
        return 0
    return sum(1 for t in published if (latest - t).total_seconds() < VELOCITY_HOURS * 3600)
