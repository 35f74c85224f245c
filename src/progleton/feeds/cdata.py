"""Large CDATA sections, lifted out of a document before libxml2 parses it.

libxml2 reads a CDATA section one character at a time: for an RSS feed whose items carry
their HTML in ``<![CDATA[...]]>`` (WordPress and most others), that is about two thirds of
the parse. :func:`lift` replaces each large section with a short marker (text from the
private use area, which the document must not otherwise contain) and keeps the section's
text, as libxml2 would have given it, to be put back where the marker is read.

Only sections libxml2 would accept unchanged are lifted: valid UTF-8 holding only XML
characters. The caller checks that every marker was read back through
:func:`restore`; where one was not (a marker in a comment, an attribute, or read by code
that does not restore), it parses the document again as it is.
"""

from __future__ import annotations

import re

# Short sections (an author, a category) are left in place: they cost libxml2 little, and
# some are read by code that does not restore markers, which would mean parsing twice.
MIN_CHARS = 512

_OPEN = b"<![CDATA["
_MARKER_START = "\ue000"
_MARKER = re.compile("\ue000[0-9]+\ue001")
# What libxml2 rejects in character data: C0 controls but tab, LF and CR; U+FFFE, U+FFFF
# (UTF-8 EF BF BE, EF BF BF). bytes.translate() finds the controls 5 times faster than re.
_CONTROLS = bytes(c for c in range(0x20) if c not in b"\t\n\r")
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def lift(data: bytes) -> tuple[bytes, dict[str, str]] | None:
    """The document with its large CDATA sections replaced by markers, and their texts.

    None when there is nothing to lift (or the document holds the marker character).
    """
    start = data.find(_OPEN)
    if start == -1 or b"\xee" in data:  # the lead byte of the marker character (memchr)
        return None
    parts: list[bytes] = []
    texts: dict[str, str] = {}
    done = 0
    while start != -1:
        end = _close(data, start + 9)
        if end == -1:
            break  # unterminated: libxml2 reports it
        if end - start - 9 >= MIN_CHARS:
            text = _text(data[start + 9 : end])
            if text is not None:
                marker = f"\ue000{len(texts)}\ue001"
                texts[marker] = text
                parts += (data[done:start], marker.encode("utf-8"))
                done = end + 3
        start = data.find(_OPEN, end + 3)
    if not texts:
        return None
    parts.append(data[done:])
    return b"".join(parts), texts


def _close(data: bytes, start: int) -> int:
    # data.find(b"]]>", start), by way of "]" (memchr: rare in text, unlike ">")
    find = data.find
    at = find(b"]", start)
    while at != -1 and data[at : at + 3] != b"]]>":
        at = find(b"]", at + 1)
    return at


def _text(section: bytes) -> str | None:
    # the text libxml2 makes of the section, or None if it would complain about it
    if len(section.translate(None, _CONTROLS)) != len(section):
        return None
    if b"\xef" in section and any(n in section for n in _NONCHARACTERS):
        return None
    try:
        text = section.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:  # XML end-of-line handling
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def restore(value: str, texts: dict[str, str], restored: set[str]) -> str:
    """``value`` with the markers in it replaced by their texts (noted in ``restored``)."""
    text = texts.get(value)
    if text is not None:
        restored.add(value)
        return text

    def put_back(found: re.Match[str]) -> str:
        restored.add(found.group(0))
        return texts[found.group(0)]

    return _MARKER.sub(put_back, value)


def holds_marker(value: str) -> bool:
    """Whether ``value`` may hold a marker (cheap: a str of Latin-1 characters cannot)."""
    return _MARKER_START in value
