"""What an article says, as features: words, names, numbers and dates, word shingles.

Pure functions over text. Feature keys carry a kind prefix so one document-frequency table
serves them all:

- ``w:<stem>``   a content word of the text (stop words dropped, plurals folded);
- ``t:<stem>``   a content word of the title (titles name the event more tightly than bodies);
- ``n:<name>``   a capitalised phrase (person, place, organisation), lower-cased; in Thai, Lao
  and Khmer, which have no capitals, the words after a marker of their kind (:mod:`.markers`);
- ``d:<number>`` a number, a year or a "month day" date.

Names are found without a model: runs of capitalised words, where a single capitalised word at the
start of a sentence counts only if the document also capitalises it elsewhere (so "The", "After"
do not become names).

Text in other languages is read the same way, in its own words (:func:`text_language`): words of
any alphabet, that language's stop words (the PyPI package stop-words) and stems (Snowball,
the PyPI package snowballstemmer), and Chinese and Japanese, written without spaces, as
overlapping pairs of characters. English keeps the word list and plural folding above.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import chain, islice, pairwise
from typing import TypeVar

import snowballstemmer
import stop_words

from ..scripts import (
    CYRILLIC,
    GREEK,
    HANGUL,
    KANA,
    SOUTHEAST_ASIAN,
    UNSPACED_RUN,
    snowball,
    southeast_asian_words,
)
from .markers import marked_names, mentions

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

# A word: letters of any alphabet ([^\W\d_]), with apostrophes and hyphens inside, and the
# combining marks that are part of a written word (Python's \w has none of them): Indic vowel
# signs ("भूकंप" is one word, not four), Arabic and Hebrew vowel points, combining accents.
_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
    "\u0900-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
_LETTERS = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}]|['’\-]+(?=[^\W\d_]))*"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(_LETTERS + r"|\d+(?:[.,]\d+)*|[.!?;:\"“”()。！？]")
# The same for ASCII text, twice as fast (most news in English is ASCII or nearly).
_ASCII_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]|\d+(?:[.,]\d+)*|[.!?;:\"“”()]")
_SENTENCE_BREAK = frozenset(".!?;:。！？")
_RUN_BREAK = frozenset('"“”()')
_DATE = re.compile(
    # the lookahead lets the engine skip most positions before trying the alternatives
    r"\b(?=[a-z0-9])(?:(" + "|".join(MONTHS) + r")\.?\s+(\d{1,2})\b|(\d{1,2})\s+("
    + "|".join(MONTHS)
    + r")\b)",
    re.IGNORECASE,
)
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


def _memo(function: Callable[[str], _T]) -> Callable[[str], _T]:
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
        return _ENGLISH
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

    return Language(name, _memo(content_stem), _memo(name_word), stops)


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
    ("hebrew", re.compile("[\u0590-\u05ff]")),
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


def _content_stem_of(word: str) -> str:
    if not word[0].isalpha():
        return ""  # a number or a mark (from :data:`_TOKEN`)
    stemmed = stem(word.lower())
    return stemmed if len(stemmed) > 1 and stemmed not in STOP_WORDS else ""


_content_stem = _memo(_content_stem_of)


def content_words(text: str) -> list[str]:
    """The stems of the words that carry content (no stop words, no one-letter words), in the
    text's own language."""
    found = tokens(text)
    # each distinct word is folded once (news repeats its words; the cache is bounded)
    return [w for w in map(language(text_language(text, found)).content_stem, found) if w]


def names(text: str) -> list[str]:
    """Capitalised phrases (people, places, organisations), lower-cased, in order of mention; in
    a script without capitals, the words that a marker of their kind goes before (Thai
    "จังหวัด", province, before "เชียงใหม่")."""
    found = tokens(text)
    return _names_of("", text, found, language(text_language(text, found)))


def _names_of(title: str, text: str, tokens_: list[str], lang: Language) -> list[str]:
    """Each mention of a name in the tokens of the title and text."""
    if _capitalises(title, text):
        return _names(tokens_, lang)
    # A script without capitals (Chinese, Korean, Arabic, Hindi, Thai ...): its few Latin
    # acronyms ("SNS", "KBS") are not the people and places a name would be. Thai, Lao and
    # Khmer write before a name what kind of name it is (:mod:`.markers`).
    both = title + "\n" + text
    if SOUTHEAST_ASIAN.search(both) is None:
        return []
    found = marked_names(both, lang.content_stem)
    return mentions(found, [lang.content_stem(t) if t[0].isalpha() else "" for t in tokens_])


