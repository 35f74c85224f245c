"""The common path for entries: a :class:`ParsedEntry` read straight from ``<item>``/``<entry>``.

FeedWalker builds feedparser's whole data model (the ``*_detail`` dicts, ``links``, ``tags``)
for every entry, and most of it is only ever read by ``to_feedparser()``. For an entry made
of the common elements, :func:`read_entry` reads just the ParsedEntry fields, with the same
rules as the handlers (it calls them where the rules are intricate); for an entry holding
anything else it returns None and the walker reads that entry in full. ``to_feedparser()``
walks the document again, in full, when it is called.

It is only used where no ``xml:base`` occurs (so every element has the document's base) and
the document is too short for a field to be truncated; see ``parser._can_read_directly``.
Texts that may hold a lifted CDATA section (cdata.py) are read through ``FeedWalker.text``
or ``FeedWalker.construct``; any other read leaves its marker unrestored, and the document
is then parsed again as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lxml import etree

from progleton.feeds import compat
from progleton.feeds import textconstructs as tc
from progleton.feeds.dates import parse_date
from progleton.feeds.handlers import AUTHOR_NAMES, HANDLERS, Handler, add_tag, enclosure_link
from progleton.feeds.handlers.categories import _category
from progleton.feeds.handlers.links import _ENTITY_IN_LINK, _link
from progleton.feeds.handlers.people import _sync_person
from progleton.feeds.model import ParsedEntry, new_unchecked
from progleton.feeds.people import distinct, is_address, person_name

if TYPE_CHECKING:
    from progleton.feeds.fast import FeedWalker

_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_SUMMARY_TYPES = frozenset({"text/plain", "text/html", "application/xhtml+xml"})

# What each common element is to the entry: (kind, default content type or date field).
_TITLE, _GUID, _PUBLISHED, _UPDATED, _DESCRIPTION, _SUMMARY, _CONTENT = range(7)
_LINK, _CATEGORY, _AUTHOR, _ENCLOSURE = range(7, 11)
_GENERIC, _SKIP, _BAIL = range(11, 14)  # stored under its own key; ignored; not read here
_KINDS: dict[str, tuple[int, str]] = {
    "title": (_TITLE, ""),
    "dc_title": (_TITLE, ""),
    "guid": (_GUID, ""),
    "id": (_GUID, ""),
    "published": (_PUBLISHED, "published"),
    "pubdate": (_PUBLISHED, "published"),
    "issued": (_PUBLISHED, "published"),
    "dcterms_issued": (_PUBLISHED, "published"),
    "updated": (_UPDATED, "updated"),
    "modified": (_UPDATED, "updated"),
    "lastbuilddate": (_UPDATED, "updated"),
    "dc_date": (_UPDATED, "updated"),
    "dcterms_modified": (_UPDATED, "updated"),
    "description": (_DESCRIPTION, "text/html"),
    "dc_description": (_DESCRIPTION, "text/html"),
    "summary": (_SUMMARY, "text/plain"),
    "abstract": (_DESCRIPTION, "text/plain"),
    "content": (_CONTENT, "text/plain"),
    "content_encoded": (_CONTENT, "text/html"),
    "link": (_LINK, ""),
    "category": (_CATEGORY, ""),
    "keywords": (_CATEGORY, ""),
    "dc_subject": (_CATEGORY, ""),
    "fullitem": (_CONTENT, "text/html"),
    "body": (_CONTENT, "application/xhtml+xml"),
    "xhtml_body": (_CONTENT, "application/xhtml+xml"),
    "author": (_AUTHOR, ""),
    "managingeditor": (_AUTHOR, ""),
    "dc_creator": (_AUTHOR, ""),
    "dc_author": (_AUTHOR, ""),
    "enclosure": (_ENCLOSURE, ""),
}
# Handlers whose keys never reach a ParsedEntry field and that read no other element.
_INERT = frozenset(
    {
        "created",
        "dcterms_created",
        "expirationdate",
        "subtitle",
        "tagline",
        "rights",
        "copyright",
        "dc_rights",
        "info",
        "generator",
        "language",
        "dc_language",
        "name",
        "email",
        "url",
        "uri",
        "homepage",
        "width",
        "height",
        "cloud",
        "webmaster",
        "dc_publisher",
        "contributor",
        "dc_contributor",
    }
)
# Keys of feedparser's entry that ParsedEntry is built from; an element stored generically
# under one of these names would change a field.
_READ_KEYS = frozenset(
    {"id", "title", "link", "published_parsed", "updated_parsed", "authors", "author"}
    | {"summary", "content", "links", "tags"}
)
_MISSING: Any = object()


def read_entry(w: FeedWalker, el: etree._Element, base: str) -> ParsedEntry | None:
    """The entry's ParsedEntry, or None when it holds an element read only by the full walk."""
    # One flat loop with the common cases inline: it runs for every element of every entry.
    # The text of a leaf is read directly: no field can be truncated here (see the docstring).
    kinds, encoding = w.entry_kinds, w.encoding
    entry_id = el.get(_RDF_ABOUT) or None
    title: str | None = None
    title_done = False
    summary: Any = _MISSING
    summary_type: str | None = None
    has_content = False
    content: list[tuple[str, str]] = []
    published = updated = None
    shared: dict[str, Any] = {}  # link, links, authors, author, tags: the handlers' dict
    for child in el:
        tag = child.tag
        if tag.__class__ is not str:
            continue  # comments and processing instructions
        found = kinds.get(tag)
        if found is None:
            found = kinds[tag] = _kind(w, child)
        kind, arg, key = found
        if kind == _TITLE:
            if not title_done:
                title = w.construct(child, "title", base, "text/plain")[1]
                title_done = bool(title)
        elif kind == _LINK:
            if child.attrib:
                _link(w, shared, child, key, base, None, True)
            else:
                shared["link"] = _link_text(w, child, base)
        elif kind == _GUID:
            # handlers._guid
            attrib = child.attrib
            is_link = (
                not attrib or attrib.get("isPermaLink", attrib.get("ispermalink", "true")) == "true"
            )
            value = w.text(child, "id") if len(child) else (child.text or "").strip()
            written = value
            if value and is_link:
                value = tc.join_url(base, value)
            entry_id = value if value.isascii() else tc.clean_text(value, encoding)
            if is_link and "link" not in shared and tc.is_web_url(written):  # as handlers._guid
                shared["link"] = entry_id
        elif kind == _PUBLISHED or kind == _UPDATED:
            value = w.text(child, arg) if len(child) else (child.text or "").strip()
            if not value.isascii():
                value = tc.clean_text(value, encoding)
            date = parse_date(value)
            if kind == _PUBLISHED:
                published = date
            else:
                updated = date
        elif kind == _CONTENT or (
            (kind == _DESCRIPTION or kind == _SUMMARY)
            and summary is not _MISSING
            and not has_content
        ):
            # a summary or description after a summary, with no content yet, is content
            has_content = True
            default = arg if kind == _CONTENT else "text/plain"
            ctype, value = w.construct(child, "content", base, default)
            content.append((ctype, value))
            if summary is _MISSING and ctype in _SUMMARY_TYPES:
                summary, summary_type = value, ctype
        elif kind == _DESCRIPTION:
            summary_type, summary = w.construct(child, "description", base, arg)
        elif kind == _SUMMARY:
            summary_type, summary = w.construct(child, "summary", base, arg)
        elif kind == _CATEGORY:
            if child.attrib or len(child):
                _category(w, shared, child, key, base, None, True)
            else:
                _plain_category(shared, (child.text or "").strip(), encoding)
        elif kind == _AUTHOR and not len(child):
            # handlers._author for a person given as text ("Jo", "jo@example.org (Jo)")
            people = shared.get("authors")
            if people is None:
                people = shared["authors"] = []
            person: dict[str, str] = {}
            people.append(person)
            value = (child.text or "").strip()
            if not value.isascii():
                value = tc.clean_text(value, encoding)
            shared["author"] = value
            if value and "@" not in value:
                person["name"] = value  # what _sync_person makes of it
                shared.setdefault("author_detail", person)
            else:
                _sync_person(shared, "author")
            name = person_name(value)  # as handlers._author: _sync_person cuts long domains
            if name and not is_address(name):
                shared.setdefault(AUTHOR_NAMES, []).append(name)
        elif kind == _ENCLOSURE:
            attrs = enclosure_link(child)
            links = shared.get("links")
            if links is None:
                shared["links"] = [attrs]
            else:
                links.append(attrs)
        elif kind == _AUTHOR:  # a person given by parts (name, email, uri)
            handler: Handler = HANDLERS[key]
            handler(w, shared, child, key, base, None, True)
        elif kind == _BAIL or (kind == _GENERIC and len(child)):
            # a generic element's children are read into the entry itself
            return None
    return _build(entry_id, title, (summary, summary_type), content, published, updated, shared)


