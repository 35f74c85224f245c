"""The Store implemented on SQLAlchemy Core; dialect modules supply engine and search."""

from __future__ import annotations

import html
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..exceptions import NotFound
from ..stories.rank import recent_outlets, story_score
from ..types import Article, SearchHit, Source, Story, StoryDetail, outlet_name
from ..urls import address_name, is_web_address
from . import schema as t
from .base import KnownEntry, PendingRow, SearchFilters
from .sql_util import BulkInsert, insert_fresh, lookup, new_id, now_utc, placeholder, utc
from .unspaced import substring_search_ids, wants_substring_search
from .user_state import UserStateMixin

SearchFn = Callable[[sa.Connection, str, int, int, SearchFilters | None], list[tuple[int, str]]]
LockFn = Callable[..., AbstractContextManager[bool]]  # (engine, *, wait) -> the grouping lock


def _update_each(conn: sa.Connection, table: sa.Table, rows: Sequence[tuple[int, dict[str, Any]]],
                 also: Callable[[tuple[str, ...]], dict[str, Any]] | None = None) -> None:
    """Update rows of ``table`` by id, each with its own columns: one executemany per set of
    columns; ``also`` gives expressions to set beside a set of columns."""
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, fields in rows:
        by_columns.setdefault(tuple(sorted(fields)), []).append({**fields, "_row_id": row_id})
    for columns, params in by_columns.items():
        values = {column: sa.bindparam(column) for column in columns} | (also(columns) if also else {})
        conn.execute(table.update().where(table.c.id == sa.bindparam("_row_id")).values(values), params)


def _upsert(table: sa.Table, dialect: sa.Dialect) -> Any:
    """An INSERT that can say what to do on a conflict, in the database's own dialect."""
    from sqlalchemy.dialects import postgresql, sqlite

    return (postgresql.insert if dialect.name == "postgresql" else sqlite.insert)(table)


LEAD_WINDOW = timedelta(hours=24)  # a story's headline comes from its reports of the last day
_SOURCE_COLUMNS = [c.name for c in t.sources.columns]
_ARTICLE_INSERT_COLUMNS = [c.name for c in t.articles.columns
                           if c.name not in ("id", "story_id", "wire_copy_of", "grouped_text")]
_ENTRY_INSERT_COLUMNS = [c.name for c in t.entries.columns if c.name != "id"]
# What an article's text was for the grouper, kept when a later text replaces it: the text the
# grouper read first, else its text or, without one, its summary (as pipeline.stored_doc reads).
# In an UPDATE that sets ``text`` too, the columns read here are the row's values before it.
_GROUPED_TEXT = sa.func.coalesce(
    t.articles.c.grouped_text, sa.case((t.articles.c.text == "", t.articles.c.summary), else_=t.articles.c.text))


