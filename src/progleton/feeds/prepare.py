"""Bytes to safe UTF-8 XML: encoding detection, DOCTYPE neutralization, non-feed detection.

Nothing downstream (lxml or feedparser) ever sees an internal entity declaration: simple
entities are expanded here within a budget (so the quadratic blow-up cannot happen), and
anything else in the internal subset is dropped, with the references to the entities dropped
(a title "Laughs &lol9;" reads "Laughs"; the source says which were dropped). A reference to an
entity that nothing declares, or whose declaration is never read (an external DTD, a parameter
entity), is left out as well when the document is salvaged (:func:`drop_undeclared_references`).
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from feedparser.encodings import convert_to_utf8
from feedparser.exceptions import CharacterEncodingOverride

from progleton.exceptions import FeedParseError

# Total characters that declared-entity expansion may add to a document.
ENTITY_EXPANSION_BUDGET = 1_000_000

NOT_A_FEED_HTML = (
    "not a feed: looks like an HTML page; try `progleton add` on the site to autodiscover its feed"
)

_FIRST_ELEMENT = re.compile(rb"<\w")
_DOCTYPE = re.compile(rb"<!DOCTYPE(?:[^\[>]*?\[.*?\]\s*|[^>]*?)>", re.DOTALL | re.IGNORECASE)
_ENTITY_DECL = re.compile(
    rb"<!ENTITY\s+(%\s+)?([\w.:-]+)\s+(?:\"([^\"]*)\"|'([^']*)'|[^>]*)>", re.DOTALL
)
_SAFE_VALUE = re.compile(rb"^(?:[^&<%\"]|&#\w+;|&(?:amp|lt|gt|quot|apos);)*$")
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.IGNORECASE | re.DOTALL
)
_HTML_BODY = re.compile(rb"<(?:html|head|body)[\s>]", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:\w+:)?(?:rss|feed|RDF|channel)[\s>]", re.IGNORECASE)


@dataclass
class PreparedDocument:
    """A document ready for an XML parser, with what was learned on the way."""

    data: bytes  # UTF-8, XML declaration rewritten, internal subset gone
    encoding: str
    headers: dict[str, str]
    bozo: bool = False
    bozo_exception: Exception | None = None
    version_hint: str = ""  # 'rss091n' when a Netscape DOCTYPE was seen
    entities_neutralized: bool = False
    notes: list[str] = field(default_factory=list)


def normalize_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    """Lower-case header names, as feedparser keeps them."""
    if not headers:
        return {}
    return {str(k).lower(): str(v) for k, v in headers.items()}


_NOT_BLANK = re.compile(rb"[^ \t\r\n\x00\xef\xbb\xbf\xfe\xff]")


def check_not_empty(data: bytes) -> None:
    """Raise FeedParseError for an empty or blank body."""
    # a search stops at the first byte that is not blank; bytes.strip() copies the document
    if not _NOT_BLANK.search(data):
        raise FeedParseError("not a feed: the document is empty")


def looks_like_html_page(data: bytes) -> bool:
    """True when the head of the document is an HTML page rather than a feed."""
    head = data[:4096]
    if _HTML_START.match(head):
        return True
    return bool(_HTML_BODY.search(head)) and not _FEED_ROOT.search(head)


def prepare_xml(data: bytes, headers: dict[str, str]) -> PreparedDocument:
    """Convert to UTF-8 like feedparser (BOM, HTTP charset, XML declaration) and defuse DTDs."""
    result: dict[str, Any] = {}
    utf8 = convert_to_utf8(headers, data, result)
    if (result.get("encoding") or "utf-8").lower() not in _UTF8 and (repaired := _mostly_utf8(data, headers)):
        data, invalid = repaired
        result = {}
        utf8 = convert_to_utf8(headers, data, result)
        result["bozo"] = True
        result["bozo_exception"] = CharacterEncodingOverride(
            f"{invalid} invalid UTF-8 byte sequence{'s' if invalid != 1 else ''} replaced with U+FFFD")
    doc = PreparedDocument(
        data=utf8,
        encoding=result.get("encoding") or "utf-8",
        headers=headers,
        bozo=bool(result.get("bozo")),
        bozo_exception=result.get("bozo_exception"),
    )
    if b"<!" in utf8[:65536]:
        _neutralize_doctype(doc)
    return doc


_UTF8 = ("utf-8", "utf8", "utf_8")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.IGNORECASE)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _mostly_utf8(data: bytes, headers: Mapping[str, str]) -> tuple[bytes, int] | None:
    """``data`` with its invalid UTF-8 replaced (U+FFFD) and how many sequences were, when
    it is declared UTF-8 (or not declared) and its valid multi-byte characters outnumber its
    invalid sequences: one bad byte made feedparser read a whole UTF-8 feed as ISO-8859-2,
    every accent garbled. A document with no valid multi-byte character (Latin-1 declared
    UTF-8) is left to feedparser's fallback, which reads it right."""
    charset = _CHARSET.search(headers.get("content-type", ""))
    declared = _XML_ENCODING.match(data[:1024])
    for name in (charset.group(1) if charset else None, declared.group(1).decode("ascii") if declared else None):
        if name is not None and name.lower() not in _UTF8:
            return None
    text = data.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = len(_NON_ASCII.findall(text)) - invalid
    if invalid <= 0 or valid <= invalid:
        return None
    return text.encode("utf-8"), invalid


