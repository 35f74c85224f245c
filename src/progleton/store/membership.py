"""Story membership in the store: the grouper's queue and its assignments, and each story's
counts, title, lead article and score recomputed from its members. Mixed into ``SQLStore``;
the same queries serve SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import NotFound
from ..outlets import outlet_key, source_site
from ..stories.rank import recent_outlets, story_score
from . import schema as t
from .sql_util import lookup, new_id, now_utc, short_messages, utc

LEAD_WINDOW = timedelta(hours=24)  # a story's headline comes from its reports of the last day


class StoryMembershipMixin:
    """Needs ``_read``/``_write`` connection context managers of SQLStore."""

    if TYPE_CHECKING:
        _read: Callable[[], AbstractContextManager[sa.Connection]]
        _write: Callable[[], AbstractContextManager[sa.Connection]]

    def add_article(self, article: dict[str, Any], story: dict[str, Any]) -> int:
        """Insert an article and its story membership in one transaction; returns the article id.

        ``story`` holds ``story_id``, ``wire_copy_of`` (an article id or None) and ``reasons``.
        """
        with self._write() as conn:
            self._ensure_story(conn, story["story_id"], article["title"])
            article_id = new_id(conn.execute(
                t.articles.insert().values(
                    **short_messages(article), story_id=story["story_id"], wire_copy_of=story.get("wire_copy_of"),
                    reasons=story.get("reasons", {}), created_at=now_utc(),
                )
            ))
            self._refresh(conn, [story["story_id"]])
        return int(article_id)

    def _refresh_stories_of(self, conn: sa.Connection, article_ids: Sequence[int]) -> None:
        """Refresh the stories these articles are in (a headline, text or snippet changed)."""
        if article_ids:
            stories = conn.execute(sa.select(t.articles.c.story_id).where(t.articles.c.id.in_(article_ids))).scalars()
            self._refresh(conn, [s for s in set(stories) if s])

    def _recounting_moved_sources(self, conn: sa.Connection, source_ids: Collection[int]) -> AbstractContextManager[None]:
        """Around a change of these sources' home page or feed address (``site_url``, ``url``):
        the stories of the articles of each source whose site it changed (:func:`source_site`)
        are counted again (:meth:`_refresh`, in the same transaction), as migration 0011 counted
        every story once. A story's outlets are counted by site when its members change, so a
        home page found on a later fetch, or a feed moved (a 301), had left them as they were:
        a second feed of a site already in a story counted as another outlet."""
        return _recounting(conn, source_ids, self._refresh)

    def unassigned_articles(self) -> list[dict[str, Any]]:
        """Articles not yet in a story, in publication order: the grouper's queue."""
        when = sa.func.coalesce(t.articles.c.published, t.articles.c.created_at)
        query = _with_outlet(sa.select(
            t.articles.c.id, t.articles.c.url, t.articles.c.source_id, t.articles.c.title,
            t.articles.c.text, t.articles.c.summary, t.articles.c.grouped_text, t.articles.c.published,
            t.articles.c.created_at,
        )).where(t.articles.c.story_id.is_(None)).order_by(when, t.articles.c.id)
        with self._read() as conn:
            return [{**r._mapping, "published": utc(r.published), "created_at": utc(r.created_at)}
                    for r in conn.execute(query)]

    def assign_articles(self, assignments: Sequence[dict[str, Any]]) -> None:
        """Record story memberships (article_id, story_id, wire_copy_of, reasons) in one
        transaction, then refresh every story they touched."""
        if not assignments:
            return
        with self._write() as conn:
            # stories that lose members (a split moved them) are refreshed too
            previous = {story for (story,) in lookup(
                conn, "SELECT story_id FROM articles WHERE story_id IS NOT NULL AND id IN ({keys})",
                [a["article_id"] for a in assignments])}
            existing = set(conn.execute(sa.select(t.stories.c.id).where(
                t.stories.c.id.in_({a["story_id"] for a in assignments}))).scalars())
            new_stories = {a["story_id"]: a.get("title", "") for a in assignments if a["story_id"] not in existing}
            if new_stories:
                conn.execute(t.stories.insert(), [{"id": k, "title": v} for k, v in new_stories.items()])
            conn.execute(
                t.articles.update().where(t.articles.c.id == sa.bindparam("article_id")).values(
                    story_id=sa.bindparam("new_story_id"), wire_copy_of=sa.bindparam("new_wire_copy_of"),
                    reasons=sa.bindparam("new_reasons")),
                [{"article_id": a["article_id"], "new_story_id": a["story_id"],
                  "new_wire_copy_of": a.get("wire_copy_of"), "new_reasons": a.get("reasons", {})}
                 for a in assignments],
            )
            self._refresh(conn, [*(a["story_id"] for a in assignments), *previous])

    def _ensure_story(self, conn: sa.Connection, story_id: str, title: str) -> None:
        if conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).first() is None:
            conn.execute(t.stories.insert().values(id=story_id, title=title))

    def assignments(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Every article's membership, oldest first: what the grouper replays on start-up."""
        query = _with_outlet(sa.select(
            t.articles.c.id, t.articles.c.url, t.articles.c.canonical_url, t.articles.c.source_id,
            t.articles.c.title,
            t.articles.c.text, t.articles.c.summary, t.articles.c.grouped_text, t.articles.c.published,
            t.articles.c.created_at, t.articles.c.story_id, t.articles.c.wire_copy_of,
        )).order_by(sa.func.coalesce(t.articles.c.published, t.articles.c.created_at), t.articles.c.id)
        if since is not None:
            query = query.where(sa.func.coalesce(t.articles.c.published, t.articles.c.created_at) >= since)
        with self._read() as conn:
            return [
                {**r._mapping, "published": utc(r.published), "created_at": utc(r.created_at)}
                for r in conn.execute(query)
            ]

    def set_story_membership(self, article_id: int, story_id: str, reasons: dict[str, Any],
                             wire_copy_of: int | None = None) -> None:
        with self._write() as conn:
            old = conn.execute(sa.select(t.articles.c.story_id, t.articles.c.title).where(
                t.articles.c.id == article_id)).first()
            if old is None:
                raise NotFound(f"no article with id {article_id}")
            self._ensure_story(conn, story_id, old.title)
            conn.execute(t.articles.update().where(t.articles.c.id == article_id).values(
                story_id=story_id, reasons=reasons, wire_copy_of=wire_copy_of))
            self._refresh(conn, [s for s in (old.story_id, story_id) if s])

    def _refresh(self, conn: sa.Connection, story_ids: Sequence[str]) -> None:
        """Recompute a story's counts, title, lead article and score from its members."""
        for story_id in set(story_ids):
            rows = conn.execute(_with_outlet(
                sa.select(t.articles.c.id, sa.func.coalesce(t.articles.c.headline, t.articles.c.title).label("title"),
                          t.articles.c.source_id, t.articles.c.url,
                          t.articles.c.wire_copy_of, t.articles.c.word_count,
                          sa.func.coalesce(t.articles.c.published, t.articles.c.created_at).label("when")))
                .where(t.articles.c.story_id == story_id)
            ).all()
            if not rows:
                conn.execute(t.stories.delete().where(t.stories.c.id == story_id))
                continue
            times = [w for r in rows if (w := utc(r.when)) is not None]
            first, last = (min(times), max(times)) if times else (None, None)
            independent = [r for r in rows if r.wire_copy_of is None]
            outlets = {_outlet(r) for r in rows}
            independent_outlets = {_outlet(r) for r in independent} or {_outlet(rows[0])}
            # The lead is the fullest independent report of the story's latest day of news; its
            # headline heads the story, so one that runs for days says where it stands now
            # ("Wildfire contained"), not how it began.
            reports = independent or rows
            latest = [r for r in reports if last is not None and (w := utc(r.when)) is not None
                      and w >= last - LEAD_WINDOW]
            lead = max(latest or reports, key=lambda r: (r.word_count, -r.id))
            recent = recent_outlets([(_outlet(r), w) for r in reports if (w := utc(r.when)) is not None], last)
            conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(
                title=lead.title, first_seen=first, last_seen=last, article_count=len(rows),
                outlet_count=len(outlets), independent_count=len(independent_outlets),
                lead_article_id=lead.id, score=story_score(len(independent_outlets), last, recent),
            ))


