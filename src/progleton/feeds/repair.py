"""Cheap repairs of the commonest ways real feeds are not well-formed.

Feeds with HTML entities that XML does not define (``&nbsp;``), bare ampersands, or junk
before the XML declaration are frequent; repairing them keeps such feeds on the fast path
(still flagged bozo) instead of feedparser's slow loose parser. The repairs give the
characters feedparser's loose parser would give.
"""

from __future__ import annotations

import html.entities
import re

_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
# CDATA sections are matched (and kept as they are) so that ampersands inside stay literal.
_AMPERSAND = re.compile(
    rb"(<!\[CDATA\[.*?(?:\]\]>|$))|&(#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)?", re.DOTALL
)
_XML_ENTITIES = frozenset({b"amp;", b"lt;", b"gt;", b"quot;", b"apos;"})


def repair_common_errors(data: bytes) -> bytes | None:
    """The document with common well-formedness errors fixed, or None when nothing changed."""
    repaired = _strip_before_declaration(data)
    if b"&" in repaired:
        repaired = _AMPERSAND.sub(_entity, repaired)
    return None if repaired == data else repaired


def _strip_before_declaration(data: bytes) -> bytes:
    """Keep one XML declaration, at the very start (junk before it and repeats removed)."""
    head, rest = data[:4096], data[4096:]
    found = _XML_DECLARATION.search(head)
    if found is None:
        return data
    first = found.group(0)
    later = _XML_DECLARATION.sub(b"", head[found.end() :])
    return first + later.lstrip() + rest


def _entity(found: re.Match[bytes]) -> bytes:
    if found.group(1) is not None:
        return found.group(1)
    reference = found.group(2)
    if reference is None:
        return b"&amp;"
    if reference[0] == ord("#") or reference in _XML_ENTITIES:
        return found.group(0)
    codepoint = html.entities.name2codepoint.get(reference[:-1].decode("ascii"))
    if codepoint is not None:
        return b"&#%d;" % codepoint
    characters = html.entities.html5.get(reference.decode("ascii"))  # HTML 5's own names ("&check;")
    if characters is None:
        return b"&amp;" + reference
    return b"".join(b"&#%d;" % ord(c) for c in characters)


# Numeric references to NUL or to a UTF-16 surrogate: no character a document may hold
# (feedparser's loose parser turns the first into NUL and fails on the second).
_BAD_REFERENCE = re.compile(
    rb"&#(?:0*(?:0|5529[6-9]|55[3-9]\d\d|56\d\d\d|57[0-2]\d\d|573[0-3]\d|5734[0-3])"
    rb"|[xX]0*(?:0|[dD][89a-fA-F][0-9a-fA-F]{2}));"
)


def replace_bad_references(data: bytes) -> bytes:
    """The document with references to NUL or surrogates replaced by U+FFFD."""
    return _BAD_REFERENCE.sub(b"&#xFFFD;", data) if b"&#" in data else data


def clean_text(value: str) -> str:
    """``value`` without NUL characters or lone surrogates (which no database stores)."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def clean_strings(value: object, depth: int = 0) -> object:
    """Every string in a tree of dicts and lists passed through ``clean_text`` (dicts and
    lists are changed in place); trees deeper than 200 levels are cut there."""
    if isinstance(value, str):
        return clean_text(value)
    if depth > 200:
        return None
    if isinstance(value, dict):
        for key, item in list(value.items()):
            value[key] = clean_strings(item, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = clean_strings(item, depth + 1)
    return value
