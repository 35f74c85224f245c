"""The reader's pages: front page, story, article, search, and the story corrections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..exceptions import NotFound
from .app import render, story_path
from .security import require_csrf
from .views import TIME_FILTERS, Paging, coverage, group_hits, since_for, why_together

if TYPE_CHECKING:
    from ..core import Progleton

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20


def progleton_of(request: Request) -> Progleton:
    """The Progleton the app serves."""
    return request.app.state.progleton  # type: ignore[no-any-return]


@router.get("/")
def front_page(request: Request, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
               group: str | None = None, since: str | None = None,
               lang: str | None = None) -> HTMLResponse:
    p = progleton_of(request)
    now = datetime.now(UTC)
    stories = p.stories(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                        since=since_for(since, now), group=group or None, language=lang or None)
    return render(request, "front.html", stories=stories[:PAGE_SIZE],
                  paging=Paging(page, len(stories) > PAGE_SIZE), groups=p.store.source_groups(),
                  filters={"group": group or "", "since": since or "", "lang": lang or ""},
                  time_filters=TIME_FILTERS)


@router.get("/stories/{story_id:path}")
def story_page(request: Request, story_id: str) -> HTMLResponse:
    p = progleton_of(request)
    detail = p.story(story_id)
    others = [s for s in p.stories(limit=40) if s.id != story_id]
    reasons = {a.id: why_together(a, detail.articles) for a in detail.articles}
    return render(request, "story.html", detail=detail, story=detail.story,
                  coverage=coverage(detail), reasons=reasons, merge_candidates=others)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: int) -> HTMLResponse:
    p = progleton_of(request)
    article = p.article(article_id)
    others = []
    story = None
    if article.story_id:
        detail = p.story(article.story_id)
        story = detail.story
        others = [a for a in detail.articles if a.id != article.id]
    return render(request, "article.html", article=article, story=story, others=others)


@router.get("/search")
def search_page(request: Request, q: Annotated[str, Query(max_length=500)] = "",
                page: Annotated[int, Query(ge=1, le=1000)] = 1) -> HTMLResponse:
    p = progleton_of(request)
    hits = p.search(q, limit=SEARCH_PAGE_SIZE + 1, offset=(page - 1) * SEARCH_PAGE_SIZE) if q.strip() else []
    shown = hits[:SEARCH_PAGE_SIZE]
    groups = group_hits(shown)
    titles = p.store.story_titles([k for k, _ in groups if k])
    return render(request, "search.html", q=q, groups=groups, titles=titles, count=len(shown),
                  paging=Paging(page, len(hits) > SEARCH_PAGE_SIZE))


@router.post("/story-actions/split", dependencies=[Depends(require_csrf)])
def split_article(request: Request, article_id: Annotated[int, Form()],
                  story_id: Annotated[str, Form()]) -> RedirectResponse:
    """Move an article out of its story into a story of its own."""
    p = progleton_of(request)
    new_story = p.move_article(article_id)
    try:
        p.story(story_id)
    except NotFound:  # the story held only that article
        story_id = new_story
    return RedirectResponse(story_path(story_id) + "?notice=split", status_code=303)


@router.post("/story-actions/merge", dependencies=[Depends(require_csrf)])
def merge_story(request: Request, story_id: Annotated[str, Form()],
                other_story_id: Annotated[str, Form()]) -> RedirectResponse:
    """Merge another story into this one."""
    if other_story_id == story_id:
        return RedirectResponse(story_path(story_id), status_code=303)
    survivor = progleton_of(request).merge_stories(story_id, other_story_id)
    return RedirectResponse(story_path(survivor) + "?notice=merged", status_code=303)
