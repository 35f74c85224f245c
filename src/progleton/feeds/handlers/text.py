"""Handlers for text constructs: titles, subtitles, rights, descriptions and summaries,
content, and dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.dates import parse_date
from progleton.feeds.handlers.base import _HAS_CONTENT, _TITLE_DONE, Context, Handler

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker


def _title(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if ctx.get(_TITLE_DONE):
        return
    detail = w.text_construct(ctx, el, "title", base, lang, "text/plain")
    ctx["title"] = detail["value"]
    ctx["title_detail"] = detail
    if detail["value"]:
        ctx[_TITLE_DONE] = True


def _text_field(name: str, default_type: str) -> Handler:
    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        detail = w.text_construct(ctx, el, name, base, lang, default_type)
        ctx[name] = detail["value"]
        ctx[name + "_detail"] = detail

    return handler


def _description(default_type: str) -> Handler:
    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        if "summary" in ctx and not ctx.get(_HAS_CONTENT):
            _content_element(w, ctx, el, key, base, lang, in_entry, "text/plain")
            return
        is_summary = key in ("summary", "itunes_summary")
        name = "summary" if in_entry or is_summary else "subtitle"
        detail = w.text_construct(
            ctx, el, "summary" if is_summary else "description", base, lang, default_type
        )
        ctx[name] = detail["value"]
        ctx[name + "_detail"] = detail

    return handler


def _content_element(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
    default_type: str,
) -> None:
    ctx[_HAS_CONTENT] = True
    detail = w.text_construct(ctx, el, "content", base, lang, default_type)
    src = el.get("src")
    if src:
        detail["src"] = src
    if in_entry:
        ctx.setdefault("content", []).append(detail)
    else:
        ctx["content"] = detail["value"]
        ctx["content_detail"] = detail
    if detail["type"] in ("text/plain", "text/html", "application/xhtml+xml"):
        ctx.setdefault("summary", detail["value"])


def _content(default_type: str) -> Handler:
    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        _content_element(w, ctx, el, key, base, lang, in_entry, default_type)

    return handler




def _date(name: str) -> Handler:
    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        value = tc.clean_text(w.text(el, name), w.encoding)
        ctx[name] = value
        ctx[name + "_parsed"] = parse_date(value)

    return handler
