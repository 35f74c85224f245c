"""Front-page ranking: independent outlets, recency, velocity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from progleton.stories import Story, rank_stories

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _story(story_id: str, outlets: int, hours_ago: list[float]) -> Story:
    times = tuple(NOW - timedelta(hours=h) for h in hours_ago)
    return Story(
        story_id=story_id,
        doc_ids=tuple(f"{story_id}-{i}" for i in range(len(times))),
        title=story_id,
        first_published=min(times),
        last_published=max(times),
        outlets=tuple(f"o{i}" for i in range(outlets)),
        independent_outlets=outlets,
        wire_copies=0,
        published=times,
    )


def test_more_independent_outlets_rank_higher() -> None:
    few, many = _story("few", 1, [1, 2]), _story("many", 5, [1, 2])
    assert [s.story_id for s in rank_stories([few, many], NOW)] == ["many", "few"]


def test_fresh_beats_stale_and_velocity_counts() -> None:
    stale = _story("stale", 4, [30, 31, 32, 33])
    fresh = _story("fresh", 4, [1, 10, 20, 30])
    burst = _story("burst", 4, [1, 1.5, 2, 2.5])
    order = [s.story_id for s in rank_stories([stale, fresh, burst], NOW)]
    assert order == ["burst", "fresh", "stale"]


def test_ranking_is_pure_and_stable() -> None:
    a, b = _story("a", 2, [3]), _story("b", 2, [3])
    assert rank_stories([b, a], NOW) == rank_stories([a, b], NOW) == [a, b]
