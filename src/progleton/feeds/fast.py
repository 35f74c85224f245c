"""The fast path: RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 read from an lxml tree in one pass.

The walker reproduces feedparser's data model (the same keys, details and quirks) for the
elements feedparser treats specially and that feeds commonly carry; elements feedparser
stores generically are stored the same generic way. Where a document uses an extension
whose feedparser handling is not reproduced here (GeoRSS, CDF...), the result is still
complete for :class:`ParsedFeed`, and ``compat_complete`` is False so that
``to_feedparser()`` asks feedparser for those details.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from feedparser.mixin import _FeedParserMixin
from lxml import etree

from progleton.feeds import cdata, compat
from progleton.feeds import textconstructs as tc
from progleton.feeds.model import ParsedEntry

XML_NS = "{http://www.w3.org/XML/1998/namespace}"
ATOM10_NS = "http://www.w3.org/2005/atom"
_PREFIXES = tc.PREFIXES
attributes = tc.attributes
_SPECIAL = frozenset(
    name.split("_", 2)[2] for name in dir(_FeedParserMixin) if name.startswith(("_start_", "_end_"))
)
_RELATIVE_URI_KEYS = frozenset(_FeedParserMixin.can_be_relative_uri)
_RELATIVE_URI_CONTENT = frozenset(_FeedParserMixin.can_contain_relative_uris)
_RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
_ATOM_VERSIONS = {"0.1": "atom01", "0.2": "atom02", "0.3": "atom03"}
_ENTRY_TAGS = frozenset({"item", "entry"})


class NotUnderstood(Exception):
    """The fast path does not handle this document; use the fallback."""


def feed_version(root: etree._Element, hint: str) -> str:
    """feedparser's version string for the root element, or raise NotUnderstood."""
    if not isinstance(root.tag, str):
        raise NotUnderstood("no root element")
    qname = etree.QName(root)
    local, namespace = qname.localname.lower(), (qname.namespace or "").lower()
    if local == "rss":
        if hint:
            return hint
        attr = root.get("version", "")
        return _RSS_VERSIONS.get(attr) or ("rss20" if attr.startswith("2.") else "rss")
    if local == "rdf":
        if any(u == "http://purl.org/rss/1.0/" for u in _ns_values(root)):
            return "rss10"
        if any(u == "http://my.netscape.com/rdf/simple/0.9/" for u in _ns_values(root)):
            return "rss090"
        raise NotUnderstood("RDF without an RSS namespace")
    if local == "feed":
        if namespace == ATOM10_NS:
            return "atom10"
        return _ATOM_VERSIONS.get(root.get("version", ""), "atom")
    raise NotUnderstood(f"root element <{qname.localname}> is not RSS or Atom")


def _ns_values(root: etree._Element) -> list[str]:
    return [u.lower() for u in root.nsmap.values() if u]


def namespaces_in_use(root: etree._Element) -> dict[str, str]:
    """feedparser's ``namespaces``: canonical prefix to URI for the declared namespaces."""
    found: dict[str, str] = {}
    for prefix, uri in root.nsmap.items():
        canonical = _PREFIXES.get(uri.lower())
        found[canonical if canonical is not None else (prefix or "")] = uri
    return found


