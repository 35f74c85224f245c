"""Between feedparser-shaped dicts and :class:`ParsedFeed`, both ways."""

from __future__ import annotations

import calendar
import dataclasses
import io
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from feedparser.util import FeedParserDict

from progleton.feeds.dates import parse_date, to_struct_time
from progleton.feeds.handlers import AUTHOR_NAMES, PRIVATE_KEYS
from progleton.feeds.model import Enclosure, ParsedEntry, ParsedFeed, new_unchecked
from progleton.feeds.people import distinct, feedparser_names, is_address, person_name

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def strip_private(raw: dict[str, Any]) -> None:
    """Drop the walker's bookkeeping keys from feed, image, textinput and entries."""
    for ctx in (
        raw["feed"],
        raw["feed"].get("image"),
        raw["feed"].get("textinput"),
        *raw["entries"],
    ):
        if isinstance(ctx, dict):
            for key in PRIVATE_KEYS:
                ctx.pop(key, None)


def build_parsed_feed(
    raw: dict[str, Any],
    *,
    bozo: bool,
    bozo_reason: str | None,
    skip_hours: list[str] | None = None,
    feed_authors: list[str] | None = None,
    extra: dict[str, Any] | None = None,
    entries: tuple[ParsedEntry, ...] | None = None,
) -> ParsedFeed:
    """A ParsedFeed from a feedparser-shaped result (ours or feedparser's own).

    With ``entries`` given, ``raw["entries"]`` is not read and ``raw`` is kept only where
    ``extra`` holds it (the full walk's view; the direct reader's has no entries).
    ``feed_authors`` are the names of the feed-level people as the walker met them;
    without them they are read from ``raw["feed"]``.
    """
    feed = raw["feed"]
    authors = distinct(feed_authors if feed_authors is not None else _feed_people(feed))
    if entries is None:
        entries = tuple(_entry(e) for e in raw["entries"])
        extra = {"raw": raw, **(extra or {})}
    else:
        extra = dict(extra or {})
    return ParsedFeed(
        title=_get(feed, "title"),
        link=_get(feed, "link"),
        language=_get(feed, "language"),
        updated=_date(_get(feed, "updated_parsed")) or _date(_get(feed, "published_parsed")),
        entries=_inheriting(entries, authors) if authors else entries,
        version=raw.get("version") or "",
        encoding=raw.get("encoding"),
        bozo=bozo,
        bozo_reason=bozo_reason,
        ttl_minutes=_ttl(_get(feed, "ttl")),
        skip_hours=_hours(skip_hours if skip_hours is not None else [_get(feed, "hour") or ""]),
        authors=authors,
        extra=extra,
    )


def _feed_people(feed: Mapping[str, Any]) -> list[str]:
    """The names of the feed-level people in a feedparser-shaped ``feed``.

    feedparser also files an ``<itunes:owner>`` there, the same person as in
    ``publisher_detail``: the podcast's contact, not its author, so left out.
    """
    owner = _get(feed, "publisher_detail")
    people = _get(feed, "authors") or []
    kept = [p for p in people if not (p == owner and "email" in p)]
    # feed["author"] is the last person as written, unless that person was the owner
    written = _get(feed, "author") if kept and kept[-1] is people[-1] else None
    return feedparser_names(kept, written)


def _names(people: Any) -> list[str]:
    """The names of feedparser-shaped people: a person known only by an address (``email``)
    or a link (``href``) names no one, nor does a name that is only an address."""
    return [
        name
        for p in people
        if isinstance(p, dict) and (name := str(p.get("name") or "")) and not is_address(name)
    ]


def _inheriting(
    entries: tuple[ParsedEntry, ...], authors: tuple[str, ...]
) -> tuple[ParsedEntry, ...]:
    """The entries, those naming no author given the feed's (RFC 4287 4.2.1, JSON Feed 1.1)."""
    return tuple(e if e.authors else dataclasses.replace(e, authors=authors) for e in entries)


_dict_get = dict.get


def _get(ctx: Mapping[str, Any], key: str) -> Any:
    # dict.get, not FeedParserDict.get: no key aliases and no deprecation warnings
    return _dict_get(ctx, key)  # type: ignore[call-overload]


