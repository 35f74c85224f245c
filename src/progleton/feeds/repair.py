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
    if codepoint is None:
        return b"&amp;" + reference
    return b"&#%d;" % codepoint
