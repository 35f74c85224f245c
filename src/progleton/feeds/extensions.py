"""Fast-path handlers for extensions: iTunes, Media RSS, Podlove chapters, CC, admin, dcterms.

Each mirrors feedparser's handler for the same element (``feedparser/namespaces/*.py``),
quirks included, so that ``to_feedparser()`` needs no help from feedparser for them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.dates import parse_date
from progleton.feeds.handlers import HANDLERS, Context, Handler, add_tag
from progleton.feeds.handlers.base import _TITLE_DONE
from progleton.feeds.handlers.categories import _category
from progleton.feeds.handlers.people import _author, _ignore_text, _own_text, _sync_person
from progleton.feeds.handlers.text import _description, _text_field

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

RDF_RESOURCE = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource"
MEDIA_CATEGORY_SCHEME = "http://search.yahoo.com/mrss/category_schema"


def _text(w: FeedWalker, el: etree._Element, field: str) -> str:
    return tc.clean_text(w.text(el, field), w.encoding)


def _media_title(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    # a title unless a <title> came first; it does not stop a later <title>
    if ctx.get(_TITLE_DONE):
        return
    detail = w.text_construct(ctx, el, "title", base, lang, "text/plain")
    ctx["title"] = detail["value"]
    ctx["title_detail"] = detail


def _media_category(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    scheme = el.get("scheme", el.get("domain")) or MEDIA_CATEGORY_SCHEME
    add_tag(ctx, el.get("term"), scheme, el.get("label"))
    value = _text(w, el, "category")
    if value:
        tags = ctx["tags"]
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            add_tag(ctx, value, None, None)


def _media_keywords(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    for term in _text(w, el, key).split(","):
        if term.strip():
            add_tag(ctx, term.strip(), None, None)


def _media_group(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    w._fill(ctx, el, base, lang, in_entry=in_entry)


def _attributes_with_text(name: str, text_key: str, *, listed: bool) -> Any:
    """media:rating/credit/restriction/license: attributes, the text under ``content``."""

    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        attrs: dict[str, Any] = tc.attributes(el)
        if listed:
            ctx.setdefault(name, []).append(attrs)
        else:
            attrs = ctx.setdefault(name, attrs)
        value = _text(w, el, text_key)
        ctx[text_key] = value  # feedparser also keeps the bare text under this key
        if value.strip():
            if name == "media_restriction":
                attrs["content"] = [code.strip().lower() for code in value.split(" ")]
            else:
                attrs["content"] = value

    return handler


def _media_content(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    ctx.setdefault("media_content", []).append(tc.attributes(el))
    if len(el):
        w._fill(ctx, el, base, lang, in_entry=in_entry)


def _media_thumbnail(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    thumbnail = tc.attributes(el)
    ctx.setdefault("media_thumbnail", []).append(thumbnail)
    url = _text(w, el, "href")
    ctx["href"] = tc.join_url(base, url) if url else url
    if url.strip() and "url" not in thumbnail:
        thumbnail["url"] = ctx["href"]


def _media_player(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    player: dict[str, Any] = tc.attributes(el)
    player["content"] = _text(w, el, "media_player")
    ctx["media_player"] = player


def _cc_license(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    link = {"rel": "license"}
    value = el.get(RDF_RESOURCE)
    if value:
        link["href"] = value
    ctx.setdefault("links", []).append(link)


def _creativecommons_license(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    link = {"rel": "license"}
    value = _text(w, el, "license")
    if value:
        link["href"] = value
    ctx.setdefault("links", []).append(link)


def _admin_generator_agent(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    value = el.get(RDF_RESOURCE)
    ctx["generator"] = (
        (value or "") + _text(w, el, "generator") if value else _text(w, el, "generator")
    )
    ctx["generator_detail"] = {"href": value}


def _admin_error_reports_to(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    value = el.get(RDF_RESOURCE)
    ctx["errorreportsto"] = (value or "") + _text(w, el, "errorreportsto")


def _ignore(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    """An element feedparser reads only inside its parent."""


def _dcterms_valid(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    for part in _text(w, el, "validity").split(";"):
        if "=" in part:
            name, value = part.split("=", 1)
            if name in ("start", "end"):
                ctx[f"validity_{name}"] = value
                ctx[f"validity_{name}_parsed"] = parse_date(value)


_PSC_START = re.compile(r"^((\d{2}):)?(\d{2}):(\d{2})(\.(\d{3}))?$")


def _psc_chapters(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    if "psc_chapters" in ctx:
        return  # feedparser keeps the first list only
    chapters: list[dict[str, Any]] = []
    ctx["psc_chapters"] = {**tc.attributes(el), "chapters": chapters}
    for child in el:
        if isinstance(child.tag, str) and w.key(child) == "psc_chapter":
            chapter: dict[str, Any] = tc.attributes(child)
            chapter["start_parsed"] = _psc_start(chapter.get("start", ""))
            chapters.append(chapter)


def _psc_start(value: str) -> timedelta | None:
    found = _PSC_START.match(value)
    if found is None:
        return None
    _, hours, minutes, seconds, _, millis = found.groups()
    return timedelta(
        0, int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds), int(millis or 0) * 1000
    )


HANDLERS.update(
    {
        "psc_chapters": _psc_chapters,
        "psc_chapter": _ignore,
        "creativeCommons_license": _creativecommons_license,
        "media_title": _media_title,
        "media_description": _description("text/html"),
        "media_category": _media_category,
        "media_keywords": _media_keywords,
        "media_group": _media_group,
        "media_rating": _attributes_with_text("media_rating", "rating", listed=False),
        "media_credit": _attributes_with_text("media_credit", "credit", listed=True),
        "media_restriction": _attributes_with_text(
            "media_restriction", "restriction", listed=False
        ),
        "media_license": _attributes_with_text("media_license", "license", listed=False),
        "media_content": _media_content,
        "media_thumbnail": _media_thumbnail,
        "media_player": _media_player,
        "cc_license": _cc_license,
        "creativecommons_license": _creativecommons_license,
        "admin_generatoragent": _admin_generator_agent,
        "admin_errorreportsto": _admin_error_reports_to,
        "dcterms_valid": _dcterms_valid,
    }
)
_ = _category  # re-exported for symmetry with feedparser's handler table


# -- iTunes podcast extensions (feedparser's namespaces/itunes.py) ---------------------------

ITUNES_SCHEME = "http://www.itunes.com/"


def _itunes_category(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    add_tag(ctx, el.get("text"), ITUNES_SCHEME, None)
    value = tc.clean_text(_own_text(el), w.encoding)
    tags = ctx["tags"]
    if value:
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            add_tag(ctx, value, None, None)
    w._fill(ctx, el, base, lang, in_entry=in_entry)  # nested subcategories


def _itunes_keywords(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    for term in tc.clean_text(w.text(el, key), w.encoding).split(","):
        if term.strip():
            add_tag(ctx, term.strip(), ITUNES_SCHEME, None)


def _itunes_image(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    href = el.get("href") or el.get("url")
    if href:
        ctx["image"] = {"href": href}


def _itunes_owner(
    w: FeedWalker,
    ctx: Context,
    el: etree._Element,
    key: str,
    base: str,
    lang: str | None,
    in_entry: bool,
) -> None:
    # feedparser's sequence, quirks included: the owner lands in publisher_detail and authors
    for child in el:
        if not isinstance(child.tag, str):
            continue
        part = {"itunes_name": "name", "name": "name", "itunes_email": "email", "email": "email"}
        field = part.get(w.key(child))
        if field is None:
            continue
        value = tc.clean_text(w.text(child, field), w.encoding)
        ctx.setdefault("publisher_detail", {})[field] = value
        _sync_person(ctx, "author")
        ctx.setdefault("authors", [{}])[-1][field] = value


def _itunes_flag(name: str) -> Handler:
    def handler(
        w: FeedWalker,
        ctx: Context,
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        value = el.text or ""  # feedparser neither strips nor folds case here
        if name == "itunes_block":
            ctx[name] = 1 if value in ("yes", "Yes") else 0
        elif value in ("yes", "true"):
            ctx[name] = True
        elif value in ("no", "false", "clean"):
            ctx[name] = False
        else:
            ctx[name] = None

    return handler


ITUNES_HANDLERS = {
    "itunes_author": _author("author"),
    "itunes_category": _itunes_category,
    "itunes_keywords": _itunes_keywords,
    "itunes_image": _itunes_image,
    "itunes_link": _itunes_image,
    "itunes_owner": _itunes_owner,
    "itunes_name": _ignore_text,
    "itunes_email": _ignore_text,
    "itunes_subtitle": _text_field("subtitle", "text/plain"),
    "itunes_summary": _description("text/plain"),
    "itunes_block": _itunes_flag("itunes_block"),
    "itunes_explicit": _itunes_flag("itunes_explicit"),
}
HANDLERS.update(ITUNES_HANDLERS)
