"""A user's search query, parsed once for both databases, and the word forms a word also finds.

The query language: words (every one must match; ``AND`` between them changes nothing),
"phrases", ``OR`` between two terms, and ``-excluded`` terms (or ``NOT excluded``). A bare word also finds its other forms: "earthquake" finds "earthquakes",
"injuries" finds "injury", "gunmen" finds "gunman", "collide" finds "collided" and "colliding", and a Russian or Greek word every word of its stem ("Листвянка" finds
"Листвянки", "Листвянке"); an Arabic or Hebrew word finds it with and without the definite
article written onto it ("مدينة" finds "المدينة" and "المدينة" "مدينة"; "עיר" finds "העיר"),
and an Arabic word the other spellings of its last letter ("مدرسه" finds "مدرسة", "مصري"
"مصرى"); "-opinion" leaves out "opinions" too. Arabic is read without the hamza on an alef, its
vowel marks and tatweel, on both sides (``scripts.fold_arabic``: the indexes hold it so).
A quoted word or phrase matches as written. Anything else in the input is dropped, so no query is ever a syntax error. Each
database renders the parsed query in its own syntax (``sqlite.fts_query``,
``postgres.tsquery``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from ..scripts import ARABIC, ARABIC_MARKS, CYRILLIC, GREEK, HEBREW, fold_arabic, snowball

# A word's Arabic vowel marks are part of it (Python's \w has none of them): "مُحَمَّد" is one word
_WORD = re.compile(rf"[\w{ARABIC_MARKS}]+", re.UNICODE)
_TOKEN = re.compile(r'-?"[^"]*"|\S+')
_LATIN = re.compile(r"[a-zà-öø-ÿ]+")

# English-like plurals ("-s", "-es", "-ies") serve English and most languages written in Latin
# letters (Spanish, French, Portuguese, Italian nouns add "-s" or "-es" too); a form no text
# uses costs nothing. Words that end in "s" without being plurals keep their "s".
_NOT_PLURAL = frozenset(
    "news series species means always perhaps towards afterwards whereas was has does goes gas "
    "lens bias atlas canvas chaos yes this thus its his hers ours yours theirs".split()
)
_SIBILANT = ("s", "x", "z", "ch", "sh")
# English plurals no ending rule gives, as singular -> plural; news words first ("children",
# "crises", "gunmen", "lives"). Listed, not derived: "omen" is no plural of "oman".
_IRREGULAR = dict(
    pair.split("/")
    for pair in """child/children man/men woman/women foot/feet tooth/teeth goose/geese
    mouse/mice ox/oxen crisis/crises analysis/analyses thesis/theses diagnosis/diagnoses
    hypothesis/hypotheses criterion/criteria phenomenon/phenomena
    life/lives wife/wives knife/knives leaf/leaves wolf/wolves thief/thieves half/halves
    shelf/shelves self/selves calf/calves loaf/loaves chairman/chairmen chairwoman/chairwomen
    spokesman/spokesmen spokeswoman/spokeswomen gunman/gunmen policeman/policemen
    policewoman/policewomen fireman/firemen congressman/congressmen congresswoman/congresswomen
    businessman/businessmen businesswoman/businesswomen fisherman/fishermen
    serviceman/servicemen servicewoman/servicewomen militiaman/militiamen countryman/countrymen
    sportsman/sportsmen cameraman/cameramen alderman/aldermen""".split()
)
_IRREGULAR_SINGULAR = {plural: singular for singular, plural in _IRREGULAR.items()}
_MIN_PREFIX = 4  # a shorter stem would find too many words


@dataclass(frozen=True)
class Term:
    """One term of a query: a word or a phrase, matched as written, and for a bare word its
    other forms (matched as written) and the stem every word of which it also finds."""

    words: tuple[str, ...]  # lower-cased, Arabic folded (scripts.fold_arabic); a phrase when more than one
    forms: tuple[str, ...] = ()
    prefix: str | None = None

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The term's own word and its other forms (a single word only)."""
        return (self.words[0], *self.forms) if len(self.words) == 1 else ()


@dataclass(frozen=True)
class Query:
    must: tuple[tuple[Term, ...], ...]  # every group must match: any one term of it
    must_not: tuple[Term, ...]


