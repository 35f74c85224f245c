"""Read, starred and followed: the user's own state, as forms that work without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .accounts import User, require_user, safe_next
from .app import render
from .pages import progleton_of
from .security import require_csrf

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False,
                   dependencies=[Depends(require_user)])
PAGE_SIZE = 30
UserDep = Annotated[User, Depends(require_user)]


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@router.post("/articles/{article_id}/state", dependencies=[Depends(require_csrf)])
def set_article_state(request: Request, article_id: int, user: UserDep, read: Annotated[str, Form()] = "",
                      starred: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Mark an article read or unread, starred or not."""
    p = progleton_of(request)
    p.article(article_id)  # 404 for an unknown article
    p.store.set_article_state(user.id, [article_id], read=_flag(read), starred=_flag(starred))
    return RedirectResponse(safe_next(next or f"/articles/{article_id}"), status_code=303)


@router.post("/story-actions/read", dependencies=[Depends(require_csrf)])
def mark_story_read(request: Request, user: UserDep, story_id: Annotated[str, Form()],
                    next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Mark every article of a story read, and the story seen."""
    p = progleton_of(request)
    detail = p.story(story_id)
    p.store.set_article_state(user.id, [a.id for a in detail.articles], read=True)
    p.store.set_story_state(user.id, story_id, last_seen_at=datetime.now(UTC))
    return RedirectResponse(safe_next(next or "/"), status_code=303)


@router.post("/story-actions/follow", dependencies=[Depends(require_csrf)])
def follow_story(request: Request, user: UserDep, story_id: Annotated[str, Form()],
                 follow: Annotated[str, Form()] = "1", next: Annotated[str, Form()] = "") -> RedirectResponse:
    """Follow a story (it is listed under Following with its new articles) or stop."""
    p = progleton_of(request)
    story_id = p.story_or_successor(story_id)  # a story merged meanwhile: the one it went into
    p.store.set_story_state(user.id, story_id, followed=follow == "1")
    return RedirectResponse(safe_next(next or "/following"), status_code=303)


@router.get("/starred")
def starred_page(request: Request, user: UserDep, page: Annotated[int, Query(ge=1, le=10_000)] = 1) -> HTMLResponse:
    from .views import Paging

    articles = progleton_of(request).store.starred_articles(user.id, limit=PAGE_SIZE + 1,
                                                            offset=(page - 1) * PAGE_SIZE)
    return render(request, "starred.html", articles=articles[:PAGE_SIZE],
                  paging=Paging(page, len(articles) > PAGE_SIZE))


@router.get("/following")
def following_page(request: Request, user: UserDep) -> HTMLResponse:
    store = progleton_of(request).store
    stories, states, new_counts = store.followed_stories(user.id)
    return render(request, "following.html", stories=stories, new_counts=new_counts, states=states)


@router.post("/searches", dependencies=[Depends(require_csrf)])
def save_search(request: Request, user: UserDep, q: Annotated[str, Form(min_length=1, max_length=500)],
                name: Annotated[str, Form(max_length=200)] = "") -> RedirectResponse:
    """Keep a search under a name; it is listed on the search page and is also a feed. A query
    of spaces keeps nothing, nor does one that can find nothing (the search page says why); the
    same query saved again takes the new name."""
    if not q.strip():
        return RedirectResponse("/search", status_code=303)
    if progleton_of(request).saved_search_problems(q):
        return RedirectResponse("/search?" + urlencode({"q": q}), status_code=303)
    progleton_of(request).store.add_saved_search(user.id, name.strip() or q.strip(), q.strip())
    return RedirectResponse("/search?" + urlencode({"q": q, "notice": "saved"}), status_code=303)


@router.post("/searches/{search_id}/delete", dependencies=[Depends(require_csrf)])
def delete_search(request: Request, user: UserDep, search_id: int) -> RedirectResponse:
    progleton_of(request).store.delete_saved_search(user.id, search_id)
    return RedirectResponse("/search", status_code=303)
