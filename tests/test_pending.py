"""What an update keeps of the entries it leaves for a later one: pure functions over plain data."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progleton.entries import EntryText
from progleton.feeds.model import Enclosure, ParsedEntry
from progleton.pending import (
    MAX_PENDING_PER_SOURCE,
    MORE_THAN_MAX,
    PENDING_DAYS,
    entry_from_json,
    entry_json,
    settle_pending,
    still_pending,
)
from progleton.store.base import PendingRow

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TEXT = EntryText("https://news.example/1", "<p>Summary</p>", "", "Summary", "")

texts = st.text(max_size=40)  # any character, controls and NUL included
moments = st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2100, 1, 1),
                       timezones=st.just(UTC))
entries = st.builds(
    ParsedEntry, id=st.none() | texts, title=st.none() | texts, link=st.none() | texts,
    published=st.none() | moments, updated=st.none() | moments, authors=st.tuples(texts) | st.just(()),
    summary=st.none() | texts, content=st.none() | texts,
    enclosures=st.lists(st.builds(Enclosure, url=texts, type=st.none() | texts,
                                  length=st.none() | st.integers(0, 2**40)), max_size=2).map(tuple),
    categories=st.lists(texts, max_size=3).map(tuple),
    summary_type=st.none() | st.sampled_from(["text/plain", "text/html"]), content_type=st.none() | texts,
)
feed_texts = st.builds(EntryText, canonical_link=st.none() | texts, summary_html=texts, content_html=texts,
                       summary_text=texts, content_text=texts)


@given(entries, feed_texts)
def test_an_entry_and_its_feed_text_come_back_the_same_from_json(entry: ParsedEntry, text: EntryText) -> None:
    stored = json.loads(json.dumps(entry_json(entry, text)))  # as the store writes and reads it
    assert entry_from_json(stored) == (entry, text)
    assert stored == entry_json(entry, text)  # an unchanged entry is not written again


def test_every_field_of_an_entry_is_kept_but_its_format_detail() -> None:
    kept = set(entry_json(ParsedEntry(id="1"), TEXT)["entry"])
    assert kept == {f.name for f in dataclasses.fields(ParsedEntry)} - {"extra"}


def entry(n: int, hours: float | None = 0) -> tuple[str, ParsedEntry, EntryText]:
    published = NOW - timedelta(hours=hours) if hours is not None else None
    return f"g{n}", ParsedEntry(id=f"g{n}", title=f"Report {n}", published=published), TEXT


def row(n: int, *, days: float = 1, reason: str = MORE_THAN_MAX, hours: float | None = 0) -> PendingRow:
    guid, e, t = entry(n, hours)
    return PendingRow(guid, entry_json(e, t), reason, NOW - timedelta(days=days))


def test_pending_entries_listed_by_the_feed_stored_meanwhile_or_too_old_are_not_weighed() -> None:
    rows = [row(1), row(2), row(3), row(4, days=PENDING_DAYS.days + 0.1)]
    weighed, expired = still_pending(rows, listed={"g1"}, known={"g2"}, now=NOW)
    assert [g for g, _, _ in weighed] == ["g3"] and expired == 1
    assert weighed[0][1:] == entry(3)[1:]


def test_the_newest_are_kept_within_the_bound_on_rows_and_only_changes_are_written() -> None:
    stored = [row(1, hours=1), row(2, hours=9)]
    left = [(*entry(n, hours=n), MORE_THAN_MAX) for n in range(1, 6)] + [(*entry(9, hours=None), MORE_THAN_MAX)]
    changes = settle_pending(stored, left, NOW, max_rows=3)
    assert changes.waiting == 3 and changes.dropped == 3  # the undated one ranks last
    assert [w["guid"] for w in changes.write] == ["g2", "g3"]  # g1 is stored as it is
    assert changes.write[0]["first_seen"] == NOW - timedelta(days=1)  # g2 changed (its date), waits since then
    assert changes.write[1]["first_seen"] == NOW
    assert changes.delete == []  # g2 stays, rewritten


def test_stored_entries_no_longer_waiting_are_deleted_and_an_expired_one_starts_anew() -> None:
    stored = [row(1), row(2), row(3, days=PENDING_DAYS.days + 1)]
    changes = settle_pending(stored, [(*entry(3), "page postponed: time ran out")], NOW)
    assert changes.delete == ["g1", "g2"] and changes.waiting == 1
    assert changes.write == [{"guid": "g3", "entry": entry_json(*entry(3)[1:]), "reason": "page postponed: time ran out",
                              "first_seen": NOW}]
    assert settle_pending(stored, [], NOW).as_stored() == {"write": [], "delete": ["g1", "g2", "g3"]}
    assert settle_pending([], [], NOW).as_stored() is None


def test_an_entry_too_big_for_the_bytes_left_is_dropped_and_a_smaller_older_one_kept() -> None:
    big = ParsedEntry(id="big", content="x" * 5_000, published=NOW)
    small = [(*entry(n, hours=n), MORE_THAN_MAX) for n in (1, 2)]
    changes = settle_pending([], [("big", big, TEXT, MORE_THAN_MAX), *small], NOW, max_bytes=2_000)
    assert [w["guid"] for w in changes.write] == ["g1", "g2"] and changes.dropped == 1


def test_a_feed_of_a_million_items_keeps_a_bounded_number_waiting() -> None:
    """A hostile feed must not fill the disk: the newest thousand wait, the rest are dropped (and
    only what is kept is serialised)."""
    dated = [entry(n, hours=n)[1] for n in range(1_000)]  # a thousand dates, each given to a thousand items
    left = [(f"g{i}", dated[i % 1_000], TEXT, MORE_THAN_MAX) for i in range(1_000_000)]
    changes = settle_pending([], left, NOW)
    assert changes.waiting == MAX_PENDING_PER_SOURCE and changes.dropped == 1_000_000 - MAX_PENDING_PER_SOURCE
    assert [w["guid"] for w in changes.write] == [f"g{i}" for i in range(0, 1_000_000, 1_000)]  # the newest