def parse_query(query: str) -> Query:
    """The terms of ``query``; see the module docstring."""
    must: list[tuple[Term, ...]] = []
    must_not: list[Term] = []
    pending_or = pending_not = False
    for raw in _TOKEN.findall(query):
        if raw == "OR":
            pending_or = bool(must)
            continue
        if raw == "AND":  # every word must match anyway
            continue
        if raw == "NOT":
            pending_not = True
            continue
        negate = raw.startswith("-") or pending_not
        pending_not = False
        quoted = raw.lstrip("-").startswith('"')
        words = tuple(w.lower() for w in _WORD.findall(raw))
        if not words:
            continue
        term = _term(words[0]) if len(words) == 1 and not quoted else Term(tuple(map(fold_arabic, words)))
        if negate:
            must_not.append(term)
        elif pending_or:
            must[-1] = (*must[-1], term)
        else:
            must.append((term,))
        pending_or = False
    return Query(tuple(must), tuple(must_not))


@lru_cache(maxsize=1024)
def _term(typed: str) -> Term:
    word = fold_arabic(typed)
    forms: list[str] = []
    prefix = None
    if CYRILLIC.search(word):
        prefix = snowball("russian")(word)
    elif GREEK.search(word):
        prefix = snowball("greek")(word)
    elif _LATIN.fullmatch(word):
        forms = _plural_forms(word) + _verb_forms(word)
    elif ARABIC.search(word):
        forms = _arabic_forms(typed)
    elif HEBREW.search(word):
        forms = _article_forms(word, _HEBREW_ARTICLE, _HEBREW_LEAST)
    if prefix is not None and (len(prefix) < _MIN_PREFIX or prefix == word):
        prefix = None
    return Term((word,), tuple(f for f in forms if f != word), prefix)


def _plural_forms(word: str) -> list[str]:
    """The singular of a plural, or the plurals of a singular."""
    if word in _IRREGULAR:
        return [_IRREGULAR[word]]
    if word in _IRREGULAR_SINGULAR:
        return [_IRREGULAR_SINGULAR[word]]
    if len(word) < 3 or word in _NOT_PLURAL:
        return []
    if word.endswith("ies") and len(word) > 4:
        return [word[:-3] + "y"]
    if word.endswith("es") and word[:-2].endswith(_SIBILANT):
        return [word[:-2]]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return [word[:-1]]
    if word.endswith(_SIBILANT):
        return [word + "es"]
    if word.endswith("y") and word[-2] not in "aeiou":
        return [word[:-1] + "ies"]
    return [word + "s"]


# Arabic and Hebrew write the definite article onto the word ("المدينة", the city; "העיר"), and
# often a conjunction or preposition before it ("والمدينة", and the city; "بالمدينة", in the
# city; "للمدينة", to the city, the article's alif dropped; "והעיר"). Both indexes keep such a
# word whole, so a word finds those forms of it, and a word with the bare article (the first
# form) finds itself without it. Only where the word left has _LEAST letters or more: Arabic
# "الله" is not "له" (for him), and Hebrew's ה begins many words of its own ("הר", mountain).
# The word as written is always matched too: a ה that is the word's own costs a few extra hits.
_ARABIC_ARTICLE = ("ال", "وال", "بال", "فال", "كال", "لل")
_ARABIC_LEAST = 3
_HEBREW_ARTICLE = ("ה", "וה")
_HEBREW_LEAST = 2


def _without_article(word: str, article: tuple[str, ...], least: int) -> str:
    if word.startswith(article[0]) and len(word) - len(article[0]) >= least:
        return word[len(article[0]):]
    return word


def _article_forms(word: str, article: tuple[str, ...], least: int) -> list[str]:
    """``word`` without the definite article and with it, in each of its ``article`` forms."""
    bare = _without_article(word, article, least)
    if len(bare) < least:
        return []
    return [form for form in (bare, *(a + bare for a in article)) if form != word]


