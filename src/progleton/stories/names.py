"""Names in an article (people, places, organisations), and what stands in for them where a
script has no capitals.

Names are found without a model: runs of capitalised words, where a single capitalised word at the
start of a sentence counts only if the document also capitalises it elsewhere (so "The", "After"
do not become names). In Thai, Lao and Khmer, which have no capitals, a name is the words after
a marker of its kind (:mod:`.markers`); in a text that shows no names, the phrases it repeats
stand in for them (:func:`repeated_phrases`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import chain

from ..scripts import SOUTHEAST_ASIAN
from .languages import (
    ELIDED,
    ENGLISH,
    MONTHS,
    STOP_WORDS,
    Language,
    english_name_word,
    language,
    memo,
    text_language,
)
from .markers import marked_names, mentions
from .tokens import RUN_BREAK, SENTENCE_BREAK, tokens

_MONTH_SET = frozenset(MONTHS) | frozenset(m[:3] for m in MONTHS) | {"sept"}
_NAME_STOP = (
    STOP_WORDS
    | _MONTH_SET
    | frozenset(
        "a an the he she it we they i his her its our their this that these those in on at by for of to "
        "but and or if as after before when while with from".split()
    )
)


def capitalises(title: str, text: str) -> bool:
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


def names(text: str) -> list[str]:
    """Capitalised phrases (people, places, organisations), lower-cased, in order of mention; in
    a script without capitals, the words that a marker of their kind goes before (Thai
    "จังหวัด", province, before "เชียงใหม่")."""
    found = tokens(text)
    return names_of("", text, found, language(text_language(text, found)))


def names_of(title: str, text: str, tokens_: list[str], lang: Language) -> list[str]:
    """Each mention of a name in the tokens of the title and text."""
    if capitalises(title, text):
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
    lower_words = frozenset([t for t in tokens if t[0].islower()])
    shortened = _shortened(tokens, lower_words)
    # English stop words end a run already (:func:`_token_kind`); so do another language's
    # ("Der", "Les", "В" heading a sentence or a title are not part of a name)
    stops = frozenset() if lang is ENGLISH else lang.stop_words
    common = _common_nouns(tokens, name_word) if lang.name in _NOUN_CAPITALS else frozenset()
    found: list[str] = []
    run: list[str] = []
    sentence_start = True
    tokens = [*tokens, "."]
    kinds = list(map(_token_kind, tokens))
    for i in shortened:
        if tokens[i] != ".":
            kinds[i] = _CAPITALISED  # an initial: "A" and "I" are no article or pronoun here
            continue
        tokens[i] = _SHORTENING  # "Mr. Brown", "A. J. Smith", "St. Louis", "U.S. Army": no sentence ends
        title = tokens[i - 1]
        if len(title) > 1 and title.lower() not in _PLACE_HEADS:
            kinds[i - 1] = _OTHER  # a title is no part of the name it goes before: "Gov. Sarah Palin"
    # the capitalised words the text writes where no sentence starts (only they begin runs)
    previous = chain(["."], tokens)  # each token's predecessor: one longer than the tokens
    capitalised_inside = frozenset(
        {t for p, t, k in zip(previous, tokens, kinds, strict=False) if k == _CAPITALISED and p not in SENTENCE_BREAK})
    for token, kind in zip(tokens, kinds, strict=True):
        if kind == _BREAK:
            if token is _SHORTENING:
                continue
            if run:
                found.extend(_close_run(run, capitalised_inside, lower_words, name_word, common))
                run = []
            sentence_start = token in SENTENCE_BREAK or (sentence_start and token in RUN_BREAK)
            continue
        if kind == _CAPITALISED and not (stops and _bare(token) in stops):
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
_SHORTENING = "·"  # a point that marks a word short (:func:`_shortened`): it breaks nothing


def _token_kind_of(token: str) -> int:
    """Whether a token ends a run of capitalised words, may be part of one, or is another word.
    A possessive is read as its word: "Wednesday's" is no more a name than "Wednesday"; a name
    behind an elided article or preposition as the name ("l'Élysée", "d'Emmanuel")."""
    if token in RUN_BREAK or token in SENTENCE_BREAK or not token[0].isalpha():
        return _BREAK
    word = token.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if (token[0].isupper() or elided_capital(token)) and word not in _NAME_STOP:
        return _CAPITALISED
    return _OTHER


def _bare(token: str) -> str:
    """A token lower-cased, without what is elided onto it ("C'est" -> "est")."""
    return token.lower().replace("’", "'").rpartition("'")[2]


def elided_capital(token: str) -> bool:
    """Whether a token is a capitalised word behind an elided article or preposition
    (:data:`.languages.ELIDED`: "l'Élysée", "d'Emmanuel")."""
    before, mark, after = token.replace("’", "'").partition("'")
    return bool(mark) and after[:1].isupper() and before.lower() in ELIDED


_token_kind = memo(_token_kind_of)


# Words written short with a point that are not the end of a sentence: titles before a name
# ("Mr. Brown", "Sen. Warren", "Gen. Petraeus", "Dr. Müller", "Sra. Gómez"), which are no part
# of it, and the first word of a place's name ("St. Louis", "Mt. Everest", "Ft. Hood"), which
# is. An initial is too: a single capital ("A. J. Smith", "U.S. Army").
_PLACE_HEADS = frozenset({"st", "mt", "ft"})
_ABBREVIATIONS = _PLACE_HEADS | frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col capt sgt cpl adm cmdr maj brig rev fr sr sra srta
    jr hon pres supt det insp""".split()
)


