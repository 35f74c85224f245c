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
    if value[-1].isalpha():
        value = _name_to_offset(value)
    elif value[-1].isdigit() and _is_odd_numeric(value):
        return _odd_numeric(value)
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
            fast = _rfc822(value)
            if fast is not None:
                return fast
            parsed = parsedate_to_datetime(value)
            if parsed.tzinfo is None:
                # a zone email.utils did not understand ("+05:30"), or none: the slow
                # parser reads more forms, and takes UTC where none was written
                return None
        else:
            return None
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# Zone names feeds write beyond RFC 822's (which email.utils and feedparser know), as UTC
# offsets in minutes; without them "10:00 CEST" was read as 10:00 UTC. Where a name is
# ambiguous the reading commonest in feeds wins: IST is India's, CST and AST North America's.
_ZONE_NAMES = {
    "EST": -300, "EDT": -240, "CST": -360, "CDT": -300, "MST": -420, "MDT": -360,
    "PST": -480, "PDT": -420, "AKST": -540, "AKDT": -480, "HST": -600, "AST": -240,
    "ADT": -180, "NST": -210, "NDT": -150, "WET": 0, "WEST": 60, "BST": 60, "IST": 330,
    "CET": 60, "CEST": 120, "MET": 60, "MEST": 120, "EET": 120, "EEST": 180, "MSK": 180,
    "SAST": 120, "CAT": 120, "EAT": 180, "WAT": 60, "PKT": 300, "NPT": 345, "ICT": 420,
    "WIB": 420, "SGT": 480, "HKT": 480, "PHT": 480, "AWST": 480, "JST": 540, "KST": 540,
    "ACST": 570, "ACDT": 630, "AEST": 600, "AEDT": 660, "NZST": 720, "NZDT": 780,
}
_NAMED_ZONE = re.compile(r"(?<=\d)\s+([A-Za-z]{3,4})$")


def _name_to_offset(value: str) -> str:
    """``value`` with a trailing zone name of the table above written as its offset."""
    found = _NAMED_ZONE.search(value)
    if found is None:
        return value
    minutes = _ZONE_NAMES.get(found.group(1).upper())
    if minutes is None:
        return value
    hours, rest = divmod(abs(minutes), 60)
    return f"{value[:found.start(1)]}{'-' if minutes < 0 else '+'}{hours:02d}{rest:02d}"


_DOTTED = re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})|(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _is_odd_numeric(value: str) -> bool:
    """Whether ``value`` is a date in digits that the handlers misread: a Unix timestamp
    ("1757239200", which they take for the year 1757) or a dotted date ("2026.09.07", which
    they take for 1 December). "20260907" and the like are theirs to read."""
    return (value.isdigit() and len(value) in (9, 10, 13)) or _DOTTED.fullmatch(value) is not None


def _odd_numeric(value: str) -> datetime | None:
    if value.isdigit():
        return datetime.fromtimestamp(int(value) / (1000 if len(value) == 13 else 1), UTC)
    found = _DOTTED.fullmatch(value)
    assert found is not None  # _is_odd_numeric said so
    year, month, day = (found.group(1, 2, 3) if found.group(1) else found.group(6, 5, 4))
    try:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None


_RFC822 = re.compile(
    r"[A-Za-z]{3}, (\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d\d):(\d\d)(?::(\d\d))? "
    r"(?:(?:GMT|UTC?)?([+-])(\d\d):?(\d\d)|GMT|UTC?|Z)$"
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
