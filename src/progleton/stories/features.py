"""What an article says, as features: words, names, numbers and dates.

Pure functions over text. Feature keys carry a kind prefix so one document-frequency table
serves them all:

- ``w:<stem>``   a content word of the text (stop words dropped, plurals folded);
- ``t:<stem>``   a content word of the title (titles name the event more tightly than bodies);
- ``n:<name>``   a capitalised phrase (person, place, organisation), lower-cased; in Thai, Lao
  and Khmer, which have no capitals, the words after a marker of their kind (:mod:`.markers`);
- ``d:<number>`` a number, a year or a "month day" date.

The text is read in parts: its tokens and shingles (:mod:`.tokens`), its language's stop words
and stems (:mod:`.languages`), its names (:mod:`.names`); how the article writes a key, for
showing it, is :mod:`.forms`. Their public functions are also importable from here.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .forms import name_forms, word_forms
from .languages import MONTHS, STOP_WORDS, Language, content_words, language, stem, text_language
from .names import PHRASE_MARK, PHRASE_PREFIX, is_name, names, names_of, repeated_phrases
from .tokens import shingles, tokens

__all__ = [
    "MONTHS",
    "PHRASE_MARK",
    "PHRASE_PREFIX",
    "STOP_WORDS",
    "ArticleFeatures",
    "Language",
    "article_features",
    "content_words",
    "is_name",
    "language",
    "name_forms",
    "names",
    "number_value",
    "numbers_and_dates",
    "repeated_phrases",
    "shingles",
    "stem",
    "text_language",
    "tokens",
    "word_forms",
]


@dataclass(frozen=True)
class ArticleFeatures:
    """The counted features of one article, before weighting."""

    counts: dict[str, float]
    names: tuple[str, ...]  # distinct names, in order of first mention
    words: int  # content words in the text (a short text gives weaker evidence)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_DATE = re.compile(
    # the lookahead lets the engine skip most positions before trying the alternatives
    r"\b(?=[a-z0-9])(?:(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})\b|(\d{1,2})\s+("
    + "|".join(MONTHS)
    + r")\b)",
    re.IGNORECASE,
)


def numbers_and_dates(text: str) -> list[str]:
    """Numbers (years, magnitudes, tolls) and "month day" dates, normalised."""
    return _numbers_and_dates(text, _NUMBER.findall(text))


def _numbers_and_dates(text: str, numbers: Iterable[str]) -> list[str]:
    found = []
    for match in _DATE.finditer(text):
        month = (match.group(1) or match.group(4)).lower()
        day = int(match.group(2) or match.group(3))
        found.append(f"{month} {day}")
    found.extend(map(number_value, numbers))
    return found


# Thousands grouped by a comma ("300,000", English) or a point ("300.000", German, Spanish,
# French ...): the same number either way. The first group never starts with 0 ("0.125").
_GROUPED = re.compile(r"[1-9]\d{0,2}(?:(?P<sep>[.,])\d{3})(?:(?P=sep)\d{3})*")


def number_value(written: str) -> str:
    """A number as a feature, the same however a language writes it: "300,000" and "300.000"
    are 300000, a lone decimal comma ("6,8" in German, Spanish, French ...) is "6.8" as in
    English, "1.234,5" and "1,234.5" are "1234.5"; anything else (dates, versions: "12.05.2013")
    keeps its points."""
    if _GROUPED.fullmatch(written):
        return str(int(written.replace(",", "").replace(".", "")))
    comma = written.rfind(",")
    if comma > written.rfind(".") and written.count(",") == 1:
        whole = written[:comma]
        if whole.isdecimal() or _GROUPED.fullmatch(whole):
            return f"{int(whole.replace('.', '').replace(',', ''))}.{written[comma + 1:]}"
    value = written.replace(",", "")
    return value if "." in value else str(int(value))


def article_features(title: str, text: str, *, title_weight: float = 2.0) -> ArticleFeatures:
    """Count an article's words, title words, names and numbers as feature keys."""
    # One scan of each part: the tokens' numbers are exactly what _NUMBER
    # find (no token spans the break between title and text).
    title_tokens, text_tokens = tokens(title), tokens(text)
    lang = language(text_language(text, text_tokens) if text_tokens else text_language(title))
    content_stem = lang.content_stem
    counts: defaultdict[str, float] = defaultdict(float)
    words = [w for w in map(content_stem, text_tokens) if w]
    for w in words:
        counts["w:" + w] += 1
    for w in map(content_stem, title_tokens):
        if w:
            counts["t:" + w] += title_weight
    all_tokens = [*title_tokens, ".", *text_tokens]
    found = names_of(title, text, all_tokens, lang)
    for n in found:
        counts["n:" + n] += 1
    if not found:  # a script without capitals, or a text that names no one
        for phrase in repeated_phrases(all_tokens, content_stem):
            counts[PHRASE_PREFIX + phrase] += 1
    # decimal digits only: "¹" is a digit to isdigit() but not a number to int()
    numbers = [t for t in all_tokens if t[0].isdecimal()]
    for d in _numbers_and_dates(title + ".\n" + text, numbers):
        counts["d:" + d] += 1
    distinct = tuple(dict.fromkeys(n for n in found))
    return ArticleFeatures(counts=dict(counts), names=distinct, words=len(words))
