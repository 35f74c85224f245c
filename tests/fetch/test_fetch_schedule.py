"""The fetch schedule (pure): bounds, backoff, server hints, skipHours, publishing rate."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from progleton.fetch import RATE_LIMITED, asked_to_wait, next_fetch, publishing_rate
from progleton.fetch.schedule import BACKOFF_CAP_MINUTES, Outcome, backoff_minutes
from progleton.settings import Settings

SETTINGS = Settings()  # 5 minutes .. 24 hours, 60 by default
NOW = datetime(2026, 11, 25, 12, 30, tzinfo=UTC)

nows = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)
maybe_positive = st.none() | st.floats(min_value=0, max_value=1e9, allow_nan=False)
outcomes = st.sampled_from(["ok", "not_modified", "error", "rate_limited"])


def minutes_until(at: datetime, now: datetime = NOW) -> float:
    return (at - now).total_seconds() / 60


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    now=nows,
    outcome=outcomes,
    rate=maybe_positive,
    interval=maybe_positive,
    errors=st.integers(min_value=0, max_value=10_000),
    retry_after=maybe_positive,
    cache_seconds=maybe_positive,
    ttl=st.none() | st.integers(min_value=-10, max_value=10**7),
    skip=st.frozensets(st.integers(min_value=-3, max_value=30)),
    seed=st.integers(),
)
def test_always_within_bounds(
    now: datetime,
    outcome: Outcome,
    rate: float | None,
    interval: float | None,
    errors: int,
    retry_after: float | None,
    cache_seconds: float | None,
    ttl: int | None,
    skip: frozenset[int],
    seed: int,
) -> None:
    decision = next_fetch(
        now=now,
        outcome=outcome,
        entries_per_day=rate,
        interval_minutes=interval,
        error_count=errors,
        retry_after=retry_after,
        cache_seconds=cache_seconds,
        ttl_minutes=ttl,
        skip_hours=skip,
        settings=SETTINGS,
        rng=random.Random(seed),
    )
    waited = minutes_until(decision.next_fetch_at, now)
    upper = (
        SETTINGS.max_interval_minutes if outcome in ("ok", "not_modified") else BACKOFF_CAP_MINUTES
    )
    assert SETTINGS.min_interval_minutes - 1e-6 <= waited <= upper + 1e-6
    assert (
        SETTINGS.min_interval_minutes <= decision.interval_minutes <= SETTINGS.max_interval_minutes
    )
    assert decision.backoff_minutes <= BACKOFF_CAP_MINUTES
    assert (decision.backoff_minutes == 0) == (outcome in ("ok", "not_modified"))


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    errors=st.integers(min_value=0, max_value=200),
    interval=st.floats(min_value=0, max_value=5000, allow_nan=False),
)
def test_backoff_monotone_in_error_count(errors: int, interval: float) -> None:
    assert backoff_minutes(errors, interval, SETTINGS) <= backoff_minutes(
        errors + 1, interval, SETTINGS
    )


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(errors=st.integers(min_value=1, max_value=60))
def test_error_wait_monotone_without_jitter(errors: int) -> None:
    def wait(n: int) -> float:
        decision = next_fetch(
            now=NOW,
            outcome="error",
            interval_minutes=30,
            error_count=n,
            settings=SETTINGS,
            jitter=0,
        )
        return minutes_until(decision.next_fetch_at)

    assert wait(errors) <= wait(errors + 1)


def test_backoff_doubles_then_caps_at_a_day() -> None:
    waits = [backoff_minutes(n, 60, SETTINGS) for n in range(1, 8)]
    assert waits == [60, 120, 240, 480, 960, 1440, 1440]


@hypothesis_settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rate=st.floats(min_value=0.01, max_value=1e6), seed=st.integers())
def test_faster_publishers_are_fetched_sooner(rate: float, seed: int) -> None:
    def interval(r: float) -> float:
        return next_fetch(
            now=NOW, outcome="ok", entries_per_day=r, settings=SETTINGS, rng=random.Random(seed)
        ).interval_minutes

    assert interval(rate * 2) <= interval(rate)


def test_rate_sets_the_interval_with_jitter() -> None:
    decision = next_fetch(
        now=NOW, outcome="ok", entries_per_day=24, settings=SETTINGS, rng=random.Random(1)
    )
    assert decision.interval_minutes == 60
    assert 54 <= minutes_until(decision.next_fetch_at) <= 66
    spread = {
        next_fetch(
            now=NOW, outcome="ok", entries_per_day=24, settings=SETTINGS, rng=random.Random(s)
        ).next_fetch_at
        for s in range(20)
    }
    assert len(spread) > 10


def test_304_without_a_rate_stretches_the_interval() -> None:
    decision = next_fetch(
        now=NOW, outcome="not_modified", interval_minutes=100, settings=SETTINGS, jitter=0
    )
    assert decision.interval_minutes == 125


@pytest.mark.parametrize(
    ("cache_seconds", "ttl", "expected"),
    [(3600, None, 60 * 1.0), (None, 180, 180), (10**9, None, 1440), (60, 2, 30), (0, 0, 30)],
)
def test_server_hints_lengthen_within_bounds(
    cache_seconds: float | None, ttl: int | None, expected: float
) -> None:
    decision = next_fetch(
        now=NOW,
        outcome="ok",
        entries_per_day=48,
        cache_seconds=cache_seconds,
        ttl_minutes=ttl,
        settings=SETTINGS,
        jitter=0,
    )
    assert minutes_until(decision.next_fetch_at) == pytest.approx(max(expected, 30))


@pytest.mark.parametrize(("retry_after", "expected"), [(3 * 3600, 180), (1, 60), (10**9, 1440)])
def test_retry_after_honoured_within_bounds(retry_after: float, expected: float) -> None:
    decision = next_fetch(
        now=NOW,
        outcome="rate_limited",
        interval_minutes=60,
        error_count=1,
        retry_after=retry_after,
        settings=SETTINGS,
        jitter=0,
    )
    assert minutes_until(decision.next_fetch_at) == pytest.approx(expected)


@hypothesis_settings(deadline=None)
@given(retry_after=st.floats(min_value=1, max_value=2 * 86_400), errors=st.integers(1, 5), seed=st.integers())
def test_jitter_never_schedules_before_retry_after(retry_after: float, errors: int, seed: int) -> None:
    """The +-10% jitter was applied after max(backoff, Retry-After): a fetch could come up to
    10% before the server allowed."""
    decision = next_fetch(
        now=NOW, outcome="rate_limited", interval_minutes=5, error_count=errors, retry_after=retry_after,
        settings=SETTINGS, rng=random.Random(seed),
    )
    assert minutes_until(decision.next_fetch_at) >= min(retry_after / 60, BACKOFF_CAP_MINUTES) - 1e-6


@pytest.mark.parametrize(("status", "next_in", "waits"), [
    (RATE_LIMITED, timedelta(hours=2), True),  # the server's time has not passed
    (RATE_LIMITED, -timedelta(minutes=1), False),  # it has
    ("error", timedelta(hours=2), False),  # our own backoff: an update of every source may try again
    ("ok", timedelta(hours=2), False),
    (RATE_LIMITED, None, False),
])
def test_a_servers_time_holds_until_the_next_fetch(status: str, next_in: timedelta | None, waits: bool) -> None:
    assert asked_to_wait(status, NOW + next_in if next_in is not None else None, NOW) is waits


def test_skip_hours_postpone_the_fetch() -> None:
    decision = next_fetch(
        now=NOW,
        outcome="ok",
        interval_minutes=60,
        skip_hours=frozenset({13, 14, 15}),
        settings=SETTINGS,
        jitter=0,
    )
    assert decision.next_fetch_at == datetime(2026, 11, 25, 16, 0, tzinfo=UTC)


def test_skip_hours_never_beyond_the_upper_bound() -> None:
    short = SETTINGS.replace(max_interval_minutes=120)
    decision = next_fetch(
        now=NOW,
        outcome="ok",
        interval_minutes=60,
        skip_hours=frozenset(range(13, 23)),
        settings=short,
        jitter=0,
    )
    assert decision.next_fetch_at == NOW + timedelta(minutes=120)


def test_publishing_rate() -> None:
    dates = [NOW - timedelta(hours=6 * i) for i in range(1, 9)]  # one every 6 h over 2 days
    assert publishing_rate(dates, now=NOW) == pytest.approx(4.0)
    assert publishing_rate([], now=NOW) is None
    assert publishing_rate([NOW - timedelta(days=90)], now=NOW) == 0.0
    assert publishing_rate([NOW, NOW], now=NOW) == pytest.approx(48.0)
