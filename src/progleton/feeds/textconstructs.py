"""Text constructs as feedparser reports them: content type guessing, XHTML, URLs, cleanup."""

from __future__ import annotations

import html.entities
import re
from urllib.parse import urljoin
from xml.sax.saxutils import escape

from feedparser.html import _BaseHTMLProcessor, _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _HTMLSanitizer
from feedparser.urls import resolve_relative_uris
from lxml import etree

# Namespace URI (lower-case) to feedparser's canonical prefix.
PREFIXES = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}

# One text field (title, summary, content...) may not exceed this many characters.
MAX_FIELD_CHARS = 1_000_000

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XHTML_NS = "http://www.w3.org/1999/xhtml"

_VOID = frozenset(_BaseHTMLProcessor.elements_no_end_tag)
_ACCEPTABLE = frozenset(_HTMLSanitizer.acceptable_elements)
_END_TAG = re.compile(r"</(\w+)>")
_ENTITY_OR_REF = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_ENTITY_NAME = re.compile(r"&(\w+);")
_URI_ATTRS = (
    "href",
    "src",
    "cite",
    "action",
    "background",
    "longdesc",
    "usemap",
    "codebase",
    "poster",
    "data",
    "profile",
    "dynsrc",
    "lowsrc",
)
# An URL attribute whose value does not start with a scheme or "//": maybe relative. Anchored
# on "=" (a literal the regex engine scans for quickly), the name checked by look-behinds.
# The names are matched case-insensitively by character classes rather than re.IGNORECASE
# (which makes the scan about 20% slower); the classes hold what IGNORECASE would also match.
_CASE_FOLDS = {"i": "iI\u0130\u0131", "k": "kK\u212a", "s": "sS\u017f"}


def _any_case(name: str) -> str:
    return "".join(f"[{_CASE_FOLDS.get(c, c + c.upper())}]" for c in name)


_RELATIVE_URL_ATTR = re.compile(
    # the cheap value test first (most values are absolute URLs), the name look-behinds after
    r"""=(?=\s*+["']?+(?![a-zA-Z][a-zA-Z0-9+.-]*:|//))(?:"""
    + "|".join(f"(?<={_any_case(name)}=)" for name in _URI_ATTRS)
    + ")"
)
# References as feedparser's sgmllib-based processor sees them ("& " stays a literal "&").
_SGML_REFERENCE = re.compile(
    r"&(?:#(\d+|[xX][0-9a-fA-F]+);|([a-zA-Z][-.a-zA-Z0-9]*)(?:;|(?=[^a-zA-Z0-9])))"
)
_C1_CONTROLS = re.compile(b"\xc2[\x80-\x9f]")
_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")


def map_content_type(value: str) -> str:
    """feedparser's reading of a ``type`` attribute: text/html/xhtml to MIME types."""
    value = value.lower()
    if value in ("text", "plain"):
        return "text/plain"
    if value == "html":
        return "text/html"
    if value == "xhtml":
        return "application/xhtml+xml"
    return value


def looks_like_html(text: str) -> bool:
    """feedparser's guess that a text/plain RSS field is really HTML."""
    if "<" not in text and "&" not in text:
        return False
    if not (_END_TAG.search(text) or _ENTITY_OR_REF.search(text)):
        return False
    if any(t.lower() not in _ACCEPTABLE for t in _TAG_NAME.findall(text)):
        return False
    return all(e in html.entities.entitydefs for e in _ENTITY_NAME.findall(text))


