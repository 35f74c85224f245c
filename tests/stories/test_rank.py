"""Front-page ranking: independent outlets, recency, velocity (the score the store indexes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.stories import story_score
from progleton.stories.rank import recent_outlets

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _score(outlets: int, hours_ago: list[float], reporting: list[str] | None = None) -> float:
    """The score of a story told by ``outlets`` independent outlets, with reports the given
    hours ago by the given outlets (each its own by default)."""
    times = [NOW - timedelta(hours=h) for h in hours_ago]
    latest = max(times)
    names = reporting or [f"outlet{i}" for i in range(len(times))]
    return story_score(outlets, latest, recent_outlets(zip(names, times, strict=True), latest))


def test_more_independent_outlets_rank_higher() -> None:
    assert _score(5, [1, 2]) > _score(1, [1, 2])


def test_fresh_beats_stale_and_velocity_counts() -> None:
    stale = _score(4, [30, 31, 32, 33])
    fresh = _score(4, [1, 10, 20, 30])
    burst = _score(4, [1, 1.5, 2, 2.5])
    assert burst > fresh > stale


def test_doubling_outlets_is_worth_a_day() -> None:
    assert _score(3, [24]) == pytest.approx(_score(1, [0]))  # 2 * (log2(4) - log2(2)) = two half-days


@given(st.integers(0, 500), st.integers(0, 500), st.floats(0, 10_000))
def test_score_grows_with_outlets_and_time(a: int, b: int, hours: float) -> None:
    later = NOW + timedelta(hours=hours)
    assert story_score(max(a, b), NOW) >= story_score(min(a, b), NOW)
    assert story_score(a, later) >= story_score(a, NOW)


def test_one_outlets_many_reports_count_as_one_outlet_for_velocity() -> None:
    flood = _score(1, [0.1 * i for i in range(300)], ["huge-feed"] * 300)
    assert flood == pytest.approx(_score(1, [0]))
    # four outlets half an hour older stay above one outlet posting 300 items
    assert _score(4, [0.5, 0.7, 0.9, 1.0]) > flood


@given(st.integers(1, 1_000), st.floats(0, 7.9))
def test_a_one_outlet_story_never_outranks_a_two_outlet_story_eight_hours_older(reports: int, hours: float) -> None:
    one_outlet = _score(1, [0.01 * i for i in range(reports)], ["feed"] * reports)
    assert _score(2, [hours, hours + 1], ["a", "b"]) > one_outlet
