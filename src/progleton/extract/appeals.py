"""Generic, single-page boilerplate rules: donation appeals and newsletter prompts.

Appeals and sign-up prompts look alike across publishers ("Dear readers", "please support
us", "Remind me later"), so phrase counts from ``phrases`` are a fair signal even on the
first page of a site, before its ``SiteProfile`` has learned anything. Rules remove whole
blocks: the tightest container that holds the appeal, or a run of sibling paragraphs that
starts like an appeal, so short control lines ("Continue") go with it.

Appeals worded in no list's terms are scored instead (``scored_appeals``): a block or a run of
sibling blocks goes when it asks (support, donate, member...), names what the money is for
(journalism, readers), addresses the reader, and shows one more sign (an amount per period, a
"Maybe later", a listed phrase). A block that reports what someone said is an article's, so
a story about a newspaper's fundraising keeps the appeals it quotes.

Speed matters (every page goes through here): one XPath pass in C finds the text nodes that
carry a phrase; only their ancestors are examined in Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from lxml import etree
from lxml.html import HtmlElement

from progleton.extract import phrases
from progleton.extract.blocks import CONTAINER_TAGS, remove_element, word_count
from progleton.extract.pagekind import count_phrases, normalize

MIN_APPEAL_HITS = 3
MIN_NEWSLETTER_HITS = 3
MAX_APPEAL_WORDS = 400
MAX_APPEAL_SHARE = 0.6  # an appeal is never most of the page
MAX_ANCESTORS = 8
MAX_SIGNUP_WORDS = 60  # a sign-up box around an e-mail field is short  # how far up from a phrase a container is looked for
MAX_RUN_GAP = 2  # prose paragraphs without appeal phrases tolerated inside a run
MAX_RUN_SHORT_WORDS = 12
MAX_RUN_DEPTH = 4  # how far up from an ask word a parent of an appeal's blocks is looked for
APPEAL_STARTERS = (
    "a message from", "dear reader", "dear friend", "dear visitor",
    "liebe leser", "chers lecteurs", "chères lectrices", "queridos lectores", "cari lettori",
    "caros leitores", "beste lezers", "дорогие читатели", "уважаемые читатели",
)
_APPEAL_CONTAINERS = frozenset(CONTAINER_TAGS - {"article", "main", "table", "ul", "ol", "dl"})


_TEXT_NODES = etree.XPath("//text()")
_WORD_TEXT_NODES = etree.XPath("//text()[string-length(normalize-space()) > 1]")


def _phrase_pattern(phrase_list: tuple[str, ...]) -> re.Pattern[str]:
    # the lookahead on first letters lets the regex engine skip most positions at once
    firsts = re.escape("".join(sorted({p[0] for p in phrase_list})))
    alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrase_list)
    return re.compile(f"(?=[{firsts}])(?:{alternatives})")


@dataclass(frozen=True)
class _Phrases:
    """The phrases looked for on a page: every language's, whatever the page declares (a
    declared ``<html lang>`` is often the CMS default, not the language of its appeal)."""

    appeal: tuple[str, ...]
    newsletter: tuple[str, ...]

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any phrase, in lower-case text."""
        return _phrase_pattern(self.appeal + self.newsletter)

    @cached_property
    def appeal_pattern(self) -> re.Pattern[str]:
        """Any appeal phrase, in lower-case text."""
        return _phrase_pattern(self.appeal)

    def hits(self, text: str) -> tuple[int, int]:
        norm = normalize(text)
        return count_phrases(norm, self.appeal), count_phrases(norm, self.newsletter)

    def is_appeal(self, text: str) -> bool:
        appeal, newsletter = self.hits(text)
        return appeal >= MIN_APPEAL_HITS or newsletter >= MIN_NEWSLETTER_HITS


_ALL = _Phrases(phrases.APPEAL_PHRASES, phrases.NEWSLETTER_PHRASES)


def _starter_texts(root: HtmlElement) -> list[etree._ElementUnicodeResult]:
    """Text nodes that start like an appeal ("Dear readers", "Дорогие читатели"): the head of
    each, whitespace collapsed and lower-cased (XPath 1.0 lower-cases only ASCII, and testing
    every node for every starter there cost more than the rest of the appeal rules)."""
    return [t for t in _TEXT_NODES(root) if " ".join(t[:64].split()).lower().startswith(APPEAL_STARTERS)]


def _owner(text_node: etree._ElementUnicodeResult) -> HtmlElement | None:
    element = text_node.getparent()
    if element is not None and text_node.is_tail:
        element = element.getparent()
    return element


