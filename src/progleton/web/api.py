"""The JSON API under /api/v1, documented by the OpenAPI schema at /openapi.json."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..exceptions import FeedParseError, FetchError, NotFound
from ..json_out import (
    ArticleOut,
    RelatedStoryOut,
    SearchHitOut,
    SourceOut,
    StoryDetailOut,
    StoryOut,
    article_in_story_out,
    article_out,
    hit_out,
    related_out,
    source_out,
    story_detail_out,
    story_out,
)
from ..searching import language_problem
from .accounts import User, require_user
from .views import group_problem, language_asked

if TYPE_CHECKING:
    from ..core import Progleton

class ErrorOut(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorOut, "description": "No such record"}}


class RequestIn(BaseModel):
    """A request's JSON body: a field it does not know is a 422 naming it (a misspelt field
    was ignored, and the request answered 200 having done nothing it asked)."""

    model_config = ConfigDict(extra="forbid")


class SourceIn(RequestIn):
    url: str = Field(min_length=1, max_length=2000, description="A feed URL, or a site whose feed is found")
    groups: list[str] = Field(default_factory=list, max_length=20)
    title: str | None = None
    discover: bool = Field(True, description="Look for the feed on the page when the URL is a site")


class SourceAdded(BaseModel):
    source: SourceOut
    created: bool


bearer = HTTPBearer(auto_error=False, description="With sign-in on: the API token shown on /account. "
                    "Not needed in open mode.")
router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Depends(bearer)], responses={
    401: {"model": ErrorOut, "description": "Sign-in is on, and the request carries no valid session or token"},
    421: {"description": "Sign-in is off, and the Host is not an address, localhost or one of web_hosts"},
})
MERGED: dict[int | str, dict[str, Any]] = {
    301: {"description": "The story was merged into another: Location is the same request for that one"}}


class ArticleStateIn(RequestIn):
    read: bool | None = None
    starred: bool | None = None


class ArticleStoryIn(RequestIn):
    story_id: str | None = Field(
        description="The story to move the article into; null: split it out into a story of its own",
        max_length=500)


class StoryMergeIn(RequestIn):
    other: str = Field(min_length=1, max_length=500, description="The story merged into this one")


class ArticleStateOut(BaseModel):
    article_id: int
    read: bool
    starred: bool


class FollowIn(RequestIn):
    followed: bool | None = Field(None, description="true to follow the story, false to stop (as the "
                                  "response names it); true when left out")
    follow: bool | None = Field(None, description="The same as followed (the older name); both given must agree")

    @model_validator(mode="after")
    def _agree(self) -> FollowIn:
        if self.follow is not None and self.followed is not None and self.follow != self.followed:
            raise ValueError("follow and followed say different things: send followed alone")
        return self

    @property
    def wanted(self) -> bool:
        """Whether the story is to be followed."""
        return next((v for v in (self.followed, self.follow) if v is not None), True)


class FollowOut(BaseModel):
    story_id: str = Field(description="The story followed (a merged story's successor)")
    followed: bool


class SavedSearchIn(RequestIn):
    query: str = Field(min_length=1, max_length=500, description="A search, filters included")
    name: str = Field("", max_length=200, description="What to call it (the query when empty)")


class SavedSearchOut(BaseModel):
    id: int
    name: str
    query: str
    feed: str = Field(description="The search as an Atom feed (also .rss, .json), an address to subscribe to "
                            "as it is (with sign-in on, it carries the user's feed token)")


def _p(request: Request) -> Progleton:
    return request.app.state.progleton  # type: ignore[no-any-return]


@router.get("/sources", response_model=list[SourceOut])
def list_sources(request: Request) -> list[SourceOut]:
    """Every followed source with its health."""
    return [source_out(s) for s in _p(request).sources()]


@router.post("/sources", response_model=SourceAdded, status_code=201,
             responses={400: {"model": ErrorOut, "description": "The feed could not be found"},
                        200: {"model": SourceAdded, "description": "The source was followed already"}})
async def add_source(request: Request, body: SourceIn, response: Response) -> SourceAdded:
    """Follow a feed or a site; 201 when added, 200 when it was already followed."""
    try:
        source, created = await _p(request).add_source_async(
            body.url, title=body.title, groups=body.groups, discover=body.discover)
    except (FetchError, FeedParseError, ValueError) as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from exc
    if not created:
        response.status_code = 200
    return SourceAdded(source=source_out(source), created=created)


@router.get("/sources/{source_id}", response_model=SourceOut, responses=ERRORS)
def get_source(request: Request, source_id: int) -> SourceOut:
    source = next((s for s in _p(request).sources() if s.id == source_id), None)
    if source is None:
        raise NotFound(f"no source with id {source_id}")
    return source_out(source)


@router.delete("/sources/{source_id}", status_code=204, responses=ERRORS)
def delete_source(request: Request, source_id: int) -> Response:
    """Stop following a source (its articles stay)."""
    _p(request).remove_source(source_id)
    return Response(status_code=204)


@router.get("/stories", response_model=list[StoryOut],
            responses={422: {"model": ErrorOut, "description": "A group no source is in, or no language code"}})
def list_stories(request: Request, limit: Annotated[int, Query(ge=1, le=200)] = 30,
                 offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
                 group: Annotated[str | None, Query(description="A source group (as /sources gives them)")] = None,
                 lang: Annotated[str | None, Query(description="An ISO 639-1 code, such as en")] = None,
                 language: Annotated[str | None, Query(description="The same as lang (as the article's field "
                                                       "is named); both given must agree")] = None,
                 since: datetime | None = None) -> list[StoryOut]:
    """Top stories, best first (independent outlets, recency, velocity). A ``group`` no source
    is in, or a ``lang`` that is no language code, is a 422 saying so (a language no story
    is in answers an empty list); so are ``lang`` and ``language`` naming two languages."""
    p = _p(request)
    try:
        language = language_asked(lang, language)
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    problems = [problem for problem in (group_problem(group, [name for name, _ in p.store.source_groups()]), language and language_problem(language)) if problem]
    if problems:
        raise HTTPException(status_code=422, detail=" ".join(problems))
    language = language.lower() if language else None
    stories = p.stories(limit=limit, offset=offset, since=since, group=group, language=language)
    return [story_out(s) for s in stories]


@router.get("/stories/{story_id:path}/related", response_model=list[RelatedStoryOut], responses=ERRORS | MERGED)
def related_stories(request: Request, story_id: str,
                    limit: Annotated[int, Query(ge=1, le=50)] = 10) -> list[RelatedStoryOut]:
    """Stories that may report the same event, for a merge, most likely first (as the story
    page's "same event?" page lists them): the grouper's near misses and the stories whose
    headlines share this story's words, each scored by the grouper while both are open."""
    return [related_out(r) for r in _p(request).related_stories(story_id, limit=limit)]


# A story's actions, and the method each takes (:func:`get_story` answers GET of them 405).
_STORY_ACTIONS = {"merge": "POST", "unmerge": "POST", "follow": "PUT"}


@router.get("/stories/{story_id:path}", response_model=StoryDetailOut, responses=ERRORS | MERGED)
def get_story(request: Request, story_id: str) -> StoryDetailOut:
    """One story with every article, in publication order."""
    p = _p(request)
    story, _, action = story_id.rpartition("/")
    if (action in _STORY_ACTIONS and not p.store.story_exists(story_id)
            and (p.store.story_exists(story) or p.store.last_merge(story) is not None)):
        # GET of a story's action (ids may hold "/", so the path matched this route)
        allowed = _STORY_ACTIONS[action]
        raise HTTPException(status_code=405, detail=f"/{action} takes {allowed}, not GET", headers={"Allow": allowed})
    return story_detail_out(p.story(story_id))



@router.get("/articles/{article_id}", response_model=ArticleOut, responses=ERRORS)
def get_article(request: Request, article_id: int) -> ArticleOut:
    """One article, with why it is in its story (in words, as the story gives it) and the
    outlets it cites (tied to their reports in its story)."""
    p = _p(request)
    return article_in_story_out(p, p.article(article_id))


@router.get("/search", response_model=list[SearchHitOut])
def search(request: Request, q: Annotated[str, Query(min_length=1, max_length=500)],
           limit: Annotated[int, Query(ge=1, le=100)] = 20,
           offset: Annotated[int, Query(ge=0, le=10_000)] = 0) -> list[SearchHitOut]:
    """Full-text search: words, "phrases", OR, NOT and -exclusion, and the filters
    ``source:NAME``, ``after:YYYY-MM-DD``, ``before:YYYY-MM-DD``, ``lang:xx``; best match first.
    A text carried word for word by several outlets is one hit, its ``folded_copies`` the
    other matches of that text left out (its story lists them). A query that cannot be read (a date that is none, only excluded words, a ``source:``
    naming none) is a 422 saying why."""
    found = _p(request).find(q, limit=limit, offset=offset, fold_copies=True)
    if found.problems:
        raise HTTPException(status_code=422, detail=" ".join(found.problems))
    return [hit_out(h) for h in found.hits]


@router.put("/articles/{article_id}/state", response_model=ArticleStateOut, responses=ERRORS)
def set_article_state(request: Request, article_id: int, body: ArticleStateIn,
                      user: Annotated[User, Depends(require_user)]) -> ArticleStateOut:
    """Mark an article read or unread, starred or not (fields left out stay as they are)."""
    store = _p(request).store
    _p(request).article(article_id)
    store.set_article_state(user.id, [article_id], read=body.read, starred=body.starred)
    read, starred = store.article_states(user.id, [article_id]).get(article_id, (False, False))
    return ArticleStateOut(article_id=article_id, read=read, starred=starred)


@router.get("/articles/{article_id}/state", response_model=ArticleStateOut, responses=ERRORS)
def get_article_state(request: Request, article_id: int,
                      user: Annotated[User, Depends(require_user)]) -> ArticleStateOut:
    """Whether the user has read or starred an article."""
    _p(request).article(article_id)
    read, starred = _p(request).store.article_states(user.id, [article_id]).get(article_id, (False, False))
    return ArticleStateOut(article_id=article_id, read=read, starred=starred)


@router.put("/stories/{story_id:path}/follow", response_model=FollowOut, responses=ERRORS)
def follow_story(request: Request, story_id: str, body: FollowIn,
                 user: Annotated[User, Depends(require_user)]) -> FollowOut:
    """Follow a story (``/following`` lists it with what is new), or stop with
    ``{"followed": false}``; ``follow`` is taken as the same field."""
    p = _p(request)
    story_id = p.story_or_successor(story_id)
    p.store.set_story_state(user.id, story_id, followed=body.wanted)
    return FollowOut(story_id=story_id, followed=body.wanted)


@router.get("/following", response_model=list[StoryOut])
def following(request: Request, user: Annotated[User, Depends(require_user)]) -> list[StoryOut]:
    """The stories the user follows, most recently active first, each with what is new since
    the user last opened it."""
    store = _p(request).store
    stories, _, new = store.followed_stories(user.id)
    return [story_out(s, new.get(s.id, s.article_count)) for s in stories]


def _saved_out(saved: dict[str, Any], request: Request) -> SavedSearchOut:
    """A saved search, with the address a feed reader can subscribe to as it is: absolute,
    and carrying the user's feed token when sign-in is on."""
    from .app import feed_link

    feed = str(request.base_url).rstrip("/") + feed_link(request, f"/feeds/saved/{saved['id']}.atom")
    return SavedSearchOut(id=int(saved["id"]), name=str(saved["name"]), query=str(saved["query"]), feed=feed)


@router.get("/searches", response_model=list[SavedSearchOut])
def saved_searches(request: Request, user: Annotated[User, Depends(require_user)]) -> list[SavedSearchOut]:
    """The user's saved searches, by name; each is also a feed."""
    return [_saved_out(s, request) for s in _p(request).store.saved_searches(user.id)]


@router.post("/searches", response_model=SavedSearchOut, status_code=201,
             responses={422: {"model": ErrorOut, "description": "A query that can find nothing, and why"}})
def save_search(request: Request, body: SavedSearchIn,
                user: Annotated[User, Depends(require_user)]) -> SavedSearchOut:
    """Keep a search under a name (the same query saved again takes the new name). A query
    ``/search`` answers 422 is refused alike, in the same words, and so is one of filters alone."""
    query = body.query.strip()
    if not query:
        raise HTTPException(status_code=422, detail="the query is empty")
    problems = _p(request).saved_search_problems(query)
    if problems:
        raise HTTPException(status_code=422, detail=" ".join(problems))
    store = _p(request).store
    search_id = store.add_saved_search(user.id, body.name.strip() or query, query)
    return _saved_out(next(s for s in store.saved_searches(user.id) if s["id"] == search_id), request)


@router.delete("/searches/{search_id}", status_code=204, responses=ERRORS)
def delete_search(request: Request, search_id: int, user: Annotated[User, Depends(require_user)]) -> Response:
    _p(request).store.delete_saved_search(user.id, search_id)
    return Response(status_code=204)


@router.put("/articles/{article_id}/story", response_model=ArticleOut, responses=ERRORS)
def move_article(request: Request, article_id: int, body: ArticleStoryIn,
                 user: Annotated[User, Depends(require_user)]) -> ArticleOut:
    """Correct the grouping: move an article into another story, or (``story_id`` null) split
    it out into a story of its own. Remembered: later assignments respect it, and the story
    it is put in is never split or regrouped automatically. Answers the article as
    ``GET /articles/{article_id}`` does, in its new story."""
    p = _p(request)
    p.move_article(article_id, body.story_id)
    return article_in_story_out(p, p.article(article_id))


@router.post("/stories/{story_id:path}/merge", response_model=StoryDetailOut,
             responses=ERRORS | {400: {"model": ErrorOut, "description": "A story merged into itself"}})
def merge_stories(request: Request, story_id: str, body: StoryMergeIn,
                  user: Annotated[User, Depends(require_user)]) -> StoryDetailOut:
    """Correct the grouping: merge story ``other`` into this one (remembered, as for a move);
    returns the merged story."""
    if body.other == story_id:
        raise HTTPException(status_code=400, detail="a story cannot be merged into itself")
    p = _p(request)
    return story_detail_out(p.story(p.merge_stories(story_id, body.other)))


@router.post("/stories/{story_id:path}/unmerge", response_model=StoryDetailOut, responses=ERRORS)
def unmerge_story(request: Request, story_id: str, user: Annotated[User, Depends(require_user)]) -> StoryDetailOut:
    """Correct the grouping: undo the merge of this story (one merged away) into another. Its
    articles that came in with the merge go back into it, under its own id and address, with
    the reasons they had before; the story it went into keeps its own. Returns this story.
    404 when it is not merged away, or the story it went into has been merged since (unmerge
    that one first)."""
    p = _p(request)
    return story_detail_out(p.story(p.unmerge_story(story_id)))


@router.get("/starred", response_model=list[ArticleOut])
def starred(request: Request, user: Annotated[User, Depends(require_user)],
            limit: Annotated[int, Query(ge=1, le=200)] = 30,
            offset: Annotated[int, Query(ge=0, le=100_000)] = 0) -> list[ArticleOut]:
    """The user's starred articles, newest first."""
    return [article_out(a) for a in _p(request).store.starred_articles(user.id, limit=limit, offset=offset)]
