"""Search results on the page: titles with the query's words highlighted. The query language
and its filters are :mod:`progleton.searching`'s (:meth:`Progleton.find`)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape


def mark_terms(text: str, terms: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of the terms wrapped in <mark> (pure)."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    out = Markup("")
    last = 0
    for match in pattern.finditer(text):
        out += escape(text[last:match.start()]) + Markup("<mark>") + escape(match.group(0)) + Markup("</mark>")
        last = match.end()
    return out + escape(text[last:])
