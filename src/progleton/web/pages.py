"""The reader's pages: front page, story, article, search, and the story corrections."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from ..citations import citations, story_citations
from ..core import RELATED_FLOOR
from ..exceptions import NotFound
from ..explain import coverage, merged_in, reasons_in_words, timeline
from ..searching import language_problem
from ..stories import GroupingParams
from ..types import Article
from .accounts import current_user
from .app import HEAD_ASKED, render, story_path
from .security import require_csrf
from .views import (
    TIME_FILTERS,
    Paging,
    copies_left_out,
    group_hits,
    group_problem,
    language_asked,
    since_for,
)

if TYPE_CHECKING:
    from ..core import Progleton

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)


PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20
LOOK_SECONDS = 30  # a reload within this time is the same look at a story (and writes nothing)


def progleton_of(request: Request) -> Progleton:
    """The Progleton the app serves."""
    return request.app.state.progleton  # type: ignore[no-any-return]


def story_card_state(request: Request, story_ids: list[str]) -> tuple[dict[str, int], set[str]]:
    """For the front page: new articles per story since the user looked, and the stories seen in full."""
    user = current_user(request)
    if user is None:
        return {}, set()
    store = progleton_of(request).store
    seen = {k: v["last_seen_at"] for k, v in store.story_states(user.id, story_ids).items() if v["last_seen_at"]}
    counts = store.new_article_counts(seen)
    return {k: n for k, n in counts.items() if n}, {k for k, n in counts.items() if not n}


@router.get("/")
def front_page(request: Request, page: Annotated[int, Query(ge=1, le=10_000)] = 1,
               group: str | None = None, since: str | None = None,
               lang: str | None = None, language: str | None = None) -> HTMLResponse:
    p = progleton_of(request)
    try:
        lang = language_asked(lang, language)  # `language` as the API names it
    except ValueError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    now = datetime.now(UTC)
    stories = p.stories(limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE,
                        since=since_for(since, now), group=group or None, language=lang or None)
    new_counts, seen = story_card_state(request, [s.id for s in stories[:PAGE_SIZE]])
    groups = p.store.source_groups()
    problems = [] if stories else [why for why in (group_problem(group, [name for name, _ in groups]),
                                                   lang and language_problem(lang)) if why]
    filters = {"group": group or "", "since": since or "", "lang": lang or ""}
    # every link and form of the page keeps the filters chosen (the top feed takes no time filter)
    chosen = {name: value for name, value in filters.items() if value}
    return render(request, "front.html", stories=stories[:PAGE_SIZE], new_counts=new_counts, seen=seen,
                  paging=Paging(page, len(stories) > PAGE_SIZE), groups=groups, filters=filters,
                  filter_query=urlencode(chosen), feed_params={k: v for k, v in chosen.items() if k != "since"},
                  time_filters=TIME_FILTERS, filter_problems=problems)


@router.get("/stories/{story_id:path}")
def story_page(request: Request, story_id: str) -> HTMLResponse:
    p = progleton_of(request)
    detail = p.story(story_id)
    others = p.merge_choices(detail)
    reasons = reasons_in_words(detail.articles)
    user = current_user(request)
    look: dict[str, Any] = {}
    states: dict[int, tuple[bool, bool]] = {}
    if user is not None:
        look = p.store.story_states(user.id, [story_id]).get(story_id, {})
        states = p.store.article_states(user.id, [a.id for a in detail.articles])
    last_look = _look_before(request, look.get("last_seen_at"))
    new_ids = {a.id for a in detail.articles if last_look and a.created_at and a.created_at > last_look}
    now = datetime.now(UTC)
    if user is not None and (new_ids or last_look is None or (now - last_look).total_seconds() > LOOK_SECONDS):
        p.store.set_story_state(user.id, story_id, last_seen_at=now)
    cites, cited = story_citations(detail.articles)
    merges = merged_in(detail)
    return render(request, "story.html", detail=detail, story=detail.story, cites=cites, cited=cited,
                  coverage=coverage(detail), timeline=timeline(detail, cites), reasons=reasons, merge_candidates=others,
                  merged_in=merges, lead_language=next(
                      (a.language for a in detail.articles if a.id == detail.story.lead_article_id), None),
                  last_look=last_look, new_ids=new_ids, followed=bool(look.get("followed")), states=states,
                  folded=copies_left_out(detail.articles),
                  merge_notice=_merge_notice(request, detail.story.id, {m.story_id for m in merges}))


def _look_before(request: Request, stored: datetime | None) -> datetime | None:
    """The look at a story its new articles are counted from: the one before this page's,
    which the page's forms send back (``?look=``) so that the page they lead back to still
    shows which were new (starring one had been a new look, and every "New" was gone); else
    the one stored. A time later than the stored look is no look of the reader's."""
    try:
        asked = datetime.fromisoformat(request.query_params.get("look", ""))
    except ValueError:
        return stored
    if asked.tzinfo is None or (stored is not None and asked > stored):
        return stored
    return asked.astimezone(UTC)


def _merge_notice(request: Request, story_id: str, merged_ids: set[str]) -> str:
    """What the page after a merge says of it, as it stands now (the page is also reached by
    Back and reload): "undo" while the story merged in can be taken out again, "merged" when
    it is in but not to be undone here, "undone" when it is on its own again, else ""."""
    other = request.query_params.get("from", "")
    if request.query_params.get("notice") != "merged" or not other:
        return ""
    if other in merged_ids:
        return "undo"
    try:
        now_in = progleton_of(request).story_or_successor(other)
    except NotFound:
        return ""
    return {story_id: "merged", other: "undone"}.get(now_in, "")


