"""The fallback: feedparser's own (slow, lenient) parser, fed only defused documents."""

from __future__ import annotations

import io
import warnings
from typing import Any

import feedparser

from progleton.exceptions import FeedParseError
from progleton.feeds.prepare import PreparedDocument
from progleton.feeds.repair import clean_strings, replace_bad_references


def parse_with_feedparser(original: bytes, doc: PreparedDocument, url: str | None) -> Any:
    """feedparser's result for the document, never exposing it to declared entities.

    When the document declared entities, feedparser gets our defused UTF-8 copy instead
    of the original bytes (feedparser would expand them, see the quadratic blow-up).
    """
    headers = dict(doc.headers)
    added_location = False
    if url and "content-location" not in headers:
        headers["content-location"] = url
        added_location = True
    data = original
    if doc.entities_neutralized:
        data = doc.data
        headers["content-type"] = "application/xml; charset=utf-8"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result = feedparser.parse(
                io.BytesIO(replace_bad_references(data)),
                response_headers=headers,
                sanitize_html=False,
                resolve_relative_uris=True,
            )
        except (ValueError, LookupError, RecursionError) as exc:  # UnicodeError is a ValueError
            raise FeedParseError(f"not a feed: the lenient parser failed too ({exc})") from None
    clean_strings(result)  # NUL characters survive its loose parsing
    result["headers"] = (
        dict(doc.headers) if (added_location or doc.entities_neutralized) else result["headers"]
    )
    if doc.entities_neutralized:
        result["encoding"] = doc.encoding
    return result


def salvaged_anything(result: Any) -> bool:
    """True when feedparser found a feed format, a feed field or an entry."""
    return bool(
        dict.get(result, "version") or dict.get(result, "entries") or dict.get(result, "feed")
    )
