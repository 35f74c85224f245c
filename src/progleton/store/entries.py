"""An update's reads and writes of sources' entries and articles: new entries and the articles
they bring, feeds' changed headlines and texts, entries waiting for a later update (pending)
and pages to fetch again. Mixed into ``SQLStore``; the same queries serve SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from . import schema as t
from .base import KnownEntry, PendingRow
from .sql_util import BulkInsert, lookup, now_utc, placeholder, short_messages, upsert, utc


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


# What an article's text was for the grouper, kept when a later text replaces it: the text the
# grouper read first, else its text or, without one, its summary (as pipeline.stored_doc reads).
# In an UPDATE that sets ``text`` too, the columns read here are the row's values before it.
_GROUPED_TEXT = sa.func.coalesce(
    t.articles.c.grouped_text, sa.case((t.articles.c.text == "", t.articles.c.summary), else_=t.articles.c.text))


class EntriesMixin:
    """Needs ``_read``/``_write`` connection context managers, the bulk inserts of SQLStore and
    the story refresh of ``StoryMembershipMixin``."""

    if TYPE_CHECKING:
        _read: Callable[[], AbstractContextManager[sa.Connection]]
        _write: Callable[[], AbstractContextManager[sa.Connection]]
        _insert_articles: BulkInsert
        _insert_entries: BulkInsert

        def _refresh_stories_of(self, conn: sa.Connection, article_ids: Sequence[int]) -> None: ...

        def _recounting_moved_sources(self, conn: sa.Connection,
                                      source_ids: Collection[int]) -> AbstractContextManager[None]: ...

    def article_id_by_canonical_url(self, canonical_url: str) -> int | None:
        with self._read() as conn:
            return conn.execute(
                sa.select(t.articles.c.id).where(t.articles.c.canonical_url == canonical_url)
            ).scalar()

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
                    source_fields.append((source_id, short_messages(fields)))
            # an article whose headline or text changed is dated by the change, so that feed
            # readers see it (read before the changes are written, they do not date themselves)
            dated = [(c["article_id"], c.get("updated")) for c in (*changed, *retold) if c.get("article_id")]
            dated += [(r["id"], r.pop("_updated", None)) for r in retried if "text" in r]
            if changed:
                self._change_headlines(conn, changed)
            if retold:
                self._change_texts(conn, retold)
            if retried:
                self._save_page_retries(conn, retried)
            if dated:
                self._date_changes(conn, dated, now)
            if pending:
                self._save_pending(conn, pending)
            # a home page found now (the feed's link) or a feed moved (a 301) may change the site
            # its source's articles count for in their stories
            moving = [source_id for source_id, fields in source_fields if {"site_url", "url"} & fields.keys()]
            with self._recounting_moved_sources(conn, moving):
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

    @staticmethod
    def _date_changes(conn: sa.Connection, changes: Sequence[tuple[int, datetime | None]], now: datetime) -> None:
        """Articles whose headline or text changed (id, the time the feed or page gives the
        change, if any) take the time of the change as their ``updated`` (:func:`changed_at`)."""
        given: dict[int, datetime | None] = {}
        for article_id, when in changes:
            given[article_id] = max((w for w in (given.get(article_id), when) if w is not None), default=None)
        a = t.articles.c
        rows = conn.execute(sa.select(a.id, a.updated, a.published).where(a.id.in_(given))).all()
        conn.execute(t.articles.update().where(a.id == sa.bindparam("_id")).values(updated=sa.bindparam("_updated")),
                     [{"_id": row.id, "_updated": changed_at(given[row.id], utc(row.updated) or utc(row.published), now)}
                      for row in rows])

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
        _update_each(conn, t.articles, [(row["id"], short_messages({k: v for k, v in row.items() if k != "id"}))
                                        for row in retried],
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
            insert = upsert(t.pending_entries, conn.dialect)
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
            self._insert_articles.execute(conn, [short_messages(r) for r in unique], {"reasons": {}, "created_at": now})
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


def changed_at(given: datetime | None, shown_since: datetime | None, now: datetime) -> datetime:
    """The ``updated`` time of a stored article whose headline or text changed: the time the
    feed (its entry's updated time) or the page gives, when it is later than the article's
    last (``shown_since``: its updated, else published time) and not past ``now``; else
    ``now``, when the change was seen. A feed reader finds a changed entry by a later updated
    time: one left as it was hid the change."""
    if given is not None and given <= now and (shown_since is None or given > shown_since):
        return given
    return now
