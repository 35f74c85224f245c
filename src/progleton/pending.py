"""Entries an update left for a later one: pure functions, no I/O.

An update takes at most ``max_new_entries`` of a feed's new entries, the newest first, and
leaves those whose page it had no time left to ask for (``pages.POSTPONED``). What it leaves
is stored as it was read, the entry and its feed text (the store's ``pending_entries``), so a
feed that drops an entry before the next update loses nothing: each update weighs the feed's
new entries and the source's pending ones together (:func:`still_pending`; the feed's current
version of an entry it still lists wins), and writes back what it leaves again, within bounds
(:func:`settle_pending`).

The bounds, so that no feed fills the disk:

- :data:`PENDING_DAYS`, 14 days from when an entry was first left. Every source is fetched at
  least once a day (``max_interval_minutes`` is 1,440 by default, and a failing source's backoff
  stops at 24 hours), so an entry that has waited a fortnight was passed over by 14 updates or
  more: its feed steadily gives more than ``max_new_entries`` an update, which only a higher
  setting cures, or the source has failed for two weeks. An entry the feed still lists is
  weighed all the same, as any new entry; only its stored copy goes, and it starts anew if it
  is left again.
- :data:`MAX_PENDING_PER_SOURCE`, 1,000 entries: more than three updates' worth at the default
  ``max_new_entries`` (300). A feed of 1,000 items leaves 700 on its first update, all kept; a
  feed that lists a million keeps its newest 1,000 waiting.
- :data:`MAX_PENDING_BYTES_PER_SOURCE`, 20 MB as stored: what one response of its feed may hold
  at the default ``max_response_bytes``. 1,000 full-text entries of 20 kB fit; a feed of huge
  entries keeps fewer. An update holds a source's pending entries in memory beside its feed, so
  this bounds what they add there too.

What the bounds drop goes the oldest first; the source's note says how many were dropped and
how many wait (:func:`pending_note`).
"""

from __future__ import annotations

import json
from collections.abc import Container, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from .entries import EntryText, recency
from .feeds.model import Enclosure, ParsedEntry
from .store.base import PendingRow

PENDING_DAYS = timedelta(days=14)
MAX_PENDING_PER_SOURCE = 1_000
MAX_PENDING_BYTES_PER_SOURCE = 20_000_000
# Why an entry waits, besides a page postponed (pages.POSTPONED, which says why in its words).
MORE_THAN_MAX = "more new entries than max_new_entries"

Candidate = tuple[str, ParsedEntry, EntryText]  # guid, entry, its feed text: as newest_entries weighs them
Left = tuple[str, ParsedEntry, EntryText, str]  # a candidate not stored, and why


def entry_json(entry: ParsedEntry, text: EntryText) -> dict[str, Any]:
    """An entry and its feed text as JSON values, which :func:`entry_from_json` makes into the
    same again: every field but the entry's ``extra`` (format detail that nothing past the
    parser reads)."""
    return {
        "entry": {
            "id": entry.id, "title": entry.title, "link": entry.link,
            "published": _moment(entry.published), "updated": _moment(entry.updated),
            "authors": list(entry.authors), "summary": entry.summary, "content": entry.content,
            "enclosures": [asdict(e) for e in entry.enclosures], "categories": list(entry.categories),
            "summary_type": entry.summary_type, "content_type": entry.content_type,
        },
        "text": asdict(text),
    }


def entry_from_json(value: Mapping[str, Any]) -> tuple[ParsedEntry, EntryText]:
    """The entry and feed text that :func:`entry_json` wrote."""
    fields = dict(value["entry"])
    fields["published"], fields["updated"] = _parsed(fields["published"]), _parsed(fields["updated"])
    fields["authors"], fields["categories"] = tuple(fields["authors"]), tuple(fields["categories"])
    fields["enclosures"] = tuple(Enclosure(**e) for e in fields["enclosures"])
    return ParsedEntry(**fields), EntryText(**value["text"])


