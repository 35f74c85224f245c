"""An article's dates: ISO-8601-ish values parsed to UTC, a page's <time> elements, htmldate
(fast mode) and a date in the URL's path. All functions here are pure and never raise."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from lxml.html import HtmlElement

_EARLIEST = datetime(1995, 1, 1, tzinfo=UTC)


def parse_datetime(value: object, *, now: datetime | None = None) -> datetime | None:
    """Parse an ISO-8601-ish date or datetime into an aware UTC datetime, or None.

    Naive values are taken as UTC; dates before 1995 or more than two days ahead are refused.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    text = (
        value.strip().replace(" ", "T", 1)
        if re.match(r"^\d{4}-\d\d-\d\d \d", value.strip())
        else value.strip()
    )
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    latest = (now or datetime.now(UTC)) + timedelta(days=2)
    return parsed if _EARLIEST <= parsed <= latest else None


# A <time> that says it is the publication date, else the first one inside the article or the
# page's main part, else the first on the page (which may be the site header's clock).
_TIME_XPATHS = (
    '//time[@datetime][@pubdate or contains(@itemprop, "datePublished") or contains(@class, "publish")]',
    "//article//time[@datetime] | //main//time[@datetime]",
    "//time[@datetime]",
)


def first_time_element(tree: HtmlElement) -> datetime | None:
    """The date of the page's <time> element that says it is the publication date, else of the
    first one in the article or main part, else of the first on the page; None if none parses."""
    for xpath in _TIME_XPATHS:
        for element in tree.xpath(xpath)[:3]:
            if (parsed := parse_datetime(element.get("datetime"))) is not None:
                return parsed
    return None


def fallback_date(tree: HtmlElement, url: str | None = None) -> datetime | None:
    """htmldate's original publication date (fast mode), else a /YYYY/MM/DD/ date in the URL,
    as UTC midnight; None if unsure."""
    try:
        from htmldate import find_date

        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # htmldate must never sink an extraction
        found = None
    return (parse_datetime(found) if found else None) or url_date(url)


# A date path segment, as many CMSs write them: /2024/08/14/slug or /2024/08/14.
_URL_DATE = re.compile(r"/((?:19|20)\d\d)/(\d\d?)/(\d\d?)(?:/|$|[-_.])")


def url_date(url: str | None) -> datetime | None:
    """The date in a URL's path (``/YYYY/MM/DD/``), as UTC midnight, or None."""
    match = _URL_DATE.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    try:
        found = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return parse_datetime(found.isoformat())
