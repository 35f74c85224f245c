"""The Store implemented on SQLAlchemy Core; dialect modules supply engine and search.

``SQLStore`` keeps the connections and the sources here; the rest is mixed in by what it
works on: an update's entries and articles (:mod:`.entries`), story membership
(:mod:`.membership`), reading articles and stories and search (:mod:`.reading`), site
profiles, corrections and meta (:mod:`.meta`), and per-user state (:mod:`.user_state`)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..exceptions import NotFound, masked_passwords
from ..outlets import outlet_key
from ..types import Source
from ..urls import address_name, is_web_address
from . import schema as t
from .base import SearchFilters
from .entries import EntriesMixin
from .failures import database_failure
from .membership import StoryMembershipMixin
from .meta import MetaMixin
from .reading import ReadingMixin
from .sql_util import BulkInsert, insert_fresh, now_utc, short_messages, utc
from .user_state import UserStateMixin

log = logging.getLogger(__name__)

# (conn, query, limit, offset, filters, fold_copies) -> (article id, snippet, copies folded into it)
SearchFn = Callable[[sa.Connection, str, int, int, SearchFilters | None, bool], list[tuple[int, str, int]]]
LockFn = Callable[..., AbstractContextManager[bool]]  # (engine, *, wait) -> the grouping lock


_SOURCE_COLUMNS = [c.name for c in t.sources.columns]
_ARTICLE_INSERT_COLUMNS = [c.name for c in t.articles.columns
                           if c.name not in ("id", "story_id", "wire_copy_of", "grouped_text")]
_ENTRY_INSERT_COLUMNS = [c.name for c in t.entries.columns if c.name != "id"]


@contextmanager
def _no_number_past_range() -> Iterator[None]:
    """An id no row can have (past 32 bits on PostgreSQL, 64 on SQLite: a typo, a guessed
    address) names nothing, as an unknown id does; the databases answered an error (PostgreSQL's
    "integer out of range", SQLite's OverflowError) that became a 500 or a traceback. Only the
    ids a caller gives can be that large: the values Progleton writes fit their columns."""
    past = "there is nothing with that number, past the ids the database holds"
    try:
        yield
    except OverflowError as exc:
        if "SQLite INTEGER" not in str(exc):
            raise
        raise NotFound(past) from exc
    except sa.exc.DataError as exc:
        if getattr(exc.orig, "sqlstate", None) != "22003":  # numeric_value_out_of_range
            raise
        raise NotFound(past) from exc


class SQLStore(EntriesMixin, StoryMembershipMixin, ReadingMixin, MetaMixin, UserStateMixin):
    """Storage on an SQLAlchemy engine. See ``progleton.store.base.Store``."""

    def __init__(self, engine: sa.Engine, *, search_fn: SearchFn, lock_fn: LockFn) -> None:
        self.engine = engine
        self._search_fn = search_fn
        self._lock_fn = lock_fn
        # An article another process stored meanwhile (updates running at once) is skipped:
        # the look-up after the insert finds its id all the same.
        self._insert_articles = BulkInsert(t.articles, _ARTICLE_INSERT_COLUMNS, engine.dialect,
                                           skip_duplicates_of=("canonical_url",))
        self._insert_entries = BulkInsert(t.entries, _ENTRY_INSERT_COLUMNS, engine.dialect,
                                          skip_duplicates_of=("source_id", "guid"))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with _no_number_past_range(), self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with _no_number_past_range(), self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    yield conn
            finally:
                conn.info.pop("write", None)

    # ---- sources -------------------------------------------------------------------------

    def _source(self, row: sa.Row[Any], groups: tuple[str, ...] = (), article_count: int = 0) -> Source:
        m = row._mapping
        return Source(
            id=m["id"], url=m["url"], title=m["title"], site_url=m["site_url"], groups=groups,
            added_at=utc(m["added_at"]), last_fetched_at=utc(m["last_fetched_at"]),
            # an error stored before errors masked passwords (exceptions.masked_passwords) is shown masked
            last_status=m["last_status"], last_error=m["last_error"] and masked_passwords(m["last_error"]),
            error_count=m["error_count"],
            next_fetch_at=utc(m["next_fetch_at"]), interval_minutes=m["interval_minutes"],
            backoff_minutes=m["backoff_minutes"] or 0.0, retired=bool(m["retired"]),
            etag=m["etag"], last_modified=m["last_modified"], article_count=article_count,
        )

    def _groups(self, conn: sa.Connection, ids: Sequence[int] | None = None) -> dict[int, tuple[str, ...]]:
        query = sa.select(t.source_groups.c.source_id, t.source_groups.c.name).order_by(t.source_groups.c.name)
        if ids is not None:
            query = query.where(t.source_groups.c.source_id.in_(ids))
        out: dict[int, list[str]] = {}
        for source_id, name in conn.execute(query):
            out.setdefault(source_id, []).append(name)
        return {k: tuple(v) for k, v in out.items()}

    def add_source(self, url: str, *, title: str | None = None, site_url: str | None = None,
                   groups: Iterable[str] = ()) -> tuple[Source, bool]:
        """Add a source; returns (source, created). An existing URL is returned unchanged."""
        existing = self.source_by_url(url)
        if existing is not None:
            return existing, False
        with self._write() as conn:
            source_id = insert_fresh(conn, t.sources, url=url, title=title, site_url=site_url,
                                     added_at=now_utc())
            names = sorted({g.strip() for g in groups if g.strip()})
            if names:
                conn.execute(t.source_groups.insert(), [{"source_id": source_id, "name": n} for n in names])
        return self.get_source(source_id), True

    def get_source(self, source_id: int) -> Source:
        with self._read() as conn:
            row = conn.execute(sa.select(t.sources).where(t.sources.c.id == source_id)).first()
            if row is None:
                raise NotFound(f"no source with id {source_id}; `progleton sources` lists them")
            return self._source(row, self._groups(conn, [source_id]).get(source_id, ()))

    def source_by_url(self, url: str) -> Source | None:
        with self._read() as conn:
            row = conn.execute(sa.select(t.sources).where(t.sources.c.url == url)).first()
            return None if row is None else self._source(row, self._groups(conn, [row.id]).get(row.id, ()))

    def list_sources(self) -> list[Source]:
        counts = (
            sa.select(t.articles.c.source_id, sa.func.count().label("n"))
            .group_by(t.articles.c.source_id).subquery()
        )
        query = (
            sa.select(t.sources, sa.func.coalesce(counts.c.n, 0).label("article_count"))
            .outerjoin(counts, counts.c.source_id == t.sources.c.id)
            .order_by(sa.func.lower(sa.func.coalesce(t.sources.c.title, t.sources.c.url)))
        )
        with self._read() as conn:
            groups = self._groups(conn)
            return [self._source(r, groups.get(r.id, ()), r.article_count) for r in conn.execute(query)]

    def remove_source(self, source_id: int) -> None:
        """Stop following a source. Its articles stay (in their stories), named as before: the
        source's name is written on those it named (all, where it has a title; else those
        without a site name of their own, which :func:`~progleton.types.outlet_name` puts
        first), and no page of theirs is asked for again. Each goes on counting for the outlet
        it counted for (its source's :func:`~progleton.outlets.outlet_key`, written on it), so
        the counts and score of its story stay right as they are."""
        with self._write() as conn:
            source = conn.execute(sa.select(t.sources.c.title, t.sources.c.url, t.sources.c.site_url)
                                  .where(t.sources.c.id == source_id)).first()
            if source is None:
                raise NotFound(f"no source with id {source_id}")
            mine = t.articles.c.source_id == source_id
            conn.execute(t.articles.update().where(mine, t.articles.c.page_retry_at.is_not(None))
                         .values(page_retry_at=None))
            # by name, as before the key was kept, the feed removed beside another feed of its
            # site became an outlet of its own in every story the two shared
            conn.execute(t.articles.update().where(mine).values(
                source_outlet=outlet_key(source_id, source.site_url, source.url, None, "")))
            named = mine if source.title else sa.and_(mine, t.articles.c.site_name.is_(None))
            name = source.title or (address_name(source.url) if is_web_address(source.url) else "")
            if name:
                conn.execute(t.articles.update().where(named).values(source_name=name))
            # its entries, groups and pending entries go with it (ON DELETE CASCADE)
            conn.execute(t.sources.delete().where(t.sources.c.id == source_id))

    def set_source_groups(self, source_id: int, groups: Iterable[str]) -> None:
        with self._write() as conn:
            conn.execute(t.source_groups.delete().where(t.source_groups.c.source_id == source_id))
            names = sorted({g.strip() for g in groups if g.strip()})
            if names:
                conn.execute(t.source_groups.insert(), [{"source_id": source_id, "name": n} for n in names])

    def source_groups(self) -> list[tuple[str, int]]:
        query = sa.select(t.source_groups.c.name, sa.func.count()).group_by(t.source_groups.c.name)
        with self._read() as conn:
            return [(name, n) for name, n in conn.execute(query.order_by(t.source_groups.c.name))]

    def due_sources(self, now: datetime) -> list[Source]:
        query = sa.select(t.sources).where(
            ~t.sources.c.retired,
            sa.or_(t.sources.c.next_fetch_at.is_(None), t.sources.c.next_fetch_at <= now),
        ).order_by(t.sources.c.id)
        with self._read() as conn:
            return [self._source(r) for r in conn.execute(query)]

    def waiting_sources(self, status: str, now: datetime) -> list[Source]:
        """The followed sources whose last fetch ended in ``status`` (the fetch stage's "rate
        limited") and whose next fetch is still to come: read before each update, so without
        :meth:`list_sources`' count of every source's articles."""
        s = t.sources.c
        query = sa.select(t.sources).where(~s.retired, s.last_status == status, s.next_fetch_at > now)
        with self._read() as conn:
            return [self._source(r) for r in conn.execute(query.order_by(s.id))]

    def claim_due_sources(self, now: datetime, until: datetime, limit: int, *, by: str | None = None) -> list[Source]:
        """The due sources (at most ``limit``, the longest due first), each taken for this process
        (``by``: a :class:`~progleton.claims.Claimer`) until ``until`` (its next fetch is set
        then, in the same statement), so that updates running at the same time in several
        processes never fetch one source twice and, taking a few at a time, share the work. The
        update writes each source's real next fetch; a source taken by a process that died is
        due again at ``until``, or when :meth:`take_back_claims` frees it."""
        s = t.sources.c
        due = sa.and_(~s.retired, sa.or_(s.next_fetch_at.is_(None), s.next_fetch_at <= now), _unclaimed(now))
        pick = sa.select(s.id).where(due).order_by(s.next_fetch_at.nulls_first(), s.id).limit(limit)
        if self.engine.dialect.name == "postgresql":  # rows another update is taking are skipped
            pick = pick.with_for_update(skip_locked=True)
        # the outer condition again: on PostgreSQL a row another update took meanwhile is
        # checked anew once its lock is released
        statement = t.sources.update().where(due, s.id.in_(pick.scalar_subquery()))
        with self._write() as conn:
            rows = conn.execute(statement.values(next_fetch_at=until, claimed_until=until, claimed_by=by)
                                .returning(*t.sources.c))
            return sorted((self._source(r) for r in rows), key=lambda source: source.id)

    def claim_sources(self, source_ids: Sequence[int], now: datetime, until: datetime, *,
                      by: str | None = None) -> list[Source]:
        """Of the given sources, those no other update has taken, each taken for this process
        (``by``) until ``until`` (an update of every source, ``update --all``): due or not, and their
        schedule left as it is. Two such updates at once, or one beside the plain updates,
        fetch no source twice."""
        s = t.sources.c
        taken: list[Source] = []
        with self._write() as conn:
            for start in range(0, len(source_ids), 500):
                rows = conn.execute(t.sources.update().where(
                    s.id.in_(source_ids[start:start + 500]), ~s.retired, _unclaimed(now),
                ).values(claimed_until=until, claimed_by=by).returning(*t.sources.c))
                taken += (self._source(r) for r in rows)
        return sorted(taken, key=lambda source: source.id)

    def release_sources(self, source_ids: Sequence[int], until: datetime, now: datetime) -> None:
        """Give back the sources :meth:`claim_due_sources` or :meth:`claim_sources` took until
        ``until`` whose update did not finish (it was stopped): free for another update, and
        those that were due, due again at ``now`` rather than in an hour. A database that
        cannot take even this (full, cut off: what stopped the update, often) leaves them to
        come due at ``until``, and says so in a warning."""
        s = t.sources.c
        try:
            with self._write() as conn:
                for start in range(0, len(source_ids), 500):
                    ids = source_ids[start:start + 500]
                    conn.execute(t.sources.update().where(s.id.in_(ids), s.next_fetch_at == until).values(next_fetch_at=now))
                    conn.execute(t.sources.update().where(s.id.in_(ids), s.claimed_until == until)
                                 .values(claimed_until=None, claimed_by=None))
        except sa.exc.DBAPIError as exc:
            if (failure := database_failure(exc, self.engine.url)) is None:
                raise
            log.warning("the sources this update took could not be given back; they are due again at %s: %s",
                        f"{until.astimezone():%H:%M}", failure)

    def reschedule_ahead(self, now: datetime, latest: datetime) -> int:
        """Make due now the sources whose next fetch, or whose mark of an update that took them,
        is later than ``latest`` (no schedule goes past it: a clock that ran ahead wrote it, and
        they would wait as long once it was put right); how many."""
        s = t.sources.c
        with self._write() as conn:
            ahead = conn.execute(t.sources.update().where(s.next_fetch_at > latest).values(next_fetch_at=now)).rowcount
            conn.execute(t.sources.update().where(s.claimed_until > latest).values(claimed_until=None, claimed_by=None))
        if ahead:
            log.warning("%d sources were due later than any schedule allows (the clock ran ahead?): due now", ahead)
        return int(ahead)

    def source_claimers(self, now: datetime) -> list[str]:
        """Who has sources taken now (``claimed_by`` of the claims not yet passed)."""
        s = t.sources.c
        query = sa.select(s.claimed_by).where(s.claimed_until > now, s.claimed_by.is_not(None)).distinct()
        with self._read() as conn:
            return sorted(conn.execute(query).scalars())

    def take_back_claims(self, claimers: Sequence[str], now: datetime) -> int:
        """Free the sources ``claimers`` (processes that no longer run) have taken, those the
        claim made due later due again at ``now``, as :meth:`release_sources` does; how many."""
        s = t.sources.c
        theirs = sa.and_(s.claimed_by.in_(claimers), s.claimed_until > now)
        with self._write() as conn:
            conn.execute(t.sources.update().where(theirs, s.next_fetch_at == s.claimed_until).values(next_fetch_at=now))
            return int(conn.execute(t.sources.update().where(theirs).values(claimed_until=None, claimed_by=None)).rowcount)

    def update_source(self, source_id: int, **fields: Any) -> None:
        unknown = set(fields) - set(_SOURCE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown source fields {sorted(unknown)}")
        moving = [source_id] if {"site_url", "url"} & fields.keys() else []  # its site may change
        with self._write() as conn, self._recounting_moved_sources(conn, moving):
            conn.execute(t.sources.update().where(t.sources.c.id == source_id).values(**short_messages(fields)))

    def grouping_lock(self, *, wait: bool = True) -> AbstractContextManager[bool]:
        return self._lock_fn(self.engine, wait=wait)


def _unclaimed(now: datetime) -> sa.ColumnElement[bool]:
    """No update has the source now: never taken, written since, or its taker died (``until``
    has passed)."""
    claimed = t.sources.c.claimed_until
    return sa.or_(claimed.is_(None), claimed <= now)