def _moment(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _parsed(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text is not None else None


def still_pending(rows: Sequence[PendingRow], listed: Container[str], known: Container[str],
                  now: datetime) -> tuple[list[Candidate], int]:
    """Of a source's pending entries, those to weigh beside its feed's new ones: not listed by
    the feed (its current version is weighed instead), not stored meanwhile (``known``), not
    waiting since before :data:`PENDING_DAYS`; and how many of them had waited that long."""
    since = now - PENDING_DAYS
    weighed: list[Candidate] = []
    expired = 0
    for row in rows:
        if row.guid in listed or row.guid in known:
            continue
        if row.first_seen < since:
            expired += 1
            continue
        entry, text = entry_from_json(row.entry)
        weighed.append((row.guid, entry, text))
    return weighed, expired


@dataclass(frozen=True)
class PendingChanges:
    """What an update writes of a source's pending entries, and how many it kept and dropped."""

    write: list[dict[str, Any]]  # rows to insert or replace: guid, entry, reason, first_seen
    delete: list[str]  # stored ones no longer pending: taken, stored meanwhile, dropped
    waiting: int  # entries pending after this update
    dropped: int  # entries left that the bounds dropped, the oldest

    def as_stored(self) -> dict[str, Any] | None:
        """As ``SQLStore.save_feeds`` takes them (``_pending_entries``); None with nothing to write."""
        return {"write": self.write, "delete": self.delete} if self.write or self.delete else None


def settle_pending(rows: Sequence[PendingRow], left: Sequence[Left], now: datetime, *,
                   max_rows: int = MAX_PENDING_PER_SOURCE,
                   max_bytes: int = MAX_PENDING_BYTES_PER_SOURCE) -> PendingChanges:
    """A source's pending entries after an update that left ``left`` (new entries and pending
    ones not taken, each with why it waits), its stored pending ones being ``rows``.

    The newest are kept (:func:`~progleton.entries.recency`), at most ``max_rows`` and
    ``max_bytes`` of JSON: an entry that does not fit in what is left of the bytes is dropped,
    and an older, smaller one may still fit. Only new or changed rows are written; a stored row
    not kept is deleted. An entry keeps the time it was first left, unless its stored copy had
    expired (:func:`still_pending`): then it starts anew."""
    stored = {row.guid: row for row in rows}
    since = now - PENDING_DAYS
    kept: set[str] = set()
    write: list[dict[str, Any]] = []
    size = 0
    for i in sorted(range(len(left)), key=lambda i: (*recency(left[i][1]), i)):
        if len(kept) >= max_rows:
            break
        guid, entry, text, reason = left[i]
        value = entry_json(entry, text)
        length = len(json.dumps(value))  # as the store writes it (ASCII, escaped)
        if guid in kept or size + length > max_bytes:
            continue
        size += length
        kept.add(guid)
        row = stored.get(guid)
        current = row is not None and row.first_seen >= since
        if current and row is not None and row.entry == value and row.reason == reason:
            continue  # unchanged: not written again
        write.append({"guid": guid, "entry": value, "reason": reason,
                      "first_seen": row.first_seen if current and row is not None else now})
    return PendingChanges(write=write, delete=[guid for guid in stored if guid not in kept],
                          waiting=len(kept), dropped=len(left) - len(kept))


def pending_note(pending: PendingChanges, expired: int) -> str | None:
    """What a source says when entries waiting for a later update were dropped, never to be
    stored (the bounds of :mod:`progleton.pending`), and how many still wait."""
    said = []
    if n := pending.dropped:
        said.append(f"{n:,} of the entries left {'was' if n == 1 else 'were'} dropped, not stored, the oldest: "
                    f"a source keeps at most {MAX_PENDING_PER_SOURCE:,} entries "
                    f"({MAX_PENDING_BYTES_PER_SOURCE / 1e6:g} MB) waiting")
    if n := expired:
        said.append(f"{n:,} entr{'y' if n == 1 else 'ies'} that had waited {PENDING_DAYS.days} days "
                    f"{'was' if n == 1 else 'were'} dropped, not stored: the feed no longer lists "
                    f"{'it' if n == 1 else 'them'}")
    if not said:
        return None
    return "; ".join([*said, f"{pending.waiting:,} wait{'s' if pending.waiting == 1 else ''} for later updates"])
