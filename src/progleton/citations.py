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

import bisect
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
    "медуза", "известия", "новая газета", "espn", "sky sports", "sky news", "the hindu", "hindu",
    "the verge", "ars technica", "mail on sunday", "barron's", "harper's", "l'équipe", "l'express",
    "le parisien", "rtl", "zdf", "ard", "ntv", "rfi", "france 24", "lapresse", "la presse",
    "infobae", "clarín", "la nación", "el universal", "kathimerini", "hürriyet", "ekathimerini",
})
# Companies and offices whose names end like a publication's ("Royal Mail", "Canada Post",
# "American Express", "Emily Post", "the Drought Monitor"): compared by :func:`key`.
NOT_OUTLETS = frozenset({
    "royal mail", "canada post", "deutsche post", "australia post", "new zealand post",
    "american express", "emily post", "drought monitor", "daily show", "post office",
    "news corp", "fox corporation", "the daily show", "medical examiner", "vix", "ocean monitor",
})
# Words that make a name an office, a school or a firm, wherever they stand in it.
_NOT_OUTLET_WORDS = frozenset({
    "university", "college", "school", "county", "department", "ministry", "office", "council",
    "police", "court", "hospital", "corp", "corporation", "inc", "group", "holdings", "bank",
    "coroner", "medical", "service", "services", "institute", "agency",
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
    "reporter", "insider", "beast", "broadcasting", "channel", "newspaper", "shimbun", "star", "online",
    "zeitung", "allgemeine", "rundschau", "presse", "kurier", "nachrichten", "tagesschau",
    "tagblatt", "diario", "periódico", "noticias", "nouvelles", "gazeta", "gazzetta",
    "corriere", "novosti", "pravda", "вести", "новости", "газета", "правда",
})

# A cited name, capitalised: up to six words, small joining words allowed inside
# ("Times of India", "Corriere della Sera"), a possessive ending it ("CNN's State of ...").
_WORD = r"[A-ZÀ-ÞА-ЯЁ](?:[\w’'&/-]|\.(?=\w))*"  # a name does not run past a full stop
_JOIN = r"(?:of|de|del|della|di|du|des|la|le|el|and|&|for|am|im|on)"
NAME = rf"(?:{_WORD}(?:[ \t]+(?:{_JOIN}[ \t]+)?{_WORD}){{0,5}})"
_THE = r"(?:(?i:the)\s+|(?:der|die|dem|des|le|la|les|el|los|il|lo)\s+|[ls][’']|(?:a|an)\s+(?:new\s+|recent\s+)?(?:report|story|article|interview|investigation|analysis|poll|survey)\s+(?:by|in|from|with|for)\s+(?:the\s+)?)?"
_KIND = (r"(?:newspaper|daily|weekly|news\s+agency|press\s+agency|news\s+site|website|broadcaster|"
         r"network|magazine|outlet|channel|tabloid|paper|Zeitung|journal|diario|periódico|agencia|"
         r"cadena|quotidien|hebdomadaire|agence|chaîne|quotidiano|agenzia|jornal|газета|агентство|"
         r"издание)")

NEWS_AGENCY = frozenset({"news agency", "press agency", "news service", "wire service"})

_QUOTE = r"[«“„\"]?"  # "газета «Коммерсантъ»"

_CITING = [
    # before the name
    rf"\b(?:[Aa]ccording\s+to|[Rr]eported\s+by|[Cc]iting|[Qq]uoting|[Qq]uoted\s+by|[Tt]old|"
    rf"[Ss]peaking\s+to|[Ii]n\s+an\s+interview\s+with|[Ii]nterviewed\s+by|[Ww]rote\s+in|"
    rf"[Ll]aut|[Ss]elon|[Ss]egún|[Ss]econdo|[Ss]egundo|"
    rf"[Пп]о\s+данным|[Пп]о\s+сообщению|со\s+ссылкой\s+на|[Сс]ообщает|[Сс]ообщил[аио]?|"
    rf"[Пп]ишет|[Пп]ереда[её]т)\s+{_THE}(?P<kind>{_KIND}\s+)?{_QUOTE}(?P<name>{NAME})",
    # "the daily Kommersant", "news agency Interfax"
    rf"\b(?P<kind>{_KIND})\s+{_THE}{_QUOTE}(?P<name>{NAME})",
]
_PATTERNS = [re.compile(p) for p in _CITING]
# The name before the verb ("Bloomberg reported"), looked for back from each verb: a pattern
# that starts with the name tries a match at every capitalised word of the text, four times
# the cost of the rest.
_VERB = re.compile(r"\b(?:reported|reports|revealed|quoted|berichtete|berichtet|meldete|a\s+rapporté|"
                   r"rapporte|informó|informa|riferisce|сообщил[аио]?|пишет|передает|передаёт)\b")
