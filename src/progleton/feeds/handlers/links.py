"""Handlers for links and identity: links, guids and ids, enclosures, and an entry's source."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.handlers.base import PRIVATE_KEYS, Context

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

_ENTITY_IN_LINK = re.compile(r"&([A-Za-z0-9_]+);")


def _link(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    attrs = tc.attributes(el) if el.attrib else {}
    attrs.setdefault("rel", "alternate")
    attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
    href = attrs.pop("url", None) or attrs.pop("uri", None) or attrs.get("href")
    links = ctx.setdefault("links", [])
    if href is not None:
        attrs["href"] = tc.join_url(base, href)
        links.append(attrs)
        if attrs["rel"] == "alternate" and tc.map_content_type(attrs["type"]) in tc.HTML_TYPES:
            ctx["link"] = attrs["href"]
        return
    links.append(attrs)
    value = w.text(el, "link")
    if value:
        value = tc.join_url(base, value)
    if "&" in value:
        if in_entry:
            value = value.replace("&amp;", "&")
        value = _ENTITY_IN_LINK.sub(r"&\g<1>", value)
    value = tc.clean_text(value, w.encoding)
    if attrs["rel"] == "alternate" or "link" not in ctx:
        ctx["link"] = value
    if value:
        attrs["href"] = value


def _guid(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    is_link = el.get("isPermaLink", el.get("ispermalink", "true")) == "true"
    value = w.text(el, "id")
    written = value
    if value and is_link:
        value = tc.join_url(base, value)
    value = tc.clean_text(value, w.encoding)
    ctx["id"] = value
    # isPermaLink defaults to true, and many feeds leave it so on guids that are no URL
    # ("med-2"): resolved against the feed's URL they made up a link that was then fetched.
    # Only a guid written as an absolute web address is taken for the link.
    is_link = is_link and tc.is_web_url(written)
    ctx.setdefault("guidislink", is_link and "link" not in ctx)
    if is_link:
        ctx.setdefault("link", value)




def _enclosure(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    ctx.setdefault("links", []).append(enclosure_link(el))


def enclosure_link(el: etree._Element) -> dict[str, Any]:
    """An <enclosure> as a feedparser link: its url (or uri) as href, rel "enclosure"."""
    attrs = tc.attributes(el)
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    attrs["rel"] = "enclosure"
    return attrs




def _source(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if any(isinstance(c.tag, str) for c in el):
        # an Atom <source>: the feed the entry came from, read like a feed
        source_feed: Context = {}
        w._fill(source_feed, el, base, lang, in_entry=False)
        for private in PRIVATE_KEYS:
            source_feed.pop(private, None)
        ctx["source"] = source_feed
        return
    source: dict[str, str] = {}
    if el.get("url"):
        source["href"] = el.get("url", "")
    value = tc.clean_text(w.text(el, "source"), w.encoding)
    if value:
        source["title"] = value
    ctx["source"] = source