def appeal_containers(
    hit_elements: list[HtmlElement], page_words: int, found: _Phrases = _ALL
) -> list[HtmlElement]:
    """The tightest containers above phrase hits that hold an appeal and little else."""
    hits: dict[HtmlElement, tuple[int, int]] = {}
    qualifying: list[HtmlElement] = []
    for start in hit_elements:
        for depth, element in enumerate([start, *start.iterancestors()]):
            if depth > MAX_ANCESTORS:
                break
            if (
                element in hits
                or not isinstance(element.tag, str)
                or element.tag not in _APPEAL_CONTAINERS
            ):
                continue
            text = element.text_content()
            words = word_count(text)
            hits[element] = found.hits(text)
            if words > MAX_APPEAL_WORDS or words > MAX_APPEAL_SHARE * page_words:
                break
            if found.is_appeal(text):
                qualifying.append(element)
    tightest = [
        e for e in qualifying if not any(hits.get(child) == hits[e] for child in e.iterchildren())
    ]
    return [e for e in tightest if not any(a in tightest for a in e.iterancestors())]


def _starter_block(text_node: etree._ElementUnicodeResult) -> HtmlElement | None:
    """The block a starter text opens: climbs out of inline wrappers like <strong>."""
    element = _owner(text_node)
    while element is not None:
        parent = element.getparent()
        if parent is None or parent.tag in CONTAINER_TAGS or (parent.text or "").strip():
            return element
        if parent.index(element) != 0:
            return element
        element = parent
    return None


def appeal_runs(root: HtmlElement, page_words: int, found: _Phrases = _ALL) -> list[HtmlElement]:
    """Runs of sibling blocks that start like an appeal ("A Message from …", "Dear readers")."""
    doomed: list[HtmlElement] = []
    for text_node in _starter_texts(root):
        starter = _starter_block(text_node)
        parent = None if starter is None else starter.getparent()
        if starter is None or parent is None or starter in doomed:
            continue
        children = [c for c in parent if isinstance(c.tag, str)]
        run = _run_from(children[children.index(starter) :], found)
        text = " ".join(c.text_content() for c in run)
        words = word_count(text)
        if (
            found.is_appeal(text)
            and words <= MAX_APPEAL_WORDS
            and words <= MAX_APPEAL_SHARE * page_words
        ):
            doomed.extend(run)
    return doomed


def _run_from(children: list[HtmlElement], found: _Phrases) -> list[HtmlElement]:
    """The starter and what follows up to the last appeal-like block, plus trailing controls."""
    last_hit, gap = 0, 0
    for offset, child in enumerate(children[1:], start=1):
        if any(found.hits(child.text_content())):
            last_hit, gap = offset, 0
        elif word_count(child.text_content()) > MAX_RUN_SHORT_WORDS:
            gap += 1
            if gap > MAX_RUN_GAP:
                break
    end = last_hit + 1
    while end < len(children) and word_count(children[end].text_content()) <= MAX_RUN_SHORT_WORDS:
        end += 1
    return children[:end]


def _word_pattern(entries: tuple[str, ...]) -> re.Pattern[str]:
    """Whole words, or word starts for entries ending in "*" (see ``phrases.APPEAL_ASKS``),
    matched in lower-case text. The lookahead on the first letters lets the regex engine skip
    most positions at once (it made the scored rule ten times faster)."""
    parts = [
        re.escape(entry.removesuffix("*")).replace(r"\ ", r"\s+")
        + (r"\w*" if entry.endswith("*") else r"(?!\w)")
        for entry in entries
    ]
    firsts = re.escape("".join(sorted({entry[0] for entry in entries})))
    return re.compile(rf"\b(?=[{firsts}])(?:{'|'.join(parts)})")


_ASK = _word_pattern(phrases.APPEAL_ASKS)
_CAUSE = _word_pattern(phrases.APPEAL_CAUSES)
_CAUSE_OWN = _word_pattern(phrases.APPEAL_CAUSES_OWN)
_WE = _word_pattern(phrases.PUBLISHER_WE)
_ADDRESS = _word_pattern(phrases.APPEAL_ADDRESS)
_CONTROL = _word_pattern(phrases.APPEAL_CONTROLS)
_MONEY_LEAD = _word_pattern(phrases.APPEAL_MONEY_LEADS)
_REPORTING = _word_pattern(phrases.REPORTING_VERBS)
_AMOUNT = re.compile(
    r"[$€£₴₽]\s?\d|\d\s?(?:[$€£₴₽]|(?:euros?|eur|usd|dollars?|pounds?|грн|гривень|рубл\w*)(?!\w))"
)
# What holds an appeal's blocks (a <p> holds only its own inline parts).
_RUN_PARENTS = frozenset(CONTAINER_TAGS | {"body", "li", "blockquote"})
MAX_CONTROL_WORDS = 6  # "Maybe later", "Remind me in May": a control is a few words
MIN_RUN_SIGNALS = 4  # of ask, cause, address, money, control, phrase
_REQUIRED_SIGNALS = frozenset({"ask", "cause", "address"})
_LEAD_IN_SIGNALS = frozenset({"cause", "money", "phrase"})