def _kind(w: FeedWalker, child: etree._Element) -> tuple[int, str, str]:
    """What an element is to the entry: (kind, default type or date field, its key)."""
    key = w.key(child)
    found = _KINDS.get(key)
    if found is not None:
        return (*found, key)
    if key in _INERT:
        return _SKIP, "", key
    if key in HANDLERS or key in _READ_KEYS or key in ("item", "entry", "source"):
        return _BAIL, "", key
    return _GENERIC, "", key


def _link_text(w: FeedWalker, el: etree._Element, base: str) -> str:
    # handlers._link for a <link> without attributes: an alternate link, its text the URL
    value = w.text(el, "link") if len(el) else (el.text or "").strip()
    if value:
        value = tc.join_url(base, value)
    if "&" in value:
        value = _ENTITY_IN_LINK.sub(r"&\g<1>", value.replace("&amp;", "&"))
    return value if value.isascii() else tc.clean_text(value, w.encoding)


def _plain_category(shared: dict[str, Any], value: str, encoding: str) -> None:
    # handlers._category for a <category> with neither attributes nor children
    tags = shared.setdefault("tags", [])
    value = tc.clean_text(value, encoding)
    if not value:
        return
    if tags and not tags[-1]["term"]:
        tags[-1]["term"] = value
    else:
        add_tag(shared, value, None, None)


def _build(
    entry_id: str | None,
    title: str | None,
    summary_and_type: tuple[Any, str | None],
    content: list[tuple[str, str]],
    published: Any,
    updated: Any,
    shared: dict[str, Any],
) -> ParsedEntry:
    # compat._entry over the same values
    get = shared.get
    names = get(AUTHOR_NAMES)
    authors = distinct(names) if names else ()
    summary, summary_type = summary_and_type
    body = body_type = None
    if content:
        body_type, body = content[0]
        if body_type not in tc.HTML_TYPES:
            for ctype, value in content:
                if ctype in tc.HTML_TYPES:
                    body_type, body = ctype, value
                    break
    tags = get("tags")
    links = get("links")
    return new_unchecked(
        ParsedEntry,
        id=entry_id or None,
        title=title,
        link=get("link") or None,
        published=published,
        updated=updated,
        authors=authors,
        summary=None if summary is _MISSING else summary,
        content=body,
        enclosures=tuple(compat.enclosures(links)) if links else (),
        categories=tuple([t["term"] for t in tags if t["term"]]) if tags else (),
        extra={},
        summary_type=None if summary is _MISSING else summary_type,
        content_type=body_type,
    )
