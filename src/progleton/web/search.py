"""Search results on the page: headlines with the words the search matched marked. The query
language and its filters are :mod:`progleton.searching`'s (:meth:`Progleton.find`), what a
search matches :mod:`progleton.store.matches`'."""

from __future__ import annotations

from markupsafe import Markup, escape

from ..store.matches import matcher


def mark_matches(text: str, query: str) -> Markup:
    """``text`` escaped, with every word that ``query`` (a search's words, filters taken out)
    matched in it wrapped in <mark> (pure): its other forms, spellings and accents too."""
    out = Markup("")
    last = 0
    for start, end in matcher(query).spans(text):
        out += escape(text[last:start]) + Markup("<mark>") + escape(text[start:end]) + Markup("</mark>")
        last = end
    return out + escape(text[last:])
