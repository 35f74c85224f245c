"""Feed dates to UTC-aware datetimes: a fast path first, feedparser's handlers after.

Most feeds write RFC 822 (RSS) or RFC 3339 (Atom, JSON Feed) dates; those go through
``email.utils`` and ``datetime.fromisoformat`` (C speed). Anything else goes through
feedparser's registry of date handlers (W3DTF, asctime, Korean, Greek...).
"""

from __future__ import annotations

import calendar
import functools
import re
import time
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from feedparser.datetimes import _parse_date as _feedparser_parse_date

_MAX_DATE_CHARS = 200


def parse_date(value: str | None) -> datetime | None:
    """Return ``value`` as a UTC-aware datetime, or None when it is not a date."""
    if not value:
        return None
    if len(value) <= _MAX_DATE_CHARS:
        return _parse_cached(value)
    return _parse(value)


# A feed often repeats a date (updated, lastBuildDate, a batch published at once) and a
# refresh sees the dates of the last one again; datetimes are immutable, so share them.
# Only short values are kept, so the cache stays under a megabyte whatever the feeds hold.
@functools.lru_cache(maxsize=4096)
def _parse_cached(value: str) -> datetime | None:
    return _parse(value)


def _parse(value: str) -> datetime | None:
    value = value.strip()
    if not value or len(value) > _MAX_DATE_CHARS:
        return None
    parsed = _fast_parse(value)
    if parsed is not None:
        return parsed
    return _slow_parse(value)


def _fast_parse(value: str) -> datetime | None:
    first = value[0]
    try:
        if first.isdigit() and len(value) >= 10 and value[4] == "-" and "T" in value:
            parsed = datetime.fromisoformat(value)
        elif first.isalpha() and value[3:5] == ", ":
            parsed = _rfc822(value) or parsedate_to_datetime(value)
        else:
            return None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


_RFC822 = re.compile(
    r"[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? "
    r"(?:([+-])(\d\d)(\d\d)|GMT|UTC?|Z)$"
)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


_OFFSETS: dict[str, timedelta] = {}  # "+0100" -> timedelta; a few dozen in practice


def _rfc822(value: str) -> datetime | None:
    """The usual RSS date shape, without email.utils' pure-Python tokenizer."""
    found = _RFC822.match(value)
    if found is None:
        return None
    day, month, year, hour, minute, second, sign, off_h, off_m = found.groups()
    month_number = _MONTHS.get(month.lower())
    if month_number is None:
        return None
    parsed = datetime(
        int(year), month_number, int(day), int(hour), int(minute), int(second or 0), tzinfo=UTC
    )
    if sign:
        offset = _OFFSETS.get(sign + off_h + off_m)
        if offset is None:
            minutes = int(off_h) * 60 + int(off_m)
            offset = timedelta(minutes=minutes if sign == "+" else -minutes)
            if len(_OFFSETS) < 200:
                _OFFSETS[sign + off_h + off_m] = offset
        parsed -= offset
    return parsed


def _slow_parse(value: str) -> datetime | None:
    try:
        parsed = _feedparser_parse_date(value)
    except Exception:  # feedparser's handlers raise odd things on odd input
        return None
    if parsed is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def to_struct_time(value: datetime) -> time.struct_time:
    """The date as feedparser's ``*_parsed``: a UTC ``time.struct_time``."""
    return value.astimezone(UTC).utctimetuple()
