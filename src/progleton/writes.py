"""An update's writes: each feed's new entries, articles and source state queued, and written
in batches of several feeds, one transaction at a time in a worker thread while the next fills
(docs/design.md, "Writes are batched across feeds, in the background"); a batch the store
refuses is written again feed by feed, so that it costs only the feed it cannot take.

Mixed into :class:`~progleton.pipeline.Updater`, which holds the state these methods share for
one update (set in ``Updater.__init__`` and at the start of ``Updater.update``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .settings import Settings
from .store.failures import database_failure
from .store.sql import SQLStore
from .types import Source, SourceUpdate

log = logging.getLogger("progleton.update")

Queued = tuple[int, dict[str, Any], list[Any]]  # source id, its new fields, its items (SQLStore.save_feeds)


class WritesMixin:
    """Queues and writes the feeds of an :class:`~progleton.pipeline.Updater`."""

    # what the Updater sets: its store, this update's sources and queue, and what the writes
    # found (see Updater.__init__)
    store: SQLStore
    settings: Settings
    _queued: list[Queued]
    _queued_rows: int
    _writing: asyncio.Task[None] | None
    _sources: dict[int, Source]
    _unstored: dict[int, SourceUpdate]
    _added: dict[int, int]

    if TYPE_CHECKING:
        def _error_fields(self, source: Source, exc: Exception, now: datetime, *,
                          prefix: str = "") -> tuple[dict[str, Any], SourceUpdate]: ...  # a failed source's state

    # Rows written per transaction: a commit (with its FTS5 index flush) costs more than a
    # feed's worth of inserts, so feeds are written in batches of at least this many rows,
    # one batch at a time, while the next one fills.
    FLUSH_ROWS = 1_000
    MAX_QUEUED_ROWS = 8_000

    async def _save(self, source_id: int, fields: dict[str, Any], items: list[Any]) -> None:
        """Queue a feed's rows; a batch is written in the background once it is big enough.

        The feed's task returns at once (its parsed feed and body are freed) unless the
        store has fallen behind by ``MAX_QUEUED_ROWS``: then it waits, so memory stays
        bounded when the network is faster than the disk.
        """
        fields["claimed_until"] = None  # written: free for the next update that takes it
        if not self._queued:  # the first rows of a batch wait at most write_every_seconds
            asyncio.get_running_loop().call_later(self.settings.write_every_seconds, self._write_if_idle,
                                                  self._queued)
        self._queued.append((source_id, fields, items))
        self._queued_rows += len(items) + 1 + len(fields.get("_pending_entries", {}).get("write", ()))
        while self._queued_rows >= self.FLUSH_ROWS:
            if self._writing is None or self._writing.done():
                if self._writing is not None:
                    self._writing.result()  # a store that cannot be written stops the update
                self._writing = asyncio.create_task(self._write(self._take_queued()))
                return
            if self._queued_rows < self.MAX_QUEUED_ROWS:
                return
            await asyncio.wait([self._writing])

    def _write_if_idle(self, batch: list[Queued]) -> None:
        """Write ``batch`` now if it is still waiting to fill and nothing is being written: an
        update whose feeds trickle in (few sources, slow servers) would otherwise hold what it
        fetched in memory until 1,000 rows came, and a ``kill -9`` lost all of it."""
        if batch is not self._queued or not batch:
            return  # written already, with a full batch or at the end
        if self._writing is not None and not self._writing.done():
            # another write is on: this batch goes once it is done, or fills meanwhile
            asyncio.get_running_loop().call_later(1.0, self._write_if_idle, batch)
            return
        if self._writing is not None and (self._writing.cancelled() or self._writing.exception() is not None):
            return  # a store that cannot be written: the next save or the flush at the end says so
        self._writing = asyncio.create_task(self._write(self._take_queued()))

    def _take_queued(self) -> list[tuple[int, dict[str, Any], list[Any]]]:
        batch, self._queued, self._queued_rows = self._queued, [], 0
        return batch

    async def _flush(self) -> None:
        """Wait for the write in progress, then write what is still pending."""
        if self._writing is not None:
            writing, self._writing = self._writing, None
            await writing
        if self._queued:
            await self._write(self._take_queued())

    async def _write(self, batch: list[tuple[int, dict[str, Any], list[Any]]]) -> None:
        """Write feeds in one transaction, off the event loop."""
        try:
            self._added.update(await asyncio.to_thread(self.store.save_feeds, batch))
        except Exception as exc:
            if database_failure(exc) is not None:  # each feed would fail alike, and go into backoff
                raise
            log.exception("a batch of %d feeds could not be written; writing them one by one", len(batch))
            await asyncio.to_thread(self._save_each, batch)

    def _save_each(self, batch: Sequence[tuple[int, dict[str, Any], list[Any]]]) -> None:
        """Write feeds one at a time, so that data the store refuses costs only its own
        feed: that source is recorded as failed, with its validators left unchanged (the
        next fetch brings the entries back), and the others are stored."""
        for source_id, fields, items in batch:
            try:
                self._added.update(self.store.save_feeds([(source_id, fields, items)]))
            except Exception as exc:
                if database_failure(exc) is not None:
                    raise
                log.exception("a feed's entries could not be stored", extra={"source_id": source_id})
                source = self._sources[source_id]
                reason = getattr(exc, "orig", None) or exc  # the driver's words, not the whole statement
                error, result = self._error_fields(
                    source, reason, datetime.now(UTC), prefix="internal error: its entries could not be stored: ")
                self.store.save_feeds([(source_id, error | {"claimed_until": None}, [])])
                self._unstored[source_id] = result
