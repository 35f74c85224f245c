"""Names told by the word before them, in scripts without capitals.

Thai, Lao and Khmer show no capitals, so :func:`~.features.article_features` finds no names by
them; and the word breaker gives a place such as "เชียงใหม่" (Chiang Mai) as one word, which is
no repeated phrase either (:func:`~.features.repeated_phrases`). What these languages do write
is what kind of name comes next: "จังหวัดเชียงใหม่" is "province Chiang Mai", "นายสมศักดิ์"
"Mr Somsak". A word after such a marker is a name, and every mention of it in the article
counts as one, as every mention of a capitalised name does.

:data:`MARKERS` is the table, per language, told by its script (:func:`~.features.text_language`
names Thai alone of the three; Lao and Khmer are read as English, without stop words). Only
words that mark a name and little else are listed: Thai "เมือง" (city, but as often "town",
"ตัวเมือง" the town centre) and "เขต" (a Bangkok district, but also "zone", "เขตภัยพิบัติ" a
disaster zone) are not, nor is "บริษัท" (company: its names follow a space, often in Latin
letters, and alone it is "the company"); nor are the common nouns the word breaker cuts off
after a title (:data:`NOT_NAMES`: "นาย|ตำรวจ", a police officer).

How far a name runs depends on what the word breaker knows. Thai provinces and districts are
whole words in ICU's dictionary ("เชียงใหม่", "แม่ริม", "วารินชำราบ"), and Thai writes a verb
straight after them ("จังหวัดสุโขทัยประกาศ", Sukhothai province declared): a place is the one
word after its marker. People's names often are not in the dictionary ("สม|ศักดิ์", Somsak), and
are written with a space after them, before the surname: a person is the words after the title
up to the space, a stop word or another marker, when that comes within :data:`MAX_NAME_WORDS`
(a longer stretch is no name that can be told, and none is taken). Lao and Khmer names are read
the same way, to the space.

Not done: Burmese and Chinese or Japanese write such words after the name ("မန္တလေးမြို့",
Mandalay town; 四川省, 福島県). Burmese has no stop words here to tell where a name starts, and
its word breaker joins names to their markers ("မန္တလေးတိုင်း", Mandalay Region); Chinese and
Japanese are read as overlapping character pairs, where the same characters also end common
words (of the five 市 in the language test's Chinese reports, one follows a name: 城市, city,
twice; 市民, citizens; 市政, municipal).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from ..scripts import SOUTHEAST_ASIAN, southeast_asian_words

MAX_NAME_WORDS = 3


@dataclass(frozen=True)
class NameMarker:
    """A word that stands before a name and says what kind of name it is."""

    word: str  # as the word breaker gives it ("จ." for an abbreviation, with its dot)
    meaning: str  # in English, for readers of the table
    extent: Literal["word", "phrase"]  # the name is one dictionary word, or runs to the space


def _markers(extent: Literal["word", "phrase"], table: str) -> tuple[NameMarker, ...]:
    """Markers written one a line as ``word  meaning``."""
    rows = (line.split(maxsplit=1) for line in table.strip().splitlines())
    return tuple(NameMarker(word, meaning, extent) for word, meaning in rows)


MARKERS: dict[str, tuple[NameMarker, ...]] = {
    "thai": _markers("word", """
        จังหวัด  province
        จ.  province (abbreviated)
        อำเภอ  district
        อ.  district (abbreviated; also อาจารย์, lecturer, before a person)
        กรุง  capital city (กรุงโตเกียว, Tokyo)
    """) + _markers("phrase", """
        ตำบล  subdistrict (not all in the dictionary: "ตำบล|สุ|เทพ")
        ต.  subdistrict (abbreviated)
        แขวง  subdistrict of Bangkok
        นาย  Mr
        นาง  Mrs
        นางสาว  Miss
        น.ส.  Miss (abbreviated)
    """),
    "lao": _markers("phrase", """
        ແຂວງ  province
        ທ້າວ  Mr
    """),
    "khmer": _markers("phrase", """
        ខេត្ត  province
        ស្រុក  district
        ក្រុង  city
        រាជធានី  capital (Phnom Penh)
    """),
}

# Words that the Thai word breaker cuts off after a title, and that make a common noun with it,
# not a name: นายตำรวจ (police officer), นายทหาร (officer), นายแพทย์ (doctor), นายพล (general),
# นายหน้า (broker), นายช่าง (engineer), นางพยาบาล (nurse), นางแบบ (model).
NOT_NAMES = frozenset("ตำรวจ ทหาร แพทย์ พล หน้า ช่าง พยาบาล แบบ".split())

_MARKER = {marker.word: marker for markers in MARKERS.values() for marker in markers}
# An abbreviation that starts a run: one to three Thai consonants, each with its dot ("จ.",
# "น.ส.", and "ส.ต.ต.", a police rank, which is no marker); not the last letter of a word that
# a dot ends.
_ABBREVIATED = re.compile(r"(?<![\u0e00-\u0e7f])((?:[\u0e01-\u0e2e]\.){1,3})")
_RUN = re.compile(rf"(?:{SOUTHEAST_ASIAN.pattern}|\.)+")


def _runs(text: str) -> list[list[str]]:
    """The words of each run of Thai, Lao, Khmer or Burmese between spaces, in order."""
    runs = []
    for match in _RUN.finditer(text):
        words: list[str] = []
        for i, part in enumerate(_ABBREVIATED.split(match.group())):
            words.extend([part] if i % 2 else southeast_asian_words(part))
        if words:
            runs.append(words)
    return runs


def _name(words: list[str], marker: NameMarker, content_stem: Callable[[str], str]) -> tuple[str, ...]:
    """The name at the head of ``words``, the words after ``marker`` in its run, as stems."""
    limit = 1 if marker.extent == "word" else MAX_NAME_WORDS
    name: list[str] = []
    for word in words:
        key = content_stem(word) if word not in _MARKER else ""
        if not key or (not name and key in NOT_NAMES):
            break  # a stop word, another marker: the name ends
        if len(name) == limit:
            return tuple(name) if marker.extent == "word" else ()
        name.append(key)
    return tuple(name)


def marked_names(text: str, content_stem: Callable[[str], str]) -> set[tuple[str, ...]]:
    """The names that a marker of :data:`MARKERS` stands before in ``text``, each as its words'
    stems by ``content_stem`` (a word it gives no stem, a stop word, ends a name). A name that
    the text also writes shorter is that name with the next words ("นายสมศักดิ์ให้การ", Mr
    Somsak testified, beside "นายสมศักดิ์ ทองดี"): the shorter is kept."""
    found = set()
    for run in _runs(text):
        for i, word in enumerate(run):
            marker = _MARKER.get(word)
            if marker is not None and (name := _name(run[i + 1 :], marker, content_stem)):
                found.add(name)
    return {name for name in found if not any(name[:n] in found for n in range(1, len(name)))}


def mentions(names: set[tuple[str, ...]], stems: list[str]) -> list[str]:
    """Each mention of one of ``names`` among a text's word ``stems`` ("" for a mark or a
    number), as the name's words joined by a space."""
    if not names:
        return []
    firsts = {name[0] for name in names}
    return [
        " ".join(name)
        for i, stem in enumerate(stems)
        if stem in firsts
        for name in names
        if tuple(stems[i : i + len(name)]) == name
    ]