_NAME_BEFORE = re.compile(rf"(?P<name>{NAME})(?P<kind>\s+{_KIND})?\s+(?:(?:has|had|first|also|previously)\s+)?$")
_REACH = 160  # characters back from a verb: more than a name of six words and its kind
# Capitalised words that start a sentence or follow a name, not outlets: "Another news agency
# quoted", "told the newspaper Wednesday", "Le Parisien Wednesday".
_DETERMINERS = frozenset("the a an another this that these those its their his her our some one".split())
_NOT_NAMES = _DETERMINERS | frozenset("""web
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


@functools.lru_cache(maxsize=8192)
def key(name: str) -> str:
    """A name to compare by: lower-case letters and digits, no leading "the"."""
    return re.sub(r"[\W_]+", "", _LEADING_THE.sub("", name.strip()).lower())


_KNOWN_KEYS = frozenset(key(k) for k in KNOWN)
_NOT_OUTLET_KEYS = frozenset(key(k) for k in NOT_OUTLETS)


_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_TRAILING_POSSESSIVE = re.compile(r"[’']s?$")


def _clean(raw: str) -> str:
    """The outlet's name in a cited phrase: without a leading "The", a weekday before it
    ("Wednesday's Washington Post") or after it ("told CNN on Sunday"), or what follows a
    possessive ("CNN's State of the Union"), unless those make the name ("The Mail on Sunday",
    "Harper's Magazine", "Barron's")."""
    words = raw.strip(" .,;:-").split()
    if words and words[0] in ("The", "THE"):
        words.pop(0)
    if key(" ".join(words)) in _KNOWN_KEYS:
        return " ".join(words)
    if len(words) > 1 and _TRAILING_POSSESSIVE.search(words[0]) and \
            _TRAILING_POSSESSIVE.sub("", words[0]).lower() in _WEEKDAYS:
        words.pop(0)
    for i, word in enumerate(words):
        if len(word) > 2 and _TRAILING_POSSESSIVE.search(word):
            if i == len(words) - 1 or not _head_is_outlet(" ".join(words).lower()):
                words = [*words[:i], _TRAILING_POSSESSIVE.sub("", word)]
                break
    while words and (words[-1].lower() in _NOT_NAMES or words[-1] in ("on", "and", "&", "of")):
        words.pop()
    if not words or words[0].lower() in _DETERMINERS or (len(words) == 1 and words[0].lower() in _NOT_NAMES):
        return ""
    return " ".join(words)


def _head(lowered: str) -> list[str]:
    """The words before "of" ("times" of "times of india"), a hyphenated last word by its last
    part ("post-gazette": "gazette")."""
    head = re.split(r"\s+(?:of|de|del|della|di|du|des)\s+", lowered)[0].split()
    return [*head[:-1], head[-1].rsplit("-", 1)[-1]] if head else []


def _head_is_outlet(lowered: str) -> bool:
    head = _head(lowered)
    return bool(head) and (head[-1] in OUTLET_WORDS or head[0] in {"daily", "radio"})


def _is_outlet(name: str, by_kind: bool, known: frozenset[str]) -> bool:
    lowered = " ".join(name.lower().split())
    k = key(name)
    if k in _NOT_OUTLET_KEYS:
        return False
    if k in _KNOWN_KEYS or k in known or " ".join(_head(lowered)[-2:]) in NEWS_AGENCY:
        return True
    if _NOT_OUTLET_WORDS.intersection(re.split(r"[\s-]+", lowered)):
        return False
    return by_kind or _head_is_outlet(lowered)


def cited_names(text: str, *, known: Iterable[str] = ()) -> list[str]:
    """The outlets ``text`` cites, each once, in the order first cited. ``known``: other names
    that are outlets (those the reader follows), compared by :func:`key`."""
    return _cited(text, frozenset(key(k) for k in known if key(k)))


def _cited(text: str, known_keys: frozenset[str]) -> list[str]:
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


# "American Express reported better-than-expected quarterly earnings": a company reporting its
# results, not a publication reporting news.
_RESULTS = re.compile(r"(?:\W*[\w-]+){0,4}?\W*(?:earnings|revenues?|profits?|loss(?:es)?|sales|results|"
                      r"income|turnover|[£$€¥]\s?\d)", re.IGNORECASE)


def _matches_in(text: str) -> Iterator[re.Match[str]]:
    for pattern in _PATTERNS:
        yield from pattern.finditer(text)
    for verb in _VERB.finditer(text):
        if _RESULTS.match(text, verb.end(), verb.end() + 80):
            continue
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


@functools.lru_cache(maxsize=8192)
def _forms(name: str) -> tuple[str, str]:
    """A cited name's key, and its initials with its last word ("nytimes" for the New York Times)."""
    words = _LEADING_THE.sub("", name).split()
    k = key(name)
    return k, ("".join(w[0] for w in words[:-1]).lower() + key(words[-1]) if len(words) > 1 else k)


def _matches(name: str, outlet_keys: set[str], *, loose: bool = False) -> bool:
    """Whether ``name`` is an outlet known by ``outlet_keys``: the same name, its initials and
    last word ("New York Times", nytimes.com), or the head of a longer title ("Reuters" for
    "Reuters World News"). ``loose``: also the tail of one ("the Herald" for the Meridian
    Herald), which tells an outlet that names itself, but is too loose to link reports by."""
    k, initials = _forms(name)
    return any(k == o or initials == o or (len(k) >= 4 and (o.startswith(k) or (loose and o.endswith(k))))
               for o in outlet_keys)


class _Outlets:
    """A story's reports by the keys their outlets go by, to find a cited outlet's report in
    one look-up (a story page of a hundred reports did a hundred times a hundred comparisons)."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.keys = {a.id: names_of(a) for a in articles}
        self.known = frozenset(key(n) for a in articles for n in (a.source_title, a.site_name) if n and key(n))
        self.report: dict[str, Article] = {}
        for a in articles:  # the earliest report of each outlet that is its own text
            if a.wire_copy_of is None:
                for k in self.keys[a.id]:
                    self.report.setdefault(k, a)
        self.sorted = sorted(self.report)

    def report_of(self, name: str) -> Article | None:
        k, initials = _forms(name)
        found = self.report.get(k) or self.report.get(initials)
        if found is None and len(k) >= 4:  # the head of a longer title
            i = bisect.bisect_left(self.sorted, k)
            if i < len(self.sorted) and self.sorted[i].startswith(k):
                found = self.report[self.sorted[i]]
        return found

    def citations(self, article: Article) -> list[Citation]:
        own = self.keys.get(article.id) or names_of(article)
        out = []
        for name in _cited(article.text or article.summary, self.known - own):
            if _matches(name, own, loose=True):
                continue
            report = self.report_of(name)
            if report is not None and report.id == article.id:
                report = None
            out.append(Citation(name, report.id if report else None, report.outlet if report else None))
        return out


def citations(article: Article, story_articles: Sequence[Article] = ()) -> list[Citation]:
    """The outlets ``article`` cites, each tied to the earliest report of that outlet in its
    story (``story_articles``) when there is one. Its own outlet is not a citation."""
    return _Outlets([a for a in story_articles if a.id != article.id]).citations(article)


def story_citations(articles: Sequence[Article]) -> tuple[dict[int, list[Citation]], list[tuple[str, int]]]:
    """Per article of a story, what it cites; and the outlets cited, with how many of the
    story's reports cite each, most cited first."""
    outlets = _Outlets(articles)
    per_article = {a.id: outlets.citations(a) for a in articles}
    counts: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for cited in per_article.values():
        for c in cited:
            shown.setdefault(key(c.name), c.name)
            counts[key(c.name)] += 1
    return per_article, [(shown[k], n) for k, n in counts.most_common()]
