"""Reports of reports: the news outlets an article cites, and which of them a story holds.

Much news is relayed: the Moscow Times tells what Japan's prime minister said "according to the
Japan Times", what NATO's head "told Fox News", and what "Bloomberg reported". A crude aggregator
shows such a report as if it were the outlet's own; Progleton names the outlets it cites and,
where the reader follows one of them and its report is in the same story, links the two.

An outlet is told from a person or an office by the way it is cited and by its name: a phrase
of attribution ("according to", "told", "reported", "citing", "laut", "selon", "según",
"сообщает" ...) next to a capitalised name that is a known news organisation (``KNOWN``), ends
in a word that names a publication ("Times", "Post", "News", "Zeitung": ``OUTLET_WORDS``), is
called a newspaper, agency or broadcaster in the sentence, or is the name of an outlet in the
story. "According to police" and "Ishiba told reporters" cite no outlet; "according to Mark
Rutte" names a person, not a publication, and is left out. Pure functions over text.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .types import Article

# Publications and agencies cited by a name that does not say what it is. Lower-case, without
# a leading "the"; a name is also an outlet when its last word before "of" is an OUTLET_WORD.
KNOWN = frozenset({
    "reuters", "bloomberg", "associated press", "ap", "afp", "agence france-presse", "dpa",
    "ansa", "efe", "kyodo", "xinhua", "yonhap", "interfax", "tass", "ria novosti", "ria",
    "ukrinform", "anadolu", "pti", "bernama", "antara", "cna", "nhk", "bbc", "cnn", "npr",
    "pbs", "cbs", "nbc", "abc", "msnbc", "cnbc", "fox", "axios", "politico", "semafor", "vox",
    "vice", "forbes", "fortune", "variety", "deadline", "tmz", "wired", "engadget",
    "techcrunch", "propublica", "newsweek", "the economist", "economist", "the atlantic",
    "atlantic", "the hill", "the intercept", "intercept", "al jazeera", "al arabiya",
    "haaretz", "ynet", "nikkei", "asahi", "yomiuri", "mainichi", "dawn", "bild", "der spiegel",
    "spiegel", "le monde", "le figaro", "figaro", "libération", "el país", "el mundo",
    "corriere della sera", "la repubblica", "la stampa", "folha", "o globo", "kommersant",
    "vedomosti", "meduza", "izvestia", "rbc", "novaya gazeta", "euronews", "dw",
    "deutsche welle", "rfe/rl", "voice of america", "voa", "sky", "itv", "rte", "abc news",
    "cbc", "sbs", "rnz", "stuff", "scmp", "caixin", "yle", "svt", "nrk", "orf", "srf", "rai",
    "тасс", "интерфакс", "риа новости", "рбк", "коммерсант", "коммерсантъ", "ведомости",
    "медуза", "известия", "новая газета",
})

# The word that says a name is a publication: "The Japan Times", "Fox News", "Times of India".
# Not "agency", "network" or "register", which name offices and NGOs as often ("the Environmental
# Protection Agency", "the Syrian Network for Human Rights"): an agency is a news agency by name
# (``KNOWN``), by ``NEWS_AGENCY`` ("Yonhap News Agency") or when the text calls it one.
OUTLET_WORDS = frozenset({
    "times", "post", "news", "journal", "herald", "tribune", "gazette", "telegraph", "guardian",
    "chronicle", "observer", "daily", "radio", "television", "tv", "press", "wire",
    "magazine", "standard", "independent", "mail", "express", "mirror", "globe",
    "bulletin", "courier", "dispatch", "examiner", "inquirer", "sentinel", "monitor",
    "reporter", "insider", "beast", "broadcasting", "channel", "newspaper",
    "zeitung", "allgemeine", "rundschau", "presse", "kurier", "nachrichten", "tagesschau",
    "tagblatt", "diario", "periódico", "noticias", "nouvelles", "gazeta", "gazzetta",
    "corriere", "novosti", "pravda", "вести", "новости", "газета", "правда",
})

# A cited name, capitalised: up to six words, small joining words allowed inside
# ("Times of India", "Corriere della Sera"), a possessive ending it ("CNN's State of ...").
_WORD = r"[A-ZÀ-ÞА-ЯЁ](?:[\w’'&/-]|\.(?=\w))*"  # a name does not run past a full stop
_JOIN = r"(?:of|de|del|della|di|du|des|la|le|el|and|&|for|am|im)"
NAME = rf"(?:{_WORD}(?:[ \t]+(?:{_JOIN}[ \t]+)?{_WORD}){{0,5}})"
_THE = r"(?:(?i:the)\s+|(?:der|die|dem|des|le|la|les|el|los|il|lo)\s+|[ls][’']|(?:a|an)\s+(?:new\s+|recent\s+)?(?:report|story|article|interview|investigation|analysis|poll|survey)\s+(?:by|in|from|with|for)\s+(?:the\s+)?)?"
_KIND = (r"(?:newspaper|daily|weekly|news\s+agency|press\s+agency|news\s+site|website|broadcaster|"
         r"network|magazine|outlet|channel|tabloid|paper|Zeitung|journal|газета|агентство|издание)")

NEWS_AGENCY = frozenset({"news agency", "press agency", "news service", "wire service"})

_CITING = [
    # before the name
    rf"\b(?:[Aa]ccording\s+to|[Rr]eported\s+by|[Cc]iting|[Qq]uoting|[Qq]uoted\s+by|[Tt]old|"
    rf"[Ss]peaking\s+to|[Ii]n\s+an\s+interview\s+with|[Ii]nterviewed\s+by|[Ww]rote\s+in|"
    rf"[Ll]aut|[Ss]elon|[Ss]egún|[Ss]econdo|[Ss]egundo|"
    rf"[Пп]о\s+данным|[Пп]о\s+сообщению|со\s+ссылкой\s+на|[Сс]ообщает|[Сс]ообщил[аио]?|"
    rf"[Пп]ишет|[Пп]ереда[её]т)\s+{_THE}(?P<kind>{_KIND}\s+)?(?P<name>{NAME})",
    # "the daily Kommersant", "news agency Interfax"
    rf"\b(?P<kind>{_KIND})\s+{_THE}(?P<name>{NAME})",
]
_PATTERNS = [re.compile(p) for p in _CITING]
# The name before the verb ("Bloomberg reported"), looked for back from each verb: a pattern
# that starts with the name tries a match at every capitalised word of the text, four times
# the cost of the rest.
_VERB = re.compile(r"\b(?:reported|reports|revealed|quoted|berichtete|berichtet|meldete|a\s+rapporté|"
                   r"rapporte|informó|informa|riferisce|сообщил[аио]?|пишет|передает|передаёт)\b")
_NAME_BEFORE = re.compile(rf"(?P<name>{NAME})(?P<kind>\s+{_KIND})?\s+(?:(?:has|had|first|also|previously)\s+)?$")
_REACH = 160  # characters back from a verb: more than a name of six words and its kind
_POSSESSIVE = re.compile(r"[’']s?\b.*$")
# Capitalised words that start a sentence or follow a name, not outlets: "Another news agency
# quoted", "told the newspaper Wednesday", "Le Parisien Wednesday".
_NOT_NAMES = frozenset("""the a an another this that these those its their his her our some one
    web online
    monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
    january february march april may june july august september october november december
    """.split())
_LEADING_THE = re.compile(rf"^{_THE}", re.I)


@dataclass(frozen=True)
class Citation:
    """An outlet an article cites; ``article_id``: its report in the same story, if any."""

    name: str  # as the article writes it, without a leading "the"
    article_id: int | None = None
    outlet: str | None = None  # that report's outlet, as the reader knows it


def key(name: str) -> str:
    """A name to compare by: lower-case letters and digits, no leading "the"."""
    return re.sub(r"[\W_]+", "", _LEADING_THE.sub("", name.strip()).lower())


def _clean(name: str) -> str:
    words = _POSSESSIVE.sub("", name).strip(" .,;:-").split()
    while words and words[-1].lower() in _NOT_NAMES:
        words.pop()
    if words and words[0] == "The":
        words.pop(0)
    return "" if not words or words[0].lower() in _NOT_NAMES else " ".join(words)


def _is_outlet(name: str, by_kind: bool, known: frozenset[str]) -> bool:
    lowered = " ".join(name.lower().split())
    if by_kind or lowered in KNOWN or key(name) in known:
        return True
    head = re.split(r"\s+(?:of|de|del|della|di|du|des)\s+", lowered)[0].split()
    return bool(head) and (head[-1] in OUTLET_WORDS or head[0] in {"daily", "radio"}
                           or " ".join(head[-2:]) in NEWS_AGENCY)


def cited_names(text: str, *, known: Iterable[str] = ()) -> list[str]:
    """The outlets ``text`` cites, each once, in the order first cited. ``known``: other names
    that are outlets (those the reader follows), compared by :func:`key`."""
    known_keys = frozenset(key(k) for k in known if key(k))
    found: dict[str, tuple[int, str]] = {}
    for position, name, by_kind in _attributions(text):
        k = key(name)
        if k and k not in found and _is_outlet(name, by_kind, known_keys):
            found[k] = (position, name)
    return [name for _, name in sorted(found.values())]


@functools.lru_cache(maxsize=1024)
def _attributions(text: str) -> tuple[tuple[int, str, bool], ...]:
    """Every name cited with a phrase of attribution: where, what, and whether the text calls
    it a newspaper, agency or the like. A 5,000-character report takes about half a
    millisecond, so a story page of fifty reports would spend 27 ms on them each time it is
    shown: kept for the texts seen last (about 5 MB)."""
    out = []
    for match in _matches_in(text):
        if name := _clean(match["name"]):
            out.append((match.start("name"), name, match["kind"] is not None))
    return tuple(out)


def _matches_in(text: str) -> Iterator[re.Match[str]]:
    for pattern in _PATTERNS:
        yield from pattern.finditer(text)
    for verb in _VERB.finditer(text):
        start = max(0, verb.start() - _REACH)
        if start:
            start = text.rfind(" ", 0, start) + 1  # never in the middle of a word
        if (match := _NAME_BEFORE.search(text, start, verb.start())) is not None:
            yield match


def _host_label(url: str) -> str:
    host = url.split("/")[2].split(":")[0].lower() if "://" in url else ""
    parts = [p for p in host.split(".") if p not in {"www", "m", "amp", "edition", "news"}]
    if len(parts) >= 3 and parts[-2] in {"co", "com", "org", "net", "ac", "gov"}:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else (parts[0] if parts else "")


def names_of(article: Article) -> set[str]:
    """The keys an article's outlet goes by: its source's title, site name, and host's name."""
    out = {key(n) for n in (article.source_title, article.site_name) if n}
    label = _host_label(article.url)
    if label:
        out.add(label)
    return {k for k in out if k}


