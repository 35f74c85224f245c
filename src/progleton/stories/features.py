"""What an article says, as features: words, names, numbers and dates, word shingles.

Pure functions over text. Feature keys carry a kind prefix so one document-frequency table
serves them all:

- ``w:<stem>``   a content word of the text (stop words dropped, plurals folded);
- ``t:<stem>``   a content word of the title (titles name the event more tightly than bodies);
- ``n:<name>``   a capitalised phrase (person, place, organisation), lower-cased;
- ``d:<number>`` a number, a year or a "month day" date.

Names are found without a model: runs of capitalised words, where a single capitalised word at the
start of a sentence counts only if the document also capitalises it elsewhere (so "The", "After"
do not become names).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

STOP_WORDS = frozenset(
    """a about above after again against ago all also although am an and any are aren around as at
    be because been before being below between both but by can cannot could couldn did didn do does
    doesn doing don down during each either else even ever every few for from further get gets got
    had hadn has hasn have haven having he her here hers herself him himself his how however i if in
    into is isn it its itself just least less like ll made make many may me might more most much must
    my myself near neither never new no nor not now of off often on once one only onto or other our
    ours ourselves out over own per put quite rather re really s said same say says she should
    shouldn since so some still such t than that the their theirs them themselves then there these
    they this those though through thus to too told under until up upon us very via was wasn we were
    weren what when where whether which while who whom whose why will with within without won would
    wouldn yet you your yours yourself yourselves mr mrs ms dr according added just week weeks day
    days year years time times monday tuesday wednesday thursday friday saturday sunday today
    yesterday tomorrow last first two three later earlier including reported report reports news
    people 's n't""".split()
)

MONTHS = (
    "january february march april may june july august september october november december".split()
)
_MONTH_SET = frozenset(MONTHS) | frozenset(m[:3] for m in MONTHS) | {"sept"}
_NAME_STOP = (
    STOP_WORDS
    | _MONTH_SET
    | frozenset(
        "a an the he she it we they i his her its our their this that these those in on at by for of to "
        "but and or if as after before when while with from".split()
    )
)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*|[.!?;:\"“”()]")
_SENTENCE_BREAK = frozenset(".!?;:")
_RUN_BREAK = frozenset('"“”()')
_DATE = re.compile(
    # the lookahead lets the engine skip most positions before trying the alternatives
    r"\b(?=[a-z0-9])(?:(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})\b|(\d{1,2})\s+("
    + "|".join(MONTHS)
    + r")\b)",
    re.IGNORECASE,
)
_SHINGLE_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class ArticleFeatures:
    """The counted features of one article, before weighting."""

    counts: dict[str, float]
    names: tuple[str, ...]  # distinct names, in order of first mention
    words: int  # content words in the text (a short text gives weaker evidence)


def stem(word: str) -> str:
    """Fold a lower-cased word to a crude stem: plural and possessive endings only."""
    word = word.replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'-")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1 << 14)
def _content_stem(word: str) -> str:
    if not word[0].isalpha():
        return ""  # a number or a mark (from :data:`_TOKEN`)
    stemmed = stem(word.lower())
    return stemmed if len(stemmed) > 1 and stemmed not in STOP_WORDS else ""


def content_words(text: str) -> list[str]:
    """The stems of the words that carry content (no stop words, no one-letter words)."""
    # each distinct word is folded once (news repeats its words; the cache is bounded)
    return [w for w in map(_content_stem, _WORD.findall(text)) if w]


def names(text: str) -> list[str]:
    """Capitalised phrases (people, places, organisations), lower-cased, in order of mention."""
    return _names(_TOKEN.findall(text))


def _names(tokens: list[str]) -> list[str]:
    capitalised_inside = _capitalised_mid_sentence(tokens)
    lower_words = frozenset(t for t in tokens if t[0].islower())
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    tokens = [*tokens, "."]
    for token, kind in zip(tokens, map(_token_kind, tokens), strict=True):
        if kind == _BREAK:
            if run:
                found.extend(_close_run(run, capitalised_inside, lower_words))
                run = []
            sentence_start = token in _SENTENCE_BREAK or (sentence_start and token in _RUN_BREAK)
            continue
        if kind == _CAPITALISED:
            run.append(token if run or not sentence_start else "^" + token)
        elif run:
            found.extend(_close_run(run, capitalised_inside, lower_words))
            run = []
        sentence_start = False
    return found


_BREAK, _CAPITALISED, _OTHER = 0, 1, 2


@lru_cache(maxsize=1 << 14)
def _token_kind(token: str) -> int:
    """Whether a token ends a run of capitalised words, may be part of one, or is another word."""
    if token in _RUN_BREAK or token in _SENTENCE_BREAK or not token[0].isalpha():
        return _BREAK
    if token[0].isupper() and token.lower() not in _NAME_STOP:
        return _CAPITALISED
    return _OTHER


def _capitalised_mid_sentence(tokens: list[str]) -> frozenset[str]:
    seen = set()
    previous = "."
    for token in tokens:
        if token[0].isupper() and previous not in _SENTENCE_BREAK:
            seen.add(token)
        previous = token
    return frozenset(seen)


def _close_run(
    run: list[str], capitalised_inside: frozenset[str], lower_words: frozenset[str]
) -> list[str]:
    if not run:
        return []
    if run[0].startswith("^"):
        first = run[0][1:]
        # A sentence-initial word is a name if the text capitalises it elsewhere too, or if a
        # capitalised word follows it ("Tara Reid has...") and the text never writes it lower-case.
        keep = first in capitalised_inside or (len(run) > 1 and first.lower() not in lower_words)
        run = [first, *run[1:]] if keep else run[1:]
    words = [_name_word(w) for w in run if _name_word(w)]
    if not words:
        return []
    phrase = " ".join(words)
    # A long phrase is also found by its last word ("Tara Reid" -> "reid"), as later mentions do.
    return [phrase, words[-1]] if len(words) > 1 else [phrase]


@lru_cache(maxsize=1 << 14)
def _name_word(word: str) -> str:
    word = word.lower().replace("’", "'")
    if "'" in word and not word.endswith("'s"):
        return ""  # I'm, I've, O'... contractions are not names
    word = stem(word) if len(word) > 4 else word.strip("'")
    return word if len(word) > 1 else ""


def numbers_and_dates(text: str) -> list[str]:
    """Numbers (years, magnitudes, tolls) and "month day" dates, normalised."""
    return _numbers_and_dates(text, _NUMBER.findall(text))


def _numbers_and_dates(text: str, numbers: Iterable[str]) -> list[str]:
    found = []
    for match in _DATE.finditer(text):
        month = (match.group(1) or match.group(4)).lower()
        day = int(match.group(2) or match.group(3))
        found.append(f"{month} {day}")
    for value in numbers:
        value = value.replace(",", "")
        if "." not in value:
            value = str(int(value))
        found.append(value)
    return found


def article_features(title: str, text: str, *, title_weight: float = 2.0) -> ArticleFeatures:
    """Count an article's words, title words, names and numbers as feature keys."""
    # One scan of each part: _TOKEN's words and numbers are exactly what _WORD and _NUMBER
    # find (no token spans the break between title and text).
    title_tokens, text_tokens = _TOKEN.findall(title), _TOKEN.findall(text)
    counts: defaultdict[str, float] = defaultdict(float)
    words = [w for w in map(_content_stem, text_tokens) if w]
    for w in words:
        counts["w:" + w] += 1
    for w in map(_content_stem, title_tokens):
        if w:
            counts["t:" + w] += title_weight
    tokens = [*title_tokens, ".", *text_tokens]
    found = _names(tokens)
    for n in found:
        counts["n:" + n] += 1
    numbers = [t for t in tokens if t[0].isdigit()]
    for d in _numbers_and_dates(title + ".\n" + text, numbers):
        counts["d:" + d] += 1
    distinct = tuple(dict.fromkeys(n for n in found))
    return ArticleFeatures(counts=dict(counts), names=distinct, words=len(words))