@dataclass(frozen=True)
class _Block:
    """One sibling block as the scored appeal rule sees it."""

    element: HtmlElement
    words: int
    signals: frozenset[str]
    reporting: bool  # an article's paragraph: it reports what someone said

    @property
    def appeal_like(self) -> bool:
        return not self.reporting and len(self.signals) >= 2

    @property
    def short_sign(self) -> bool:
        return not self.reporting and bool(self.signals) and self.words <= MAX_RUN_SHORT_WORDS

    @property
    def lead_in(self) -> bool:
        """May open the run before its first appeal-like block: a heading or a sentence
        about the newsroom or the money ("Our journalism stays free because readers pay")."""
        return self.short_sign or (not self.reporting and bool(self.signals & _LEAD_IN_SIGNALS))


def appeal_signals(text: str, words: int) -> frozenset[str]:
    """The kinds of appeal evidence in one block's text (see ``phrases.APPEAL_ASKS``)."""
    text = text.lower()
    found = {kind for kind, pattern in (("ask", _ASK), ("address", _ADDRESS)) if pattern.search(text)}
    if _CAUSE.search(text) or (_CAUSE_OWN.search(text) and _WE.search(text)):
        found.add("cause")
    if _AMOUNT.search(text) and _MONEY_LEAD.search(text):
        found.add("money")
    if words <= MAX_CONTROL_WORDS and _CONTROL.search(text):
        found.add("control")
    if _ALL.appeal_pattern.search(text):
        found.add("phrase")
    return frozenset(found)


def _block(element: HtmlElement) -> _Block:
    text = element.text_content()
    words = word_count(text)
    if words > MAX_APPEAL_WORDS or _REPORTING.search(text.lower()):
        return _Block(element, words, frozenset(), reporting=True)
    return _Block(element, words, appeal_signals(text, words), reporting=False)


def _is_scored_appeal(run: list[_Block], page_words: int) -> bool:
    signals = frozenset().union(*(block.signals for block in run))
    words = sum(block.words for block in run)
    return (
        _REQUIRED_SIGNALS <= signals
        and len(signals) >= MIN_RUN_SIGNALS
        and words <= MAX_APPEAL_WORDS
        and words <= MAX_APPEAL_SHARE * page_words
    )


def _scored_runs_in(parent: HtmlElement, page_words: int) -> list[list[HtmlElement]]:
    """Runs of sibling blocks under ``parent`` that score as an appeal: from an appeal-like
    block, back over a heading or lead-in or two, on over appeal-like blocks, short signed
    lines (controls) and a few neutral ones between them; a reporting block ends a run."""
    blocks = [_block(c) for c in parent if isinstance(c.tag, str)]
    runs, index = [], 0
    while index < len(blocks):
        if not blocks[index].appeal_like:
            index += 1
            continue
        start = index
        while start > 0 and index - start < MAX_RUN_GAP and blocks[start - 1].lead_in:
            start -= 1
        end, gap = index, 0
        for offset in range(index + 1, len(blocks)):
            block = blocks[offset]
            if block.reporting:
                break
            if block.appeal_like or block.short_sign:
                end, gap = offset, 0
            else:
                gap += 1
                if gap > MAX_RUN_GAP:
                    break
        run = blocks[start : end + 1]
        if _is_scored_appeal(run, page_words):
            runs.append([block.element for block in run])
        index = end + 1
    return runs


def _may_hold_appeal(text: str) -> bool:
    """Whether ``text`` has an ask, a cause and a reader addressed anywhere (most pages have
    not: one look at the page spares the look at every block)."""
    text = text.lower()
    return bool(
        _ASK.search(text)
        and _ADDRESS.search(text)
        and (_CAUSE.search(text) or _CAUSE_OWN.search(text))
    )


