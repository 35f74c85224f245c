"""When to fetch a source next: pure decisions over plain data, no I/O.

* Healthy sources: an interval from the observed publishing rate (about one new
  entry per fetch), between ``min_interval_minutes`` and ``max_interval_minutes``;
  the server's freshness (Cache-Control max-age / Expires) and the feed's RSS
  ``<ttl>`` can only lengthen it, never past the maximum.
* Failing sources: exponential backoff from the regular interval, doubling per
  consecutive error, capped at 24 hours; a ``Retry-After`` (429/503) is honoured
  when longer, also capped at 24 hours.
* Jitter of +-10 % spreads sources that share an interval; RSS ``skipHours`` (UTC
  hours) postpone the fetch, but never beyond the upper bound.
* A source whose server asked for time (429 Too Many Requests, or a ``Retry-After``) is
  ``RATE_LIMITED``: even an update of every source leaves it until its next fetch.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from ..settings import Settings
from ..types import Source
from ..urls import server_of

Outcome = Literal["ok", "not_modified", "error", "rate_limited"]
RATE_LIMITED = "rate limited"  # the status of a source whose server asked for time
BACKOFF_CAP_MINUTES = 24 * 60
NOT_MODIFIED_GROWTH = 1.25  # without a known rate, stretch the interval on each 304
_MIN_SPAN_DAYS = 1 / 24
_RNG = random.Random()


@dataclass(frozen=True)
class ScheduleDecision:
    """The next fetch time; ``interval_minutes`` is the regular interval to store,
    ``backoff_minutes`` the error backoff applied (0 when healthy)."""

    next_fetch_at: datetime
    interval_minutes: float
    backoff_minutes: float = 0.0


def interval_bounds(settings: Settings) -> tuple[float, float]:
    """(shortest, longest) regular interval in minutes, from the settings."""
    low = max(1.0, float(settings.min_interval_minutes))
    return low, max(low, float(settings.max_interval_minutes))


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def regular_interval(
    *,
    outcome: Outcome,
    entries_per_day: float | None,
    interval_minutes: float | None,
    settings: Settings,
) -> float:
    """The interval for a healthy source, from its rate or its previous interval."""
    low, high = interval_bounds(settings)
    previous = interval_minutes if interval_minutes and interval_minutes > 0 else None
    if entries_per_day is not None and entries_per_day >= 0:
        wanted = high if entries_per_day == 0 else 24 * 60 / entries_per_day
    elif previous is None:
        wanted = float(settings.default_interval_minutes)
    elif outcome == "not_modified":
        wanted = previous * NOT_MODIFIED_GROWTH
    else:
        wanted = previous
    return _clamp(wanted, low, high)


def backoff_minutes(error_count: int, interval_minutes: float, settings: Settings) -> float:
    """Backoff after ``error_count`` consecutive errors: the interval, doubled per error, <= 24 h."""
    if error_count <= 0:
        return 0.0
    low, _ = interval_bounds(settings)
    base = max(low, interval_minutes)
    return float(min(base * 2 ** min(error_count - 1, 32), max(BACKOFF_CAP_MINUTES, low)))


def next_fetch(
    *,
    now: datetime,
    outcome: Outcome,
    entries_per_day: float | None = None,
    interval_minutes: float | None = None,
    error_count: int = 0,
    retry_after: float | None = None,
    cache_seconds: float | None = None,
    ttl_minutes: int | None = None,
    skip_hours: frozenset[int] = frozenset(),
    settings: Settings,
    rng: random.Random | None = None,
    jitter: float = 0.1,
) -> ScheduleDecision:
    """Decide when to fetch a source next, after a fetch with ``outcome``.

    ``error_count`` counts consecutive failures including this one. ``retry_after``
    and ``cache_seconds`` are seconds, ``ttl_minutes`` the feed's RSS ttl,
    ``skip_hours`` UTC hours (RSS skipHours). ``rng`` draws the jitter (pass a
    seeded one for reproducible results; ``jitter=0`` turns it off).
    """
    interval = regular_interval(
        outcome=outcome,
        entries_per_day=entries_per_day,
        interval_minutes=interval_minutes,
        settings=settings,
    )
    low, high = interval_bounds(settings)
    if outcome in ("ok", "not_modified"):
        backoff, upper = 0.0, high
        wait = _clamp(max(interval, *_hints(cache_seconds, ttl_minutes)), low, high)
    else:
        upper = max(float(BACKOFF_CAP_MINUTES), low)
        backoff = backoff_minutes(max(1, error_count), interval, settings)
        asked = retry_after / 60 if retry_after is not None and retry_after > 0 else 0.0
        wait = _clamp(max(backoff, asked), low, upper)
    wait = _clamp(wait * (1 + (rng or _RNG).uniform(-jitter, jitter)), low, upper)
    if outcome not in ("ok", "not_modified"):
        # the jitter spreads fetches out but must never bring one before the server allows
        wait = max(wait, min(asked, upper))
    at = _after_skip_hours(now + timedelta(minutes=wait), skip_hours)
    return ScheduleDecision(
        next_fetch_at=min(at, now + timedelta(minutes=upper)),
        interval_minutes=interval,
        backoff_minutes=backoff,
    )


def latest_next_fetch(settings: Settings) -> timedelta:
    """The furthest ahead :func:`next_fetch` ever puts a source's next fetch: its longest
    interval or its longest backoff. A later one was written by a clock that ran ahead, and
    would leave the source unfetched for as long once the clock is put right."""
    low, high = interval_bounds(settings)
    return timedelta(minutes=max(high, float(BACKOFF_CAP_MINUTES), low))


def asked_to_wait(last_status: str | None, next_fetch_at: datetime | None, now: datetime) -> bool:
    """Whether a source's server asked for time that has not passed: its last answer was 429
    Too Many Requests, or a 429 or 503 with a ``Retry-After`` (``last_status`` is
    ``RATE_LIMITED``), and its next fetch, which waits at least as long, is still to come.
    "Not only the due sources" (``update --all``) is no reason to ask again before then."""
    return last_status == RATE_LIMITED and next_fetch_at is not None and next_fetch_at > now


def _hints(cache_seconds: float | None, ttl_minutes: int | None) -> tuple[float, ...]:
    hints = [0.0]
    if cache_seconds is not None and cache_seconds > 0:
        hints.append(cache_seconds / 60)
    if ttl_minutes is not None and ttl_minutes > 0:
        hints.append(float(ttl_minutes))
    return tuple(hints)


def _after_skip_hours(at: datetime, skip_hours: frozenset[int]) -> datetime:
    """The first moment at or after ``at`` outside ``skip_hours`` (UTC); all 24 skipped: ``at``."""
    hours = {h for h in skip_hours if 0 <= h <= 23}
    if not hours or len(hours) == 24:
        return at
    if at.tzinfo is not None:
        at = at.astimezone(UTC)
    while at.hour in hours:
        at = at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return at


def publishing_rate(
    published: Iterable[datetime], *, now: datetime, window_days: float = 30
) -> float | None:
    """Entries per day over the recent window, from entries' publication times.

    None when no entry has a date; 0.0 when none falls within the window.
    """
    dates = list(published)
    if not dates:
        return None
    window_start = now - timedelta(days=window_days)
    recent = [d for d in dates if window_start <= d <= now]
    if not recent:
        return 0.0
    span_days = max((now - min(recent)).total_seconds() / 86400, _MIN_SPAN_DAYS)
    return len(recent) / span_days


def server_waits(sources: Iterable[Source], now: datetime) -> dict[str, datetime]:
    """The servers (:func:`~progleton.urls.server_of`) that asked for time not yet passed, and
    until when: those of the sources whose last answer was a 429 or a Retry-After
    (:func:`~progleton.fetch.asked_to_wait`). Their other sources are not asked before then."""
    waits: dict[str, datetime] = {}
    for source in sources:
        if source.next_fetch_at is not None and asked_to_wait(source.last_status, source.next_fetch_at, now):
            server = server_of(source.url)
            waits[server] = max(source.next_fetch_at, waits.get(server, source.next_fetch_at))
    return waits


def held_until(source: Source, server_allows: datetime) -> Source:
    """``source`` as an update of every source reports it held back: due no sooner than its
    server allows."""
    if source.next_fetch_at is None or source.next_fetch_at < server_allows:
        return replace(source, next_fetch_at=server_allows)
    return source