class FeedWalker:
    """One pass over a feed tree, filling feedparser-shaped dicts."""

    def __init__(self, version: str, encoding: str, baseuri: str, baselang: str | None) -> None:
        self.version = version
        self.atom = version.startswith("atom")
        self.encoding = encoding
        self.baseuri = baseuri
        self.baselang = baselang
        self.feed: dict[str, Any] = {}
        self.entries: list[dict[str, Any]] = []
        self.compat_complete = True
        self.truncated: list[str] = []
        self.skip_hours: list[str] = []
        self.feed_authors: list[str] = []  # names of the feed-level people, in order
        self._keys: dict[str, str] = {}
        # With ``direct`` set, entries are read into ParsedEntry objects (entries.py) and
        # ``entries`` stays empty; an entry the direct reader declines is walked in full
        # and kept as its feedparser dict, for build_entries() to convert.
        self.direct = False
        self.entry_kinds: dict[str, tuple[int, str, str]] = {}  # tag -> entries._kind()
        # marker -> text of a CDATA section lifted out of the document (cdata.py); texts
        # are read through text() and construct(), which put them back
        self.lifted: dict[str, str] = {}
        self.restored: set[str] = set()
        self.direct_entries: list[ParsedEntry | dict[str, Any]] = []

    # -- navigation -------------------------------------------------------------------------

    def walk(self, root: etree._Element) -> None:
        """Fill ``feed`` and ``entries`` from the root element."""
        base, lang = self._scope(root, self.baseuri, self.baselang)
        if self.baselang:
            self.feed["language"] = self.baselang.replace("_", "-")
        if lang and lang != self.baselang:
            self.feed["language"] = lang.replace("_", "-")
        if self.version.startswith("atom"):
            self._fill(self.feed, root, base, lang, in_entry=False)
            return
        for child in root:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child)
            cbase, clang = self._scope(child, base, lang)
            if key == "channel":
                self._fill(self.feed, child, cbase, clang, in_entry=False)
            elif key in _ENTRY_TAGS:
                self._entry(child, cbase, clang)
            elif key in ("image", "textinput"):
                self._sub_context(self.feed, key, child, cbase, clang)
            else:
                self._dispatch(self.feed, child, cbase, clang, in_entry=False)

    def key(self, element: etree._Element) -> str:
        """feedparser's name for an element: canonical prefix, underscore, lower-case name."""
        tag = element.tag
        found = self._keys.get(tag)
        if found is not None:
            return found
        if tag[0] == "{":
            namespace, _, local = tag[1:].partition("}")
            prefix = _PREFIXES.get(namespace.lower())
            if prefix is None:
                prefix = (element.prefix or "").lower()
            if "backend.userland.com/rss" in namespace.lower():
                prefix = ""
        else:
            prefix, local = "", tag
        found = f"{prefix}_{local.lower()}" if prefix else local.lower()
        self._keys[tag] = found
        return found

    def _scope(
        self, element: etree._Element, base: str, lang: str | None
    ) -> tuple[str, str | None]:
        attrib = element.attrib
        if attrib:
            xml_base = attrib.get(XML_NS + "base")
            if xml_base is not None:
                base = tc.join_base(base, xml_base)
            xml_lang = attrib.get(XML_NS + "lang", attrib.get("lang"))
            if xml_lang is not None:
                lang = xml_lang or None
        return base, lang

    def _fill(
        self,
        ctx: dict[str, Any],
        parent: etree._Element,
        base: str,
        lang: str | None,
        *,
        in_entry: bool,
    ) -> None:
        # The hot loop: one iteration per element of every entry, so kept flat.
        keys, handlers = self._keys, _HANDLERS
        direct_entries = self.direct and not in_entry
        for child in parent:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            cbase, clang = self._scope(child, base, lang) if child.attrib else (base, lang)
            key = keys.get(tag) or self.key(child)
            if direct_entries and key in _ENTRY_TAGS:
                self._entry(child, cbase, clang)  # what _dispatch does, one call sooner
                continue
            handler = handlers.get(key)
            if handler is not None:
                handler(self, ctx, child, key, cbase, clang, in_entry)
            else:
                self._dispatch(ctx, child, cbase, clang, in_entry=in_entry)

    def _dispatch(
        self,
        ctx: dict[str, Any],
        el: etree._Element,
        base: str,
        lang: str | None,
        *,
        in_entry: bool,
    ) -> None:
        key = self.key(el)
        handler = _HANDLERS.get(key)
        if handler is not None:
            handler(self, ctx, el, key, base, lang, in_entry)
        elif key in _ENTRY_TAGS:
            if in_entry:
                self.compat_complete = False
            else:
                self._entry(el, base, lang)
        elif key in _SPECIAL:
            self.compat_complete = False
            self._generic(ctx, el, key, base, lang, in_entry)
        else:
            self._generic(ctx, el, key, base, lang, in_entry)

    def _entry(self, el: etree._Element, base: str, lang: str | None) -> None:
        if self.direct:
            found = read_entry(self, el, base)
            if found is not None:
                self.direct_entries.append(found)
                return
        entry: dict[str, Any] = {}
        (self.direct_entries if self.direct else self.entries).append(entry)
        about = el.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about")
        if about:
            entry["id"] = about
        if el.get("lastmod") is not None or el.get("href") is not None:
            self.compat_complete = False
        self._fill(entry, el, base, lang, in_entry=True)

    def build_entries(self) -> tuple[ParsedEntry, ...]:
        """The entries read with ``direct`` set, as ParsedEntry objects."""
        return tuple(
            e if isinstance(e, ParsedEntry) else compat.entry_from_raw(e)
            for e in self.direct_entries
        )

    def _sub_context(
        self, ctx: dict[str, Any], key: str, el: etree._Element, base: str, lang: str | None
    ) -> None:
        sub = ctx.setdefault(key, {})
        self._fill(sub, el, base, lang, in_entry=False)

    # -- values -----------------------------------------------------------------------------

    def text(self, el: etree._Element, field: str) -> str:
        """The element's stripped text, capped at MAX_FIELD_CHARS."""
        value = tc.element_text(el) if len(el) else (el.text or "")
        if self.lifted and cdata.holds_marker(value):
            value = cdata.restore(value, self.lifted, self.restored)
        if len(value) > tc.MAX_FIELD_CHARS:
            value = value[: tc.MAX_FIELD_CHARS]
            self.truncated.append(field)
        return value.strip()

    def generic_value(self, ctx: dict[str, Any], el: etree._Element, key: str, base: str) -> str:
        """Text of an element stored under its own key (URLs resolved like feedparser)."""
        value = self.text(el, key) if len(el) == 0 else _own_text(el)
        if value and key in _RELATIVE_URI_KEYS:
            value = tc.join_url(base, value)
        value = tc.clean_text(value, self.encoding)
        ctx[key] = value
        return value

    def _generic(
        self,
        ctx: dict[str, Any],
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        in_entry: bool,
    ) -> None:
        if el.attrib:
            ctx[key] = attributes(el)
        else:
            self.generic_value(ctx, el, key, base)
        if len(el):
            self._fill(ctx, el, base, lang, in_entry=in_entry)

    def text_construct(
        self,
        ctx: dict[str, Any],
        el: etree._Element,
        key: str,
        base: str,
        lang: str | None,
        default_type: str,
    ) -> dict[str, Any]:
        """A title/summary/content-like element: its value and feedparser's ``*_detail``."""
        ctype, value = self.construct(el, key, base, default_type)
        return {
            "type": ctype,
            "language": lang.replace("_", "-") if lang and "_" in lang else lang,
            "base": base,
            "value": value,
        }

    def construct(
        self, el: etree._Element, key: str, base: str, default_type: str
    ) -> tuple[str, str]:
        """A text construct's content type and value, as its ``*_detail`` holds them."""
        attrib = el.attrib
        declared = attrib.get("type") if attrib else None
        ctype = default_type if declared is None else tc.map_content_type(declared)
        if len(el) and any(isinstance(c.tag, str) for c in el):
            if ctype != "application/xhtml+xml":
                # feedparser turns a text construct holding elements into XHTML, with quirks
                self.compat_complete = False
                ctype = "application/xhtml+xml"
            value = tc.xhtml_inner(el) if self.version == "atom10" else tc.serialize_children(el)
        else:
            value = (el.text or "") if len(el) == 0 else tc.element_text(el)  # self.text(), inline
            if self.lifted and cdata.holds_marker(value):
                value = cdata.restore(value, self.lifted, self.restored)
            if len(value) > tc.MAX_FIELD_CHARS:
                value = value[: tc.MAX_FIELD_CHARS]
                self.truncated.append(key)
            value = value.strip()
            if attrib and (
                attrib.get("mode") == "base64" or (declared is not None and _is_base64_type(ctype))
            ):
                value = _decode_base64(value)
        if ctype == "text/plain":
            if not self.atom and tc.looks_like_html(value):
                ctype = "text/html"
        if ctype in tc.HTML_TYPES and key in _RELATIVE_URI_CONTENT:
            value = tc.resolve_html_urls(value, base, ctype, key)
        return ctype, value if value.isascii() else tc.clean_text(value, self.encoding)


def _own_text(el: etree._Element) -> str:
    parts = [el.text or ""]
    parts.extend(c.tail or "" for c in el)
    return "".join(parts).strip()


def _is_base64_type(ctype: str) -> bool:
    return not (ctype.startswith("text/") or ctype.endswith(("+xml", "/xml")))


def _decode_base64(value: str) -> str:
    try:
        return base64.decodebytes(value.encode("utf-8")).decode("utf-8")
    except (binascii.Error, binascii.Incomplete, UnicodeDecodeError):
        return value


# Handlers live in a sibling module to keep this one readable.
from progleton.feeds import extensions as _extensions  # noqa: E402, F401  (registers handlers)
from progleton.feeds.entries import read_entry  # noqa: E402
from progleton.feeds.handlers import HANDLERS as _HANDLERS  # noqa: E402