def clean_text(text: str, encoding: str) -> str:
    """feedparser's final touches on a field: undo double UTF-8 decoding, map C1 to cp1252."""
    if text.isascii():
        return text
    if encoding == "utf-8":
        try:
            text = text.encode("iso-8859-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            pass
    # C1 controls are rare; spotting them in UTF-8 bytes is ~4x faster than a str regex.
    if _C1_CONTROLS.search(text.encode("utf-8", "surrogatepass")):
        return text.translate(_cp1252)
    return text


def _normalize_reference(found: re.Match[str]) -> str:
    """What feedparser's HTML processor writes back for one character or entity reference."""
    charref, name = found.group(1), found.group(2)
    if charref is not None:
        ref = charref.lower()
        value = int(ref[1:], 16) if ref[0] == "x" else int(ref)
        if value in _cp1252:
            return f"&#{hex(ord(_cp1252[value]))[1:]};"
        return f"&#{ref};"
    if name in html.entities.name2codepoint or name == "apos":
        return f"&{name};"
    return f"&amp;{name}"


def join_url(base: str, url: str) -> str:
    """Resolve ``url`` against ``base`` as feedparser does (empty on a malformed URL)."""
    if not base or (
        url.startswith(("https://", "http://")) and "/." not in url and "///" not in url[:9]
    ):
        return url
    url = _URI_FIXER.sub(r"\1\3", url)
    try:
        return urljoin(base, url)
    except ValueError:
        return ""


# Short fields whose HTML feedparser re-serializes; we do the same (bodies are left as sent,
# the sanitizer re-serializes them later anyway).
NORMALIZED_FIELDS = frozenset({"title", "subtitle", "rights", "info", "copyright", "tagline"})


def join_base(base: str, xml_base: str) -> str:
    """The effective xml:base: ``xml_base`` resolved against the enclosing ``base``."""
    xml_base = _URI_FIXER.sub(r"\1\3", xml_base)
    try:
        return urljoin(base, xml_base)
    except ValueError:
        return base


def resolve_html_urls(markup: str, base: str, content_type: str, field: str = "") -> str:
    """Make the URLs in HTML content absolute against ``base`` (only when one may be relative).

    References in text without tags are written back as feedparser does; short fields
    (titles, subtitles, rights) holding tags are re-serialized by feedparser's processor.
    Bodies with tags are left as sent (the sanitizer re-serializes them later).
    """
    if "<" not in markup and ">" not in markup:
        if "&" not in markup or _only_xml_entities(markup):
            return markup  # what the substitution would give back
        return _SGML_REFERENCE.sub(_normalize_reference, markup)
    normalize = field in NORMALIZED_FIELDS
    if not normalize and (not base or "=" not in markup or not _has_relative_url(markup)):
        return markup
    try:
        return str(resolve_relative_uris(markup, base, "utf-8", content_type))
    except Exception:  # sgmllib-based resolver: keep the markup as it was
        return markup


def _only_xml_entities(text: str) -> bool:
    # Each "&" starts one of these at most, so the counts add up only when all "&" do.
    count = text.count
    return count("&") == (
        count("&amp;") + count("&lt;") + count("&gt;") + count("&quot;") + count("&apos;")
    )


def _has_relative_url(markup: str) -> bool:
    return _RELATIVE_URL_ATTR.search(markup) is not None


def element_text(element: etree._Element) -> str:
    """All character data directly and deeply inside ``element``."""
    if len(element) == 0:
        return element.text or ""
    return "".join(element.itertext())


def xhtml_inner(element: etree._Element) -> str:
    """Serialize the children of an XHTML container like feedparser (div wrapper dropped)."""
    children = [c for c in element if isinstance(c.tag, str)]
    text = (element.text or "").strip()
    if len(children) == 1 and not text and not (children[0].tail or "").strip():
        only = children[0]
        if etree.QName(only).localname == "div":
            element = only
    parts: list[str] = [escape(element.text or "")]
    for child in element:
        _serialize(child, parts)
    return "".join(parts).strip()


def serialize_children(element: etree._Element) -> str:
    """The element's text and children as XHTML markup, the element itself left out."""
    parts = [escape(element.text or "")]
    for child in element:
        _serialize(child, parts)
    return "".join(parts).strip()


def _serialize(element: etree._Element, parts: list[str]) -> None:
    if not isinstance(element.tag, str):
        parts.append(escape(element.tail or ""))
        return
    name = etree.QName(element).localname.lower()
    attrs = "".join(
        f' {_attr_name(k)}="{escape(v, {chr(34): "&quot;"})}"' for k, v in element.items()
    )
    if name in _VOID and len(element) == 0 and not element.text:
        parts.append(f"<{name}{attrs} />")
    else:
        parts.append(f"<{name}{attrs}>")
        parts.append(escape(element.text or ""))
        for child in element:
            _serialize(child, parts)
        parts.append(f"</{name}>")
    parts.append(escape(element.tail or ""))


def _attr_name(key: str) -> str:
    if key.startswith("{"):
        namespace, _, local = key[1:].partition("}")
        if namespace == "http://www.w3.org/XML/1998/namespace":
            return "xml:" + local
        return local
    return key.lower()


def attributes(el: etree._Element) -> dict[str, str]:
    """Attributes as feedparser keys them: lower-case, canonical prefixes, rel/type lowered."""
    found: dict[str, str] = {}
    for name, value in el.items():
        if name[0] == "{":
            namespace, _, local = name[1:].partition("}")
            prefix = PREFIXES.get(namespace.lower(), "")
            name = f"{prefix}:{local}" if prefix else local
        name = name.lower()
        found[name] = value.lower() if name in ("rel", "type") else value
    return found


def is_web_url(value: str) -> bool:
    """Whether ``value`` is written as an absolute http(s) URL."""
    return value.lstrip()[:8].lower().startswith(("http://", "https://"))
