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
    reader = _Reader(base)
    feed = reader.feed(document)
    entries = [reader.entry(item) for item in document.get("items", []) if isinstance(item, dict)]
    return {
        "truncated": truncated,
        "wrong_types": reader.wrong_types_note(),
        "feed": feed,
        "entries": entries,
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


def _coerced(value: Any) -> str | None:
    """A field the spec lets a reader coerce to a string (an item's ``id``, an attachment's
    ``size_in_bytes``): a number or a string, as a string; anything else None."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = str(value)
    return text[: tc.MAX_FIELD_CHARS] if len(text) > tc.MAX_FIELD_CHARS else text


def _kind(value: Any) -> str:
    """What a JSON value is, in words: "a number", "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    return "a list" if isinstance(value, list) else type(value).__name__


class _Reader:
    """Reads a JSON Feed's fields, keeping those that hold a string where the spec asks for one
    (a URL, a title, a text) and counting the others, which are dropped: ``"url": 5`` is no
    address (the pipeline fetched ``/5``), ``"content_text": 3.5`` no text."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.wrong: dict[str, list[str]] = {}  # field -> the kind of each value dropped

    def text(self, source: dict[str, Any], key: str, where: str = "") -> str | None:
        value = source.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.wrong.setdefault(f"{where}{key}", []).append(_kind(value))
            return None
        return value[: tc.MAX_FIELD_CHARS] if len(value) > tc.MAX_FIELD_CHARS else value

    def wrong_types_note(self) -> str | None:
        """What was dropped, for the source's warning: "JSON Feed fields that are not strings
        were dropped: items' url (a number), items' summary (true or false, 2 times)"."""
        if not self.wrong:
            return None
        parts = [f"{name} ({' or '.join(dict.fromkeys(kinds))}{f', {len(kinds)} times' if len(kinds) > 1 else ''})"
                 for name, kinds in self.wrong.items()]
        return "JSON Feed fields that are not strings were dropped: " + ", ".join(parts)

    def feed(self, document: dict[str, Any]) -> dict[str, Any]:
        feed: dict[str, Any] = {}
        base = self.base
        _put_text(feed, "title", self.text(document, "title"), "text/plain", base)
        link = self.text(document, "home_page_url")
        links = []
        if link:
            feed["link"] = link
            links.append({"rel": "alternate", "type": "text/html", "href": link})
        feed_url = self.text(document, "feed_url")
        if feed_url:
            links.append({"rel": "self", "type": "application/feed+json", "href": feed_url})
        if links:
            feed["links"] = links
        _put_text(feed, "subtitle", self.text(document, "description"), "text/plain", base)
        for key in ("icon", "favicon", "language"):
            value = self.text(document, key)
            if value:
                feed[key] = value
        if feed.get("favicon") and "icon" not in feed:
            feed["icon"] = feed["favicon"]
        self.put_authors(feed, document)
        return feed

    def entry(self, item: dict[str, Any]) -> dict[str, Any]:
        entry: dict[str, Any] = {}
        base = self.base
        item_id = _coerced(item.get("id"))  # the spec: a reader coerces a number to a string
        if item_id is not None:
            entry["id"] = item_id
        url = self.text(item, "url", "items' ") or self.text(item, "external_url", "items' ")
        if url:
            url = tc.join_url(base, url)
            entry["link"] = url
            entry["links"] = [{"rel": "alternate", "type": "text/html", "href": url}]
        _put_text(entry, "title", self.text(item, "title", "items' "), "text/plain", base)
        self.put_content(entry, item)
        for key, name in (("date_published", "published"), ("date_modified", "updated")):
            value = self.text(item, key, "items' ")
            if value:
                entry[name] = value
                entry[name + "_parsed"] = parse_date(value)
        self.put_authors(entry, item)
        tags = (
            [t for t in item.get("tags", []) if isinstance(t, str)]
            if isinstance(item.get("tags"), list)
            else []
        )
        if tags:
            entry["tags"] = [{"term": t, "scheme": None, "label": None} for t in tags]
        self.put_attachments(entry, item)
        image = self.text(item, "image", "items' ")
        if image:
            entry["image"] = {"href": image}
        return entry

    def put_content(self, entry: dict[str, Any], item: dict[str, Any]) -> None:
        base = self.base
        content = []
        html_body = self.text(item, "content_html", "items' ")
        text_body = self.text(item, "content_text", "items' ")
        if html_body is not None:
            html_body = tc.resolve_html_urls(html_body, base, "text/html")
            content.append({"type": "text/html", "language": None, "base": base, "value": html_body})
        if text_body is not None:
            content.append({"type": "text/plain", "language": None, "base": base, "value": text_body})
        if content:
            entry["content"] = content
        summary = self.text(item, "summary", "items' ")
        if summary is not None:
            _put_text(entry, "summary", summary, "text/plain", base)
        elif content:
            entry["summary"] = content[0]["value"]

    def put_authors(self, ctx: dict[str, Any], source: dict[str, Any]) -> None:
        people = source.get("authors")
        if not isinstance(people, list):
            people = [source["author"]] if isinstance(source.get("author"), dict) else []
        authors = []
        for person in people:
            if isinstance(person, dict):
                author = {
                    k2: v
                    for k, k2 in (("name", "name"), ("url", "href"))
                    if (v := self.text(person, k, "authors' "))
                }
                if author:
                    authors.append(author)
        if authors:
            ctx["authors"] = authors
            ctx["author_detail"] = authors[0]
            ctx["author"] = authors[0].get("name") or authors[0].get("href", "")

    def put_attachments(self, entry: dict[str, Any], item: dict[str, Any]) -> None:
        attachments = item.get("attachments")
        if not isinstance(attachments, list):
            return
        links = entry.setdefault("links", [])
        for attachment in attachments:
            if not isinstance(attachment, dict):
                continue
            url = self.text(attachment, "url", "attachments' ")
            if url:
                link = {"rel": "enclosure", "href": url}
                if mime_type := self.text(attachment, "mime_type", "attachments' "):
                    link["type"] = mime_type
                if size := _coerced(attachment.get("size_in_bytes")):
                    link["length"] = size
                links.append(link)


def _put_text(ctx: dict[str, Any], key: str, value: str | None, ctype: str, base: str) -> None:
    if value is None:
        return
    ctx[key] = value
    ctx[key + "_detail"] = {"type": ctype, "language": None, "base": base, "value": value}
