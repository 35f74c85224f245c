"""A text's tokens: words of any alphabet, numbers and sentence marks; and its word shingles.

Chinese and Japanese, written without spaces, become overlapping pairs of characters; Thai,
Lao, Khmer and Burmese, their dictionary words (:func:`~progleton.scripts.southeast_asian_words`).
"""

from __future__ import annotations

import re
import unicodedata
from itertools import pairwise

from ..scripts import SOUTHEAST_ASIAN, UNSPACED_RUN, southeast_asian_words

# A word: letters of any alphabet ([^\W\d_]), with apostrophes and hyphens inside, and the
# combining marks that are part of a written word (Python's \w has none of them): Indic vowel
# signs ("भूकंप" is one word, not four), Arabic and Hebrew vowel points, combining accents.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}]|['’\-]+(?=[^\W\d_]))*"
_TOKEN = re.compile(_LETTERS + r"|\d+(?:[.,]\d+)*|[.!?;:\"“”()。！？]")
# The same for ASCII text, twice as fast (most news in English is ASCII or nearly).
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*|[.!?;:\"“”()]")
SENTENCE_BREAK = frozenset(".!?;:。！？")
RUN_BREAK = frozenset('"“”()')
_SHINGLE_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    """Words, numbers and sentence marks, in order. A run of Chinese or Japanese characters
    becomes its overlapping character pairs ("地震发生" -> "地震", "震发", "发生"); a run of Thai,
    Lao, Khmer or Burmese, its dictionary words (:func:`~progleton.scripts.southeast_asian_words`)."""
    if text.isascii():
        return _ASCII_TOKEN.findall(text)
    text = unicodedata.normalize("NFC", text)  # "é" written as e + a combining accent is "é"
    if SOUTHEAST_ASIAN.search(text) is not None:
        out: list[str] = []
        for i, part in enumerate(_SOUTHEAST_ASIAN_SPLIT.split(text)):
            out.extend(southeast_asian_words(part) if i % 2 else _tokens(part))
        return out
    return _tokens(text)


_SOUTHEAST_ASIAN_SPLIT = re.compile(f"({SOUTHEAST_ASIAN.pattern})")  # split, keeping the runs


def _tokens(text: str) -> list[str]:
    """:func:`tokens` of a normalised text that is not all ASCII."""
    # [^\W\d_] also admits numerals that are neither letters nor decimal digits ("½", "²"):
    # not words ("四" is a letter that is also a numeral, and stays)
    found = [t for t in _TOKEN.findall(text) if t[0].isalpha() or t[0].isdecimal() or not t[0].isnumeric()]
    if UNSPACED_RUN.search(text) is None:
        return found
    out: list[str] = []
    for token in found:
        for part, unspaced in _unspaced_parts(token):
            out.extend(map("".join, pairwise(part)) if unspaced and len(part) > 1 else (part,))
    return out


_UNSPACED_SPLIT = re.compile(f"({UNSPACED_RUN.pattern})")  # split, keeping the runs


def _unspaced_parts(token: str) -> list[tuple[str, bool]]:
    """A token cut into runs of unspaced script (True) and the rest (False), in order."""
    if UNSPACED_RUN.search(token) is None:
        return [(token, False)]
    return [(part, UNSPACED_RUN.fullmatch(part) is not None) for part in _UNSPACED_SPLIT.split(token) if part]


def shingles(text: str, size: int = 3) -> list[str]:
    """Overlapping word n-grams of the text (lower-cased), for near-duplicate detection."""
    words = _SHINGLE_WORD.findall(text.lower())
    if not text.isascii() and UNSPACED_RUN.search(text):
        # a run of unspaced script is a phrase: its characters are the shingles' words
        words = [w for word in words for part, unspaced in _unspaced_parts(word)
                 for w in (part if unspaced else (part,))]
    if len(words) < size:
        return [" ".join(words)] if words else []
    return list(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))
