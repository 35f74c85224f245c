"""How an article writes a feature's key, for showing names and shared words to readers:
"kestrel fall" -> "Kestrel Falls", "injury" -> "injuries".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..scripts import SOUTHEAST_ASIAN, UNSPACED_RUN
from .languages import language, text_language
from .names import capitalises, elided_capital
from .tokens import tokens


def name_forms(keys: Iterable[str], title: str, text: str) -> dict[str, str]:
    """How the article writes each name key (as :func:`.names.names` gives them: lower-cased, plural
    and possessive endings folded): "kestrel fall" -> "Kestrel Falls". For showing names to
    readers; a key the text does not write capitalised is left out."""
    both = title + "\n" + text
    if not capitalises(title, text):  # names told by their markers (Thai), keyed as words are
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
    stems (:func:`.names.repeated_phrases`): "injury" -> "injuries", "школ" -> "школы", "ellen
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
    folded = [
        fold(t) if t[0].isalpha() and (t[0].isupper() or not capitalised or elided_capital(t)) else ""
        for t in found_tokens
    ]
    for i, key in enumerate(folded):
        if not key:
            continue
        for size in range(1, longest + 1):
            run = folded[i : i + size]
            if len(run) < size or not run[-1]:
                break
            phrase = key if size == 1 else " ".join(run)
            if phrase in wanted and phrase not in found:
                written = found_tokens[i : i + size]
                if capitalised and elided_capital(written[0]):  # "l'Élysée" -> "Élysée"
                    written = [written[0].replace("’", "'").partition("'")[2], *written[1:]]
                found[phrase] = _written_run(written)
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
