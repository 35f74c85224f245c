"""Who wrote an article: author names from JSON-LD, meta tags and bylines, without their
roles, places and outlet; a desk or role ("Staff reporter") where no person is named.
All functions here are pure and never raise."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lxml.html import HtmlElement

if TYPE_CHECKING:
    from progleton.extract.metadata import PageMetadata

_BYLINE_PREFIX = re.compile(r"^\s*(by|von|par|por|di)\s+", re.IGNORECASE)
MAX_AUTHORS = 8


def clean_author(name: str) -> str | None:
    """A display name from a byline or meta value; None for URLs and junk."""
    name = _BYLINE_PREFIX.sub("", " ".join(name.split())).strip(" ,;:-–—")
    if not name or "://" in name or name.startswith("@") or len(name) > 80:
        return None
    return name


# Between names in one byline: separators, conjunctions, and commas (a comma part that is not a
# person's name is a role, a place or the outlet, and is dropped).
_NAME_SEPARATORS = re.compile(r"\s*(?:[;|·•]|\s(?:and|&|und|et|y|e)\s)\s*", re.IGNORECASE)
# Words of a job title or desk, and of a news organisation's name, in a byline's parts.
_ROLE_WORDS = frozenset(
    "correspondent reporter editor writer chief bureau staff contributor contributing columnist "
    "photographer analyst producer journalist critic desk intern freelance senior special "
    "international political economics science health business sports correspondents editors "
    "reporters writers team newsroom".split()
)
_OUTLET_WORDS = frozenset(
    "press news agency agencies wire media service reuters afp ap dpa ansa efe bloomberg "
    "associated".split()
)
_NAME_PARTICLES = frozenset(
    "van von de da di del der den du la le bin ibn al el dos das ter".split()
)
MAX_NAME_WORDS = 5


def _is_role(part: str, *, outlets: bool = True) -> bool:
    words = {w.lower().strip(".") for w in part.split()}
    vocabulary = _ROLE_WORDS | _OUTLET_WORDS if outlets else _ROLE_WORDS
    return bool(words & vocabulary) or part.lower().startswith(("the ", "in "))


def names_a_role(part: str) -> bool:
    """Whether a byline's part names a desk or role ("Staff reporter", "Sports desk"), not a
    person or an organisation."""
    return _is_role(part, outlets=False)


def _looks_like_a_name(part: str) -> bool:
    """Capitalised words (or words of a script without case), a few of them, no role."""
    words = part.split()
    if len(words) == 1 and len(part) >= 2 and part.lower() == part.upper():
        return True  # a name in a script without spaces or case (Chinese, Japanese)
    if not 2 <= len(words) <= MAX_NAME_WORDS or _is_role(part):
        return False
    return all(
        w[0].isupper() or w[0].lower() == w[0].upper() or w.lower() in _NAME_PARTICLES
        for w in words
    )


def _byline_names(item: str) -> list[str]:
    """The names in one byline or meta value: the first part stays unless it is a role;
    later parts (after a separator or comma) only when they look like a person's name."""
    names: list[str] = []
    for group in _NAME_SEPARATORS.split(_BYLINE_PREFIX.sub("", item)):
        for position, part in enumerate(p.strip() for p in group.split(",")):
            first = not names and position == 0
            # a lone first part may be a wire service ("Reuters"): its word on who wrote it
            if part and (_looks_like_a_name(part) or (first and not _is_role(part, outlets=False))):
                names.append(part)
    return names


def split_authors(raw: list[str]) -> tuple[str, ...]:
    """Distinct cleaned author names, in order, at most ``MAX_AUTHORS``: a byline's people,
    without their roles, places and outlet ("By A and B, Reuters" gives A and B)."""
    seen: dict[str, str] = {}
    for item in raw:
        if "://" in item:
            continue
        for part in _byline_names(" ".join(item.split())):
            name = clean_author(part)
            if name and name.lower() not in seen:
                seen[name.lower()] = name
    return tuple(seen.values())[:MAX_AUTHORS]


def credited_people(raw: list[str], outlets: Iterable[str] = ()) -> tuple[str, ...]:
    """:func:`split_authors` without the outlet's own name: "By Staff reporter, Daily
    Courier" ends with the paper, which a byline-like part after a comma cannot be told from."""
    own = {o.casefold() for o in outlets if o}
    return tuple(a for a in split_authors(raw) if a.casefold() not in own)


def credited_role(raw: list[str], outlets: Iterable[str] = ()) -> str | None:
    """The desk or role a byline or author tag credits where it names no person ("Staff
    reporter", "By Staff, Daily Courier" gives "Staff"), as written: the page's own word on
    who wrote it, where :func:`split_authors` finds no one."""
    own = {o.casefold() for o in outlets if o}
    for item in raw:
        head = _NAME_SEPARATORS.split(_BYLINE_PREFIX.sub("", " ".join(item.split())))[0]
        role = clean_author(head.split(",")[0])
        if role and names_a_role(role) and len(role.split()) <= MAX_NAME_WORDS and role.casefold() not in own:
            return role
    return None


_BYLINE_XPATH = (
    '//*[@rel="author" or @itemprop="author" or contains(@class, "byline")'
    ' or contains(@class, "author-name") or contains(@class, "author__name")'
    ' or @class="author" or contains(@class, "article-author")][not(self::meta)][position() <= 6]'
)


# Where a byline's date begins: a digit, or a word that introduces one.
_BYLINE_DATE = re.compile(
    r"(?:\s|^)(?:updated|published|posted|last\s+modified|aktualisiert|mis\s+à\s+jour)\b|\d",
    re.IGNORECASE,
)
_DATE_WORDS = (
    "on|at|am|le|el|il|january|february|march|april|may|june|july|august|september|october|"
    "november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|"
    "wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun"
)
# Only after a separator or "on": "By Tom March, Sept." keeps March, a surname.
_TRAILING_DATE_WORDS = re.compile(
    rf"(?:\s*[,;|·•–—-]|\s+on)(?:\s+(?:{_DATE_WORDS})\.?)*\s*$", re.IGNORECASE
)
_SEPARATORS = " ,;|·•–—-"


def _byline_without_date(text: str) -> str:
    """A byline cut before its date ("By A, Updated 3 May 2024" gives "By A")."""
    head = _BYLINE_DATE.split(text, maxsplit=1)[0]
    if head == text:
        return text
    return _TRAILING_DATE_WORDS.sub("", head.strip(_SEPARATORS)).strip(_SEPARATORS)


def bylines(tree: HtmlElement) -> list[str]:
    """The texts of byline-like elements (rel/itemprop/class author or byline), short ones
    only, without the date a byline may carry."""
    texts: list[str] = []
    for element in tree.xpath(_BYLINE_XPATH):
        text = _byline_without_date(" ".join(element.text_content().split()))
        if 0 < len(text.split()) <= 12:
            texts.append(text)
    return texts


def byline_authors(tree: HtmlElement, outlets: Iterable[str] = ()) -> tuple[str, ...]:
    """The people the page's bylines name, the outlet's own name (``outlets``) left out."""
    return credited_people(bylines(tree), outlets)


def fallback_authors(tree: HtmlElement, meta: PageMetadata) -> tuple[str, ...]:
    """Who wrote a page whose metadata names no person: the people its bylines name, else the
    desk or role its author tags credit ("Staff reporter"), else the one its bylines credit.
    Never the outlet's own name (the site name): the reader shows the outlet beside it."""
    outlets = [meta.site_name or ""]
    texts = bylines(tree)
    people = credited_people(texts, outlets)
    role = meta.credit or credited_role(texts, outlets)
    return people or ((role,) if role else ())
