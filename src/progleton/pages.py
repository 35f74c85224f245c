"""An update's article pages: each entry's page fetched within its source's time for pages,
a host that asked for time left alone, the pages extracted one batch per site, and a page that
failed for a reason that may pass asked for again on later updates.

Mixed into :class:`~progleton.pipeline.Updater`, which holds the state these methods share for
one update (set in ``Updater.__init__`` and at the start of ``Updater.update``).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .entries import EntryText, authors, dated, extract_pages, not_after, profile_key, text_hash
from .exceptions import FetchError, HTTPStatusError
from .extract import ExtractedArticle, word_count
from .extract.core import MAX_PAGE_BYTES
from .feeds.model import ParsedEntry
from .fetch import Fetcher
from .fetch.client import MAX_BUSY_SECONDS, busy_seconds
from .fetch.model import FetchResult
from .settings import Settings
from .store.sql import SQLStore
from .types import Source
from .urls import is_web_address, server_of

Fetched = tuple[FetchResult | None, str | None, str]  # page, why there is none, page URL
PagesProgress = Callable[[int, int, int], None]  # source id, its pages done, its pages to do
Prepared = tuple[ExtractedArticle | None, str | None, str]  # article, why it is not used, page URL

# A host that answers an article page with 429 Too Many Requests or 503 is asked nothing more in
# this update until its Retry-After (else a minute) has passed: thirty pages of one feed went on
# being requested after the first answered 429 with an hour to wait. Pages skipped keep the
# feed's text, as any page not fetched does.
# (The Fetcher leaves a server alone the same time, feeds and pages, after its 429 or a
# Retry-After: ``Fetcher.busy_until``. This keeps the pages' wait after a 503 without one too,
# and says why a page was not asked.)
MAX_PAGE_WAIT_SECONDS = MAX_BUSY_SECONDS
# Why a page was not asked for at all in this update (the source's time for pages ran out): its
# entry is left pending for the next update (progleton.pending), whose fetch of the page may
# succeed, rather than stored for good with the feed's text.
POSTPONED = "page postponed: "
# Why a page that was asked for (or due) could not be used: the article keeps the feed's text,
# and the source counts these (:meth:`PagesMixin._unfetched_note`).
NOT_FETCHED = "page not fetched: "
# What an article read from the head of a page longer than extraction reads says.
PAGE_HEAD_NOTE = (f"the page is longer than {MAX_PAGE_BYTES:,} bytes: the article was read from "
                  "its beginning, as extraction reads no further")
# A page that failed for a reason that may pass (``FetchError.temporary``: a timeout, a broken
# connection, a 429 or 5xx, a robots.txt that could not be read; a host's 429 for another page;
# the source's time for pages running out) is asked for again on the source's later updates,
# after each of these waits in turn, or the server's Retry-After when longer; the article shows
# the page's text from then on. After the last, it keeps the feed's text for good.
PAGE_RETRY_WAITS = (timedelta(minutes=15), timedelta(hours=1), timedelta(hours=4), timedelta(hours=12))
# Pages asked for again per source and update, the longest waiting first (the rest wait for the
# next update); they share the source's time for pages with its new entries.
RETRY_PAGES_PER_SOURCE = 20


def page_retry_at(now: datetime, failed: int, retry_after: float) -> datetime | None:
    """When to ask again for a page that has failed ``failed`` times for a reason that may pass
    (the server asked for ``retry_after`` seconds, or 0), or None after the last try."""
    if failed > len(PAGE_RETRY_WAITS):
        return None
    return now + max(PAGE_RETRY_WAITS[failed - 1], timedelta(seconds=min(retry_after, MAX_PAGE_WAIT_SECONDS)))


def retried_page(row: Mapping[str, Any], page: Prepared, retry_after: float | None,
                 now: datetime) -> dict[str, Any]:
    """What an article stored with the feed's text (a row of ``due_page_retries``) becomes once
    its page was asked for again: the page's text and what the page said, or the next try
    (``retry_after`` None: the failure will not pass). The store keeps the text the grouper
    read (``grouped_text``): a replay at start-up must read what the assigning read."""
    article, why_not, _ = page
    failed = row["page_attempts"] + 1
    if article is not None and why_not is None:
        return {
            "id": row["id"], "text": article.text, "html": article.html, "word_count": word_count(article.text),
            "warnings": list(article.warnings), "language": article.language, "image": article.image,
            # the page's byline first: the stored authors may be the feed's own, inherited
            "site_name": article.site_name, "authors": authors(article.authors) or row["authors"],
            "extracted": True, "text_hash": text_hash(row["title"], article.text),
            "page_retry_at": None, "page_attempts": failed,
            "_updated": not_after(dated(article.updated), now),  # the page's own time for the change, if any
        }
    warnings = [w for w in row["warnings"] if not w.startswith(NOT_FETCHED)]
    return {"id": row["id"], "warnings": [*warnings, why_not or "no article text found on the page"],
            "page_attempts": failed,
            "page_retry_at": None if retry_after is None else page_retry_at(now, failed + 1, retry_after)}



class PagesMixin:
    """Fetches and extracts the article pages of an :class:`~progleton.pipeline.Updater`'s sources."""

    # what the Updater sets: its store and settings, its extraction processes, and this update's
    # state of the pages (see Updater.__init__)
    store: SQLStore
    settings: Settings
    executor: Executor | None
    _site_locks: dict[str, asyncio.Lock]
    _pages_progress: PagesProgress | None
    _host_waits: dict[str, datetime]
    _host_first: dict[str, asyncio.Event]
    _cut_short: dict[int, int]
    _postponed: dict[int, int]
    _unfetched: dict[int, tuple[int, int, str]]
    _retry_hints: dict[str, float]
    _page_deadlines: dict[int, float]
    _retrying: dict[int, int]
    _due_retries: dict[int, list[dict[str, Any]]]

    # Pages fetched and extracted together: a page's body is held only until its chunk is
    # extracted, so a feed of any length holds at most this many bodies (each up to
    # ``max_response_bytes``) at once. Eight keeps the per-host bound (2) busy between chunk
    # boundaries and lets a site's profile see several pages per batch; 40 pages of 15 MB
    # held together peaked at 1.08 GB.
    PAGE_CHUNK = 8

    async def _fetch_and_extract(self, fetcher: Fetcher, source_id: int,
                                 entries: Sequence[tuple[ParsedEntry, EntryText]],
                                 stored: dict[str, int], site_url: str | None) -> list[Prepared]:
        """Fetch and extract the entries' pages, :attr:`PAGE_CHUNK` at a time, within the
        source's time for pages (``page_seconds_per_source``): each response has its own limit,
        but pages that trickle in under it, two at a time per host, added up to 25 minutes for
        100 links while the whole update waited."""
        prepared: list[Prepared] = []
        why = self._out_of_time()
        # a page not yet asked for when the time ran out waits for the next update; one in
        # flight was tried (a page that always trickles must not hold its entry back for good)
        later = POSTPONED + why.removeprefix(NOT_FETCHED)

        done = 0

        async def in_time(entry: ParsedEntry, text: EntryText) -> Fetched:
            nonlocal done
            try:
                return await asked_in_time(entry, text)
            finally:
                done += 1
                if self._pages_progress is not None:  # a source of hundreds of pages looked stuck
                    self._pages_progress(source_id, done, len(entries))

        async def asked_in_time(entry: ParsedEntry, text: EntryText) -> Fetched:
            fetching = functools.partial(self._fetch_page, fetcher, entry, text, stored)
            if (page := await self._within_page_time(source_id, entry.link or "", fetching)) is not None:
                return page
            if (no_page := self._no_page(entry.link)) is not None:  # needing no request, it still says why
                return no_page
            return None, "already stored" if text.canonical_link in stored else later, entry.link or ""

        for start in range(0, len(entries), self.PAGE_CHUNK):
            chunk = entries[start:start + self.PAGE_CHUNK]
            pages = await asyncio.gather(*(in_time(e, t) for e, t in chunk))
            cut = sum(1 for _, reason, _ in pages if reason == why)
            if cut:
                self._cut_short[source_id] = self._cut_short.get(source_id, 0) + cut
            failed = [r for _, r, _ in pages if r and r != why and r.startswith(NOT_FETCHED)]
            tried = len(failed) + sum(1 for page, r, _ in pages if page is not None and r is None)
            if tried:
                n, of, first = self._unfetched.get(source_id, (0, 0, ""))
                self._unfetched[source_id] = (n + len(failed), of + tried, first or (failed[0] if failed else ""))
            prepared += await self._extract_pages(pages, site_url)
            del pages  # the bodies go before the next chunk is fetched
        return prepared

    def _out_of_time(self) -> str:
        """Why a page in flight when its source's time for pages ran out is not used."""
        return f"{NOT_FETCHED}this source's {self.settings.page_seconds_per_source:g} s for fetching pages ran out"

    async def _within_page_time(self, source_id: int, link: str,
                                fetching: Callable[[], Awaitable[Fetched]]) -> Fetched | None:
        """``fetching()`` within what is left of the source's time for pages (:meth:`_page_deadline`);
        None, and nothing asked, when none is left. A page cut short may be asked for again."""
        remaining = self._page_deadline(source_id) - asyncio.get_running_loop().time()
        if remaining <= 0:
            return None
        try:
            return await asyncio.wait_for(fetching(), remaining)
        except TimeoutError:
            self._retry_hints[link] = 0.0
            return None, self._out_of_time(), link

    def _page_deadline(self, source_id: int) -> float:
        """When the source's time for pages (``page_seconds_per_source``) ends, in loop time:
        from its first page of this update, new or asked for again."""
        if source_id not in self._page_deadlines:
            now = asyncio.get_running_loop().time()
            self._page_deadlines[source_id] = now + self.settings.page_seconds_per_source
        return self._page_deadlines[source_id]

    async def _retry_pages(self, fetcher: Fetcher, source: Source, site_url: str | None,
                           now: datetime) -> list[dict[str, Any]]:
        """Ask again for the pages of the source's articles that are due (:data:`PAGE_RETRY_WAITS`),
        within what is left of its time for pages; what ``save_feeds`` writes of each
        (:func:`retried_page`). A page not asked for before the time ran out stays due."""
        due = self._due_retries.pop(source.id, [])
        if not due:
            return []
        answers = await asyncio.gather(*(
            self._within_page_time(source.id, row["url"], functools.partial(self._fetch_link, fetcher, row["url"]))
            for row in due))
        asked = [(row, page) for row, page in zip(due, answers, strict=True) if page is not None]
        prepared = await self._extract_pages([page for _, page in asked], site_url)
        return [retried_page(row, page, self._retry_hints.get(row["url"]), now)
                for (row, _), page in zip(asked, prepared, strict=True)]

    def _unfetched_note(self, source_id: int) -> str | None:
        """What a source says when some of its article pages could not be fetched: the source
        itself is fine, but its articles show the feed's text (each says why on its own)."""
        n, of, first = self._unfetched.get(source_id, (0, 0, ""))
        if not n:
            return None
        again = self._retrying.get(source_id)  # some failed for a reason that may pass
        return (f"{n} of {of} new article page{'s' if of != 1 else ''} not fetched, shown with the feed's "
                f"text (the first: {first.removeprefix(NOT_FETCHED).rstrip('.')})"
                + ("; asked for again later where the failure may pass" if again else ""))

    def _cut_short_note(self, source_id: int) -> str | None:
        """What a source says when its time for pages ran out (:meth:`_fetch_and_extract`)."""
        cut = self._cut_short.get(source_id)
        if not cut:
            return None
        return (f"pages cut short: {cut} article page{'s' if cut != 1 else ''} not fetched within "
                f"{self.settings.page_seconds_per_source:g} s (page_seconds_per_source), shown with the "
                "feed's text until asked for again")

    def _postponed_note(self, source_id: int) -> str | None:
        """What a source says of the entries whose pages were not asked for (:data:`POSTPONED`)."""
        n = self._postponed.get(source_id)
        if not n:
            return None
        return f"{n} new entr{'ies' if n != 1 else 'y'} left for the next update, {'their' if n != 1 else 'its'} page not yet fetched"

    @staticmethod
    def _no_page(link: str | None) -> Fetched | None:
        """Why a link is no page to fetch, or None when it is one."""
        if not link:
            return None, "entry has no link", ""
        if not is_web_address(link):
            return None, f"not an http(s) link: {link[:80]}", link
        return None

    def _server_busy(self, url: str, exc: HTTPStatusError) -> None:
        """Leave ``url``'s server alone after its 429 or 503: for its Retry-After, else a minute."""
        until = datetime.now(UTC) + timedelta(seconds=busy_seconds(exc))
        server = server_of(url)
        self._host_waits[server] = max(until, self._host_waits.get(server, until))

    async def _fetch_page(self, fetcher: Fetcher, entry: ParsedEntry, text: EntryText,
                          stored: dict[str, int]) -> Fetched:
        """The entry's article page, or why there is none: (page, why not, URL)."""
        link = entry.link
        if (no_page := self._no_page(link)) is not None:
            return no_page
        assert link is not None  # _no_page answers for a missing link
        if text.canonical_link in stored:
            return None, "already stored", link
        return await self._fetch_link(fetcher, link)

    async def _fetch_link(self, fetcher: Fetcher, link: str) -> Fetched:
        """A page, asked of its host after the host's first page of this update has answered."""
        host = server_of(link)
        first = self._host_first.get(host)
        if first is None:
            self._host_first[host] = first = asyncio.Event()
            try:
                return await self._fetch_page_of(fetcher, host, link)
            finally:
                first.set()
        await first.wait()
        return await self._fetch_page_of(fetcher, host, link)

    async def _fetch_page_of(self, fetcher: Fetcher, host: str,
                             link: str) -> Fetched:
        if (until := self._host_waits.get(host)) is not None and until > datetime.now(UTC):
            # stored with the feed's text: a host that keeps answering 429 would otherwise let
            # one entry through per update; the page is asked for again once the host's time is up
            self._retry_hints[link] = (until - datetime.now(UTC)).total_seconds()
            return None, f"{NOT_FETCHED}{host} asked to be left alone until {until:%H:%M} UTC", link
        try:
            # extraction reads a page's first MAX_PAGE_BYTES: a longer page is read so far, not refused
            return await fetcher.fetch_page(link, head_bytes=MAX_PAGE_BYTES), None, link
        except FetchError as exc:
            if isinstance(exc, HTTPStatusError) and exc.status in (429, 503):  # busy: its other pages wait
                self._server_busy(link, exc)
            if exc.temporary:
                self._retry_hints[link] = (exc.retry_after or 0.0) if isinstance(exc, HTTPStatusError) else 0.0
            # the advice written for a source ("it will be retried") is not so for a page
            return None, f"{NOT_FETCHED}{exc.without_advice}", link

    async def _extract_pages(self, pages: Sequence[Fetched],
                             site_url: str | None) -> list[Prepared]:
        """Extract the fetched pages, one batch per site so that its profile sees them all."""
        prepared: list[Prepared] = [(None, why, link) for _, why, link in pages]
        by_site: dict[str, list[int]] = {}
        for i, (page, _, _) in enumerate(pages):
            if page is not None:
                by_site.setdefault(profile_key(page.final_url, site_url), []).append(i)

        async def one_site(site: str, indexes: list[int]) -> None:
            batch = [(pages[i][0].body, pages[i][0].final_url) for i in indexes]  # type: ignore[union-attr]
            async with self._site_locks.setdefault(site, asyncio.Lock()):
                profile_json = self.store.get_site_profile(site)
                loop = asyncio.get_running_loop()
                articles, new_profile = await loop.run_in_executor(
                    self.executor, extract_pages, batch, site, profile_json)
                self.store.put_site_profile(site, new_profile)
            for i, article in zip(indexes, articles, strict=True):
                url = pages[i][0].final_url  # type: ignore[union-attr]
                if pages[i][0].truncated:  # type: ignore[union-attr]
                    article = replace(article, warnings=(*article.warnings, PAGE_HEAD_NOTE))
                if article.refused:
                    prepared[i] = (article, "; ".join(article.warnings), url)
                elif not article.text.strip():
                    prepared[i] = (article, "no article text found on the page", url)
                else:
                    prepared[i] = (article, None, url)

        await asyncio.gather(*(one_site(site, indexes) for site, indexes in by_site.items()))
        return prepared
