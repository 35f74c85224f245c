"""Handlers for a feed's own elements: its generator, language, image and text input, cloud
and skip hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.handlers.base import _IMAGE, Context
from progleton.feeds.handlers.people import _own_text

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker


def _generator(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    attrs = tc.attributes(el)
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = tc.join_url(base, href)
    value = tc.clean_text(w.text(el, "generator"), w.encoding)
    attrs["name"] = value
    ctx["generator_detail"] = attrs
    ctx["generator"] = value


def _language(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    ctx["language"] = tc.clean_text(w.text(el, "language"), w.encoding)


def _href(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    value = w.text(el, "href")
    ctx["href"] = tc.clean_text(tc.join_url(base, value) if value else value, w.encoding)


def _dimension(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if ctx.get(_IMAGE):
        try:
            ctx[key] = int(w.text(el, key))
        except ValueError:
            ctx[key] = 0




def _image(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if in_entry:
        w.compat_complete = False
        return
    ctx.setdefault("image", {})[_IMAGE] = True
    w._sub_context(ctx, "image", el, base, lang)


def _textinput(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    sub = ctx.setdefault("textinput", {})
    for child in el:
        if not isinstance(child.tag, str):
            continue
        ckey = w.key(child)
        if ckey == "name":
            sub["name"] = tc.clean_text(w.text(child, "name"), w.encoding)
        else:
            cbase, clang = w._scope(child, base, lang)
            w._dispatch(sub, child, cbase, clang, in_entry=False)


def _cloud(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    ctx["cloud"] = tc.attributes(el)




def _skip_hours(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    for child in el:
        if isinstance(child.tag, str) and w.key(child) == "hour":
            hour = w.text(child, "hour")
            w.skip_hours.append(hour)
            ctx["hour"] = hour
    ctx["skiphours"] = _own_text(el)