def _names(tokens: list[str], lang: Language) -> list[str]:
    name_word = lang.name_word
    capitalised_inside = _capitalised_mid_sentence(tokens)
    lower_words = frozenset([t for t in tokens if t[0].islower()])
    # English stop words end a run already (:func:`_token_kind`); so do another language's
    # ("Der", "Les", "В" heading a sentence or a title are not part of a name)
    stops = frozenset() if lang is _ENGLISH else lang.stop_words
    common = _common_nouns(tokens, name_word) if lang.name in _NOUN_CAPITALS else frozenset()
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    tokens = [*tokens, "."]
    for token, kind in zip(tokens, map(_token_kind, tokens), strict=True):
        if kind == _BREAK:
            if run:
                found.extend(_close_run(run, capitalised_inside, lower_words, name_word, common))
                run = []
            sentence_start = token in _SENTENCE_BREAK or (sentence_start and token in _RUN_BREAK)
            continue
        if kind == _CAPITALISED and not (stops and token.lower() in stops):
            run.append(token if run or not sentence_start else "^" + token)
        elif run:
            found.extend(_close_run(run, capitalised_inside, lower_words, name_word, common))
            run = []
        sentence_start = False
    return found


# Languages that capitalise every noun: a capitalised word there is a name only when the text
# gives no sign of a common noun (:func:`_common_nouns`).
_NOUN_CAPITALS = frozenset({"german"})
# What heads a German noun phrase: articles, determiners, possessives, and a preposition
# fused with an article ("am Montag", "zum Bahnhof"). Names of people and places go without
# ("in Augsburg", "sagte Merkel").
_GERMAN_DETERMINERS = frozenset(
    "der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner "
    "keines dieser diese dieses diesem diesen jener jene jenes jenem jenen jeder jede jedes "
    "jedem jeden alle allen aller welcher welche welches mein meine meinen meinem meiner dein "
    "deine sein seine seinen seinem seiner seines ihr ihre ihren ihrem ihrer ihres unser unsere "
    "unseren unserem unserer euer eure euren eurem eurer viele vielen mehrere mehreren "
    "einige einigen beide beiden am im zum zur vom beim ins ans aufs ums durchs".split()
)
# A number counts things, as a determiner does ("zwei Verletzte", "80 Reisende"); declined
# adjectives may stand between either and its noun ("ein schwerer Unfall").
_GERMAN_ADJECTIVE_ENDINGS = ("e", "en", "er", "es", "em")
_GERMAN_NUMBER_WORDS = frozenset(
    "zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig hundert tausend".split()
)
# Places named with an article ("die Ukraine", "der Iran"): a closed list. Acronyms ("die USA",
# "der ADAC") are told by their capitals.
_GERMAN_PLACES_WITH_ARTICLE = frozenset(
    "ukraine schweiz türkei slowakei mongolei iran irak jemen libanon sudan kongo niger tschad "
    "vatikan niederlande philippinen malediven bahamas krim arktis antarktis".split()
)
# Endings that make abstract nouns, and that names of people and places do not have
# ("Digitalisierung", "Sicherheit", "Kooperation", "Qualität").
_GERMAN_NOUN_ENDINGS = tuple(
    e + plural
    for e in ("ung", "heit", "keit", "schaft", "tion", "tät", "ismus", "nis")
    for plural in ("", "en", "se", "s")
)


def _common_nouns(tokens: list[str], name_word: Callable[[str], str]) -> frozenset[str]:
    """The name keys of the capitalised words a German text uses mostly as common nouns: at
    least half their mentions follow a determiner or a number, possibly with declined adjectives
    between ("der Regionalzug", "am Montagmorgen", "einem schweren Unfall", "80 Reisende"), or
    end as abstract nouns do ("Entgleisung"). Half, not once: "…, in der Merkel" may open a
    relative clause."""
    mentions: Counter[str] = Counter()
    after_determiner: Counter[str] = Counter()
    for i, token in enumerate(tokens):
        if (
            not token[0].isupper()
            or token.isupper()
            or token.lower() in _GERMAN_DETERMINERS
            or token.lower() in _GERMAN_PLACES_WITH_ARTICLE
        ):
            continue
        key = name_word(token)
        mentions[key] += 1
        if len(token) > 5 and token.lower().endswith(_GERMAN_NOUN_ENDINGS):
            after_determiner[key] += 1
            continue
        for before in tokens[max(i - 3, 0) : i][::-1]:
            lowered = before.lower()
            if lowered in _GERMAN_DETERMINERS or lowered in _GERMAN_NUMBER_WORDS or (
                before[0].isdecimal()
            ):
                after_determiner[key] += 1
                break
            if not (before[0].islower() and lowered.endswith(_GERMAN_ADJECTIVE_ENDINGS)):
                break
    return frozenset(k for k, n in after_determiner.items() if 2 * n >= mentions[k])


