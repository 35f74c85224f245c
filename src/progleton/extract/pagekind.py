"""Recognising pages that are not the article: challenges, consent walls, paywalls, errors.

Pure functions over plain strings. Each detector needs both a strong signal (phrases or
markup from ``phrases``) and a short article: a long article that mentions cookies or
subscriptions in passing is still an article.
"""

from __future__ import annotations

from dataclasses import dataclass

from progleton.extract import phrases

# Below these many words the extracted text cannot be a whole news article.
SHORT_PAGE_WORDS = 150
PAYWALL_STUB_WORDS = 300
MIN_ARTICLE_WORDS = 10  # fewer words than this is a fragment, not an article


@dataclass(frozen=True)
class PageSignals:
    """What the detectors look at, gathered once by ``core``."""

    title: str  # <title> and first <h1>, joined
    page_text: str  # all visible text of the page
    markup_sample: str  # raw markup (scripts included), lower case, bounded
    article_words: int  # words in the extracted article text
    accessible_for_free: bool | None = None  # JSON-LD isAccessibleForFree


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


def is_consent_wall(signals: PageSignals) -> bool:
    """A cookie/consent wall standing in front of the article."""
    if signals.article_words >= SHORT_PAGE_WORDS:
        return False
    text = normalize(signals.page_text)
    return count_phrases(text, phrases.CONSENT_PHRASES) >= 3


def is_paywall_stub(signals: PageSignals) -> bool:
    """A teaser cut short by a subscription prompt."""
    if signals.article_words >= PAYWALL_STUB_WORDS:
        return False
    text = normalize(signals.page_text)
    hits = count_phrases(text, phrases.PAYWALL_PHRASES)
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