def _matches(name: str, outlet_keys: set[str], *, loose: bool = False) -> bool:
    """Whether ``name`` is an outlet known by ``outlet_keys``: the same name, its initials and
    last word ("New York Times", nytimes.com), or the head of a longer title ("Reuters" for
    "Reuters World News"). ``loose``: also the tail of one ("the Herald" for the Meridian
    Herald), which tells an outlet that names itself, but is too loose to link reports by."""
    k = key(name)
    words = _LEADING_THE.sub("", name).split()
    initials = "".join(w[0] for w in words[:-1]).lower() + key(words[-1]) if len(words) > 1 else k
    return any(k == o or initials == o or (len(k) >= 4 and (o.startswith(k) or (loose and o.endswith(k))))
               for o in outlet_keys)


def citations(article: Article, story_articles: Sequence[Article] = ()) -> list[Citation]:
    """The outlets ``article`` cites, each tied to the earliest report of that outlet in its
    story (``story_articles``) when there is one. Its own outlet is not a citation."""
    others = [a for a in story_articles if a.id != article.id]
    outlets = [(a, names_of(a)) for a in others]
    known = {n for a in others for n in (a.source_title, a.site_name) if n}
    own = names_of(article)
    out = []
    for name in cited_names(article.text or article.summary, known=known):
        if _matches(name, own, loose=True):
            continue
        report = next((a for a, keys in outlets if _matches(name, keys) and a.wire_copy_of is None), None)
        out.append(Citation(name, report.id if report else None, report.outlet if report else None))
    return out


def story_citations(articles: Sequence[Article]) -> tuple[dict[int, list[Citation]], list[tuple[str, int]]]:
    """Per article of a story, what it cites; and the outlets cited, with how many of the
    story's reports cite each, most cited first."""
    per_article = {a.id: citations(a, articles) for a in articles}
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for cited in per_article.values():
        for c in cited:
            shown.setdefault(key(c.name), c.name)
            counts[key(c.name)] += 1
    return per_article, [(shown[k], n) for k, n in counts.most_common()]