def shingles(text: str, size: int = 3) -> list[str]:
    """Overlapping word n-grams of the text (lower-cased), for near-duplicate detection."""
    words = _SHINGLE_WORD.findall(text.lower())
    if len(words) < size:
        return [" ".join(words)] if words else []
    return list(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))



def name_forms(keys: Iterable[str], title: str, text: str) -> dict[str, str]:
    """How the article writes each name key (as :func:`names` gives them: lower-cased, plural
    and possessive endings folded): "kestrel fall" -> "Kestrel Falls". For showing names to
    readers; a key the text does not write capitalised is left out."""
    both = title + "\n" + text
    found = {}
    for key in keys:
        match = _name_pattern(key).search(both)
        if match:
            found[key] = match.group(1)
    return found


@lru_cache(maxsize=4096)
def _name_pattern(key: str) -> re.Pattern[str]:
    words = []
    for word in key.split():
        # the first letter as written capitalised, the rest in any case ("McDonald", "NASA")
        head, rest = re.escape(word[0].upper()), re.escape(word[1:])
        if len(word) > 3 and word.endswith("y"):
            rest = re.escape(word[1:-1]) + "(?:y|ies)"  # stem() folds "ies" to "y"
        words.append(f"{head}(?i:{rest})(?i:s)?")
    # the phrase, whole words only, without a possessive ending
    return re.compile(r"\b(" + r"\s+".join(words) + r")(?:['’]s)?\b")