@router.get("/merge")
def merge_page(request: Request, story: Annotated[str, Query(max_length=2000)]) -> HTMLResponse:
    """Stories that may report the same event as ``story``, each with a merge button."""
    p = progleton_of(request)
    detail = p.story(story)
    return render(request, "merge.html", story=detail.story, related=p.related_stories(story, detail=detail),
                  split_bar=GroupingParams().split_model_below, related_floor=RELATED_FLOOR)


@router.get("/articles/{article_id}")
def article_page(request: Request, article_id: int) -> HTMLResponse:
    p = progleton_of(request)
    article = p.article(article_id)
    others: list[Article] = []
    story = None
    if article.story_id:
        detail = p.story(article.story_id)
        story = detail.story
        others = [a for a in detail.articles if a.id != article.id]
    cites = citations(article, others)
    user = current_user(request)
    read, starred = False, False
    if user is not None:
        read, starred = p.store.article_states(user.id, [article.id]).get(article.id, (False, False))
        if not read and request.query_params.get("keep_unread") != "1" and _read_by_a_person(request):
            p.store.set_article_state(user.id, [article.id], read=True)
            read = True
    return render(request, "article.html", article=article, story=story, others=others, cites=cites,
                  starred=starred, read=read)


def _read_by_a_person(request: Request) -> bool:
    """Whether this request is someone opening the page: not a HEAD (a link checker, a
    monitor) nor a browser's prefetch of a link it may follow (``Sec-Purpose: prefetch``)."""
    purpose = request.headers.get("sec-purpose", "") + request.headers.get("purpose", "")
    return not request.scope.get(HEAD_ASKED) and "prefetch" not in purpose.lower()


@router.get("/search")
def search_page(request: Request, q: Annotated[str, Query(max_length=500)] = "",
                page: Annotated[int, Query(ge=1, le=1000)] = 1) -> HTMLResponse:
    p = progleton_of(request)
    # a text carried by many outlets is one hit (its copies would fill the page), paged as one
    found = p.find(q, limit=SEARCH_PAGE_SIZE + 1, offset=(page - 1) * SEARCH_PAGE_SIZE, fold_copies=True)
    hits, parsed = found.hits, found.query
    shown = hits[:SEARCH_PAGE_SIZE]
    groups = group_hits(shown)
    titles = p.store.story_titles([k for k, _ in groups if k])
    user = current_user(request)
    saved = p.store.saved_searches(user.id) if user is not None else []
    return render(request, "search.html", q=q, saved=saved, parsed=parsed, problems=found.problems,
                  groups=groups,
                  titles=titles, count=len(shown), paging=Paging(page, len(hits) > SEARCH_PAGE_SIZE))


@router.post("/story-actions/split", dependencies=[Depends(require_csrf)])
def split_article(request: Request, article_id: Annotated[int, Form()],
                  story_id: Annotated[str, Form()]) -> RedirectResponse:
    """Move an article out of its story into a story of its own. A form from a page shown
    before the article moved (the back button, a second tab) splits nothing."""
    p = progleton_of(request)
    if p.article(article_id).story_id != story_id:
        return RedirectResponse(story_path(story_id) + "?notice=gone", status_code=303)
    new_story = p.move_article(article_id)
    try:
        p.story(story_id)
    except NotFound:  # the story held only that article
        story_id = new_story
    return RedirectResponse(story_path(story_id) + "?" + urlencode({"notice": "split", "to": new_story}),
                            status_code=303)


@router.post("/story-actions/merge", dependencies=[Depends(require_csrf)])
def merge_story(request: Request, story_id: Annotated[str, Form()],
                other_story_id: Annotated[str, Form()] = "") -> RedirectResponse:
    """Merge another story into this one (none chosen: back to the story, saying so)."""
    if not other_story_id:
        return RedirectResponse(story_path(story_id) + "?notice=choose", status_code=303)
    if other_story_id == story_id:
        return RedirectResponse(story_path(story_id), status_code=303)
    p = progleton_of(request)
    into, other = p.story_or_successor(story_id), p.story_or_successor(other_story_id)
    # one story already: the form sent again (a double click, Back and send) or from a second
    # tab; its page says so as the first answer did, where merging again was a 404
    survivor = into if into == other else p.merge_stories(into, other)
    gone = story_id if survivor == other_story_id else other_story_id
    return RedirectResponse(story_path(survivor) + "?" + urlencode({"notice": "merged", "from": gone}),
                            status_code=303)


@router.post("/story-actions/unmerge", dependencies=[Depends(require_csrf)])
def unmerge_story(request: Request, story_id: Annotated[str, Form()]) -> RedirectResponse:
    """Undo the merge of ``story_id`` into another story: it is back, under its own id. A
    story on its own already (the form sent twice, or from a page older than the undo) is
    shown, saying so, where it was a 404."""
    p = progleton_of(request)
    try:
        p.unmerge_story(story_id)
    except NotFound:
        if p.story_or_successor(story_id) != story_id:
            raise  # merged still, and this merge cannot be undone: the error says why
        return RedirectResponse(story_path(story_id) + "?notice=separate", status_code=303)
    return RedirectResponse(story_path(story_id) + "?notice=unmerged", status_code=303)
