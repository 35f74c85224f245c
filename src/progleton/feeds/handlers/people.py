"""Handlers for people: authors, publishers and contributors, as names, emails and homepages,
and the names of an entry's people as read here (a ParsedEntry's authors)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.handlers.base import AUTHOR_NAMES, Context, Handler
from progleton.feeds.people import is_address, person_name

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)


def _author(field: str) -> Handler:
    plural, detail_key = field + "s", field + "_detail"

    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        person: dict[str, str] = {}
        ctx.setdefault(plural, []).append(person)
        if len(el):
            detail = ctx.setdefault(detail_key, {})
            keys = w._keys
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                part = _PERSON_PARTS.get(keys.get(tag) or w.key(child))
                if part is None:
                    w.compat_complete = False
                    continue
                value = w.text(child, part)
                if not value.isascii():
                    value = tc.clean_text(value, w.encoding)
                if part == "href" and value:
                    value = tc.join_url(w._scope(child, base, lang)[0], value)
                detail[part] = person[part] = value
        # feedparser re-syncs after every part; only the last person counts, so once is enough
        ctx[field] = tc.clean_text(_own_text(el), w.encoding)
        _sync_person(ctx, field)
        # Kept aside as read here: feedparser's view cuts addresses under top-level domains
        # of over four letters ("a@b.media (A)" gives the name "a (A"), and at the feed level
        # lets a later <itunes:owner> overwrite this person.
        name = person.get("name", "") if len(el) else person_name(ctx[field])
        if name and not is_address(name):
            if ctx is w.feed:
                w.feed_authors.append(name)
            else:
                ctx.setdefault(AUTHOR_NAMES, []).append(name)

    return handler


_PERSON_PARTS = {"name": "name", "email": "email", "uri": "href", "url": "href", "homepage": "href"}


def _own_text(el: etree._Element) -> str:
    if len(el) == 0:
        return (el.text or "").strip()
    return "".join([el.text or "", *[c.tail or "" for c in el]]).strip()


def _sync_person(ctx: Context, field: str) -> None:
    people = ctx.get(field + "s") or [{}]
    detail = people[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            ctx[field] = f"{name} ({email})"
        elif name:
            ctx[field] = name
        elif email:
            ctx[field] = email
        return
    author = ctx.get(field)
    email = None
    if not author:
        return
    found = _EMAIL.search(author) if "@" in author else None
    if found:
        email = found.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        ctx.setdefault(field + "_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email


def _publisher(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    ctx["publisher"] = tc.clean_text(w.text(el, "publisher"), w.encoding)
    _sync_person(ctx, "publisher")


def _contributor(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    person: dict[str, str] = {}
    ctx.setdefault("contributors", []).append(person)
    if key == "dc_contributor":
        person["name"] = tc.clean_text(w.text(el, "name"), w.encoding)
        return
    for child in el:
        if isinstance(child.tag, str):
            part = _PERSON_PARTS.get(w.key(child))
            if part is None:
                w.compat_complete = False
                continue
            value = tc.clean_text(w.text(child, part), w.encoding)
            if part == "href" and value:
                value = tc.join_url(w._scope(child, base, lang)[0], value)
            person[part] = value




def _ignore_text(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    """Elements feedparser reads only inside another (name, email outside a person)."""
