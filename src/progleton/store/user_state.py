"""Per-user state in the store: accounts, read/starred, story last-seen and follow, saved
searches. Mixed into ``SQLStore``; the same Core queries serve SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import NotFound
from ..types import Article, Story
from . import schema as t
from .sql_util import insert_fresh, new_id, now_utc, utc

if TYPE_CHECKING:
    from collections.abc import Callable


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class UserStateMixin:
    """Needs ``_read``/``_write`` connection context managers and the record builders of SQLStore."""

    if TYPE_CHECKING:
        _read: Callable[[], AbstractContextManager[sa.Connection]]
        _write: Callable[[], AbstractContextManager[sa.Connection]]

        def _article(self, m: Any) -> Article: ...
        def _articles_query(self) -> sa.Select[Any]: ...
        def top_stories(self, *, limit: int, offset: int = 0, since: datetime | None = None,
                        group: str | None = None, language: str | None = None,
                        ids: Sequence[str] | None = None) -> list[Story]: ...
        def _story(self, m: Any, outlets: tuple[str, ...], lead: Article | None) -> Story: ...
        def _outlets(self, conn: sa.Connection, story_ids: Sequence[str]) -> dict[str, tuple[str, ...]]: ...


    def add_user(self, name: str, password_hash: str, *, is_admin: bool = False) -> int:
        """Create a user, or set the password of the one with that name; returns its id."""
        with self._write() as conn:
            found = conn.execute(sa.select(t.users.c.id).where(t.users.c.name == name)).scalar()
            if found is not None:
                conn.execute(t.users.update().where(t.users.c.id == found).values(
                    password_hash=password_hash, is_admin=is_admin))
                return int(found)
            return new_id(conn.execute(t.users.insert().values(
                name=name, password_hash=password_hash, is_admin=is_admin, created_at=now_utc())
            ))

    def hand_over_state(self, from_user: int, to_user: int) -> None:
        """Give ``to_user`` what ``from_user`` read, starred, followed and saved: the reader's own
        state when sign-in is turned on (the local user's to the admin's) and off again (back).
        What ``to_user`` holds of the same article, story or query is kept as it is."""
        keys = ((t.article_state, t.article_state.c.article_id), (t.story_state, t.story_state.c.story_id),
                (t.saved_searches, t.saved_searches.c.query))
        with self._write() as conn:
            for table, key in keys:
                held = sa.select(key).where(table.c.user_id == to_user)
                conn.execute(table.update().where(table.c.user_id == from_user, key.not_in(held))
                             .values(user_id=to_user))

    def remove_passwords(self) -> list[str]:
        """Take every account's password away (its sessions and tokens stop working, and no one
        can sign in: the reader is open again); the names of those that had one."""
        c = t.users.c
        with self._write() as conn:
            names = list(conn.execute(sa.select(c.name).where(c.password_hash != "!").order_by(c.name)).scalars())
            conn.execute(t.users.update().where(c.password_hash != "!").values(password_hash="!"))
        return names

    def get_user(self, *, user_id: int | None = None, name: str | None = None) -> dict[str, Any] | None:
        query = sa.select(t.users).where(t.users.c.id == user_id if user_id is not None else t.users.c.name == name)
        with self._read() as conn:
            row = conn.execute(query).first()
        return None if row is None else dict(row._mapping)

    def count_users(self, *, with_password: bool = True) -> int:
        """Users, counting only those who can sign in (a password hash other than "!") by default."""
        query = sa.select(sa.func.count()).select_from(t.users)
        if with_password:
            query = query.where(t.users.c.password_hash != "!")
        with self._read() as conn:
            return int(conn.execute(query).scalar() or 0)

    def article_states(self, user_id: int, article_ids: Sequence[int]) -> dict[int, tuple[bool, bool]]:
        """(read, starred) for those of the articles that have a state."""
        if not article_ids:
            return {}
        s = t.article_state.c
        query = sa.select(s.article_id, s.read, s.starred).where(
            s.user_id == user_id, s.article_id.in_(list(article_ids)))
        with self._read() as conn:
            return {r.article_id: (bool(r.read), bool(r.starred)) for r in conn.execute(query)}

    def set_article_state(self, user_id: int, article_ids: Sequence[int], *, read: bool | None = None,
                          starred: bool | None = None) -> None:
        changes = {k: v for k, v in (("read", read), ("starred", starred)) if v is not None}
        if not changes:
            return  # nothing asked to change
        s = t.article_state.c
        with self._write() as conn:
            for article_id in article_ids:
                where = sa.and_(s.user_id == user_id, s.article_id == article_id)
                if not conn.execute(t.article_state.update().where(where).values(**changes)).rowcount:
                    conn.execute(t.article_state.insert().values(user_id=user_id, article_id=article_id,
                                                                 **{"read": False, "starred": False, **changes}))

    def starred_articles(self, user_id: int, *, limit: int, offset: int = 0) -> list[Article]:
        s = t.article_state.c
        query = self._articles_query().join(t.article_state, s.article_id == t.articles.c.id).where(
            s.user_id == user_id, s.starred).order_by(
            sa.func.coalesce(t.articles.c.published, t.articles.c.created_at).desc()).limit(limit).offset(offset)
        with self._read() as conn:
            return [self._article(r._mapping) for r in conn.execute(query)]

    def story_states(self, user_id: int, story_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Per story: ``last_seen_at`` (UTC) and ``followed``, for stories that have a state."""
        if not story_ids:
            return {}
        s = t.story_state.c
        query = sa.select(s.story_id, s.last_seen_at, s.followed).where(
            s.user_id == user_id, s.story_id.in_(list(story_ids)))
        with self._read() as conn:
            return {r.story_id: {"last_seen_at": utc(r.last_seen_at), "followed": bool(r.followed)}
                    for r in conn.execute(query)}

    def set_story_state(self, user_id: int, story_id: str, *, last_seen_at: datetime | None = None,
                        followed: bool | None = None) -> None:
        changes: dict[str, Any] = {k: v for k, v in (("last_seen_at", last_seen_at), ("followed", followed))
                                   if v is not None}
        if not changes:
            return
        s = t.story_state.c
        with self._write() as conn:
            where = sa.and_(s.user_id == user_id, s.story_id == story_id)
            if not conn.execute(t.story_state.update().where(where).values(**changes)).rowcount:
                conn.execute(t.story_state.insert().values(user_id=user_id, story_id=story_id,
                                                           **{"followed": False, **changes}))

    def carry_story_states(self, from_story: str, to_story: str) -> None:
        """Each user's follow of a story merged away passes to the story it went into (and what
        they had seen of it, where they had not looked at that one). The merged story's own
        states are kept, unused while it is merged away, for an undone merge to bring back."""
        s = t.story_state.c
        with self._write() as conn:
            old = conn.execute(sa.select(s.user_id, s.last_seen_at, s.followed).where(s.story_id == from_story)).all()
            for row in old:
                where = sa.and_(s.user_id == row.user_id, s.story_id == to_story)
                present = conn.execute(sa.select(s.followed).where(where)).first()
                if present is None:
                    conn.execute(t.story_state.insert().values(user_id=row.user_id, story_id=to_story,
                                                               last_seen_at=row.last_seen_at, followed=row.followed))
                elif row.followed and not present.followed:
                    conn.execute(t.story_state.update().where(where).values(followed=True))

    def restore_story_states(self, story_id: str, merged_into: str) -> None:
        """An undone merge of ``story_id`` into ``merged_into``: its readers' states, kept since
        the merge, are its own again, but for a follow its reader has since stopped (of the
        story it had gone into)."""
        s = t.story_state.c
        with self._write() as conn:
            stopped = sa.select(s.user_id).where(s.story_id == merged_into, sa.not_(s.followed))
            conn.execute(t.story_state.update().where(s.story_id == story_id, s.followed,
                                                      s.user_id.in_(stopped)).values(followed=False))

    def followed_story_ids(self, user_id: int) -> list[str]:
        """The stories ``user_id`` follows (not those merged away: their follows went on)."""
        s = t.story_state.c
        query = sa.select(s.story_id).join(t.stories, t.stories.c.id == s.story_id).where(
            s.user_id == user_id, s.followed).order_by(s.story_id)
        with self._read() as conn:
            return list(conn.execute(query).scalars())

    def stories_by_ids(self, story_ids: Sequence[str]) -> list[Story]:
        """The given stories as the front page shows them (outlets, snippet and image of the
        lead report), most recently active first."""
        if not story_ids:
            return []
        stories = self.top_stories(limit=len(story_ids), ids=story_ids)
        return sorted(stories, key=lambda s: s.last_seen or _EPOCH, reverse=True)

    def followed_stories(self, user_id: int) -> tuple[list[Story], dict[str, dict[str, Any]], dict[str, int]]:
        """The stories ``user_id`` follows (:meth:`stories_by_ids`), their states
        (:meth:`story_states`), and per story opened before the articles stored since
        (:meth:`new_article_counts`; a story never opened has no count)."""
        stories = self.stories_by_ids(self.followed_story_ids(user_id))
        states = self.story_states(user_id, [s.id for s in stories])
        seen = {k: v["last_seen_at"] for k, v in states.items() if v["last_seen_at"]}
        return stories, states, self.new_article_counts(seen)

    def new_article_counts(self, story_since: dict[str, datetime]) -> dict[str, int]:
        """Per story, articles stored after the given moment (what arrived since a user looked)."""
        out: dict[str, int] = {}
        with self._read() as conn:
            for story_id, since in story_since.items():
                out[story_id] = int(conn.execute(sa.select(sa.func.count()).select_from(t.articles).where(
                    t.articles.c.story_id == story_id, t.articles.c.created_at > since)).scalar() or 0)
        return out

    def add_saved_search(self, user_id: int, name: str, query: str) -> int:
        """Keep a search; the same query saved again is renamed, not kept twice."""
        c = t.saved_searches.c
        with self._write() as conn:
            existing = conn.execute(sa.select(c.id).where(c.user_id == user_id, c.query == query)).scalar()
            if existing is not None:
                conn.execute(t.saved_searches.update().where(c.id == existing).values(name=name))
                return int(existing)
            return insert_fresh(conn, t.saved_searches, user_id=user_id, name=name, query=query,
                                created_at=now_utc())

    def saved_searches(self, user_id: int) -> list[dict[str, Any]]:
        query = sa.select(t.saved_searches).where(t.saved_searches.c.user_id == user_id).order_by(
            sa.func.lower(t.saved_searches.c.name))
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def delete_saved_search(self, user_id: int, search_id: int) -> None:
        with self._write() as conn:
            if not conn.execute(t.saved_searches.delete().where(
                    t.saved_searches.c.id == search_id, t.saved_searches.c.user_id == user_id)).rowcount:
                raise NotFound(f"no saved search with id {search_id}")