class SQLStore(UserStateMixin):
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
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
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
            last_status=m["last_status"], last_error=m["last_error"], error_count=m["error_count"],
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
        first), and no page of theirs is asked for again."""
        with self._write() as conn:
            source = conn.execute(sa.select(t.sources.c.title, t.sources.c.url)
                                  .where(t.sources.c.id == source_id)).first()
            if source is None:
                raise NotFound(f"no source with id {source_id}")
            mine = t.articles.c.source_id == source_id
            conn.execute(t.articles.update().where(mine, t.articles.c.page_retry_at.is_not(None))
                         .values(page_retry_at=None))
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

    def claim_due_sources(self, now: datetime, until: datetime, limit: int) -> list[Source]:
        """The due sources (at most ``limit``, the longest due first), each taken for this process
        until ``until`` (its next fetch is set then, in the same statement), so that updates
        running at the same time in several processes never fetch one source twice and, taking
        a few at a time, share the work. The update writes each source's real next fetch; a
        source taken by a process that died is due again at ``until``."""
        s = t.sources.c
        due = sa.and_(~s.retired, sa.or_(s.next_fetch_at.is_(None), s.next_fetch_at <= now))
        pick = sa.select(s.id).where(due).order_by(s.next_fetch_at.nulls_first(), s.id).limit(limit)
        if self.engine.dialect.name == "postgresql":  # rows another update is taking are skipped
            pick = pick.with_for_update(skip_locked=True)
        # the outer condition again: on PostgreSQL a row another update took meanwhile is
        # checked anew once its lock is released
        statement = t.sources.update().where(due, s.id.in_(pick.scalar_subquery()))
        with self._write() as conn:
            rows = conn.execute(statement.values(next_fetch_at=until).returning(*t.sources.c))
            return sorted((self._source(r) for r in rows), key=lambda source: source.id)

    def release_sources(self, source_ids: Sequence[int], until: datetime, now: datetime) -> None:
        """Give back the sources :meth:`claim_due_sources` took until ``until`` whose update did
        not finish (it was stopped): due again at ``now`` rather than in an hour."""
        s = t.sources.c
        with self._write() as conn:
            for start in range(0, len(source_ids), 500):
                conn.execute(t.sources.update().where(
                    s.id.in_(source_ids[start:start + 500]), s.next_fetch_at == until).values(next_fetch_at=now))

    def update_source(self, source_id: int, **fields: Any) -> None:
        unknown = set(fields) - set(_SOURCE_COLUMNS)
        if unknown:
            raise ValueError(f"unknown source fields {sorted(unknown)}")
        with self._write() as conn:
            conn.execute(t.sources.update().where(t.sources.c.id == source_id).values(**fields))

    # ---- entries and articles -----------------------------------------------------------------

    def article_id_by_canonical_url(self, canonical_url: str) -> int | None:
        with self._read() as conn:
            return conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.canonical_url == canonical_url)
            ).scalar()

    def add_article(self, article: dict[str, Any], story: dict[str, Any]) -> int:
        """Insert an article and its story membership in one transaction; returns the article id.

        ``story`` holds ``story_id``, ``wire_copy_of`` (an article id or None) and ``reasons``.
        """
        with self._write() as conn:
            self._ensure_story(conn, story["story_id"], article["title"])
            article_id = new_id(conn.execute(
                t.articles.insert().values(
                    **article, story_id=story["story_id"], wire_copy_of=story.get("wire_copy_of"),
                    reasons=story.get("reasons", {}), created_at=now_utc(),
                )
            ))
            self._refresh(conn, [story["story_id"]])
        return int(article_id)

    def save_feeds(self, feeds: Sequence[tuple[int, dict[str, Any], Sequence[tuple[dict[str, Any], Any]]]]
                   ) -> dict[int, int]:
        """Store several feeds' new entries and their sources' new state in one transaction.

        Each feed is (source_id, source fields, items); each item is (entry, article), where
        ``article`` is a record to insert (its story is assigned later, by
        ``assign_articles``), the id of an article already stored, or None. Entries already
        stored for their source are skipped (the unique constraint decides: the caller sends
        only entries it did not know, so this guards against a concurrent update). A record
        whose canonical URL is stored by now, or whose text its own source already gave
        under another URL (an exact duplicate), points its entry at the stored article.

        A source's validators (ETag, Last-Modified) are written with its entries, never
        before them, so a crash can never leave entries that the next conditional GET will
        not bring back. A feed's fields may carry ``_headlines``, its stored entries whose title
        the feed changed (:meth:`_change_headlines`), and ``_page_retries``, its articles whose
        page was fetched again (:meth:`_save_page_retries`), and ``_pending_entries``, the changes
        to its entries waiting for a later update (:meth:`_save_pending`); they are written in the
        same transaction, so an entry taken from the pending ones is stored and no longer pending
        at once.
        Returns how many articles each source added (new pages, not entries pointed at a stored
        article).
        """
        now = now_utc()
        with self._write() as conn:
            added: dict[int, int] = {}
            ids = self._store_articles(
                conn, [a for _, _, items in feeds for _, a in items if isinstance(a, dict)], now, added)
            entry_rows = [
                {**entry, "source_id": source_id,
                 "article_id": ids[article["canonical_url"]] if isinstance(article, dict) else article}
                for source_id, _, items in feeds for entry, article in items
            ]
            self._insert_entries.execute(conn, entry_rows, {"first_seen": now})
            source_fields: list[tuple[int, dict[str, Any]]] = []
            changed: list[dict[str, Any]] = []
            retold: list[dict[str, Any]] = []
            retried: list[dict[str, Any]] = []
            pending: list[tuple[int, dict[str, Any]]] = []
            for source_id, fields, _ in feeds:
                fields = dict(fields)
                if "_pending_entries" in fields:
                    pending.append((source_id, fields.pop("_pending_entries")))
                changed += [{**c, "_source_id": source_id} for c in fields.pop("_headlines", ())]
                retold += [{**c, "_source_id": source_id} for c in fields.pop("_texts", ())]
                retried += fields.pop("_page_retries", ())
                if fields:
                    source_fields.append((source_id, fields))
            if changed:
                self._change_headlines(conn, changed)
            if retold:
                self._change_texts(conn, retold)
            if retried:
                self._save_page_retries(conn, retried)
            if pending:
                self._save_pending(conn, pending)
            _update_each(conn, t.sources, source_fields)
        return added

    def _change_headlines(self, conn: sa.Connection, changed: list[dict[str, Any]]) -> None:
        """Entries whose feed now gives another headline (``_headlines`` in a feed's fields:
        guid, title as the feed wrote it, article_id, headline as shown): the entry keeps the
        feed's new title, the article shows the new headline, and its story's title follows
        when it leads."""
        e = t.entries.c
        conn.execute(t.entries.update().where(e.source_id == sa.bindparam("_source_id"),
                                              e.guid == sa.bindparam("_guid")).values(title=sa.bindparam("_title")),
                     [{"_source_id": c["_source_id"], "_guid": c["guid"], "_title": c["title"]} for c in changed])
        articles = [c for c in changed if c.get("article_id")]
        if articles:
            conn.execute(t.articles.update().where(t.articles.c.id == sa.bindparam("_id")).values(
                headline=sa.bindparam("_headline")),
                [{"_id": c["article_id"], "_headline": c["headline"]} for c in articles])
            self._refresh_stories_of(conn, [c["article_id"] for c in articles])

    def _change_texts(self, conn: sa.Connection, changed: list[dict[str, Any]]) -> None:
        """Entries whose feed now gives another text, for articles that show the feed's text
        (``_texts`` in a feed's fields: guid, the entry's new ``summary`` and ``content`` HTML,
        article_id, and the article's new text, html, summary, word_count, text_hash). The text
        the grouper read is kept (``grouped_text``, as :func:`pipeline.stored_doc` reads it)."""
        e, a = t.entries.c, t.articles.c
        conn.execute(t.entries.update().where(e.source_id == sa.bindparam("_source_id"), e.guid == sa.bindparam("_guid"))
                     .values(summary=sa.bindparam("_summary"), content=sa.bindparam("_content")),
                     [{"_source_id": c["_source_id"], "_guid": c["guid"], "_summary": c["entry_summary"],
                       "_content": c["entry_content"]} for c in changed])
        columns = ("text", "html", "summary", "word_count", "text_hash")
        conn.execute(t.articles.update().where(a.id == sa.bindparam("_id")).values(
            grouped_text=_GROUPED_TEXT, **{k: sa.bindparam(f"_{k}") for k in columns}),
            [{"_id": c["article_id"], **{f"_{k}": c[k] for k in columns}} for c in changed])
        self._refresh_stories_of(conn, [c["article_id"] for c in changed])

    def _save_page_retries(self, conn: sa.Connection, retried: list[dict[str, Any]]) -> None:
        """Articles whose page was fetched again (``_page_retries`` in a feed's fields: the
        article's ``id`` and the columns to set): the page's text in place of the feed's, or
        when to try next. Stories whose members' text changed are refreshed (their snippet)."""
        _update_each(conn, t.articles, [(row["id"], {k: v for k, v in row.items() if k != "id"}) for row in retried],
                     also=lambda columns: {"grouped_text": _GROUPED_TEXT} if "text" in columns else {})
        self._refresh_stories_of(conn, [row["id"] for row in retried if "text" in row])

    def _save_pending(self, conn: sa.Connection, changes: Sequence[tuple[int, dict[str, Any]]]) -> None:
        """A source's entries waiting for a later update (``_pending_entries`` in a feed's fields):
        ``delete``, the guids no longer pending (taken, stored meanwhile or dropped); ``write``, the
        rows to insert or replace (guid, entry, reason, first_seen). Writing a row twice leaves
        one: a source is updated by one process at a time, but a batch written again after a
        failure, or an update that another took over, must not fail on a duplicate key."""
        p = t.pending_entries.c
        gone = [{"_source_id": source_id, "_guid": guid} for source_id, change in changes
                for guid in change.get("delete", ())]
        if gone:
            conn.execute(t.pending_entries.delete().where(
                p.source_id == sa.bindparam("_source_id"), p.guid == sa.bindparam("_guid")), gone)
        rows = [{**row, "source_id": source_id} for source_id, change in changes for row in change.get("write", ())]
        if rows:
            insert = _upsert(t.pending_entries, conn.dialect)
            conn.execute(insert.on_conflict_do_update(
                index_elements=["source_id", "guid"],
                set_={c: insert.excluded[c] for c in ("entry", "reason", "first_seen")}), rows)

    def pending_entries(self, source_id: int) -> list[PendingRow]:
        """The source's entries waiting for a later update (:mod:`progleton.pending`), the
        longest waiting first."""
        with self._read() as conn:
            return self._pending_entries(conn, source_id)

    @staticmethod
    def _pending_entries(conn: sa.Connection, source_id: int) -> list[PendingRow]:
        # Nearly every source has none: asked on the driver first. Beside the known entries'
        # read, the typed query alone added about 270 microseconds of CPU a source on SQLite,
        # this check about 50 (measured on this machine; an update reads this for every feed).
        mark = placeholder(conn.dialect)
        if conn.exec_driver_sql(f"SELECT 1 FROM pending_entries WHERE source_id = {mark} LIMIT 1",
                                (source_id,)).first() is None:
            return []
        p = t.pending_entries.c
        query = (sa.select(p.guid, p.entry, p.reason, p.first_seen).where(p.source_id == source_id)
                 .order_by(p.first_seen, p.guid))
        return [PendingRow(guid, entry, reason, utc(first_seen) or first_seen)
                for guid, entry, reason, first_seen in conn.execute(query)]

    def known_and_pending(self, source_id: int, guids: Sequence[str]
                          ) -> tuple[dict[str, KnownEntry], list[PendingRow]]:
        """What an update reads of a source before weighing its feed: its pending entries, and of
        ``guids`` and theirs, those stored (:meth:`known_entries`: a pending one may have been
        stored meanwhile); in one transaction, which costs half of two on SQLite."""
        with self._read() as conn:
            pending = self._pending_entries(conn, source_id)
            return self._known_entries(conn, source_id, [*guids, *(p.guid for p in pending)]), pending

    def expire_pending_entries(self, before: datetime) -> int:
        """Drop the entries that have waited since before ``before``, of every source: those of a
        source no longer updated (retired, failing for weeks) too. Returns how many."""
        with self._write() as conn:
            return int(conn.execute(t.pending_entries.delete().where(
                t.pending_entries.c.first_seen < before)).rowcount or 0)

    def _refresh_stories_of(self, conn: sa.Connection, article_ids: Sequence[int]) -> None:
        """Refresh the stories these articles are in (a headline, text or snippet changed)."""
        if article_ids:
            stories = conn.execute(sa.select(t.articles.c.story_id).where(t.articles.c.id.in_(article_ids))).scalars()
            self._refresh(conn, [s for s in set(stories) if s])

    def due_page_retries(self, now: datetime, per_source: int) -> list[dict[str, Any]]:
        """The articles whose page is due to be fetched again (``page_retry_at`` has passed), at
        most ``per_source`` of each source, the longest waiting first: one read per update,
        whatever the number of sources, and a source with thousands waiting holds back no other."""
        a = t.articles.c
        place = sa.func.row_number().over(partition_by=a.source_id, order_by=(a.page_retry_at, a.id)).label("place")
        due = sa.select(a.id, a.source_id, a.url, a.title, a.authors, a.warnings, a.page_attempts,
                        a.page_retry_at, place).where(a.page_retry_at <= now, a.source_id.is_not(None)).subquery()
        query = sa.select(*(c for c in due.c if c.name not in ("place", "page_retry_at"))).where(
            due.c.place <= per_source).order_by(due.c.source_id, due.c.page_retry_at, due.c.id)
        with self._read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def known_entries(self, source_id: int, guids: Sequence[str]) -> dict[str, KnownEntry]:
        """Of ``guids``, those stored for the source (:class:`KnownEntry`)."""
        if not guids:
            return {}
        with self._read() as conn:
            return self._known_entries(conn, source_id, guids)

    @staticmethod
    def _known_entries(conn: sa.Connection, source_id: int, guids: Sequence[str]) -> dict[str, KnownEntry]:
        return {guid: KnownEntry(title, article_id, feed_text) for guid, title, article_id, feed_text in lookup(
            conn, "SELECT e.guid, e.title, e.article_id, CASE WHEN a.extracted OR a.source_id <> e.source_id "
            "THEN NULL ELSE a.text END FROM entries e LEFT JOIN articles a ON a.id = e.article_id "
            "WHERE e.source_id = ? AND e.guid IN ({keys})", guids, fixed=(source_id,))}

    def _store_articles(self, conn: sa.Connection, records: Sequence[dict[str, Any]],
                        now: datetime, added: dict[int, int]) -> dict[str, int]:
        """Insert the records not stored yet; returns {canonical URL: article id} for all,
        and counts the inserted ones by source in ``added``."""
        by_url = self._ids_by_canonical_url(conn, [r["canonical_url"] for r in records])
        fresh = list({r["canonical_url"]: r for r in records if r["canonical_url"] not in by_url}.values())
        # The same text from the same source under another URL is stored once: the first
        # of each (source, text) is a stored article's id or this batch's first record's URL.
        first: dict[tuple[Any, str], int | str] = dict(
            self._ids_by_text_hash(conn, [(r["source_id"], r["text_hash"]) for r in fresh if r["text"]]))
        same_text: dict[str, int | str] = {}
        unique = []
        for record in fresh:
            if record["text"]:
                key = (record["source_id"], record["text_hash"])
                if key in first:
                    same_text[record["canonical_url"]] = first[key]
                    continue
                first[key] = record["canonical_url"]
            unique.append(record)
            added[record["source_id"]] = added.get(record["source_id"], 0) + 1
        if unique:
            # Insert, then one lookup for the new ids (portable; no RETURNING row by row).
            self._insert_articles.execute(conn, unique, {"reasons": {}, "created_at": now})
            by_url.update(self._ids_by_canonical_url(conn, [r["canonical_url"] for r in unique]))
        for url, target in same_text.items():
            by_url[url] = target if isinstance(target, int) else by_url[target]
        return by_url

    @staticmethod
    def _ids_by_canonical_url(conn: sa.Connection, urls: Sequence[str]) -> dict[str, int]:
        return dict(lookup(conn, "SELECT canonical_url, id FROM articles WHERE canonical_url IN ({keys})", urls))

    @staticmethod
    def _ids_by_text_hash(conn: sa.Connection, keys: Sequence[tuple[Any, str]]) -> dict[tuple[Any, str], int]:
        """Stored articles by (source id, text hash): {key: the earliest article's id}."""
        found: dict[tuple[Any, str], int] = {}
        mark = placeholder(conn.dialect)
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), 500):
            part = unique[start:start + 500]
            values = ", ".join([f"({mark}, {mark})"] * len(part))
            # A join with the VALUES list: SQLite uses the index for it, not for a row-value IN.
            rows = conn.exec_driver_sql(
                f"SELECT a.source_id, a.text_hash, a.id FROM (VALUES {values}) AS v "
                "JOIN articles AS a ON a.source_id = v.column1 AND a.text_hash = v.column2 ORDER BY a.id",
                tuple(itertools.chain.from_iterable(part)))
            for source_id, text_hash, article_id in rows:
                found.setdefault((source_id, text_hash), article_id)
        return found

    def article_ids_by_canonical_url(self, urls: Sequence[str]) -> dict[str, int]:
        """Stored articles among these canonical URLs: {url: id}."""
        with self._read() as conn:
            return self._ids_by_canonical_url(conn, urls)

    def unassigned_articles(self) -> list[dict[str, Any]]:
        """Articles not yet in a story, in publication order: the grouper's queue."""
        when = sa.func.coalesce(t.articles.c.published, t.articles.c.created_at)
        query = sa.select(
            t.articles.c.id, t.articles.c.url, t.articles.c.source_id, t.articles.c.title,
            t.articles.c.text, t.articles.c.summary, t.articles.c.grouped_text, t.articles.c.published,
            t.articles.c.created_at,
        ).where(t.articles.c.story_id.is_(None)).order_by(when, t.articles.c.id)
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
        )

    def _articles_query(self) -> sa.Select[Any]:
        # a removed source's name stays on its articles (source_name)
        source_title = sa.func.coalesce(t.sources.c.title, t.articles.c.source_name)
        return sa.select(t.articles, source_title.label("source_title"),
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

    def _story(self, m: Any, outlets: tuple[str, ...], snippet: str = "", image: str | None = None) -> Story:
        return Story(
            id=m["id"], title=m["title"], first_seen=utc(m["first_seen"]), last_seen=utc(m["last_seen"]),
            article_count=m["article_count"], outlet_count=m["outlet_count"],
            independent_count=m["independent_count"], outlets=outlets,
            snippet=snippet, image=image, score=m["score"], lead_article_id=m["lead_article_id"],
        )

    def _outlets(self, conn: sa.Connection, story_ids: Sequence[str]) -> dict[str, tuple[str, ...]]:
        if not story_ids:
            return {}
        name = sa.func.coalesce(t.sources.c.title, t.articles.c.source_name, t.articles.c.site_name)
        # the address only where there is no name: one row per named outlet, as before
        address = sa.case((name.is_(None), sa.func.coalesce(t.sources.c.url, t.articles.c.url)), else_=None)
        query = (
            sa.select(t.articles.c.story_id, name, address).distinct()
            .outerjoin(t.sources, t.sources.c.id == t.articles.c.source_id)
            .where(t.articles.c.story_id.in_(list(story_ids)))
        )
        out: dict[str, set[str]] = {}
        for story_id, title, url in conn.execute(query):
            out.setdefault(story_id, set()).add(outlet_name(title, None, url or ""))
        return {k: tuple(sorted(v)) for k, v in out.items()}

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
        stories = []
        for r in rows:
            lead = leads.get(r.lead_article_id)
            stories.append(self._story(r._mapping, outlets.get(r.id, ()),
                                       lead.snippet if lead else "", lead.image if lead else None))
        return stories

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
        story = self._story(row._mapping, outlets, lead.snippet if lead else "", lead.image if lead else None)
        return StoryDetail(story=story, articles=tuple(articles))

    def assignments(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Every article's membership, oldest first: what the grouper replays on start-up."""
        query = sa.select(
            t.articles.c.id, t.articles.c.url, t.articles.c.canonical_url, t.articles.c.source_id,
            t.articles.c.title,
            t.articles.c.text, t.articles.c.summary, t.articles.c.grouped_text, t.articles.c.published,
            t.articles.c.created_at, t.articles.c.story_id, t.articles.c.wire_copy_of,
        ).order_by(sa.func.coalesce(t.articles.c.published, t.articles.c.created_at), t.articles.c.id)
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
            rows = conn.execute(
                sa.select(t.articles.c.id, sa.func.coalesce(t.articles.c.headline, t.articles.c.title).label("title"),
                          t.articles.c.source_id,
                          t.articles.c.wire_copy_of, t.articles.c.word_count,
                          sa.func.coalesce(t.articles.c.published, t.articles.c.created_at).label("when"))
                .where(t.articles.c.story_id == story_id)
            ).all()
            if not rows:
                conn.execute(t.stories.delete().where(t.stories.c.id == story_id))
                continue
            times = [w for r in rows if (w := utc(r.when)) is not None]
            first, last = (min(times), max(times)) if times else (None, None)
            independent = [r for r in rows if r.wire_copy_of is None]
            outlets = {r.source_id for r in rows}
            independent_outlets = {r.source_id for r in independent} or {rows[0].source_id}
            # The lead is the fullest independent report of the story's latest day of news; its
            # headline heads the story, so one that runs for days says where it stands now
            # ("Wildfire contained"), not how it began.
            reports = independent or rows
            latest = [r for r in reports if last is not None and (w := utc(r.when)) is not None
                      and w >= last - LEAD_WINDOW]
            lead = max(latest or reports, key=lambda r: (r.word_count, -r.id))
            recent = recent_outlets([(r.source_id, w) for r in reports if (w := utc(r.when)) is not None], last)
            conn.execute(t.stories.update().where(t.stories.c.id == story_id).values(
                title=lead.title, first_seen=first, last_seen=last, article_count=len(rows),
                outlet_count=len(outlets), independent_count=len(independent_outlets),
                lead_article_id=lead.id, score=story_score(len(independent_outlets), last, recent),
            ))

    # ---- search ------------------------------------------------------------------------------

    def search(self, query: str, *, limit: int = 20, offset: int = 0,
               filters: SearchFilters | None = None) -> list[SearchHit]:
        """Full-text search ("phrases", OR, -exclusion; a word also finds its other forms:
        :mod:`.query`), best first, with highlighted snippets."""
        with self._read() as conn:
            search = substring_search_ids if wants_substring_search(query) else self._search_fn
            found = search(conn, query, limit, offset, filters)
        articles = self.articles_by_ids([i for i, _ in found])
        hits = []
        for article_id, snippet in found:
            if article_id in articles:
                marked = html.escape(snippet).replace("\x02", "<mark>").replace("\x03", "</mark>")
                hits.append(SearchHit(article=articles[article_id], highlight=marked))
        return hits

    # ---- profiles, corrections, meta ---------------------------------------------------------------

    def get_site_profile(self, host: str) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(t.site_profiles.c.data).where(t.site_profiles.c.host == host)).scalar()

    def site_profile_keys(self) -> list[str]:
        with self._read() as conn:
            return list(conn.execute(sa.select(t.site_profiles.c.host).order_by(t.site_profiles.c.host)).scalars())

    def put_site_profile(self, host: str, data: str) -> None:
        with self._write() as conn:
            updated = conn.execute(t.site_profiles.update().where(t.site_profiles.c.host == host).values(
                data=data, updated_at=now_utc())).rowcount
            if not updated:
                conn.execute(t.site_profiles.insert().values(host=host, data=data, updated_at=now_utc()))

    def add_correction(self, kind: str, *, article_id: int | None = None, story_id: str | None = None,
                       into_story_id: str | None = None) -> None:
        with self._write() as conn:
            conn.execute(t.corrections.insert().values(
                kind=kind, article_id=article_id, story_id=story_id, into_story_id=into_story_id,
                created_at=now_utc()))

    def corrections(self) -> list[dict[str, Any]]:
        with self._read() as conn:
            return [{**r._mapping, "created_at": utc(r.created_at)}
                    for r in conn.execute(sa.select(t.corrections).order_by(t.corrections.c.id))]

    def story_exists(self, story_id: str) -> bool:
        with self._read() as conn:
            return conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).first() is not None

    def merged_into(self, story_id: str) -> str | None:
        """The story a user merged ``story_id`` into, where it now lives (following later
        merges of that one too); None if it was never merged away or is back."""
        c = t.corrections.c
        seen = {story_id}
        with self._read() as conn:
            while True:
                into = conn.execute(sa.select(c.into_story_id).where(c.kind == "merge", c.story_id == story_id)
                                    .order_by(c.id.desc()).limit(1)).scalar()
                if into is None or into in seen:
                    break
                seen.add(into)
                story_id = into
            exists = conn.execute(sa.select(t.stories.c.id).where(t.stories.c.id == story_id)).scalar()
        return story_id if len(seen) > 1 and exists is not None else None

    def last_merge(self, story_id: str) -> str | None:
        """The story a user last merged ``story_id`` into (not following later merges of that
        one); None if it was never merged, or its merge was undone (:meth:`forget_merge`)."""
        c = t.corrections.c
        with self._read() as conn:
            return conn.execute(sa.select(c.into_story_id).where(c.kind == "merge", c.story_id == story_id)
                                .order_by(c.id.desc()).limit(1)).scalar()

    def forget_merge(self, story_id: str) -> None:
        """Undo the record of ``story_id``'s latest merge: a replay no longer makes it, and the
        story's address no longer leads on to the one it went into."""
        c = t.corrections.c
        with self._write() as conn:
            latest = conn.execute(sa.select(c.id).where(c.kind == "merge", c.story_id == story_id)
                                  .order_by(c.id.desc()).limit(1)).scalar()
            if latest is None:
                raise NotFound(f"story {story_id} was never merged into another")
            conn.execute(t.corrections.delete().where(c.id == latest))

    def get_meta(self, key: str) -> str | None:
        with self._read() as conn:
            return conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key)).scalar()

    def set_meta(self, key: str, value: str) -> None:
        with self._write() as conn:
            conn.execute(_upsert(t.meta, conn.dialect).values(key=key, value=value).on_conflict_do_update(
                index_elements=["key"], set_={"value": value}))

    def first_meta(self, key: str, value: str) -> str:
        """The value stored under ``key``, storing ``value`` first when there is none: processes
        that start together all get the one stored first (two servers started at once had kept
        two secret keys, one of them stored nowhere)."""
        with self._write() as conn:
            conn.execute(_upsert(t.meta, conn.dialect).values(key=key, value=value).on_conflict_do_nothing())
            return str(conn.execute(sa.select(t.meta.c.value).where(t.meta.c.key == key)).scalar_one())

    def grouping_lock(self, *, wait: bool = True) -> AbstractContextManager[bool]:
        return self._lock_fn(self.engine, wait=wait)

    def story_titles(self, story_ids: Sequence[str]) -> dict[str, str]:
        """Titles of the given stories (unknown ids are left out)."""
        if not story_ids:
            return {}
        query = sa.select(t.stories.c.id, t.stories.c.title).where(t.stories.c.id.in_(list(story_ids)))
        with self._read() as conn:
            return {story_id: title for story_id, title in conn.execute(query)}
