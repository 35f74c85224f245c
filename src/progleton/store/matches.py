"""Where a search matched a text: the words to mark in a headline or a snippet.

A search finds a word's other forms (:mod:`.query`: plurals, verb forms, Snowball stems, the
Arabic and Hebrew article, the Arabic spellings), and the indexes fold accents and Arabic: the
words to mark are those, not the query as typed ("injuries" marks "injury", "مدينة" marks
"بالمدينة", "احمد" marks "أحمد", "cafe" marks "Café"). A text is read here as the indexes
read it: words of letters and digits, a word's combining marks inside it, lower-cased, Latin
and Greek accents and Arabic folded. A query answered by substring match (:mod:`.unspaced`)
marks its terms wherever they occur, as that search finds them.

Pure functions of plain strings; the spans are character offsets into the text as given.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..scripts import ARABIC_MARKS, fold_arabic
from .query import parse_query
from .unspaced import search_terms, wants_substring_search

# a word as the indexes cut one out: letters and digits with their combining marks; the "_"
# this class takes in is cut out again by _words (a class without it is twice as slow)
_WORD = re.compile(rf"[\w\u0300-\u036f{ARABIC_MARKS}]+")
_WORD_PART = re.compile("[^_]+")
SNIPPET_WORDS = 24  # words of text a snippet shows around its matches (both databases)
_CONTEXT_BEFORE = 4  # of them, before its first match where the text has them


def _key(word: str) -> str:
    """``word`` as both indexes compare it: lower-cased, Arabic folded, and accents off a
    Latin or Greek letter ("Café" is "cafe", as SQLite's remove_diacritics and unaccent read
    it; "й" stays "й", which SQLite keeps)."""
    word = fold_arabic(word.lower())
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFD", word)
    kept = [c for i, c in enumerate(decomposed)
            if not ("\u0300" <= c <= "\u036f" and i and decomposed[i - 1] < "\u0400")]
    return unicodedata.normalize("NFC", "".join(kept))


@dataclass(frozen=True)
class Matcher:
    """What a query matches in a text: whole words, word beginnings (stems), phrases (words
    in a row), or, for a query answered by substring match, substrings."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    substrings: tuple[str, ...] = ()

    def spans(self, text: str, words: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int]]:
        """The (start, end) of every match in ``text`` (whose :func:`_words` may be given),
        in order, overlapping ones joined."""
        found = [span for term in self.substrings for span in _occurrences(text, term)]
        if self.words or self.prefixes or self.phrases:
            found += self._word_spans(_words(text) if words is None else words)
        return _joined(found)

    def _word_spans(self, words: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        found = [(start, end) for start, end, key in words
                 if key in self.words or key.startswith(self.prefixes)]
        keys = [key for _, _, key in words]
        for phrase in self.phrases:
            n = len(phrase)
            found += [(words[i][0], words[i + n - 1][1]) for i in range(len(words) - n + 1)
                      if keys[i] == phrase[0] and tuple(keys[i:i + n]) == phrase]
        return found


def _words(text: str) -> list[tuple[int, int, str]]:
    keys: dict[str, str] = {}  # a news text says its words again and again
    out = []
    for match in _WORD.finditer(text):
        word = match.group()
        if "_" in word:
            out += [(match.start() + part.start(), match.start() + part.end(), _key(part.group()))
                    for part in _WORD_PART.finditer(word)]
            continue
        key = keys.get(word)
        if key is None:
            key = keys[word] = _key(word)
        out.append((match.start(), match.end(), key))
    return out


def _occurrences(text: str, term: str) -> list[tuple[int, int]]:
    spans = []
    start = text.find(term)
    while start >= 0:
        spans.append((start, start + len(term)))
        start = text.find(term, start + len(term))
    return spans


def _joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


@lru_cache(maxsize=256)
def matcher(query: str) -> Matcher:
    """What ``query`` (the words of a search, filters taken out) matches; the ``-excluded``
    terms match nothing, as they are in no hit."""
    if wants_substring_search(query):
        return Matcher(substrings=tuple(search_terms(query)[0]))
    parsed = parse_query(query)
    words: set[str] = set()
    prefixes: list[str] = []
    phrases: list[tuple[str, ...]] = []
    for term in (t for group in parsed.must for t in group):
        keys = tuple(map(_key, term.words))
        if len(keys) > 1:
            phrases.append(keys)
            continue
        words.update(map(_key, term.alternatives))
        if term.prefix:
            prefixes.append(_key(term.prefix))
    return Matcher(frozenset(words), tuple(prefixes), tuple(phrases))


def snippet(text: str, query: str, *, start: str = "\x02", stop: str = "\x03") -> str:
    """The :data:`SNIPPET_WORDS` words of ``text`` that hold the most of the query's matches
    (of the most different words, the earliest first), "…" where the text goes on, every
    match between ``start`` and ``stop``; the text's first words when nothing matches."""
    words = _words(text)
    if not words:
        return ""
    spans = matcher(query).spans(text, words)
    first = _best_window(words, spans)
    last = min(first + SNIPPET_WORDS, len(words)) - 1
    begin = words[first][0] if first else 0  # the text's own first and last marks too
    end = words[last][1] if last < len(words) - 1 else len(text)
    out, at = [], begin
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, begin), min(span_end, end)
        if span_start < span_end:
            out += [text[at:span_start], start, text[span_start:span_end], stop]
            at = span_end
    out.append(text[at:end])
    return ("…" if first else "") + "".join(out) + ("…" if last < len(words) - 1 else "")


def _best_window(words: list[tuple[int, int, str]], spans: list[tuple[int, int]]) -> int:
    """The index of the first word of the window to show."""
    if not spans:
        return 0
    starts = [w[0] for w in words]
    matched = sorted({bisect.bisect_right(starts, span[0]) - 1 for span in spans})
    best, best_score = 0, (-1, -1)
    for index in matched:
        first = max(0, index - _CONTEXT_BEFORE)
        inside = matched[bisect.bisect_left(matched, first):bisect.bisect_left(matched, first + SNIPPET_WORDS)]
        score = (len({words[i][2] for i in inside}), len(inside))
        if score > best_score:
            best, best_score = first, score
    return best
