"""Front-page order: many independent outlets, fresh, and still gathering reports.

One pure score per story, fixed once computed (no ``now`` in it), so the store can keep it
in an indexed column and the front page is an index scan:

    recency in half-days + 2 * log2(1 + independent outlets) + 0.5 * log2(1 + recent outlets)

Independent outlets count a wire text once however many outlets carry it; recent outlets are
the independent outlets with a report within six hours of the story's latest. Both count
outlets, not reports: one feed posting many items about one story (a live blog's updates, a
feed flooding hundreds of near-identical items) counts as the one outlet it is, so its story
gains at most 2.5 over its recency, a story of two outlets at least 3.17 (3.67 while both
report within the six hours): the one-outlet story goes above it only when at least eight
hours fresher (fourteen). Doubling the independent outlets
is worth a day of recency, so a story told by many outlets stays above a fresh single report
for a while and then gives way.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from datetime import datetime

HALF_DAY_SECONDS = 43_200
VELOCITY_HOURS = 6.0


def story_score(independent_outlets: int, last_seen: datetime | None, recent_outlets: int = 0) -> float:
    """How high a story belongs on the front page (higher is better; comparable across time)."""
    recency = last_seen.timestamp() / HALF_DAY_SECONDS if last_seen else 0.0
    return recency + 2.0 * math.log2(1 + independent_outlets) + 0.5 * math.log2(1 + recent_outlets)


def recent_outlets(reports: Iterable[tuple[Hashable, datetime]], latest: datetime | None) -> int:
    """Outlets with a report within ``VELOCITY_HOURS`` of the latest one, from (outlet, time)
    pairs of a story's independent reports: how fast the story is moving, each outlet once."""
    if latest is None:
        return 0
    return len({outlet for outlet, t in reports if (latest - t).total_seconds() < VELOCITY_HOURS * 3600})
