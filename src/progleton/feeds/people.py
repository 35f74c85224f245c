"""The people a feed names: the name in a person as feeds write one.

A person is written as text ("jo@example.org (Jo)", "Jo <jo@example.org>", "Jo") or by
parts (Atom's ``<name>`` and ``<email>``, JSON Feed's ``name`` and ``url``). Only a name
names someone: an address alone, or a link alone, names no one.

feedparser splits a person written as text with an address pattern that ends a domain
after a top-level label of at most four letters: "ed@news.media (Ed)" becomes the address
"ed@news.medi" and the name "a (Ed". The walker reads the text itself (:func:`person_name`);
through the feedparser fallback only feedparser's split is left, and
:func:`feedparser_person_name` mends it where the cut can be seen.

What the fallback cannot do: feedparser keeps only a context's last person as written, so
the others are mended by their shape. Beside an address ending in a four-letter label, a
lone name in the case of that label ("ed@x.info (ed)") cannot be told from the rest of a
cut domain and is dropped, and a lower-case name before a parenthesis ("ann (Bo", from
"ann (b@x.online)") is read as the "email (Name)" form. feedparser also gives an Atom
person a name from the person before it ("A (a" for an <email> alone after
"<name>A</name><email>a@x.media</email>"); that name is kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

_ADDRESS = re.compile(r"[^\s()<>@]+@[^\s()<>@]+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>")
# nothing but an address: "ed@example.org", "mailto:ed@example.org", "<ed@example.org>"
_ONLY_ADDRESS = re.compile(r"[<(]?\s*[^\s()<>@]+@[^\s()<>@]+\s*[>)]?")

# feedparser's split of a person as text, where its pattern cut the domain (the address it
# kept ends in a four-letter label): what it left of the domain (written in the case of the
# label it kept, which tells "a (Ed" from "Ed (ne"), and where it left it.
_CUT_LABEL = re.compile(r"\.([A-Za-z]{4})$")
_CUT_SPLITS = (
    "{rest}",  # "ed@news.example": the rest of the domain alone, no name
    r"{rest}\s+\((?P<name>.*)",  # "ed@news.media (Ed)"
    r"{rest}\s*\)\s*(?P<name>.*)",  # "(ed@news.media) Ed"
    r"(?P<name>.*?)\s*<\s*{rest}\s*>",  # "Ed <ed@news.media>"
    r"(?P<name>.*?)\s*\(\s*{rest}",  # "Ed (ed@news.media)"
)


def person_name(text: str) -> str:
    """The name in a person written as text: "jo@example.org (Jo)", "Jo <jo@example.org>",
    "Jo (jo@example.org)", "Jo"; empty for an address alone (``mailto:`` or not). Text
    without an address is the name as written."""
    if "@" not in text:
        return text.strip()
    name = _EMPTY_BRACKETS.sub("", _ADDRESS.sub("", text)).strip()
    if name[:1] == "(" and name[-1:] == ")":
        name = name[1:-1].strip()
    return name


def is_address(value: str) -> bool:
    """True for a value that is nothing but an e-mail address (``mailto:`` or not)."""
    return _ONLY_ADDRESS.fullmatch(value.strip()) is not None


def feedparser_person_name(person: Mapping[str, Any], written: str | None = None) -> str:
    """The name of a person as feedparser reports it (``name``, ``email``), or "".

    ``written`` is the person as the feed wrote it, where known: feedparser keeps the text
    of a context's last person as its ``author``. Otherwise a name feedparser's address
    pattern garbled is mended where the cut shows ("a (Ed" beside "ed@x.medi" is Ed); see
    the module docstring for what cannot be mended.
    """
    name = str(person.get("name") or "").strip()
    email = str(person.get("email") or "")
    if email and written is not None:
        name = person_name(written)
    elif email and name:
        name = _mended(name, email)
    return "" if is_address(name) else name


def _mended(name: str, email: str) -> str:
    if name[:7].lower() == "mailto:":
        name = name[7:].lstrip()  # the pattern leaves the scheme out of the address
    cut = _CUT_LABEL.search(email)
    if cut:
        label = cut.group(1)
        rest = "[a-z0-9-]+" if label.islower() else "[A-Z0-9-]+" if label.isupper() else r"[\w-]+"
        for split in _CUT_SPLITS:
            found = re.fullmatch(split.format(rest=rest), name)
            if found:
                name = (found.groupdict().get("name") or "").strip()
                break
    if name[:1] == "(" and ")" not in name:
        name = name[1:].strip()
    return name


def feedparser_names(people: Iterable[Any], written: Any = None) -> list[str]:
    """The names of feedparser's ``authors``; ``written`` is the context's ``author``, the
    last person as the feed wrote it when that person was text."""
    people = [p for p in people if isinstance(p, dict)]
    last = len(people) - 1
    text = written if isinstance(written, str) else None
    return [
        name
        for i, p in enumerate(people)
        if (name := feedparser_person_name(p, text if i == last else None))
    ]


def distinct(names: Iterable[str]) -> tuple[str, ...]:
    """The names, each once, in order, stripped, none empty."""
    return tuple(dict.fromkeys(n for name in names if (n := name.strip())))
