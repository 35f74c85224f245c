"""time_ago and friends: how long ago, in words."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.timefmt import duration_words, time_ago, time_until

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("delta", "words"), [
    (timedelta(seconds=0), "just now"),
    (timedelta(seconds=59), "just now"),
    (timedelta(seconds=-30), "just now"),
    (timedelta(hours=-3), "just now"),
    (timedelta(minutes=1), "1 minute ago"),
    (timedelta(minutes=59, seconds=59), "59 minutes ago"),
    (timedelta(hours=1), "1 hour ago"),
    (timedelta(hours=6), "6 hours ago"),
    (timedelta(hours=23, minutes=59), "23 hours ago"),
    (timedelta(hours=24), "yesterday"),
    (timedelta(hours=47), "yesterday"),
    (timedelta(days=2), "2 days ago"),
    (timedelta(days=3), "3 days ago"),
    (timedelta(days=7), "1 week ago"),
    (timedelta(days=29), "4 weeks ago"),
    (timedelta(days=30), "1 month ago"),
    (timedelta(days=364), "12 months ago"),
    (timedelta(days=365), "1 year ago"),
    (timedelta(days=800), "2 years ago"),
])
def test_time_ago(delta: timedelta, words: str) -> None:
    assert time_ago(NOW - delta, NOW) == words


def test_time_ago_none_is_empty() -> None:
    assert time_ago(None, NOW) == ""


def test_time_ago_across_time_zones() -> None:
    from zoneinfo import ZoneInfo

    when = datetime(2026, 11, 26, 7, 0, tzinfo=ZoneInfo("Europe/Moscow"))  # 04:00 UTC
    assert time_ago(when, NOW) == "8 hours ago"


_ORDER = ["just now", "minute", "hour", "yesterday", "day", "week", "month", "year"]


def _rank(words: str) -> tuple[int, int]:
    if words in ("just now", "yesterday"):
        return _ORDER.index(words), 0
    number, unit = words.split()[:2]
    return _ORDER.index(unit.rstrip("s")), int(number)


@given(st.integers(min_value=0, max_value=10 * 365 * 86400), st.integers(min_value=0, max_value=86400 * 30))
def test_time_ago_never_goes_backwards(seconds: int, more: int) -> None:
    sooner = time_ago(NOW - timedelta(seconds=seconds), NOW)
    later = time_ago(NOW - timedelta(seconds=seconds + more), NOW)
    assert _rank(sooner) <= _rank(later)
    assert later == "just now" or later == "yesterday" or later.endswith(" ago")


@given(st.integers(min_value=60, max_value=10 * 365 * 86400))
def test_time_ago_numbers_are_positive_and_plurals_agree(seconds: int) -> None:
    words = time_ago(NOW - timedelta(seconds=seconds), NOW)
    if words[0].isdigit():
        number, unit, _ = words.split()
        assert int(number) >= 1
        assert unit.endswith("s") == (int(number) != 1)


def test_durations() -> None:
    assert duration_words(None) == ""
    assert duration_words(45) == "45 minutes"
    assert duration_words(1) == "1 minute"
    assert duration_words(120) == "2 hours"
    assert duration_words(1440 * 3) == "3 days"
    assert time_until(NOW + timedelta(minutes=12), NOW) == "in 12 minutes"
    assert time_until(NOW - timedelta(minutes=12), NOW) == "now"
    assert time_until(None, NOW) == ""