def _points(tokens: list[str]) -> list[int]:
    """Where the tokens hold a point with a token on either side (found at C speed)."""
    found = []
    i = 0
    try:
        while True:
            i = tokens.index(".", i + 1)
            if i < len(tokens) - 1:
                found.append(i)
    except ValueError:
        return found


def _abbreviated(word: str) -> bool:
    """Whether a point after ``word`` marks it short rather than ending a sentence."""
    return (len(word) == 1 and word.isupper()) or (word[:1].isupper() and word.lower() in _ABBREVIATIONS)


def _shortened(tokens: list[str], lower_words: frozenset[str]) -> frozenset[int]:
    """The positions of initials and of the points that mark words short (:func:`_abbreviated`),
    not sentence ends. A point after an initial ends a sentence all the same when a word the
    text also writes in small letters follows ("... in the U.S. Officials said"): an initial
    may end a sentence, a title never does."""
    found: set[int] = set()
    for i in _points(tokens):
        word, after = tokens[i - 1], tokens[i + 1]
        if not _abbreviated(word):
            continue
        if len(word) == 1:  # an initial
            if not after[:1].isupper() or (len(after) > 1 and after.lower() in lower_words):
                if i - 2 in found:  # the last of several ("the U.S. economy"), its point perhaps an end
                    found.add(i - 1)
                continue
            found.add(i - 1)
        found.add(i)
    return frozenset(found)


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
    if len(run) > 1 and min(map(len, run)) == 1:
        run = _initials_joined(run)
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


def _initials_joined(run: list[str]) -> list[str]:
    """A name's initials written in a row as one word: "U", "S", "Army" -> "US", "Army"; "A",
    "J", "Smith" -> "AJ", "Smith" (each alone is a single letter, no name's word)."""
    out: list[str] = []
    initials = ""
    for word in run:
        if len(word) == 1 and word.isupper():
            initials += word
            continue
        if initials:
            out.append(initials)
            initials = ""
        out.append(word)
    return [*out, initials] if initials else out


# The last words that say what kind of place or body a name is, read as name words are
# (stemmed): alone, each names nothing in particular ("the Province", "the Council", "the
# Times" cited by two reports of two events).
_GENERIC_HEADS = frozenset(filter(None, map(english_name_word, """
    province provinces region county district state states city town village township borough
    prefecture oblast territory republic kingdom federation union emirates islands island isle
    river lake falls mountains mountain mount hills valley bay coast sea ocean gulf peninsula
    desert forest canyon park street road avenue square bridge airport station port harbour
    harbor university college school academy hospital council party court ministry department
    office agency authority commission committee association federation league cup club team
    united city council police army navy church cathedral museum stadium arena centre center
    hall house company group bank corporation inc ltd airlines news times post
""".split())))


# A script without capitals shows no names (:func:`capitalises`). What stands in for them there,
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
