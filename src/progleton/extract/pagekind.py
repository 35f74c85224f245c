"""Recognising pages that are not the article: challenges, consent walls, paywalls, errors.

Pure functions over plain strings. Each detector needs both a strong signal (phrases or
markup from ``phrases``) and a short article: a long article that mentions cookies or
subscriptions in passing is still an article. Consent and paywall phrases also sit in the
furniture of pages that are whole articles (a "Subscribe · Already a subscriber?" bar in
the header, a cookie banner beside a short brief), so where the extracted article is known
they are counted where a wall stands: a paywall prompt in or just after the article, a
consent text in the article or in front of one that looks cut off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from progleton.extract import phrases

# Below these many words the extracted text cannot be a whole news article.
SHORT_PAGE_WORDS = 150
PAYWALL_STUB_WORDS = 300
MIN_ARTICLE_WORDS = 10  # fewer words than this is a fragment, not an article
MIN_BRIEF_WORDS = 50  # a finished text this long can be a whole brief
PAYWALL_WINDOW_WORDS = 120  # how far after the article a subscription prompt still cuts it
ANCHOR_CHARS = 60  # how much of the article's first and last block locates it in the page
_SENTENCE_END = frozenset(".!?\"'”’)…»")


@dataclass(frozen=True)
class PageSignals:
    """What the detectors look at, gathered once by ``core``."""

    title: str  # <title> and first <h1>, joined
    page_text: str  # all visible text of the page
    markup_sample: str  # raw markup (scripts included), lower case, bounded
    article_words: int  # words in the extracted article text
    accessible_for_free: bool | None = None  # JSON-LD isAccessibleForFree
    article_text: str = ""  # the extracted article text ("" when unknown)


def normalize(text: str) -> str:
    """Lower-case ``text`` and collapse whitespace, the form phrases are matched in."""
    return " ".join(text.split()).lower()


def count_phrases(text: str, phrase_list: tuple[str, ...]) -> int:
    """How many distinct phrases of ``phrase_list`` occur in normalized ``text``."""
    return sum(1 for phrase in phrase_list if phrase in text)


def is_challenge(signals: PageSignals) -> bool:
    """A bot-challenge or captcha interstitial (Cloudflare "Just a moment...", etc.)."""
    if signals.article_words >= SHORT_PAGE_WORDS:
        return False
    title = normalize(signals.title)
    text = normalize(signals.page_text)
    markup_hits = count_phrases(signals.markup_sample, phrases.CHALLENGE_MARKUP)
    title_hit = any(title.startswith(p) for p in phrases.CHALLENGE_TITLES)
    text_hits = count_phrases(text, phrases.CHALLENGE_PHRASES)
    return (
        (title_hit and (text_hits + markup_hits) >= 1)
        or text_hits >= 2
        or (markup_hits >= 1 and text_hits >= 1)
    )


def looks_cut_off(signals: PageSignals) -> bool:
    """The article is a fragment or stops mid-sentence (or is unknown)."""
    article = signals.article_text.rstrip()
    return signals.article_words < MIN_BRIEF_WORDS or article[-1:] not in _SENTENCE_END


def from_article_on(signals: PageSignals) -> str:
    """The page's normalized text from the start of the article to a little past its end;
    the whole page where the article cannot be located in it."""
    page = normalize(signals.page_text)
    blocks = [normalize(b) for b in signals.article_text.split("\n") if b.strip()]
    start = page.find(blocks[0][:ANCHOR_CHARS]) if blocks else -1
    if start < 0:
        return page
    last = blocks[-1][-ANCHOR_CHARS:]
    end = page.find(last, start)
    end = len(page) if end < 0 else end + len(last)
    after = page[end:].split(" ", PAYWALL_WINDOW_WORDS + 1)[: PAYWALL_WINDOW_WORDS + 1]
    return page[start:end] + " ".join(after)


def is_consent_wall(signals: PageSignals) -> bool:
    """A cookie/consent wall standing in front of the article: its phrases in the extracted
    text, or anywhere on a page whose article looks cut off."""
    if signals.article_words >= SHORT_PAGE_WORDS:
        return False
    text = normalize(signals.page_text) if looks_cut_off(signals) else normalize(signals.article_text)
    return count_phrases(text, phrases.CONSENT_PHRASES) >= 3


# A prompt the article quotes ("readers will see a message reading 'Subscribe to continue
# reading'") is something it reports, not a wall in front of it.
_QUOTED = re.compile(r"[“\"«‘'][^“”\"«»‘’]{1,300}[”\"»’']")


def is_paywall_stub(signals: PageSignals) -> bool:
    """A teaser cut short by a subscription prompt (in the article or just after it, and not
    within quotation marks)."""
    if signals.article_words >= PAYWALL_STUB_WORDS:
        return False
    hits = count_phrases(_QUOTED.sub(" ", from_article_on(signals)), phrases.PAYWALL_PHRASES)
    return hits >= 1 or (signals.accessible_for_free is False and signals.article_words > 0)


def is_error_page(signals: PageSignals) -> bool:
    """An error page ("404 Page not found") served with status 200."""
    if signals.article_words >= SHORT_PAGE_WORDS:
        return False
    title = normalize(signals.title)
    text = normalize(signals.page_text)
    title_hit = any(p in title for p in phrases.ERROR_TITLES)
    text_hits = count_phrases(text, phrases.ERROR_PHRASES)
    return (title_hit and text_hits >= 1) or text_hits >= 2


def page_warnings(signals: PageSignals) -> tuple[str, ...]:
    """Warnings for a page that is not (all of) the article; their prefixes are refusals."""
    if is_challenge(signals):
        return ("challenge page: bot check or captcha instead of the article",)
    if is_error_page(signals):
        return ("error page: the page says it was not found or failed",)
    if is_consent_wall(signals):
        return ("consent page: a cookie or consent wall instead of the article",)
    if is_paywall_stub(signals):
        return ("paywall: text truncated",)
    if signals.article_words < MIN_ARTICLE_WORDS:
        return ("no article: too little text could be extracted",)
    return ()
