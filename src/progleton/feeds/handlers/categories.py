"""Handlers for categories: an entry's or a feed's tags, keywords and subjects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.handlers.base import Context

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker


def add_tag(ctx: Context, term: str | None, scheme: str | None, label: str | None) -> None:
    """Add a category to ``tags`` unless it is empty or already there."""
    tags = ctx.setdefault("tags", [])
    if not term and not scheme and not label:
        return
    tag = {"term": term, "scheme": scheme, "label": label}
    if tag not in tags:
        tags.append(tag)


def _category(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if el.attrib:
        add_tag(ctx, el.get("term"), el.get("scheme", el.get("domain")), el.get("label"))
    else:
        ctx.setdefault("tags", [])
    value = tc.clean_text(w.text(el, "category"), w.encoding)
    if not value:
        return
    tags = ctx["tags"]
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        add_tag(ctx, value, None, None)


def _tags(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    for term in tc.clean_text(w.text(el, "tags"), w.encoding).split(","):
        add_tag(ctx, term.strip(), None, None)
