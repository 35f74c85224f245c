"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) into feedparser-shaped dicts."""

from __future__ import annotations

import json
import re
from typing import Any

from progleton.exceptions import FeedParseError
from progleton.feeds import textconstructs as tc
from progleton.feeds.dates import parse_date
from progleton.feeds.repair import clean_strings

# JSON escapes for NUL or a UTF-16 surrogate: the only ways a JSON string can hold text no
# database stores (raw control characters are invalid JSON).
_NUL_OR_SURROGATE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")

_VERSIONS = {
    "https://jsonfeed.org/version/1": "json1",
    "https://jsonfeed.org/version/1.1": "json11",
}


def looks_like_json(data: bytes) -> bool:
    """True when the document starts like a JSON object."""
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(data: bytes, *, base: str = "") -> dict[str, Any]:
    """Parse a JSON Feed; raise FeedParseError when it is not one."""
    try:
        document = json.loads(data.decode("utf-8-sig", "replace"))
    except (ValueError, RecursionError) as exc:
        raise FeedParseError(f"not a feed: invalid JSON ({exc})") from None
    if _NUL_OR_SURROGATE_ESCAPE.search(data):
        clean_strings(document)
    if not isinstance(document, dict) or not isinstance(document.get("items", []), list):
        raise FeedParseError("not a feed: a JSON document without JSON Feed items")
    version = _VERSIONS.get(str(document.get("version", "")).rstrip("/"), "")
    if not version and "items" not in document:
        raise FeedParseError("not a feed: a JSON document that is not a JSON Feed")
    truncated = len(data) > tc.MAX_FIELD_CHARS and _has_oversized_text(document)
    return {
        "truncated": truncated,
        "feed": _feed(document, base),
        "entries": [
            _entry(item, base) for item in document.get("items", []) if isinstance(item, dict)
        ],
        "version": version or "json1",
        "encoding": "utf-8",
        "namespaces": {},
    }


def _has_oversized_text(document: dict[str, Any]) -> bool:
    values = list(document.values())
    for item in document.get("items", []):
        if isinstance(item, dict):
            values.extend(item.values())
    return any(isinstance(v, str) and len(v) > tc.MAX_FIELD_CHARS for v in values)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value)
    return text[: tc.MAX_FIELD_CHARS] if len(text) > tc.MAX_FIELD_CHARS else text


def _feed(document: dict[str, Any], base: str) -> dict[str, Any]:
    feed: dict[str, Any] = {}
    _put_text(feed, "title", _text(document.get("title")), "text/plain", base)
    link = _text(document.get("home_page_url"))
    links = []
    if link:
        feed["link"] = link
        links.append({"rel": "alternate", "type": "text/html", "href": link})
    feed_url = _text(document.get("feed_url"))
    if feed_url:
        links.append({"rel": "self", "type": "application/feed+json", "href": feed_url})
    if links:
        feed["links"] = links
    _put_text(feed, "subtitle", _text(document.get("description")), "text/plain", base)
    for key in ("icon", "favicon", "language"):
        value = _text(document.get(key))
        if value:
            feed[key] = value
    if feed.get("favicon") and "icon" not in feed:
        feed["icon"] = feed["favicon"]
    _put_authors(feed, document)
    return feed


def _entry(item: dict[str, Any], base: str) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    item_id = _text(item.get("id"))
    if item_id is not None:
        entry["id"] = item_id
    url = _text(item.get("url")) or _text(item.get("external_url"))
    if url:
        url = tc.join_url(base, url)
        entry["link"] = url
        entry["links"] = [{"rel": "alternate", "type": "text/html", "href": url}]
    _put_text(entry, "title", _text(item.get("title")), "text/plain", base)
    _put_content(entry, item, base)
    for key, name in (("date_published", "published"), ("date_modified", "updated")):
        value = _text(item.get(key))
        if value:
            entry[name] = value
            entry[name + "_parsed"] = parse_date(value)
    _put_authors(entry, item)
    tags = (
        [t for t in item.get("tags", []) if isinstance(t, str)]
        if isinstance(item.get("tags"), list)
        else []
    )
    if tags:
        entry["tags"] = [{"term": t, "scheme": None, "label": None} for t in tags]
    _put_attachments(entry, item)
    image = _text(item.get("image"))
    if image:
        entry["image"] = {"href": image}
    return entry


def _put_text(ctx: dict[str, Any], key: str, value: str | None, ctype: str, base: str) -> None:
    if value is None:
        return
    ctx[key] = value
    ctx[key + "_detail"] = {"type": ctype, "language": None, "base": base, "value": value}


def _put_content(entry: dict[str, Any], item: dict[str, Any], base: str) -> None:
    content = []
    html_body, text_body = _text(item.get("content_html")), _text(item.get("content_text"))
    if html_body is not None:
        html_body = tc.resolve_html_urls(html_body, base, "text/html")
        content.append({"type": "text/html", "language": None, "base": base, "value": html_body})
    if text_body is not None:
        content.append({"type": "text/plain", "language": None, "base": base, "value": text_body})
    if content:
        entry["content"] = content
    summary = _text(item.get("summary"))
    if summary is not None:
        _put_text(entry, "summary", summary, "text/plain", base)
    elif content:
        entry["summary"] = content[0]["value"]


def _put_authors(ctx: dict[str, Any], source: dict[str, Any]) -> None:
    people = source.get("authors")
    if not isinstance(people, list):
        people = [source["author"]] if isinstance(source.get("author"), dict) else []
    authors = []
    for person in people:
        if isinstance(person, dict):
            author = {
                k2: v
                for k, k2 in (("name", "name"), ("url", "href"))
                if (v := _text(person.get(k)))
            }
            if author:
                authors.append(author)
    if authors:
        ctx["authors"] = authors
        ctx["author_detail"] = authors[0]
        ctx["author"] = authors[0].get("name") or authors[0].get("href", "")


def _put_attachments(entry: dict[str, Any], item: dict[str, Any]) -> None:
    attachments = item.get("attachments")
    if not isinstance(attachments, list):
        return
    links = entry.setdefault("links", [])
    for attachment in attachments:
        if isinstance(attachment, dict) and _text(attachment.get("url")):
            link = {"rel": "enclosure", "href": _text(attachment.get("url"))}
            if _text(attachment.get("mime_type")):
                link["type"] = _text(attachment.get("mime_type"))
            if _text(attachment.get("size_in_bytes")):
                link["length"] = _text(attachment.get("size_in_bytes"))
            links.append(link)
