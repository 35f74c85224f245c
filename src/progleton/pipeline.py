"""The imperative shell of an update: fetch → parse → extract → group → store.

Each stage is called through its package's public functions; this module moves the
data and writes it. A failed source is recorded on that source (``SourceUpdate``),
never raised; one source's failure never stops the others.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from .entries import (
    MAX_TITLE_CHARS,
    EntryText,
    authors,
    changed_headlines,
    changed_texts,
    dated,
    enclosure_name,
    entries_per_day,
    entry_address,
    entry_guid,
    feed_body,
    feed_name,
    feed_warning,
    first_words,
    left_note,
    newest_entries,
    not_after,
    odd_dates_note,
    one_line,
    plain_title,
    read_feed,
    retried_in,
    retry_advice,
    short_title,
    text_hash,
    unlinked_note,
)
from .exceptions import (
    FeedParseError,
    FetchError,
    HTTPStatusError,
    ServerBusy,
    SourceGone,
    masked_passwords,
    short_message,
)
from .extract import ExtractedArticle, word_count
from .feeds.model import ParsedEntry, ParsedFeed
from .fetch import RATE_LIMITED, Fetcher, next_fetch
from .fetch.model import FetchResult
from .outlets import outlet_key
from .pages import (
    POSTPONED,
    RETRY_PAGES_PER_SOURCE,
    PagesMixin,
    PagesProgress,
    Prepared,
    page_retry_at,
)
from .pending import (
    MORE_THAN_MAX,
    PENDING_DAYS,
    PendingChanges,
    pending_note,
    settle_pending,
    still_pending,
)
from .settings import Settings
from .store.base import KnownEntry, PendingRow
from .store.failures import database_failure
from .store.sql import SQLStore
from .stories import Doc, StoryGrouper
from .types import Source, SourceUpdate, UpdateResult
from .urls import canonical_url, host_of, is_web_address
from .writes import WritesMixin

log = logging.getLogger("progleton.update")

Progress = Callable[[SourceUpdate], None]
# From this many new articles on, their texts are read for grouping in the extraction processes
# (StoryGrouper.add_many); fewer are read here, where the tasks' round trips would cost more.
ASSIGN_POOL_MIN = 1_000


def stored_doc(row: Mapping[str, Any]) -> Doc:
    """What the grouper reads of a stored article (a row of ``unassigned_articles`` or
    ``assignments``): its text, or the feed's summary without one, its time, or when it was
    stored, and its outlet, the site its source belongs to (:func:`~progleton.outlets.outlet_key`,
    as the store counts a story's outlets). Assigning and the start-up replay both read it so,
    and must: a replay decides as the assigning did only on the same text and outlets.

    The key is read from the source as it is now. A source whose site changes (its home page
    found on a later fetch, its feed moved) changes the key of its stored articles too: the
    store counts their stories again at once, but the grouper decides nothing again. What it
    assigned stays assigned, and a running grouper's stories keep counting their members
    under the old key (``OpenStory.outlets``, read by ``_repeats_evidence``) until a rebuild
    replays them under the new one: a site change affects later assignments only. A removed
    source's articles keep the key it had (``source_outlet``): removing it changes none."""
    grouped = row.get("grouped_text")  # the feed's text, when the page's replaced it later
    source = outlet_key(row["source_id"], row["site_url"], row["source_url"], row["source_name"], row["url"],
                        row["source_outlet"])
    return Doc(id=str(row["id"]), url=row["url"], source=source, title=row["title"],
               text=grouped if grouped is not None else row["text"] or row["summary"],
               published=row["published"] or row["created_at"])


# ---- the updater ---------------------------------------------------------------------------------


class Updater(WritesMixin, PagesMixin):
    """Updates sources into a store, assigning new articles to stories with ``grouper`` (None:
    an updater that only fetches; ``update(group=False)``).

    Not thread-safe; one Updater runs at a time per store (the single writer).
    """

    def __init__(self, store: SQLStore, settings: Settings, grouper: StoryGrouper | None,
                 executor: Executor | None) -> None:
        self.store = store
        self.settings = settings
        self.grouper = grouper
        self.executor = executor
        self._site_locks: dict[str, asyncio.Lock] = {}
        # hosts that answered a page with 429 or 503: no more of their pages until then
        self._host_waits: dict[str, datetime] = {}
        # the first page asked of each host in this update: the others wait for its answer, so
        # a host that answers 429 is not sent a burst of requests already queued for it
        self._host_first: dict[str, asyncio.Event] = {}
        self._queued: list[tuple[int, dict[str, Any], list[Any]]] = []
        self._queued_rows = 0
        self._writing: asyncio.Task[None] | None = None
        self._sources: dict[int, Source] = {}
        self._unstored: dict[int, SourceUpdate] = {}  # sources whose entries the store refused
        self._added: dict[int, int] = {}  # articles each source added, as the store counted them
        self._cut_short: dict[int, int] = {}  # pages each source ran out of time for
        self._postponed: dict[int, int] = {}  # entries left for the next update, pages not asked for
        self._expired: dict[int, int] = {}  # pending entries dropped for having waited too long
        self._unfetched: dict[int, tuple[int, int, str]] = {}  # pages not fetched, of, first reason
        # pages that failed for a reason that may pass: the seconds the server asked for, or 0
        self._retry_hints: dict[str, float] = {}
        self._page_deadlines: dict[int, float] = {}  # each source's end of time for pages (loop time)
        self._retrying: dict[int, int] = {}  # new articles whose page will be asked for again
        self._due_retries: dict[int, list[dict[str, Any]]] = {}  # articles whose page is due again, by source
        self._feed_authors: dict[int, tuple[str, ...]] = {}  # each feed's own authors, which entries inherit
        self._pages_progress: PagesProgress | None = None

    async def update(self, sources: Sequence[Source], *, progress: Progress | None = None,
                     group: bool = True, claim: Callable[[int], Sequence[Source]] | None = None,
                     started: Callable[[Source], None] | None = None,
                     servers_waiting: Mapping[str, datetime] | None = None,
                     pages: PagesProgress | None = None) -> UpdateResult:
        """Update ``sources``, then, with ``claim``, the sources it takes a few at a time
        (:meth:`_update_claimed`); group the new articles unless ``group`` is False.
        ``started`` is called as each source's fetch begins, ``progress`` as it ends, and
        ``pages`` (source id, pages done, pages to do) as each of its article pages is done.
        ``servers_waiting``: servers (:func:`~progleton.urls.server_of`) asked nothing before the
        time given (:func:`~progleton.fetch.schedule.server_waits`), as one that answers 429 in this update is not."""
        results: list[SourceUpdate] = []
        self._sources = {s.id: s for s in sources}
        self._pages_progress = pages
        self._host_waits, self._host_first = {}, {}
        self._unstored, self._added, self._cut_short, self._unfetched = {}, {}, {}, {}
        self._postponed, self._retry_hints, self._page_deadlines, self._retrying = {}, {}, {}, {}
        self._expired = {}
        self._due_retries = {}
        if self.settings.fetch_articles:  # read once; a source takes its own when it is updated
            for row in self.store.due_page_retries(datetime.now(UTC), RETRY_PAGES_PER_SOURCE):
                self._due_retries.setdefault(row["source_id"], []).append(row)
        # What exists before the update (modules, the grouper's vocabulary, caches) is left
        # out of the collections that the update's allocations trigger, and young objects
        # (most die by reference counting) are collected every 20,000 allocations, not 700:
        # measured on the update benchmark, collections cost 0.1 CPU-seconds per 2,000
        # feeds, against 0.3 with the freeze alone and 0.4 per 1,000 feeds with neither.
        gc.freeze()
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], 20_000), *thresholds[1:])
        try:
            async with Fetcher(self.settings) as fetcher:
                for server, until in (servers_waiting or {}).items():
                    fetcher.leave_alone(server, until)

                async def one(source: Source) -> None:
                    if started is not None:
                        started(source)
                    result = await self._update_source(fetcher, source)
                    results.append(result)
                    if progress is not None:
                        progress(result)

                tasks = [asyncio.create_task(one(s)) for s in sources]
                try:
                    try:
                        await asyncio.gather(*tasks)
                    finally:  # stopped (a database that failed): the others end before the fetcher closes
                        for task in tasks:
                            task.cancel()
                        await asyncio.gather(*tasks, return_exceptions=True)
                    if claim is not None:
                        await self._update_claimed(claim, one)
                except (asyncio.CancelledError, KeyboardInterrupt, SystemExit):
                    await self._flush()  # stopped (SIGTERM, Ctrl+C): what the sources done brought is kept
                    raise
                await self._flush()
            # those of the sources not updated too (retired, failing for weeks); the updated
            # ones have dropped theirs, and said so
            await asyncio.to_thread(self.store.expire_pending_entries, datetime.now(UTC) - PENDING_DAYS)
        finally:
            gc.set_threshold(*thresholds)
            gc.unfreeze()
        if group:
            self.assign_stories()
        order = {source_id: i for i, source_id in enumerate(self._sources)}
        # a source's new articles as stored: an entry the store found under a stored article
        # (its address, or the same title and text under another) adds none
        results = [self._unstored.get(r.source_id) or
                   (replace(r, new_articles=self._added.get(r.source_id, 0)) if r.status == "ok" else r)
                   for r in results]
        # each said as its source stores it (SQLStore.save_feeds)
        results = [replace(r, error=r.error and short_message(r.error), warning=r.warning and short_message(r.warning))
                   for r in results]
        return UpdateResult(tuple(sorted(results, key=lambda r: order[r.source_id])))

    @property
    def taken(self) -> list[int]:
        """The ids of the sources this update has been given or has taken so far."""
        return list(self._sources)

    async def _update_claimed(self, claim: Callable[[int], Sequence[Source]],
                              one: Callable[[Source], Any]) -> None:
        """Update the sources ``claim(n)`` takes (up to n due ones, for this update alone), four
        times ``concurrency`` at a time and more whenever half have been done, until none is
        due: updates in other processes or on other machines take the rest as they free up, so
        they share the work rather than the first taking every due source. (Taking fewer left
        requests unused between takes: 2,000 local feeds took 20% longer than taken all at once
        with ``concurrency`` at a time, 10-15% with twice that, about 8% with this.)"""
        window = 4 * max(1, int(self.settings.concurrency))
        tasks: list[asyncio.Task[None]] = []
        running = 0
        freed = asyncio.Event()  # half the window is free: time to take more

        async def counted(source: Source) -> None:
            nonlocal running
            try:
                await one(source)
            finally:
                running -= 1
                if running <= window // 2:
                    freed.set()

        try:
            while True:
                wanted = window - running
                taken = await asyncio.to_thread(claim, wanted)
                for source in taken:
                    self._sources[source.id] = source
                    running += 1
                    tasks.append(asyncio.create_task(counted(source)))
                if len(taken) < wanted:  # none other is due now
                    break
                freed.clear()
                if running > window // 2:
                    await freed.wait()
            await asyncio.gather(*tasks)
        finally:
            for task in tasks:  # stopped: the sources not finished are given back by the caller
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def assign_stories(self) -> int:
        """Put every article not yet in a story into one, in publication order.

        Grouping runs after the feeds of an update are stored rather than inside each
        feed's task: ingestion never waits on the (single-threaded) grouper, and the
        grouper sees the articles of all sources in publication order, not in the order
        their feeds happened to answer.
        """
        if self.grouper is None:
            raise ValueError("this updater has no grouper: it only fetches (update(group=False))")
        pending = self.store.unassigned_articles()
        memberships: dict[int, dict[str, Any]] = {}
        docs = map(stored_doc, pending)
        # many articles (a first update, a large OPML): their texts are read in the extraction
        # processes, ahead of the assigning here
        pool = self.executor if len(pending) >= ASSIGN_POOL_MIN else None
        # closed however the loop ends: a batch sets the garbage collector back when it ends
        with closing(self.grouper.add_many(docs, pool)) as assigned:
            for row, assignment in zip(pending, assigned, strict=True):
                # a split or a regrouping moves earlier members too; the latest word on each is stored
                for a in (assignment, *assignment.regrouped):
                    memberships[int(a.doc_id)] = {
                        "article_id": int(a.doc_id), "story_id": a.story_id, "title": row["title"],
                        "wire_copy_of": int(a.wire_copy_of) if a.wire_copy_of else None,
                        "reasons": reasons_dict(a),
                    }
        rows = list(memberships.values())
        for start in range(0, len(rows), 2_000):
            self.store.assign_articles(rows[start:start + 2_000])
        return len(pending)

    async def _update_source(self, fetcher: Fetcher, source: Source) -> SourceUpdate:
        now = datetime.now(UTC)
        items: list[Any] = []
        try:
            fetched = await fetcher.fetch_feed(source.url, etag=source.etag, last_modified=source.last_modified)
            if fetched.not_modified:
                fields = self._success_fields(source, fetched, None, now, status="not modified")
                result = SourceUpdate(source.id, source.url, "not modified")
                if retried := await self._retry_pages(fetcher, source, source.site_url, now):
                    fields["_page_retries"] = retried
            else:
                feed, texts = await self._read_feed(fetched, source)
                items, headlines, retold, left, pending = await self._new_items(fetcher, source, feed, texts, now)
                fields = self._success_fields(source, fetched, feed, now, status="ok")
                if (stored := pending.as_stored()) is not None:
                    fields["_pending_entries"] = stored  # written with the entries (SQLStore.save_feeds)
                if pending.waiting:
                    # entries wait: the next fetch must not be answered "not modified", or they would
                    # wait until the feed changed
                    fields["etag"] = fields["last_modified"] = None
                if headlines:
                    fields["_headlines"] = headlines  # written with the entries (SQLStore.save_feeds)
                if retold:
                    fields["_texts"] = retold
                if retried := await self._retry_pages(fetcher, source, source.site_url or feed.link, now):
                    fields["_page_retries"] = retried
                notes = (unlinked_note(items), left_note(len(items), left),
                         self._unfetched_note(source.id), self._cut_short_note(source.id),
                         self._postponed_note(source.id), pending_note(pending, self._expired.get(source.id, 0)),
                         odd_dates_note([entry for entry, _ in items], now))
                if any(notes):
                    fields["last_error"] = "; ".join(filter(None, (fields["last_error"], *notes)))
                result = SourceUpdate(
                    source.id, source.url, "ok", len(items), sum(1 for _, a in items if isinstance(a, dict)),
                    warning=fields["last_error"])
        except SourceGone as exc:
            fields = {"retired": True, "last_status": "gone", "last_error": str(exc), "last_fetched_at": now}
            result = SourceUpdate(source.id, source.url, "gone", error=str(exc))
        except (FetchError, FeedParseError) as exc:
            fields, result = self._error_fields(source, exc, now)
        except Exception as exc:  # a bug must not stop the other sources; it is logged in full
            if database_failure(exc) is not None:  # nor go on without a database: it stops the update
                raise
            log.exception("update failed", extra={"source_url": source.shown_url})
            fields, result = self._error_fields(source, exc, now, prefix="internal error: ")
        await self._save(source.id, fields, items)
        return result

    def _success_fields(self, source: Source, fetched: FetchResult, feed: ParsedFeed | None,
                        now: datetime, *, status: str) -> dict[str, Any]:
        rate = entries_per_day(feed, now) if feed is not None else None
        decision = next_fetch(
            now=now, outcome="not_modified" if fetched.not_modified else "ok", entries_per_day=rate,
            interval_minutes=source.interval_minutes, error_count=0, retry_after=None,
            cache_seconds=fetched.cache_seconds,
            ttl_minutes=feed.ttl_minutes if feed else None,
            skip_hours=feed.skip_hours if feed else frozenset(), settings=self.settings,
        )
        fields: dict[str, Any] = dict(
            last_fetched_at=now, last_status=status, error_count=0,
            last_error=feed_warning(feed) if feed is not None else None,
            next_fetch_at=decision.next_fetch_at, interval_minutes=decision.interval_minutes,
            backoff_minutes=0.0, etag=fetched.etag or source.etag,
            last_modified=fetched.last_modified or source.last_modified,
        )
        if rate is not None:
            fields["entries_per_day"] = rate
        if feed is not None:
            if feed.title and not source.title:
                fields["title"] = feed_name(feed)
            if feed.link and not source.site_url:
                fields["site_url"] = feed.link
        if fetched.permanent_url and fetched.permanent_url != source.url and is_web_address(fetched.permanent_url):
            if self.store.source_by_url(fetched.permanent_url) is None:  # (one too long to index is not taken)
                fields["url"] = fetched.permanent_url
        return fields

    def _error_fields(self, source: Source, exc: Exception, now: datetime, *,
                      prefix: str = "") -> tuple[dict[str, Any], SourceUpdate]:
        message = prefix + (masked_passwords(str(exc)) or type(exc).__name__)  # not only our own errors
        error_count = source.error_count + (not isinstance(exc, ServerBusy))  # not asked: no failure
        decision = next_fetch(
            now=now, outcome="rate_limited" if getattr(exc, "retry_after", None) else "error",
            entries_per_day=None, interval_minutes=source.interval_minutes, error_count=error_count,
            retry_after=getattr(exc, "retry_after", None), cache_seconds=None, ttl_minutes=None,
            skip_hours=frozenset(), settings=self.settings,
        )
        if isinstance(exc, HTTPStatusError) and exc.retry_after:
            # the fetcher's advice repeats what the server asked; the schedule may wait longer
            message = prefix + retry_advice(exc, decision.next_fetch_at - now)
        elif isinstance(exc, FetchError):  # "retried later": the schedule knows when
            message = prefix + retried_in(exc, decision.next_fetch_at - now)
        limited = bool(getattr(exc, "retry_after", None)) or getattr(exc, "status", None) == 429
        fields = {
            "last_fetched_at": now, "last_status": RATE_LIMITED if limited else "error", "last_error": message,
            "error_count": error_count, "next_fetch_at": decision.next_fetch_at,
            "backoff_minutes": decision.backoff_minutes,
        }
        log.info("source failed", extra={"source_url": source.shown_url, "error": message})
        return fields, SourceUpdate(source.id, source.url, "error", error=message)

    # From this body size on a feed is parsed in a thread: parsing a 16 MB feed on the event
    # loop left `serve` answering no request for a minute. Smaller feeds (nearly all) parse in
    # milliseconds, less than a thread hand-off costs the update benchmark.
    THREAD_FEED_BYTES = 1_000_000

    async def _read_feed(self, fetched: FetchResult, source: Source) -> tuple[ParsedFeed, list[EntryText]]:
        # In this process: measured on 2 cores, sending feeds to the extraction pool saved
        # little main-thread time and lost more to the workers competing with the writer.
        args = (fetched.body, fetched.final_url, dict(fetched.headers), source.url)
        if len(fetched.body) >= self.THREAD_FEED_BYTES:
            return await asyncio.to_thread(read_feed, *args)
        return read_feed(*args)

    async def _new_items(self, fetcher: Fetcher, source: Source, feed: ParsedFeed,
                         texts: Sequence[EntryText], now: datetime
                         ) -> tuple[list[Any], list[dict[str, Any]], list[dict[str, Any]], int, PendingChanges]:
        """The feed's new entries and the source's pending ones, each with its article: what
        ``save_feeds`` stores; its stored entries whose title the feed changed
        (:func:`~progleton.entries.changed_headlines`), and whose text it changed where the article
        shows the feed's text (:func:`~progleton.entries.changed_texts`); how many entries were left
        for later updates by ``max_new_entries`` (:func:`newest_entries`); and what becomes of the
        pending entries (:func:`~progleton.pending.settle_pending`). No article's date is later than
        ``now`` (the fetch time), give or take :data:`CLOCK_SKEW`, nor before
        :data:`~progleton.entries.EARLIEST_NEWS` (:func:`~progleton.entries.dated`); an entry keeps
        the dates its feed gave."""
        self._feed_authors[source.id] = feed.authors
        by_guid: dict[str, tuple[ParsedEntry, EntryText]] = {}
        for entry, text in zip(feed.entries, texts, strict=True):
            by_guid.setdefault(entry_guid(entry), (entry, text))
        # A source never fetched has no entries stored, nor pending ones (they are written in one
        # transaction with its fetch time); the writer checks every entry again anyway.
        known: dict[str, KnownEntry] = {}
        stored_pending: list[PendingRow] = []
        if source.last_fetched_at:
            known, stored_pending = self.store.known_and_pending(source.id, list(by_guid))
        headlines, retold = changed_headlines(by_guid, known), changed_texts(by_guid, known)
        for change in (*headlines, *retold):
            change["updated"] = not_after(dated(change["updated"]), now)
        waited, self._expired[source.id] = still_pending(stored_pending, by_guid, known, now)
        new = [(g, e, t) for g, (e, t) in by_guid.items() if g not in known]
        new, left = newest_entries([*new, *waited], max(1, self.settings.max_new_entries))
        waiting = [(g, e, t, MORE_THAN_MAX) for g, e, t in left]
        if not new:
            return [], headlines, retold, len(left), settle_pending(stored_pending, waiting, now)
        site_url = source.site_url or feed.link
        if self.settings.fetch_articles:
            # Stored articles are not fetched again. Without page fetching the writer alone
            # resolves URLs already stored (it checks every record in its transaction).
            stored = self.store.article_ids_by_canonical_url([t.canonical_link for _, _, t in new if t.canonical_link])
            entries = [(e, t) for _, e, t in new]
            prepared = await self._fetch_and_extract(fetcher, source.id, entries, stored, site_url)
        else:
            stored = {}
            pages = [self._no_page(e.link) or (None, "article fetching is off", e.link or "") for _, e, _ in new]
            prepared = await self._extract_pages(pages, site_url)
        postponed = [(*n, why) for n, (_, why, _) in zip(new, prepared, strict=True) if why and why.startswith(POSTPONED)]
        if postponed:
            kept = [(n, p) for n, p in zip(new, prepared, strict=True) if not (p[1] or "").startswith(POSTPONED)]
            new, prepared = [n for n, _ in kept], [p for _, p in kept]
            self._postponed[source.id] = len(postponed)
        records: list[dict[str, Any] | int | None] = []
        batch_urls: set[str] = set()
        for (guid, entry, text), page in zip(new, prepared, strict=True):
            record = self._article_for(source, guid, entry, page, text, stored, batch_urls)
            if isinstance(record, dict):
                record["published"] = not_after(record["published"], now)
                record["updated"] = not_after(record["updated"], now)
                if not record["extracted"] and (hint := self._retry_hints.get(page[2])) is not None:
                    record["page_retry_at"] = page_retry_at(now, 1, hint)
                    self._retrying[source.id] = self._retrying.get(source.id, 0) + 1
            records.append(record)
        return [
            ({"guid": guid, "link": entry.link, "title": entry.title, "summary": text.summary_html,
              "content": text.content_html, "authors": authors(entry.authors),
              "published": entry.published, "updated": entry.updated}, record)  # as the feed said
            for (guid, entry, text), record in zip(new, records, strict=True)
        ], headlines, retold, len(left), settle_pending(stored_pending, [*postponed, *waiting], now)

    def _article_for(self, source: Source, guid: str, entry: ParsedEntry, page: Prepared, text: EntryText,
                     stored: dict[str, int], batch_urls: set[str]) -> dict[str, Any] | int | None:
        """The article an entry stands for: a new record, the id of one already stored
        (same canonical URL), or None (the same page twice in one feed, or nothing to read).

        An entry without a web link (none, or a ``javascript:``, ``data:`` or ``urn:`` one) is
        an article of the feed's own text under :func:`entry_address`, shown without a link to
        an original (see :func:`~progleton.entries.unlinked_note`)."""
        article, why_not, final_url = page
        link = final_url or entry.link
        if not link or not is_web_address(link):
            if not (entry.title or text.content_text or text.summary_text or entry.enclosures):
                return None
            address = entry_address(source.id, guid)
            return self._article_record(source, entry, None, why_not, address, address, text)
        canonical = text.canonical_link if link == entry.link and text.canonical_link else canonical_url(link)
        if article is not None and why_not is None and article.canonical_url:
            claimed = canonical_url(article.canonical_url)
            if is_web_address(claimed) and host_of(claimed) == host_of(canonical):
                canonical = claimed
        candidates = list(dict.fromkeys((canonical, text.canonical_link or canonical)))
        extra = [c for c in candidates if c not in stored]
        if extra and article is not None:  # a redirect or a rel=canonical named another URL
            stored.update(self.store.article_ids_by_canonical_url(extra))
        for candidate in candidates:
            if candidate in stored:
                return stored[candidate]
        if canonical in batch_urls:
            return None  # its entry is kept; the article is stored once
        batch_urls.add(canonical)
        return self._article_record(source, entry, article, why_not, link, canonical, text)


    def _byline(self, source_id: int, entry: ParsedEntry, article: ExtractedArticle | None) -> Sequence[str]:
        """Who wrote the article: the entry's own authors, else the page's byline, else the
        authors the entry inherits from its feed (a news site's managingEditor or the Atom feed's
        author names no article's reporter where the page names one)."""
        inherited = self._feed_authors.get(source_id, ())
        own = () if inherited and tuple(entry.authors) == inherited else entry.authors
        return own or (article.authors if article else ()) or entry.authors

    def _article_record(self, source: Source, entry: ParsedEntry, article: ExtractedArticle | None,
                        why_not: str | None, link: str, canonical: str, feed_text: EntryText) -> dict[str, Any]:
        usable = article is not None and why_not is None
        warnings = list(article.warnings) if article is not None else []
        if why_not and why_not not in warnings:
            warnings.append(why_not)
        summary_text = feed_text.summary_text
        if usable and article:
            text, html = article.text, article.html
        else:
            text, html = feed_body(entry, feed_text)
        title = (plain_title(entry.title or "") or (article.title if article else None)
                 or first_words(text or summary_text, 12))
        # An untitled episode is shown by its file's name, which says nothing of an event: the
        # grouper reads no title (two episodes joined one story on "episode", "mp3").
        episode = "" if title else enclosure_name(entry)
        title = title or ("" if episode else link)
        published = dated(entry.published, article.published if article else None, entry.updated)
        return {
            "url": link, "canonical_url": canonical, "title": short_title(one_line(title), MAX_TITLE_CHARS),
            "headline": short_title(one_line(episode), MAX_TITLE_CHARS) or None,
            "text": text, "html": html, "summary": summary_text[:1000],
            "authors": authors(self._byline(source.id, entry, article)),
            "published": published, "updated": dated(article.updated if usable and article else None, entry.updated),
            "language": article.language if article else None,
            "image": article.image if article else None,
            "site_name": article.site_name if article else None,
            "word_count": word_count(text), "warnings": warnings, "text_hash": text_hash(title, text),
            "source_id": source.id, "extracted": usable,
        }


def reasons_dict(assignment: Any) -> dict[str, Any]:
    """An assignment's reasons as stored with the membership (JSON); structured fields the
    grouper did not record are left out."""
    reasons = assignment.reasons
    stored: dict[str, Any] = {
        "score": round(float(reasons.score), 4), "shared_terms": list(reasons.shared_terms),
        "shared_names": list(reasons.shared_names), "nearest": reasons.nearest, "note": reasons.note,
        "new_story": assignment.new_story, "wire_copy_of": assignment.wire_copy_of,
    }
    recorded = {"action": reasons.action, "evidence": list(reasons.evidence), "bar": reasons.bar,
                "story_size": reasons.story_size, "other_story": reasons.other_story}
    stored.update((k, v) for k, v in recorded.items() if v is not None and v != [])
    return stored
