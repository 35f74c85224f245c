"""Generic, single-page boilerplate rules: appeals, newsletter prompts, teaser lines.

Donation appeals and sign-up prompts look alike across publishers ("Dear readers", "please
support us", "Remind me later"), so phrase counts from ``phrases`` are a fair signal even on
the first page of a site, before its ``SiteProfile`` has learned anything. Rules remove
whole blocks: the tightest container that holds the appeal, or a run of sibling paragraphs
that starts like an appeal, so short control lines ("Continue") go with it.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from progleton.extract import phrases
from progleton.extract.blocks import CONTAINER_TAGS, remove_element, word_count
from progleton.extract.pagekind import count_phrases, normalize

MIN_APPEAL_HITS = 3
MIN_NEWSLETTER_HITS = 3
MAX_APPEAL_WORDS = 400
MAX_APPEAL_SHARE = 0.6  # an appeal is never most of the page
MAX_TEASER_WORDS = 25
MAX_RUN_GAP = 2  # prose paragraphs without appeal phrases tolerated inside a run
MAX_RUN_SHORT_WORDS = 12
APPEAL_STARTERS = ("a message from", "dear reader", "dear friend", "dear visitor")
_PUNCTUATION = re.compile(r"[^\w\s?]+")
_APPEAL_CONTAINERS = tuple(CONTAINER_TAGS - {"article", "main", "table", "ul", "ol", "dl"})


def _hits(text: str) -> tuple[int, int]:
    norm = normalize(text)
    return count_phrases(norm, phrases.APPEAL_PHRASES), count_phrases(
        norm, phrases.NEWSLETTER_PHRASES
    )


def _is_appeal(text: str) -> bool:
    appeal, newsletter = _hits(text)
    return appeal >= MIN_APPEAL_HITS or newsletter >= MIN_NEWSLETTER_HITS


def appeal_containers(root: HtmlElement, page_words: int) -> list[HtmlElement]:
    """The tightest containers that hold an appeal or newsletter prompt and little else."""
    found: list[HtmlElement] = []
    for element in root.iter(*_APPEAL_CONTAINERS):
        text = element.text_content()
        words = word_count(text)
        if not words or words > MAX_APPEAL_WORDS or words > MAX_APPEAL_SHARE * page_words:
            continue
        if not _is_appeal(text):
            continue
        tighter = any(
            _hits(child.text_content()) == _hits(text)
            for child in element.iterchildren(*_APPEAL_CONTAINERS)
        )
        if not tighter:
            found.append(element)
    return [e for e in found if not any(a in found for a in e.iterancestors())]


def appeal_runs(root: HtmlElement, page_words: int) -> list[HtmlElement]:
    """Runs of sibling blocks that start like an appeal ("A Message from …", "Dear readers")."""
    doomed: list[HtmlElement] = []
    for parent in root.iter(*CONTAINER_TAGS):
        children = [c for c in parent if isinstance(c.tag, str)]
        for index, child in enumerate(children):
            if not normalize(child.text_content()).startswith(APPEAL_STARTERS):
                continue
            run = _run_from(children[index:])
            text = " ".join(c.text_content() for c in run)
            words = word_count(text)
            if (
                _is_appeal(text)
                and words <= MAX_APPEAL_WORDS
                and words <= MAX_APPEAL_SHARE * page_words
            ):
                doomed.extend(run)
                break
    return doomed


def _run_from(children: list[HtmlElement]) -> list[HtmlElement]:
    """The starter and what follows up to the last appeal-like block, plus trailing controls."""
    last_hit, gap = 0, 0
    for offset, child in enumerate(children[1:], start=1):
        if any(_hits(child.text_content())):
            last_hit, gap = offset, 0
        elif word_count(child.text_content()) > MAX_RUN_SHORT_WORDS:
            gap += 1
            if gap > MAX_RUN_GAP:
                break
    end = last_hit + 1
    while end < len(children) and word_count(children[end].text_content()) <= MAX_RUN_SHORT_WORDS:
        end += 1
    return children[:end]


def is_teaser_line(element: HtmlElement) -> bool:
    """A short "Read more: <link>" line pointing at another article."""
    text = normalize(element.text_content())
    if not text.startswith(phrases.TEASER_PREFIXES) or word_count(text) > MAX_TEASER_WORDS:
        return False
    link_words = sum(word_count(a.text_content()) for a in element.iter("a"))
    return link_words > 0 or word_count(text) <= 4


def is_control_line(element: HtmlElement) -> bool:
    """A leaf whose whole text is a control ("Continue", "Remind me later.", "Share")."""
    text = _PUNCTUATION.sub("", normalize(element.text_content())).strip()
    return bool(text) and text in _CONTROL_WORDS


_LINE_TAGS = ("p", "div", "li", "span", "h2", "h3", "h4", "h5", "h6")
_CONTROL_WORDS = frozenset(_PUNCTUATION.sub("", line).strip() for line in phrases.CONTROL_LINES)


def strip_generic_boilerplate(root: HtmlElement) -> int:
    """Remove appeals, sign-up prompts, teaser and control lines from ``root`` in place.

    ``root`` should have had its scripts stripped. Returns how many blocks were removed.
    """
    page_text = root.text_content()
    appeal, newsletter = _hits(page_text)
    doomed: list[HtmlElement] = []
    if appeal >= MIN_APPEAL_HITS or newsletter >= MIN_NEWSLETTER_HITS:
        doomed.extend(appeal_containers(root, word_count(page_text)))
        doomed.extend(appeal_runs(root, word_count(page_text)))
    lines = list(root.iter(*_LINE_TAGS))
    doomed.extend(e for e in lines if len(e) <= 3 and (is_teaser_line(e) or is_control_line(e)))
    removed = 0
    for element in doomed:
        if (
            element.getparent() is not None
            and element.getroottree().getroot() is root.getroottree().getroot()
        ):
            remove_element(element)
            removed += 1
    return removed
