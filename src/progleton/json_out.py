"""The JSON shapes of Progleton's records, one for each: the API's responses (``/api/v1``, and
its OpenAPI schema) and the CLI's ``--json`` give the same objects with the same names.

Pydantic models and the functions that build them from :mod:`progleton.types`; nothing here
imports the web app, so the CLI can write them without loading it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from .citations import Citation, citations, story_citations
from .explain import reasons_in_words
from .types import Article, RelatedStory, SearchHit, Source, Story, StoryDetail

if TYPE_CHECKING:
    from .core import Progleton


def story_path(story_id: str) -> str:
    """The page of a story; ids may hold any character, so every one is quoted."""
    return "/stories/" + quote(story_id, safe="")


class SourceOut(BaseModel):
    """A followed feed and its fetch health."""

    id: int
    url: str
    title: str | None
    site_url: str | None
    groups: list[str]
    added_at: datetime | None
    last_fetched_at: datetime | None
    last_status: str | None = Field(description='"ok", "not modified", "error", "rate limited" (the server '
                                    'asked for time: 429, Retry-After) or "gone"')
    last_error: str | None
    error_count: int
    next_fetch_at: datetime | None
    interval_minutes: float | None
    backoff_minutes: float
    retired: bool
    article_count: int


class StoryOut(BaseModel):
    """A group of articles about one event."""

    id: str
    title: str
    first_seen: datetime | None
    last_seen: datetime | None
    article_count: int
    outlet_count: int = Field(description="Distinct outlets (sites: two feeds of one site are one) that carried the story")
    independent_count: int = Field(description="Independent reports: a wire text counts once")
    outlets: list[str]
    snippet: str
    image: str | None
    score: float
    lead_article_id: int | None
    url: str = Field(description="The story's page in the web reader")
    new_articles: int | None = Field(None, description=(
        "In /following only: articles stored since the user last opened the story (all of them if never)"))


class RelatedStoryOut(BaseModel):
    """A story that may report the same event as another."""

    story: StoryOut
    same_event: float | None = Field(description=(
        "The grouper's probability that both stories report one event (1 is certain); null when the "
        "story has closed or an update was busy grouping"))
    shared_words: list[str] = Field(description="Headline words the two stories share")


class CitationOut(BaseModel):
    name: str = Field(description="The outlet as the article names it")
    article_id: int | None = Field(description="That outlet's report in the same story, if the story holds one")
    outlet: str | None = Field(description="That report's outlet, as the reader knows it")


class ArticleOut(BaseModel):
    """One article, cleaned; ``html`` is sanitized."""

    id: int
    url: str = Field(description="The address it was fetched from, as the feed gave it")
    canonical_url: str
    link: str = Field(description="Where to send a reader for the original: the canonical address, "
                      "else the fetched one; empty when neither is a web (http or https) address")
    title: str
    outlet: str
    authors: list[str]
    published: datetime | None
    updated: datetime | None
    language: str | None
    image: str | None
    summary: str
    text: str
    html: str
    word_count: int
    source_id: int | None
    story_id: str | None
    wire_copy_of: int | None = Field(description="The article whose text this one carries")
    reasons: dict[str, Any] = Field(description=(
        "Why the article is in its story, as the grouper recorded it: action (joined, started, wire_copy, "
        "split_off, regrouped, moved, split_out, merged), score and the bar it was held to, shared_names, "
        "shared_terms, nearest (an article id), note (the same in one line); older records have the note only"))
    why: list[str] | None = Field(None, description="The same reasons in words, as the story page shows them "
                                  "(in story and article responses; null in search and starred lists)")
    extracted: bool = Field(description="False when only the feed's own content could be kept")
    page_retry_at: datetime | None = Field(None, description=(
        "When the article's page, which failed for a reason that may pass, is asked for again"))
    warnings: list[str]
    cites: list[CitationOut] | None = Field(None, description=(
        "The news outlets the article cites (\"according to the Japan Times\", \"Bloomberg reported\"), "
        "each with its own report in the same story where the story holds one (in story and article "
        "responses, an empty list when it cites none; null in search and starred lists)"))


class StoryDetailOut(BaseModel):
    story: StoryOut
    articles: list[ArticleOut]


class SearchHitOut(BaseModel):
    article: ArticleOut
    highlight: str = Field(description="Escaped text with <mark> around the matches")
    folded_copies: int = Field(0, description="How many other matches carry the same text word for word (wire "
                               "copies, or their original): left out of the results, this hit stands for them")


def source_out(s: Source) -> SourceOut:
    return SourceOut(
        id=s.id, url=s.shown_url, title=s.title, site_url=s.site_url, groups=list(s.groups), added_at=s.added_at,
        last_fetched_at=s.last_fetched_at, last_status=s.last_status, last_error=s.last_error,
        error_count=s.error_count, next_fetch_at=s.next_fetch_at, interval_minutes=s.interval_minutes,
        backoff_minutes=s.backoff_minutes, retired=s.retired, article_count=s.article_count,
    )


def story_out(s: Story, new_articles: int | None = None) -> StoryOut:
    return StoryOut(
        id=s.id, title=s.title, first_seen=s.first_seen, last_seen=s.last_seen,
        article_count=s.article_count, outlet_count=s.outlet_count,
        independent_count=s.independent_count, outlets=list(s.outlets),
        snippet=s.snippet, image=s.image, score=s.score, lead_article_id=s.lead_article_id,
        url=story_path(s.id), new_articles=new_articles,
    )


def article_out(a: Article, why: list[str] | None = None,
                cites: list[Citation] | None = None) -> ArticleOut:
    return ArticleOut(
        why=why, cites=None if cites is None else [CitationOut(**vars(c)) for c in cites],
        id=a.id, url=a.url, canonical_url=a.canonical_url, link=a.link, title=a.title, outlet=a.outlet,
        authors=list(a.authors), published=a.published, updated=a.updated, language=a.language,
        image=a.image, summary=a.summary, text=a.text, html=a.html, word_count=a.word_count,
        source_id=a.source_id, story_id=a.story_id, wire_copy_of=a.wire_copy_of,
        reasons=dict(a.reasons), extracted=a.extracted, warnings=list(a.warnings), page_retry_at=a.page_retry_at,
    )


def article_in_story_out(p: Progleton, article: Article) -> ArticleOut:
    """One article as a story's response gives it: with its reasons in words and the outlets
    it cites, both read against the other reports of its story."""
    others = p.story(article.story_id).articles if article.story_id else (article,)
    why = reasons_in_words(others).get(article.id, [])
    return article_out(article, why, citations(article, others))


def story_detail_out(d: StoryDetail) -> StoryDetailOut:
    why = reasons_in_words(d.articles)
    cites, _ = story_citations(d.articles)
    return StoryDetailOut(story=story_out(d.story),
                          articles=[article_out(a, why[a.id], cites[a.id]) for a in d.articles])


def hit_out(h: SearchHit) -> SearchHitOut:
    return SearchHitOut(article=article_out(h.article), highlight=h.highlight, folded_copies=h.folded_copies)


def related_out(r: RelatedStory) -> RelatedStoryOut:
    return RelatedStoryOut(story=story_out(r.story), same_event=r.same_event, shared_words=list(r.shared_words))