_BREAK, _CAPITALISED, _OTHER = 0, 1, 2


def _token_kind_of(token: str) -> int:
    """Whether a token ends a run of capitalised words, may be part of one, or is another word.
    A possessive is read as its word: "Wednesday's" is no more a name than "Wednesday"."""
    if token in _RUN_BREAK or token in _SENTENCE_BREAK or not token[0].isalpha():
        return _BREAK
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if token[0].isupper() and word not in _NAME_STOP:
        return _CAPITALISED
    return _OTHER


_token_kind = _memo(_token_kind_of)


def _capitalised_mid_sentence(tokens: list[str]) -> frozenset[str]:
    previous = chain(["."], tokens)  # each token's predecessor: one longer than the tokens
    return frozenset(
        {t for p, t in zip(previous, tokens, strict=False) if t[0].isupper() and p not in _SENTENCE_BREAK}
    )


def _close_run(
    run: list[str],
    capitalised_inside: frozenset[str],
    lower_words: frozenset[str],
    name_word: Callable[[str], str],
    common: frozenset[str] = frozenset(),
) -> list[str]:
    if not run:
        return []
    if run[0].startswith("^"):
        first = run[0][1:]
        # A sentence-initial word is a name if the text capitalises it elsewhere too, or if a
        # capitalised word follows it ("Tara Reid has...") and the text never writes it lower-case.
        keep = first in capitalised_inside or (len(run) > 1 and first.lower() not in lower_words)
        run = [first, *run[1:]] if keep else run[1:]
    words = [w for w in map(name_word, run) if w]
    if not words:
        return []
    phrase = " ".join(words)
    if common and name_word(run[-1]) in common:
        # a common noun alone is no name; in a phrase ("Deutsche Bahn", "Bahnhof Gersthofen")
        # the phrase is kept, but not its last word alone
        return [phrase] if len(words) > 1 else []
    # A long phrase is also found by its last word ("Tara Reid" -> "reid"), as later mentions do;
    # not when that word is what names of its kind end in ("Hadley Province", "Kestrel Falls",
    # "Port Alder Council"): alone, it would tie two provinces, two councils together.
    if len(words) > 1 and words[-1] not in _GENERIC_HEADS:
        return [phrase, words[-1]]
    return [phrase]


def _name_word_of(word: str) -> str:
    word = word.lower().replace("’", "'")
    if "'" in word and not word.endswith("'s"):
        return ""  # I'm, I've, O'... contractions are not names
    word = stem(word) if len(word) > 4 else word.strip("'")
    return word if len(word) > 1 else ""


_name_word = _memo(_name_word_of)

# The last words that say what kind of place or body a name is, read as name words are
# (stemmed): alone, each names nothing in particular ("the Province", "the Council", "the
# Times" cited by two reports of two events).
_GENERIC_HEADS = frozenset(filter(None, map(_name_word_of, """
    province provinces region county district state states city town village township borough
    prefecture oblast territory republic kingdom federation union emirates islands island isle
    river lake falls mountains mountain mount hills valley bay coast sea ocean gulf peninsula
    desert forest canyon park street road avenue square bridge airport station port harbour
    harbor university college school academy hospital council party court ministry department
    office agency authority commission committee association federation league cup club team
    united city council police army navy church cathedral museum stadium arena centre center
    hall house company group bank corporation inc ltd airlines news times post
""".split())))


_ENGLISH = Language("english", _content_stem, _name_word, STOP_WORDS)


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


def _capitalises(title: str, text: str) -> bool:
    """Whether the text is written in a script with capitals: most of its letters have a case
    (on the extraction corpus's real pages, 96% and more in Latin, Cyrillic or Greek scripts;
    19% and less in Korean and Japanese, counting their Latin words). The first 400 characters
    tell: a loop over them costs about 30 µs, over 2,000 about 170."""
    sample = (title + " " + text)[:400]
    if sample.isascii():
        return True
    letters = cased = 0
    for c in sample:
        if c.isalpha():
            letters += 1
            cased += c.isupper() or c.islower()
    return 2 * cased >= letters


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
    found = _names_of(title, text, all_tokens, lang)
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