# Arabic letters a word may end in either way, as a text or a reader writes them. A final ه is
# often typed for teh marbuta, its dots left off ("مدرسه" for "مدرسة", school): a word ending in
# ه also finds it with ة. Not the other way round: ه is also "his" written onto a word, and a
# search for "عملة" (currency) must not find every "عمله" (his work). Egyptian spelling leaves
# the dots off a final ya ("مصرى" for "مصري", Egyptian; "الذى"), and readers put them on an
# alef maqsura ("مستشفي" for "مستشفى", hospital): a word ending in either finds both, where four
# letters or more are left without the article. Shorter words ending so are other words
# ("على", on, and "علي", Ali; "إلى", to, and "إلي", to me; "لدى" and "لدي").
_TEH_MARBUTA, _HEH, _YEH, _ALEF_MAQSURA = "\u0629", "\u0647", "\u064a", "\u0649"
_DOTLESS_YA_LEAST = 4
_HAMZA_ALEFS = "\u0622\u0623\u0625"  # آ أ إ


def _arabic_forms(typed: str) -> list[str]:
    """The forms of ``typed`` (:func:`.scripts.fold_arabic`: as the index holds it) with and
    without the definite article, each with the other spelling of its last letter where it has
    one. An alef written with a hamza or madda begins a word of its own ("ألمانيا", Germany; "إلهام",
    a name), never the article: such a word keeps its "ال" (it would find "مانيا", mania, and
    "هام", important)."""
    word = fold_arabic(typed)
    bare = word if typed[:1] in _HAMZA_ALEFS else _without_article(word, _ARABIC_ARTICLE, _ARABIC_LEAST)
    forms = [word]
    if len(bare) >= _ARABIC_LEAST:
        forms += [bare, *(a + bare for a in _ARABIC_ARTICLE)]
    last = word[-1]
    if last == _HEH and len(bare) >= _ARABIC_LEAST:
        forms += [form[:-1] + _TEH_MARBUTA for form in forms]
    elif last in (_YEH, _ALEF_MAQSURA) and len(bare) >= _DOTLESS_YA_LEAST:
        forms += [form[:-1] + (_ALEF_MAQSURA if last == _YEH else _YEH) for form in forms]
    return list(dict.fromkeys(form for form in forms if form != word))


_VOWELS = "aeiou"


def _verb_forms(word: str) -> list[str]:
    """A base verb's past and -ing forms ("collide" finds "collided", "colliding"; "carry"
    "carried"; "stop" "stopped" as well as "stoped": a form no text uses costs nothing). Only
    forward: "united" finding "unit" would be wrong, so a past form finds itself and its plural
    forms only (and forms of it no text uses). A word of three letters gets only the doubled
    forms of one that ends consonant, vowel, consonant ("ban" "banned", "win" "winning"):
    "the" must not find "thing"."""
    if len(word) < 3 or word in _NOT_PLURAL or word.endswith("s"):
        return []
    if len(word) == 3:
        if word[0] not in _VOWELS and word[1] in _VOWELS and word[2] not in _VOWELS + "wxy":
            return [word + word[-1] + "ed", word + word[-1] + "ing"]
        return []
    if word.endswith("ee"):
        return [word + "d", word + "ing"]
    if word.endswith("ie"):
        return [word + "d", word[:-2] + "ying"]
    if word.endswith("e"):
        return [word + "d", word[:-1] + "ing"]
    if word.endswith("y") and word[-2] not in _VOWELS:
        return [word[:-1] + "ied", word + "ing"]
    forms = [word + "ed", word + "ing"]
    if word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and word[-3] not in _VOWELS:
        forms += [word + word[-1] + "ed", word + word[-1] + "ing"]  # "stopped", "planning"
    return forms


def render(query: Query, *, word: Callable[[str], str], phrase: Callable[[tuple[str, ...]], str],
           prefix: Callable[[str], str], any_of: str, all_of: str, but_not: str) -> str:
    """``query`` in a database's syntax: how it writes a word, a phrase, a prefix, and its
    operators for "any of" (between parentheses), "all of" and "but not". "" when nothing must
    match."""

    def term(t: Term) -> str:
        if len(t.words) > 1:
            return phrase(t.words)
        parts = [word(w) for w in t.alternatives] + ([prefix(t.prefix)] if t.prefix else [])
        return parts[0] if len(parts) == 1 else "(" + any_of.join(parts) + ")"

    groups = [term(g[0]) if len(g) == 1 else "(" + any_of.join(map(term, g)) + ")" for g in query.must]
    if not groups:
        return ""
    return all_of.join(groups) + "".join(but_not + term(t) for t in query.must_not)
