"""Writing systems that word-based text handling must treat apart, and their words' stems.

Chinese (Han) and Japanese (Han, Hiragana, Katakana) put no space between words: a clause is one
``\\w+`` run. Grouping reads them as character pairs, extraction counts a character as a word,
search matches them as substrings; all three use this one definition.

Korean (Hangul) puts spaces between words, but writes its particles onto them ("화재로", by the
fire; "화재가", the fire as subject): grouping strips them, and search matches Korean as substrings
too, so "화재" finds both. Thai, Lao, Khmer and Burmese put spaces between phrases, not words,
and their vowel and tone marks are not ``\\w`` to Python: grouping cuts their runs into words with
ICU's dictionary word breaker (:func:`southeast_asian_words`), and search matches them as
substrings as well.

Grouping and search also tell Cyrillic and Greek by these ranges, and stem words with one
Snowball stemmer per language (:func:`snowball`); search tells Arabic and Hebrew, whose
definite article is written onto the word, and reads Arabic without the hamza on an alef, its
vowel marks and its stretching (:func:`fold_arabic`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import cache

import snowballstemmer
from icu4py.breakers import WordBreaker

# Hiragana and Katakana, CJK Extension A, CJK Unified Ideographs, CJK Compatibility Ideographs:
# the body of a regular-expression character class.
UNSPACED_CHARS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
UNSPACED_RUN = re.compile(f"[{UNSPACED_CHARS}]+")
KANA = re.compile("[\u3040-\u30ff]")
# Hangul Jamo, Compatibility Jamo and Syllables
HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# Runs of Thai, Lao, Myanmar (Burmese) and Khmer
SOUTHEAST_ASIAN = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+")
CYRILLIC = re.compile("[\u0400-\u04ff]")
GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")
# Arabic (with its Supplement and Extended-A letters) and Hebrew: written with the definite
# article as a prefix of the word ("المدينة", "העיר"), which search matches with and without
ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
HEBREW = re.compile("[\u0590-\u05ff]")

# What search reads alike in Arabic, on both sides of both indexes (see fold_arabic): an alef
# written with a hamza or madda, or a wasla, as a bare alef (أ إ آ ٱ -> ا); and not at all, the
# vowel marks (harakat: fathatan to sukun, the combining madda and hamzas, the dagger alef) and
# the tatweel that stretches a word in a headline ("العـــربية"). All of these lie in
# U+0622-U+0671, which is how the SQL forms of the fold tell text that has none.
ARABIC_ALEFS = "\u0622\u0623\u0625\u0671"
ARABIC_MARKS = "".join(map(chr, range(0x064B, 0x0656))) + "\u0670"
ARABIC_TATWEEL = "\u0640"
_ARABIC_FOLD = str.maketrans(dict.fromkeys(ARABIC_ALEFS, "\u0627") | dict.fromkeys(ARABIC_MARKS + ARABIC_TATWEEL))


@cache
def snowball(algorithm: str) -> Callable[[str], str]:
    """The Snowball stemmer of ``algorithm`` (one of ``snowballstemmer.algorithms()``) as a
    function of a lower-cased word, safe to call from any thread."""
    stemmer, lock = snowballstemmer.stemmer(algorithm), threading.Lock()

    def stem(word: str) -> str:
        with lock:  # a Snowball stemmer keeps the word it works on: one thread at a time
            return str(stemmer.stemWord(word))

    return stem


def fold_arabic(text: str) -> str:
    """``text`` as search indexes and matches it: "أحمد", "إحمد", "آحمد" are "احمد", and
    "مُحَمَّد" is "محمد" (pure). The alef's hamza is the most common variation of Arabic
    spelling, and news text writes it or not; vowel marks are rare and partial (a tanween on
    "أيضاً", a shadda on a name). Teh marbuta and alef maqsura are letters of their own
    (:mod:`.store.query` matches their other spellings at a word's end, from the query)."""
    return text.translate(_ARABIC_FOLD)


def southeast_asian_words(run: str) -> list[str]:
    """The words of a run of Thai, Lao, Khmer or Burmese ("แผ่นดินไหวขนาด" -> "แผ่น", "ดิน",
    "ไหว", "ขนาด"), by ICU's dictionary word breaker (the PyPI package icu4py, which bundles
    ICU and its dictionaries; about 0.1 ms for 1,000 characters), and its numbers ("๖"); spaces,
    punctuation and marks that stand alone are left out."""
    return [word for word in WordBreaker(run, "und") if word[0].isalpha() or word[0].isdecimal()]