def _date(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if 0 < minutes <= 525_600 else None


def _hours(values: list[str]) -> frozenset[int]:
    hours = set()
    for value in values:
        try:
            hour = int(value.strip())
        except (ValueError, AttributeError):
            continue
        if 0 <= hour <= 24:
            hours.add(hour % 24)
    return frozenset(hours)


def entry_from_raw(raw: dict[str, Any]) -> ParsedEntry:
    """A ParsedEntry from the walker's full entry dict (its bookkeeping keys dropped)."""
    names = raw.get(AUTHOR_NAMES) or []  # the people as the walker read them
    for key in PRIVATE_KEYS:
        raw.pop(key, None)
    return _entry(raw, names)


def _entry(raw: dict[str, Any], names: list[str] | None = None) -> ParsedEntry:
    """A ParsedEntry from a feedparser-shaped entry; ``names`` are its authors as the walker
    read them, without them they are read from feedparser's ``authors`` and mended."""
    get = _dict_get  # plain dict.get: fast, and no FeedParserDict aliases or warnings
    if names is None:
        people = get(raw, "authors")
        if people:
            names = feedparser_names(people, get(raw, "author"))
        elif get(raw, "author"):
            names = [person_name(str(get(raw, "author")))]
    authors = distinct(names) if names else ()
    source = get(raw, "source")
    if not authors and isinstance(source, dict):
        # an Atom entry's <source>: the authors of the feed it came from come first (4.2.1)
        authors = distinct(_names(source.get("authors") or ()))
    tags = get(raw, "tags")
    links = get(raw, "links")
    content, content_type = _content(raw) if "content" in raw else (None, None)
    summary = get(raw, "summary")
    return ParsedEntry(
        id=get(raw, "id") or None,
        title=get(raw, "title"),
        link=get(raw, "link") or None,
        published=_date(get(raw, "published_parsed")),
        updated=_date(get(raw, "updated_parsed")),
        authors=authors,
        summary=summary,
        content=content,
        enclosures=tuple(enclosures(links)) if links else (),
        categories=tuple(t["term"] for t in tags if t.get("term")) if tags else (),
        extra=raw,
        summary_type=_summary_type(raw, summary),
        content_type=content_type,
    )


def _content(raw: dict[str, Any]) -> tuple[str | None, str | None]:
    """The entry's content, HTML where there is some, and its type."""
    content = _get(raw, "content") or []
    for detail in content:
        if detail.get("type") in _HTML_TYPES:
            return str(detail.get("value", "")), detail["type"]
    if not content:
        return None, None
    return str(content[0].get("value", "")), content[0].get("type") or None


def _summary_type(raw: dict[str, Any], summary: Any) -> str | None:
    if summary is None:
        return None
    detail = _dict_get(raw, "summary_detail")
    if isinstance(detail, dict) and detail.get("type"):
        return str(detail["type"])
    # a summary taken from the content (JSON Feed's content_text) is of the content's type
    for item in _get(raw, "content") or []:
        if item.get("value") == summary and item.get("type"):
            return str(item["type"])
    return None


def enclosures(links: list[dict[str, Any]]) -> list[Enclosure]:
    """The enclosures among an entry's ``links``."""
    found = []
    for link in links:
        if link.get("rel") == "enclosure" and link.get("href"):
            size = link.get("length")
            try:
                length = int(size) if size else None
            except ValueError:
                length = None
            found.append(
                new_unchecked(
                    Enclosure, url=link["href"], type=link.get("type") or None, length=length
                )
            )
    return found


def to_feedparser(parsed: ParsedFeed, *, delegate: bool = True) -> FeedParserDict:
    """The result shaped like ``feedparser.parse()``'s.

    When the fast path met extensions whose feedparser details it does not reproduce,
    feedparser itself is asked for them (on the defused bytes), unless ``delegate`` is
    False (then the fast path's own view is returned; used to measure it).
    """
    extra = parsed.extra
    if "raw" not in extra and extra.get("deferred") is not None:
        extra["deferred"].complete(extra)  # parse() read the entries directly
    if extra.get("feedparser_result") is not None:
        return extra["feedparser_result"]
    if delegate and not extra.get("compat_complete", True) and extra.get("source") is not None:
        return _delegate(parsed)
    raw = extra["raw"]
    result = FeedParserDict(
        feed=_wrap(raw["feed"]),
        entries=[_wrap(e) for e in raw["entries"]],
        bozo=parsed.bozo,
        version=parsed.version,
        encoding=parsed.encoding,
        headers=dict(extra.get("headers") or {}),
        namespaces=dict(raw.get("namespaces") or {}),
    )
    if parsed.bozo:
        result["bozo_exception"] = extra.get("bozo_exception")
    _add_http_fields(result, extra)
    return result


def _add_http_fields(result: FeedParserDict, extra: dict[str, Any]) -> None:
    """What feedparser reports from an HTTP response: href, etag, modified."""
    headers = extra.get("headers") or {}
    if extra.get("href"):
        result["href"] = extra["href"]
    if headers.get("etag"):
        result["etag"] = headers["etag"]
    if headers.get("last-modified"):
        result["modified"] = headers["last-modified"]
        modified = parse_date(headers["last-modified"])
        if modified is not None:
            result["modified_parsed"] = to_struct_time(modified)


def _delegate(parsed: ParsedFeed) -> FeedParserDict:
    import feedparser

    extra = parsed.extra
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = feedparser.parse(
            io.BytesIO(extra["source"]),
            response_headers=extra["source_headers"],
            sanitize_html=False,
            resolve_relative_uris=True,
        )
    result["headers"] = dict(extra.get("headers") or {})
    result["encoding"] = parsed.encoding
    result["version"] = parsed.version or result.get("version", "")
    result["bozo"] = parsed.bozo
    _add_http_fields(result, extra)
    if parsed.bozo:
        result["bozo_exception"] = extra.get("bozo_exception")
    else:
        result.pop("bozo_exception", None)
    return result


def _wrap(value: Any) -> Any:
    if isinstance(value, dict):
        wrapped = FeedParserDict()
        for key, item in value.items():
            dict.__setitem__(wrapped, key, _wrap(item))
        return wrapped
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    if isinstance(value, datetime):
        return to_struct_time(value)
    return value
