"""What extraction derived from an article page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# Warnings that mean "this page is not the article": the pipeline keeps the feed's own
# content instead and records the warning on the article.
REFUSAL_PREFIXES = ("challenge page", "consent page", "paywall", "error page", "no article")


@dataclass(frozen=True)
class ExtractedArticle:
    text: str  # plain text, paragraphs separated by blank lines
    html: str  # sanitized; paragraphs, headings, lists, quotes, tables, figures kept
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None  # UTC
    updated: datetime | None = None  # UTC
    language: str | None = None
    image: str | None = None
    canonical_url: str | None = None
    site_name: str | None = None
    word_count: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """True when the page is a challenge, consent wall, paywall stub or error page."""
        return any(w.startswith(REFUSAL_PREFIXES) for w in self.warnings)