def _neutralize_doctype(doc: PreparedDocument) -> None:
    match = _FIRST_ELEMENT.search(doc.data)
    start = match.start() if match else len(doc.data)
    head, body = doc.data[:start], doc.data[start:]
    doctype = _DOCTYPE.search(head)
    if doctype is None:
        return
    if b"netscape" in doctype.group(0).lower():
        doc.version_hint = "rss091n"
    entities, dropped = _safe_entities(doctype.group(0), doc)
    head = head[: doctype.start()] + head[doctype.end() :]
    if dropped and (kept := _drop_references(body, dropped)) != body:
        body = kept
        if not doc.bozo:  # what they stood for is missing from the feed: say so on the source
            doc.bozo = True
            doc.bozo_exception = FeedParseError(
                f"unsafe DOCTYPE declarations dropped ({', '.join(doc.notes[:3])}); their references left out"
            )
    if entities:
        body = _expand_entities(body, entities, doc)
    doc.data = head + body


# The entities XML defines itself: a declaration of one of these changes nothing.
_PREDEFINED = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})


def _safe_entities(doctype: bytes, doc: PreparedDocument) -> tuple[dict[bytes, bytes], set[bytes]]:
    """The declared entities to expand (name -> value), and the names of those dropped (a
    reference to other entities, an external one, a parameter entity)."""
    entities: dict[bytes, bytes] = {}
    dropped: set[bytes] = set()
    for decl in _ENTITY_DECL.finditer(doctype):
        doc.entities_neutralized = True
        parameter, name, value = decl.group(1), decl.group(2), decl.group(3) or decl.group(4)
        if parameter or value is None or not _SAFE_VALUE.match(value):
            doc.notes.append(f"entity {name.decode('utf-8', 'replace')!r} dropped")
            if not parameter and name not in _PREDEFINED:
                dropped.add(name)
            continue
        entities[name] = value
    dropped -= entities.keys()
    return entities, dropped


def _drop_references(body: bytes, names: set[bytes]) -> bytes:
    """``body`` without its references to the entities dropped: what they stood for is not
    shown, rather than the reference as text ("Laughs &lol9;": a billion laughs, or an
    external file's contents)."""
    pattern = re.compile(b"&(?:" + b"|".join(re.escape(n) for n in sorted(names)) + b");")
    return pattern.sub(b"", body)


def _expand_entities(body: bytes, entities: dict[bytes, bytes], doc: PreparedDocument) -> bytes:
    pattern = re.compile(b"&(" + b"|".join(re.escape(n) for n in entities) + b");")
    added = 0
    for found in pattern.finditer(body):
        added += len(entities[found.group(1)])
        if added > ENTITY_EXPANSION_BUDGET:
            doc.bozo = True
            doc.bozo_exception = FeedParseError(
                "entity expansion over budget (possible entity-expansion attack); entities dropped"
            )
            return pattern.sub(b"", body)
    return pattern.sub(lambda m: entities[m.group(1)], body)


# The sections of a document whose "&" is no reference (kept as they are), and a reference to a
# named entity other than XML's own five.
_NAMED_REFERENCE = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|$)|<!--.*?(?:-->|$)|<\?.*?(?:\?>|$)"
    rb"|&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z_:][\w.:-]*);", re.DOTALL)


def is_known_entity(name: str) -> bool:
    """Whether a reference to ``name`` reads as a character without a declaration: XML's own
    five, and HTML's names, which feeds use undeclared (``&nbsp;``; :mod:`.repair` writes
    them as the characters)."""
    return name in html.entities.name2codepoint or f"{name};" in html.entities.html5


def drop_undeclared_references(doc: PreparedDocument) -> list[str]:
    """Leave out of ``doc`` its references to entities nothing declared (by the time this is
    asked, the declarations read are expanded), and return them ("&lol9;"), each once.

    Such a reference stands for text that is not there: an entity of a billion laughs, or of a
    file, declared where it is never read (an external DTD, a parameter entity), or nowhere.
    Kept, it was shown as written ("Laughs &lol9;"); left out, the text reads as a reader would
    want it, and the source says which were. A name in a CDATA section, a comment or a
    processing instruction is text, and stays; HTML's names are characters
    (:func:`is_known_entity`). Marks the document as changed, so that feedparser reads this copy.
    """
    if b"&" not in doc.data:
        return []
    dropped: dict[str, None] = {}

    def drop(found: re.Match[bytes]) -> bytes:
        name = found.group(1)
        if name is None or is_known_entity(text := name.decode("utf-8", "replace")):
            return found.group(0)
        dropped[f"&{text};"] = None
        return b""

    data = _NAMED_REFERENCE.sub(drop, doc.data)
    if dropped:
        doc.data, doc.entities_neutralized = data, True
    return list(dropped)
