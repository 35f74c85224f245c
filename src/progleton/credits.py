"""Whose text a report is: the news agency its dateline or credit line names.

A wire text says whose it is in two conventional places: right after the dateline
("SANTIAGO (Global Wire) -", "WASHINGTON (AP) —", "LONDON, May 3 (Reuters) -") and in a credit
line at its end ("Copyright 2026 The Associated Press. All rights reserved."). The story page
names a wire text by it (:attr:`progleton.explain.Coverage.agency`). Pure functions over text.

A parenthesis after the opening words is a dateline's credit only when it looks like one: the
place before it written in capitals ("SANTIAGO"), or nothing before it, or a known news
organisation inside it ("Washington (CNN) —"); "The Federal Reserve (Fed) — …" credits no one.
"""

from __future__ import annotations

import re

from .citations import KNOWN, key

_KNOWN_KEYS = frozenset(key(k) for k in KNOWN)
# The opening of a text: an optional place (and date), a parenthesis, then a dash or colon.
_DATELINE = re.compile(r"^\W{0,3}(?:(?P<place>[^()\n]{2,60}?)\s+)?\((?P<agency>[^()\n]{2,40})\)\s*(?:[-–—:]|--)\s")
# A credit line: "Copyright 2026 The Associated Press", "© 2026 Reuters", "(c) 2025-2026 AFP".
# "Copyright" needs its year ("the Copyright Office" is no credit); © says it alone. A name's
# word does not run past a full stop ("The Associated Press. All rights reserved.").
_WORD = r"[A-Z](?:[\w&'’-]|\.(?=\w))*"
_CREDIT_LINE = re.compile(
    r"(?:©|\([cC]\)|\bCopyright\s*(?:©|\([cC]\))?(?=\s*\d{4}))\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?"
    rf"(?:[Bb]y\s+)?(?:[Tt]he\s+)?(?P<agency>{_WORD}(?:[ \t]+{_WORD}){{0,4}})"
)
CREDIT_LINE_CHARS = 400  # a credit line closes the text
MAX_AGENCY_WORDS = 5


def _agency_name(name: str) -> str | None:
    """``name`` as an agency's (without a leading "The" or a trailing full stop), or None when
    it does not read as one: capitalised words, a few of them, or a known organisation."""
    name = re.sub(r"^[Tt]he\s+", "", " ".join(name.split())).rstrip(".")
    words = name.split()
    if key(name) in _KNOWN_KEYS:
        return name
    if not 1 <= len(words) <= MAX_AGENCY_WORDS or not all(w[0].isupper() for w in words):
        return None
    return name if any(c.isalpha() for c in name) else None


def dateline_agency(text: str) -> str | None:
    """The agency named right after the text's dateline ("SANTIAGO (Global Wire) - …" gives
    "Global Wire"), or None."""
    found = _DATELINE.match(text[:200])
    if found is None:
        return None
    name = _agency_name(found.group("agency"))
    if name is None:
        return None
    place = (found.group("place") or "").split()
    first = re.sub(r"\W", "", place[0]) if place else ""
    dateline = not place or (len(first) >= 2 and first.isupper()) or key(name) in _KNOWN_KEYS
    return name if dateline else None


def credit_line_agency(text: str) -> str | None:
    """The organisation a credit line at the text's end names ("Copyright 2026 The Associated
    Press. All rights reserved." gives "Associated Press"), or None."""
    lines = list(_CREDIT_LINE.finditer(text[-CREDIT_LINE_CHARS:]))
    return _agency_name(lines[-1].group("agency")) if lines else None  # the last: the text may quote one


def text_credit(text: str) -> str | None:
    """Whom a text credits as its author organisation: its dateline's agency, else its credit
    line's; None when it names neither."""
    return dateline_agency(text) or credit_line_agency(text)
