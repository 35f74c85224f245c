"""What we send (Accept values) and pure readings of response headers."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, text/html;q=0.5, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8"
ACCEPT_ENCODING = "gzip, deflate, br"

_MAX_AGE = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?(\d+)\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|,)\s*(?:no-cache|no-store)\b", re.IGNORECASE)


def parse_http_date(value: str) -> datetime | None:
    """An HTTP date as a UTC datetime, or None when it cannot be read."""
    try:
        parsed = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or HTTP date).

    Negative or unreadable values give None; a date in the past gives 0.
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, (when - now).total_seconds())


def freshness_seconds(headers: Mapping[str, str], *, now: datetime) -> float | None:
    """How long the response may be reused, from Cache-Control max-age or Expires.

    ``no-cache``/``no-store`` give 0. None when the server said nothing usable.
    Expires is measured against the server's ``Date`` when present (clock skew).
    """
    cache_control = headers.get("cache-control", "")
    match = _MAX_AGE.search(cache_control)
    if match:
        return float(match.group(1))
    if _NO_CACHE.search(cache_control):
        return 0.0
    expires = headers.get("expires")
    if not expires:
        return None
    expires_at = parse_http_date(expires)
    if expires_at is None:
        return 0.0  # RFC 9111: an invalid Expires means already expired
    served_at = parse_http_date(headers.get("date", "")) or now
    return max(0.0, (expires_at - served_at).total_seconds())


# Server text quoted in a message: an invalid response line once put 65,666 characters of
# the server's bytes into a source's error.
QUOTE_CHARS = 200
_CONTROL = str.maketrans({c: " " for c in [*range(0x20), *range(0x7F, 0xA0)]})


def quoted(text: object, limit: int = QUOTE_CHARS) -> str:
    """Server-sent text as a message may quote it: control characters as spaces, runs of
    space as one, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(str(text).translate(_CONTROL).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