# A script without capitals shows no names (:func:`_capitalises`). What stands in for them there,
# and in a text that names no one, is the phrases an article repeats: two content words in a row
# (no stop word or mark between) that its title and text write at least twice ("chiang mai",
# "mae rim", "ellen degeneres", "academy award"). They are counted among the names, marked, so
# that whatever needs real names (the choice of model, the names shown to readers) can tell them
# apart.
PHRASE_MARK = "~"
PHRASE_PREFIX = "n:" + PHRASE_MARK


def repeated_phrases(tokens_: list[str], content_stem: Callable[[str], str]) -> list[str]:
    """Each mention of a pair of adjacent content words that the tokens hold at least twice."""
    pairs = []
    previous = ""
    for token in tokens_:
        word = content_stem(token) if token[0].isalpha() else ""
        if word and previous:
            pairs.append(previous + " " + word)
        previous = word
    counted = Counter(pairs)
    return [pair for pair in pairs if counted[pair] >= 2]


def is_name(feature: str) -> bool:
    """Whether a feature key is a name, written with capitals or after its marker (not a
    repeated phrase)."""
    return feature[0] == "n" and not feature.startswith(PHRASE_PREFIX)


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



def name_forms(keys: Iterable[str], title: str, text: str) -> dict[str, str]:
    """How the article writes each name key (as :func:`names` gives them: lower-cased, plural
    and possessive endings folded): "kestrel fall" -> "Kestrel Falls". For showing names to
    readers; a key the text does not write capitalised is left out."""
    both = title + "\n" + text
    if not _capitalises(title, text):  # names told by their markers (Thai), keyed as words are
        return _written_forms(list(keys), both, capitalised=False)
    found = {}
    missed = []
    for key in keys:
        match = _name_pattern(key).search(both)
        if match:
            found[key] = match.group(1)
        else:
            missed.append(key)
    if missed:  # a language whose stems are not the words' starts ("Иркутске" -> "иркутск")
        found.update(_written_forms(missed, both, capitalised=True))
    return found


def word_forms(keys: Iterable[str], title: str, text: str) -> dict[str, str]:
    """How the article writes each word stem (as ``w:``/``t:`` features give them) or phrase of
    stems (:func:`repeated_phrases`): "injury" -> "injuries", "школ" -> "школы", "ellen
    degenere" -> "ellen degeneres". For showing shared words to readers; a stem the text does
    not use is left out."""
    return _written_forms(list(keys), title + "\n" + text, capitalised=False)


def _written_forms(keys: list[str], text: str, *, capitalised: bool) -> dict[str, str]:
    """The first words (or runs of capitalised words, for names) of ``text`` whose key is one
    of ``keys``, by the text's own language. One pass over the tokens, each folded once."""
    found_tokens = tokens(text)
    lang = language(text_language(text, found_tokens))
    fold = lang.name_word if capitalised else lang.content_stem
    wanted = set(keys)
    longest = max((len(k.split()) for k in wanted), default=1)
    found: dict[str, str] = {}
    folded = [fold(t) if t[0].isalpha() and (t[0].isupper() or not capitalised) else "" for t in found_tokens]
    for i, key in enumerate(folded):
        if not key:
            continue
        for size in range(1, longest + 1):
            run = folded[i : i + size]
            if len(run) < size or not run[-1]:
                break
            phrase = key if size == 1 else " ".join(run)
            if phrase in wanted and phrase not in found:
                found[phrase] = _written_run(found_tokens[i : i + size])
        if len(found) == len(wanted):
            break
    return found


def _written_run(words: list[str]) -> str:
    """Words as the text writes them in a row: with spaces, but none in a script that uses none
    (Thai and its neighbours; Chinese and Japanese, whose overlapping character pairs are
    folded back: "地震", "震发" -> "地震发")."""
    out = words[0]
    for word in words[1:]:
        if UNSPACED_RUN.fullmatch(word) and UNSPACED_RUN.fullmatch(out[-1]) and len(word) == 2:
            out += word[1]
        elif SOUTHEAST_ASIAN.match(word) and SOUTHEAST_ASIAN.match(out[-1]):
            out += word
        else:
            out += " " + word
    return out


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
