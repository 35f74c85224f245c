"""Which language a text is written in, and how each language's words become features: its
stop words and stems.

Text in other languages is read the same way as English, in its own words (:func:`text_language`):
words of any alphabet, that language's stop words (the PyPI package stop-words) and stems
(Snowball, the PyPI package snowballstemmer), and Chinese and Japanese, written without spaces,
as overlapping pairs of characters. English keeps its own word list (:data:`STOP_WORDS`) and
plural folding (:func:`stem`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import islice
from typing import TypeVar

import snowballstemmer
import stop_words

from ..scripts import CYRILLIC, GREEK, HANGUL, HEBREW, KANA, UNSPACED_RUN, snowball
from .tokens import tokens

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

_T = TypeVar("_T")


class _Memo(dict[str, _T]):
    """A pure function of a word, remembered: a hit is a dict lookup at C speed (lru_cache's
    bookkeeping cost twice as much, and a text's words are looked up several times each). When
    full it forgets everything, which bounds its memory as lru_cache's maxsize did."""

    def __init__(self, function: Callable[[str], _T], maxsize: int = 1 << 15) -> None:
        super().__init__()
        self._function, self._maxsize = function, maxsize

    def __missing__(self, word: str) -> _T:
        if len(self) >= self._maxsize:
            self.clear()
        value = self[word] = self._function(word)
        return value


def memo(function: Callable[[str], _T]) -> Callable[[str], _T]:
    """``function`` remembered in a :class:`_Memo` (call it as the function)."""
    return _Memo(function).__getitem__


@dataclass(frozen=True)
class Language:
    """How one language's words become features: which are stop words, how they are stemmed."""

    name: str  # as the stop-words package names it ("english", "russian")
    content_stem: Callable[[str], str]  # a token -> its stem, or "" for no content
    name_word: Callable[[str], str]  # a word of a name -> its key form, or "" for none
    stop_words: frozenset[str]


# Languages whose Snowball stemmer serves a close neighbour (no stemmer of their own).
_STEMMER_FOR = {"malaysian": "indonesian"}


# Stop words of languages the stop-words package lacks. Thai: its function words (particles,
# pronouns, auxiliaries, the nominalisers "การ" and "ความ", "ผู้" of "ผู้ว่า" and "ผู้เสียชีวิต",
# which the word breaker cuts off), and the kinds of word the English list holds (day, year,
# the weekdays, said, reported, news, people). Without them two Thai reports of different events
# share a dozen words that no report in another language has, and a young stream weighs them
# as rare.
_OWN_STOP_WORDS = {
    "thai": frozenset(
        """ที่ และ ใน ของ ได้ เป็น มี การ ความ ว่า จาก แล้ว ไม่ จะ ให้ กับ ก็ นี้ นั้น นี่ นั่น อยู่ ไป มา
        ซึ่ง โดย หรือ แต่ เพื่อ ยัง อย่าง เมื่อ ถึง ผู้ กว่า ทั้ง คือ เขา เรา ตาม อีก แห่ง ต่อ ระหว่าง หาก
        ทาง ด้วย เช่น จึง ขึ้น ลง ออก เข้า ไว้ เคย กำลัง ต้อง อาจ ควร คง ทุก บาง หลาย แบบ เพียง เท่านั้น
        ละ ท่าน ตน ตัว ทำ ทำให้ เพราะ ถ้า แม้ รวม สำหรับ เกี่ยวกับ ยังคง รับ กัน ตั้งแต่ จน ก่อน หลัง
        วัน ปี เดือน เวลา ครั้ง จันทร์ อังคาร พุธ พฤหัสบดี ศุกร์ เสาร์ อาทิตย์ วานนี้ วันนี้ เมื่อวาน
        กล่าว ระบุ รายงาน ข่าว เปิดเผย คน""".split()
    ),
}


@cache
def language(name: str) -> Language:
    """The :class:`Language` called ``name`` (stop-words' names, and "thai"; unknown names read
    as English)."""
    stops = _OWN_STOP_WORDS.get(name)
    if name == "english" or (stops is None and name not in stop_words.AVAILABLE_LANGUAGES):
        return ENGLISH
    if stops is None:
        stops = frozenset(_clean_stop_word(w) for w in stop_words.get_stop_words(name))
    algorithm = _STEMMER_FOR.get(name, name)
    stem_word: Callable[[str], str] = str
    if name == "korean":
        stem_word = _korean_stem
    elif algorithm in snowballstemmer.algorithms():
        stem_word = snowball(algorithm)

    def content_stem(word: str) -> str:
        if not word[0].isalpha():
            return ""
        lowered = word.lower()
        if lowered in stops:
            return ""
        stemmed = stem_word(lowered)
        return stemmed if len(stemmed) > 1 or UNSPACED_RUN.match(stemmed) else ""

    def name_word(word: str) -> str:
        lowered = word.lower().strip("'’")
        stemmed = stem_word(lowered) if len(lowered) > 4 else lowered
        return stemmed if len(stemmed) > 1 else ""

    names_inflect = name in _NAMES_INFLECT
    return Language(
        name, memo(content_stem), memo(name_word if names_inflect else english_name_word), stops
    )


# Languages that decline names by case ("Helsingissä", "Путина", "Bucureștiului"), or the
# adjectives inside them ("der Deutschen Bahn", "die Deutsche Bahn"): their names are keyed by
# the language's own stems, as its words are. Every other language writes a name
# as English does, at most with a possessive or plural "s" ("Merkels", "Chiles"), and keys it as
# English does (:func:`english_name_word`), with its accents folded: one place is one key in
# every such language, so a Spanish report of an earthquake in "Valparaíso" shares the name
# with the English reports of "Valparaiso". Stemmed in its own language, the same name had been
# "valparais" in Spanish, "chil" for Chile and "santiag" for Santiago.
_NAMES_INFLECT = frozenset(
    """arabic armenian basque bulgarian croatian czech estonian finnish german greek hindi hungarian
    icelandic irish korean latvian lithuanian nepali persian polish romanian russian serbian
    slovak slovenian tamil turkish ukrainian yiddish""".split()
)


# Latin letters with accents -> their base letters ("á" -> "a", "ç" -> "c"; "ø", "ł", "ß" have
# no decomposition and stay). Only Latin: folding Cyrillic "й" or Hangul would change letters.
_FOLD_LATIN = {
    code: base
    for code in range(0xC0, 0x250)
    if (base := unicodedata.normalize("NFKD", chr(code))[:1]).isascii() and base.isalpha()
    and base != chr(code)
}


# Korean writes its case and topic markers (josa) onto the word before them: "지진이", "지진은",
# "지진으로" are all the earthquake. Snowball has no Korean; the particles are a closed list,
# longest first so that "에서는" goes whole.
_KOREAN_PARTICLES = tuple(
    sorted(
        "은 는 이 가 을 를 의 에 와 과 로 도 만 랑 으로 에서 에게 께서 한테 부터 까지 처럼 보다 "
        "마저 조차 이나 이며 이랑 에는 에도 와의 과의 에서는 에서도 에게서 으로는 으로서 으로써 "
        "까지는 부터는 이라고 라고 이라는 라는 이고".split(),
        key=len,
        reverse=True,
    )
)
_HANGUL_END = re.compile("[\uac00-\ud7af]$")


def _korean_stem(word: str) -> str:
    """A Korean word without the particle written onto it, when at least two syllables remain
    ("엘제이의" -> "엘제이"; "나이", age, stays)."""
    if len(word) > 2 and _HANGUL_END.search(word):
        for particle in _KOREAN_PARTICLES:
            if word.endswith(particle) and len(word) - len(particle) >= 2:
                return word[: -len(particle)]
    return word


def _clean_stop_word(word: str) -> str:
    return word.strip().strip('",').lower()  # some lists are written as quoted, comma-ended words


_NON_LATIN = frozenset(
    "arabic bulgarian chinese greek gujarati hebrew hindi japanese korean persian russian ukrainian".split()
)


@lru_cache(maxsize=1)
def _stop_word_languages() -> dict[str, tuple[str, ...]]:
    """Each stop word of every language the stop-words package has -> the languages using it."""
    table: dict[str, list[str]] = defaultdict(list)
    for name in sorted(set(stop_words.LANGUAGE_MAPPING.values())):
        if name in ("chinese", "japanese"):
            continue  # read by script: their words are not space-separated tokens
        listed = STOP_WORDS if name == "english" else stop_words.get_stop_words(name)
        words = {_clean_stop_word(w) for w in listed}
        if name in _NON_LATIN:
            words = {w for w in words if not w.isascii()}  # stray Latin letters in some lists
        words = {w for w in words if len(w) > 1}  # one letter is as often an initial ("M. D.")
        for word in words:
            table[word].append(name)
    return {word: tuple(names) for word, names in table.items()}


# How many of a text's first tokens are looked up to tell its language, and the fewest stop
# words of the language found there (below that, a text is read as English, as before)...
_LANGUAGE_SAMPLE = 300
_LANGUAGE_MIN_HITS = 2


# ...and the least share of its words they must be: prose in any language is a tenth to a third
# stop words (the real pages of the extraction corpus: 5% and up, lists and schedules included),
# while a page of names or made-up words meets a few by chance (the generated benchmark stream:
# under 4%), and reading those as Turkish or Finnish would fold their words another way.
_LANGUAGE_MIN_SHARE = 0.05


# Cyrillic languages the stop-words package has, told apart by letters only some of them use.
_RUSSIAN_LETTERS = re.compile("[ыэЫЭ]")
_UKRAINIAN_LETTERS = re.compile("[іїєґІЇЄҐ]")


# Scripts that, among the languages the stop-words package has (and Thai), only one language uses.
_SCRIPTS = (
    ("thai", re.compile("[\u0e00-\u0e7f]")),
    ("greek", GREEK),
    ("hebrew", HEBREW),
    ("hindi", re.compile("[\u0900-\u097f]")),
    ("gujarati", re.compile("[\u0a80-\u0aff]")),
    ("korean", HANGUL),
)


def text_language(text: str, tokens_: list[str] | None = None) -> str:
    """The language a text is written in, as stop-words names it ("english", "russian").

    Chinese, Japanese, Greek, Hebrew, Hindi, Gujarati and Korean are told by their script;
    Russian, Ukrainian and Bulgarian by letters only some of them use; the rest by the stop
    words the text uses most (a word that several languages use counts a share to each).
    English on a tie or on too little evidence. On the 181 real pages of the extraction corpus
    (20 not in English) it agrees with py3langid on every one (``benchmarks/languages.py``).
    """
    sample = text[:2000]
    if not sample.isascii():
        unspaced = sum(map(len, UNSPACED_RUN.findall(sample)))
        if unspaced * 3 > len(sample):
            return "japanese" if KANA.search(sample) else "chinese"
        if len(CYRILLIC.findall(sample)) * 3 > len(sample):
            if _UKRAINIAN_LETTERS.search(sample):
                return "ukrainian"
            return "russian" if _RUSSIAN_LETTERS.search(sample) else "bulgarian"
        for name, script in _SCRIPTS:
            if len(script.findall(sample)) * 3 > len(sample):
                return name
    table = _stop_word_languages()
    found = tokens_ if tokens_ is not None else tokens(sample)
    sampled = [t.lower() for t in islice(found, _LANGUAGE_SAMPLE) if t[0].isalpha()]
    hits: defaultdict[str, float] = defaultdict(float)
    for names, count in Counter(map(table.get, sampled)).items():
        if names is not None:
            for name in names:
                hits[name] += count / len(names)
    best = max(hits, key=lambda name: (hits[name], name == "english"), default="english")
    if hits[best] < max(_LANGUAGE_MIN_HITS, _LANGUAGE_MIN_SHARE * len(sampled)):
        return "english"
    return best


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


def _content_stem_of(word: str) -> str:
    if not word[0].isalpha():
        return ""  # a number or a mark (from :data:`.tokens._TOKEN`)
    stemmed = stem(word.lower())
    return stemmed if len(stemmed) > 1 and stemmed not in STOP_WORDS else ""


_content_stem = memo(_content_stem_of)


def content_words(text: str) -> list[str]:
    """The stems of the words that carry content (no stop words, no one-letter words), in the
    text's own language."""
    found = tokens(text)
    # each distinct word is folded once (news repeats its words; the cache is bounded)
    return [w for w in map(language(text_language(text, found)).content_stem, found) if w]


# What French, Italian and Catalan elide onto the word after them ("l'Élysée", "d'Emmanuel
# Macron", "dell'Aquila", "all'ONU"): a name's word behind one is the name's word.
ELIDED = frozenset("l d j qu jusqu lorsqu puisqu dell dall nell sull all coll sant".split())


def english_name_word(word: str) -> str:
    """A word of a name -> its key: lower-cased, accents folded, an elided article cut off
    ("L'Aquila"), possessive and plural "s" dropped from a long word; "" for a contraction or a
    single letter. An Irish "O'" stays ("o'brien")."""
    word = word.lower().replace("’", "'").translate(_FOLD_LATIN)
    before, mark, after = word.partition("'")
    if mark and after and before in ELIDED:
        word = after
    elif before == "o" and after[:2].isalpha():
        return stem(word)  # an Irish name: O'Brien, O'Connor (and O'Brien's)
    if "'" in word and not word.endswith("'s"):
        return ""  # I'm, I've, We're ... contractions are not names
    word = stem(word) if len(word) > 4 else word.strip("'")
    return word if len(word) > 1 else ""


_name_word = memo(english_name_word)

ENGLISH = Language("english", _content_stem, _name_word, STOP_WORDS)