def scored_appeals(root: HtmlElement, page_text: str) -> list[HtmlElement]:
    """Appeals that no fixed phrase count finds: a single paragraph or a run of blocks without
    a starter, scored on generic signals (``appeal_signals``). A run that fills its container
    takes the container with it. ``page_text``: ``root``'s text."""
    if not _may_hold_appeal(page_text):
        return []
    page_words = word_count(page_text)
    parents: dict[HtmlElement, None] = {}  # an ordered set
    for text_node in _WORD_TEXT_NODES(root):  # whitespace between tags, skipped in C
        if not _ASK.search(text_node.lower()):
            continue
        owner = _owner(text_node)
        for depth, element in enumerate([] if owner is None else [owner, *owner.iterancestors()]):
            if depth > MAX_RUN_DEPTH:
                break
            if element.tag in _RUN_PARENTS:
                parents.setdefault(element)
    doomed: list[HtmlElement] = []
    for parent in parents:
        if not _may_hold_appeal(parent.text_content()):
            continue  # no run inside can qualify
        for run in _scored_runs_in(parent, page_words):
            whole = len(run) == sum(1 for c in parent if isinstance(c.tag, str))
            if whole and parent.tag in _APPEAL_CONTAINERS and not (parent.text or "").strip():
                doomed.append(parent)
            else:
                doomed.extend(run)
    return doomed


_EMAIL_INPUTS = etree.XPath(
    "//input[@type='email' or contains(translate(@name, 'EMAIL', 'email'), 'email')"
    " or contains(translate(@placeholder, 'EMAIL', 'email'), 'email')]"
)


def signup_boxes(root: HtmlElement) -> list[HtmlElement]:
    """The largest short container around each e-mail field: a newsletter sign-up box."""
    boxes: list[HtmlElement] = []
    for field in _EMAIL_INPUTS(root):
        box = None
        for ancestor in field.iterancestors():
            if ancestor.tag in ("body", "html", "main", "article"):
                break
            if word_count(ancestor.text_content()) > MAX_SIGNUP_WORDS:
                break
            box = ancestor
        if box is not None and box not in boxes:
            boxes.append(box)
    return boxes


def strip_generic_boilerplate(root: HtmlElement) -> int:
    """Remove donation appeals, newsletter prompts and sign-up boxes from ``root`` in place.

    ``root`` should have had its scripts stripped. Returns how many blocks were removed.
    Teaser and control lines are left to ``cleanup`` (on the much smaller extracted body).
    """
    doomed = signup_boxes(root)
    page_text = root.text_content()
    found = _ALL
    appeal, newsletter = found.hits(page_text)
    if appeal >= MIN_APPEAL_HITS or newsletter >= MIN_NEWSLETTER_HITS:
        phrase_texts = [t for t in _TEXT_NODES(root) if found.pattern.search(t.lower())]
        page_words = word_count(page_text)
        owners = [e for e in (_owner(t) for t in phrase_texts) if e is not None]
        doomed += appeal_containers(owners, page_words, found) + appeal_runs(root, page_words, found)
    doomed += scored_appeals(root, page_text) + comment_sections(root)
    removed = 0
    for element in doomed:
        if (
            element.getparent() is not None
            and element.getroottree().getroot() is root.getroottree().getroot()
        ):
            remove_element(element)
            removed += 1
    return removed


# A section headed "3 Comments", "Comments (12)", "Reader comments", "Join the conversation"
# (and the same in the languages ``phrases`` covers): readers' comments, which trafilatura
# leaves in when the section's class names say nothing ("discussion", "c").
_COMMENTS_HEADING = re.compile(
    r"^(?:\d+\s+)?(?:reader\s+|user\s+)?(?:comments?|responses|replies|kommentare?|commentaires?|"
    r"comentarios?|comentários?|commenti|reacties|комментари[ийя]|коментар[іи]в?)\s*(?:\(\d+\)|\d+)?:?$"
    r"|^(?:join|leave)\s+(?:the|a)\s+(?:discussion|conversation|comment)$|^what\s+do\s+you\s+think\??$",
    re.IGNORECASE,
)
_HEADINGS = etree.XPath("//h1|//h2|//h3|//h4|//h5|//h6")


def comment_sections(root: HtmlElement) -> list[HtmlElement]:
    """Sections of readers' comments: a container that opens with a comments heading. Only a
    heading that opens its own container says where the comments end; one in the middle of the
    article's flow (a blog post's subheading "Comments") takes nothing with it."""
    out = []
    for heading in _HEADINGS(root):
        if not _COMMENTS_HEADING.match(" ".join(heading.text_content().split())):
            continue
        section = heading.getparent()
        if section is None or section.tag in ("article", "main", "body", "html"):
            continue
        first = next((c for c in section if isinstance(c.tag, str)), None)
        # the article's own headline is never inside its comments
        if first is heading and heading.tag != "h1" and not section.xpath(".//h1"):  # type: ignore[union-attr]
            out.append(section)
    return out
