"""Reading the store: articles, stories best first and one story's reports, and full-text
search. Mixed into ``SQLStore``; the dialect modules supply the search itself."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import NotFound
from ..outlets import outlet_key
from ..types import Article, SearchHit, Story, StoryDetail, outlet_name
from . import schema as t
from .base import SearchFilters
from .sql_util import utc
from .unspaced import substring_search_ids, wants_substring_search

if TYPE_CHECKING:
    from .sql import SearchFn


class ReadingMixin:
    """Needs ``_read`` connection context manager and the dialect's ``_search_fn`` of SQLStore."""

    if TYPE_CHECKING:
        _read: Callable[[], AbstractContextManager[sa.Connection]]
        _search_fn: SearchFn

    # ---- articles ----------------------------------------------------------------------------

    def _article(self, m: Any) -> Article:
        return Article(
            id=m["id"], url=m["url"], canonical_url=m["canonical_url"], title=m.get("headline") or m["title"],
            text=m["text"], html=m["html"], summary=m["summary"], authors=tuple(m["authors"] or ()),
            published=utc(m["published"]), updated=utc(m["updated"]), language=m["language"],
            image=m["image"], site_name=m["site_name"], word_count=m["word_count"],
            warnings=tuple(m["warnings"] or ()), source_id=m["source_id"],
            source_title=m.get("source_title"), source_url=m.get("source_url"), story_id=m["story_id"],
            wire_copy_of=m["wire_copy_of"],
            reasons=dict(m["reasons"] or {}), extracted=bool(m["extracted"]), created_at=utc(m["created_at"]),
            page_retry_at=utc(m.get("page_retry_at")),
            outlet_key=outlet_key(m["source_id"], m["site_url"], m["source_url"], m["source_name"], m["url"] or "",
                                  m["source_outlet"]),
        )

    def _articles_query(self) -> sa.Select[Any]:
        # a removed source's name and outlet stay on its articles (source_name, source_outlet);
        # a followed one's site_url and feed address say which outlet each counts for
        # (Article.outlet_key)
        source_title = sa.func.coalesce(t.sources.c.title, t.articles.c.source_name)
        return sa.select(t.articles, source_title.label("source_title"), t.sources.c.site_url,
                         t.sources.c.url.label("source_url")).outerjoin(
            t.sources, t.sources.c.id == t.articles.c.source_id
        )

    def get_article(self, article_id: int) -> Article:
        with self._read() as conn:
            row = conn.execute(self._articles_query().where(t.articles.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"no article with id {article_id}")
        return self._article(row._mapping)

    def articles_by_ids(self, ids: Sequence[int]) -> dict[int, Article]:
        if not ids:
            return {}
        with self._read() as conn:
            rows = conn.execute(self._articles_query().where(t.articles.c.id.in_(list(ids)))).all()
        return {r.id: self._article(r._mapping) for r in rows}

    # ---- stories ---------------------------------------------------------------------------

    def _story(self, m: Any, outlets: tuple[str, ...], lead: Article | None) -> Story:
        last_seen = utc(m["last_seen"])
        edited = lead.updated if lead is not None else None
        return Story(
            id=m["id"], title=m["title"], first_seen=utc(m["first_seen"]), last_seen=last_seen,
            article_count=m["article_count"], outlet_count=m["outlet_count"],
            independent_count=m["independent_count"], outlets=outlets,
            snippet=lead.snippet if lead else "", image=lead.image if lead else None, score=m["score"],
            lead_article_id=m["lead_article_id"],
            updated=max((t for t in (last_seen, edited) if t is not None), default=None),
        )

    def _outlets(self, conn: sa.Connection, story_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The names of each story's outlets, one per outlet as the story's counts go
        (:func:`~progleton.outlets.outlet_key`: a site followed through two feeds is one), named
        after its first source followed among the story's (the lowest id)."""
        if not story_ids:
            return {}
        name = sa.func.coalesce(t.sources.c.title, t.articles.c.source_name, t.articles.c.site_name)
        # an article's own address only where its removed source left no name: it then names
        # its outlet (one row per named outlet, as before; an untitled source's feed address
        # names it)
        nameless = sa.and_(t.articles.c.source_id.is_(None), t.articles.c.source_name.is_(None))
        address = sa.case((nameless, t.articles.c.url), else_=None)
        query = (
            sa.select(t.articles.c.story_id, t.articles.c.source_id, t.sources.c.site_url,
                      t.sources.c.url.label("source_url"), t.articles.c.source_name, t.articles.c.source_outlet,
                      name.label("name"),
                      address.label("url")).distinct()
            .outerjoin(t.sources, t.sources.c.id == t.articles.c.source_id)
            .where(t.articles.c.story_id.in_(list(story_ids)))
        )
        first: dict[str, dict[str, tuple[bool, int, str]]] = {}
        for r in conn.execute(query):
            key = outlet_key(r.source_id, r.site_url, r.source_url, r.source_name, r.url or "", r.source_outlet)
            named = (r.source_id is None, r.source_id or 0, outlet_name(r.name, None, r.url or "", r.source_url))
            outlets = first.setdefault(r.story_id, {})
            outlets[key] = min(outlets.get(key, named), named)
        return {k: tuple(sorted({n for _, _, n in v.values()})) for k, v in first.items()}

    def top_stories(self, *, limit: int, offset: int = 0, since: datetime | None = None,
                    group: str | None = None, language: str | None = None,
                    ids: Sequence[str] | None = None) -> list[Story]:
        """Stories best first; filters: last seen after ``since``, a source group, a language,
        the given story ids."""
        query = sa.select(t.stories).where(t.stories.c.article_count > 0)
        if ids is not None:
            query = query.where(t.stories.c.id.in_(list(ids)))
        if since is not None:
            query = query.where(t.stories.c.last_seen >= since)
        if group is not None or language is not None:
            members = sa.select(t.articles.c.story_id)
            if group is not None:
                members = members.join(
                    t.source_groups, t.source_groups.c.source_id == t.articles.c.source_id
                ).where(t.source_groups.c.name == group)
            if language is not None:
                members = members.where(t.articles.c.language == language)
            query = query.where(t.stories.c.id.in_(members))
        query = query.order_by(t.stories.c.score.desc(), t.stories.c.id).limit(limit).offset(offset)
        with self._read() as conn:
            rows = conn.execute(query).all()
            ids = [r.id for r in rows]
            outlets = self._outlets(conn, ids)
            leads = self.articles_by_ids([r.lead_article_id for r in rows if r.lead_article_id])
        return [self._story(r._mapping, outlets.get(r.id, ()), leads.get(r.lead_article_id)) for r in rows]

    def get_story(self, story_id: str) -> StoryDetail:
        with self._read() as conn:
            row = conn.execute(sa.select(t.stories).where(t.stories.c.id == story_id)).first()
            if row is None:
                raise NotFound(f"no story with id {story_id}")
            articles = [
                self._article(r._mapping) for r in conn.execute(
                    self._articles_query().where(t.articles.c.story_id == story_id).order_by(
                        sa.func.coalesce(t.articles.c.published, t.articles.c.created_at), t.articles.c.id
                    )
                )
            ]
            outlets = self._outlets(conn, [story_id]).get(story_id, ())
        lead = next((a for a in articles if a.id == row.lead_article_id), articles[0] if articles else None)
        story = self._story(row._mapping, outlets, lead)
        return StoryDetail(story=story, articles=tuple(articles))

    # ---- search ------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20, offset: int = 0,
               filters: SearchFilters | None = None, fold_copies: bool = False) -> list[SearchHit]:
        """Full-text search ("phrases", OR, -exclusion; a word also finds its other forms:
        :mod:`.query`), best first, with highlighted snippets. With ``fold_copies``, one hit
        per wire text, counting the copies it stands for (:mod:`.ranking`)."""
        with self._read() as conn:
            search = substring_search_ids if wants_substring_search(query) else self._search_fn
            found = search(conn, query, limit, offset, filters, fold_copies)
        articles = self.articles_by_ids([i for i, _, _ in found])
        hits = []
        for article_id, snippet, folded in found:
            if article_id in articles:
                marked = html.escape(snippet).replace("\x02", "<mark>").replace("\x03", "</mark>")
                hits.append(SearchHit(article=articles[article_id], highlight=marked, folded_copies=folded))
        return hits

    def story_exists(self, story_id: str) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).first() is not None

    def story_titles(self, story_ids: Sequence[str]) -> dict[str, str]:
        """Titles of the given stories (unknown ids are left out)."""
        if not story_ids:
            return {}
        query = sa.select(t.stories.c.id, t.stories.c.title).where(t.stories.c.id.in_(list(story_ids)))
        with self._read() as conn:
            return {story_id: title for story_id, title in conn.execute(query)}
