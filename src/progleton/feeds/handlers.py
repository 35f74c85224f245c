"""Per-element handlers of the fast path, mirroring feedparser's ``_start_*``/``_end_*`` pairs.

Each handler receives the walker, the context dict (feed, entry, image or textinput), the
element, its feedparser key, the effective xml:base and xml:lang, and whether it is inside an
entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from lxml import etree

from progleton.feeds import textconstructs as tc
from progleton.feeds.dates import parse_date
from progleton.feeds.people import is_address, person_name

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

Context = dict[str, Any]
Handler = Callable[["FeedWalker", Context, etree._Element, str, str, "str | None", bool], None]

_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))"
    r"([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_ENTITY_IN_LINK = re.compile(r"&([A-Za-z0-9_]+);")
_HAS_CONTENT = "\x00has_content"
_TITLE_DONE = "\x00title_done"
_IMAGE = "\x00image"
# the names of an entry's people as read here (a ParsedEntry's authors), in order
AUTHOR_NAMES = "\x00author_names"
PRIVATE_KEYS = (_HAS_CONTENT, _TITLE_DONE, _IMAGE, AUTHOR_NAMES)


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


HANDLERS: dict[str, Handler] = {
    "title": _title,
    "dc_title": _title,
    "link": _link,
    "guid": _guid,
    "id": _guid,
    "description": _description("text/html"),
    "dc_description": _description("text/html"),
    "summary": _description("text/plain"),
    "abstract": _description("text/plain"),
    "subtitle": _text_field("subtitle", "text/plain"),
    "tagline": _text_field("subtitle", "text/plain"),
    "rights": _text_field("rights", "text/plain"),
    "copyright": _text_field("rights", "text/plain"),
    "dc_rights": _text_field("rights", "text/plain"),
    "info": _text_field("info", "text/plain"),
    "feedburner_browserfriendly": _text_field("info", "text/plain"),
    "content": _content("text/plain"),
    "content_encoded": _content("text/html"),
    "fullitem": _content("text/html"),
    "body": _content("application/xhtml+xml"),
    "xhtml_body": _content("application/xhtml+xml"),
    "published": _date("published"),
    "pubdate": _date("published"),
    "issued": _date("published"),
    "dcterms_issued": _date("published"),
    "updated": _date("updated"),
    "modified": _date("updated"),
    "lastbuilddate": _date("updated"),
    "dc_date": _date("updated"),
    "dcterms_modified": _date("updated"),
    "created": _date("created"),
    "dcterms_created": _date("created"),
    "expirationdate": _date("expired"),
    "author": _author("author"),
    "managingeditor": _author("author"),
    "dc_creator": _author("author"),
    "dc_author": _author("author"),
    "webmaster": _publisher,
    "dc_publisher": _publisher,
    "contributor": _contributor,
    "dc_contributor": _contributor,
    "category": _category,
    "keywords": _category,
    "dc_subject": _category,
    "tags": _tags,
    "enclosure": _enclosure,
    "generator": _generator,
    "language": _language,
    "dc_language": _language,
    "url": _href,
    "uri": _href,
    "homepage": _href,
    "width": _dimension,
    "height": _dimension,
    "name": _ignore_text,
    "email": _ignore_text,
    "image": _image,
    "textinput": _textinput,
    "cloud": _cloud,
    "source": _source,
    "skiphours": _skip_hours,
}
