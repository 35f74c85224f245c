"""How long ago, in words: the pure time formatting the pages use."""

from __future__ import annotations

from datetime import datetime


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'} ago"


def time_ago(when: datetime | None, now: datetime) -> str:
    """Say how long before ``now`` the moment ``when`` was: "just now", "6 hours ago", "yesterday".

    Both datetimes must be timezone-aware. A moment slightly in the future (clock skew
    between outlets) reads "just now"; ``None`` reads as an empty string.
    """
    if when is None:
        return ""
    seconds = (now - when).total_seconds()
    if seconds < 60:
        return "just now"
    minutes = int(seconds // 60)
    if minutes < 60:
        return _plural(minutes, "minute")
    hours = minutes // 60
    if hours < 24:
        return _plural(hours, "hour")
    days = hours // 24
    if days < 2:
        return "yesterday"
    if days < 7:
        return _plural(days, "day")
    if days < 30:
        return _plural(days // 7, "week")
    if days < 365:
        return _plural(max(1, days // 30), "month")
    return _plural(days // 365, "year")


def duration_words(minutes: float | None) -> str:
    """A span of minutes in words: "45 minutes", "2 hours", "1 day"; empty for none."""
    if not minutes or minutes <= 0:
        return ""
    if minutes < 90:
        n, unit = round(minutes), "minute"
    elif minutes < 36 * 60:
        n, unit = round(minutes / 60), "hour"
    else:
        n, unit = round(minutes / 1440), "day"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def time_until(when: datetime | None, now: datetime) -> str:
    """How long from ``now`` until ``when``: "in 12 minutes", "now" when due or past."""
    if when is None:
        return ""
    minutes = (when - now).total_seconds() / 60
    if minutes < 1:
        return "now"
    return "in " + duration_words(minutes)