@contextmanager
def _recounting(conn: sa.Connection, source_ids: Collection[int],
                refresh: Callable[[sa.Connection, Sequence[str]], None]) -> Iterator[None]:
    before = _sites(conn, source_ids) if source_ids else {}
    yield
    after = _sites(conn, before) if before else {}
    moved = [source_id for source_id, site in before.items() if after.get(source_id, site) != site]
    if moved:
        a = t.articles.c
        stories = conn.execute(sa.select(a.story_id).where(a.source_id.in_(moved), a.story_id.is_not(None))
                               .distinct()).scalars()
        refresh(conn, list(stories))


def _sites(conn: sa.Connection, source_ids: Collection[int]) -> dict[int, str | None]:
    """The site of each of these sources, as :func:`_outlet` counts its articles."""
    s = t.sources.c
    rows = conn.execute(sa.select(s.id, s.site_url, s.url).where(s.id.in_(list(source_ids))))
    return {r.id: source_site(r.site_url, r.url) for r in rows}


def _with_outlet(query: sa.Select[Any]) -> sa.Select[Any]:
    """``query`` of articles with what :func:`_outlet` reads: their source's home page and feed
    address (``site_url``, ``source_url``) and the outlet and name a removed source left
    (``source_outlet``, ``source_name``)."""
    return (query.add_columns(t.sources.c.site_url, t.sources.c.url.label("source_url"), t.articles.c.source_name,
                              t.articles.c.source_outlet)
            .outerjoin(t.sources, t.sources.c.id == t.articles.c.source_id))


def _outlet(row: Any) -> str:
    """Which outlet a story's article counts for: its source's site, so that two feeds of one
    site count once (:func:`~progleton.outlets.outlet_key`); a removed source's articles count
    for the outlet it counted for (``source_outlet``)."""
    return outlet_key(row.source_id, row.site_url, row.source_url, row.source_name, row.url or "", row.source_outlet)
