"""Saving and restoring a grouper across a restart: its state bytes, then the replay of the
stored assignments (:meth:`~.grouper.StoryGrouper.load`), so that later adds decide exactly as a
grouper that never restarted. The bytes' layout is :mod:`.state`'s.

Methods of :class:`~.grouper.StoryGrouper`, written as functions of the grouper and bound there.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from .batch import fewer_collections
from .member import Member
from .model import Doc, Reasons
from .state import (
    NO_TIME,
    GrouperState,
    MemberState,
    decode,
    doc_key,
    encode,
    from_micros,
    micros,
    params_crc,
)
from .textparts import TextParts

if TYPE_CHECKING:
    from .grouper import StoryGrouper


def load(self: StoryGrouper, doc: Doc, *, story_id: str, wire_copy_of: str | None = None) -> None:
    """Index a doc as already assigned (start-up replay of stored assignments, in order)."""
    self._load(self._head(doc), story_id, wire_copy_of, None)


def load_many(
    self: StoryGrouper, rows: Iterable[tuple[Doc, str, str | None]], executor: Executor | None = None
) -> None:
    """:meth:`load` each (doc, story id, wire copy of) in order. With ``executor`` (a process
    pool), the docs' text parts are computed there, a few batches ahead of the indexing here:
    the same values, so the same stories, in about half the time on two cores."""
    headed = ((self._head(doc), s, w) for doc, s, w in rows)
    with fewer_collections():
        for (doc, story_id, wire_copy_of), parts in self._parted(headed, executor):
            self._load(doc, story_id, wire_copy_of, parts)


def load_doc(
    self: StoryGrouper, doc: Doc, story_id: str, wire_copy_of: str | None, parts: TextParts | None
) -> None:
    if doc.id in self._members:
        return
    saved = None
    if self._restoring is not None:
        saved = self._restoring.get(doc_key(doc.id))
        if saved is None and self._closed_before_state(doc):
            return  # counted in the saved state, and its story had closed there
    member = self._prepare(doc, saved, parts)
    member.wire_copy_of = wire_copy_of
    member.reasons = Reasons(note="loaded", action="loaded")
    story_id = self._resolve(story_id)
    if saved is None and self._repeats_evidence(member, story_id):
        self.vocabulary.take_back(member.slots)
    self._attach(member, story_id)


def state(self: StoryGrouper) -> bytes:
    """What a replay of the open window cannot rebuild, as compact bytes (see ``state``).

    Save it after each batch of assignments, together with them; on start-up pass it to
    :meth:`restore_state` on a fresh grouper, then :meth:`load` the stored docs and replay the
    corrections as before: later decisions are then the same as if there had been no restart.
    """
    self._finish_restore()
    counts, snapshot, next_snapshot, log_docs = self.vocabulary.tables()
    members = {doc_key(m.doc.id): self._member_state(m) for m in self._members.values()}
    return encode(
        GrouperState(
            params_crc=params_crc(self.params),
            slots_log2=self.vocabulary.slots_log2,
            docs=self.vocabulary.docs,
            epoch=self.vocabulary.epoch,
            next_snapshot=next_snapshot,
            seq=self._seq,
            log_docs=log_docs,
            clock=micros(self._clock),
            closed_before=micros(self._closed_before),
            counts=counts,
            snapshot=snapshot,
            members=members,
        )
    )


def restore_state(self: StoryGrouper, data: bytes) -> None:
    """Take over a state from :meth:`state`; call on a fresh grouper, before :meth:`load`.

    While the stored docs are then loaded, those open in the saved state get their saved
    arrival order and index keys and are not counted again; docs whose story had closed
    there are skipped; docs stored after the state was saved are loaded as usual. Raises
    ``ValueError`` on bytes that are not a state of this version and these parameters (the
    caller then replays without it), or when the grouper has already seen docs.
    """
    if self._members or self.vocabulary.docs:
        raise ValueError("restore_state needs a fresh grouper")
    saved = decode(data)
    if saved.params_crc != params_crc(self.params):
        raise ValueError("story state was saved with other grouping parameters")
    if saved.slots_log2 != self.vocabulary.slots_log2:
        raise ValueError("story state has another vocabulary size")
    self.vocabulary.restore(
        saved.counts,
        saved.snapshot,
        docs=saved.docs,
        epoch=saved.epoch,
        next_snapshot=saved.next_snapshot,
        log_docs=saved.log_docs,
    )
    self._seq = saved.seq
    self._clock = from_micros(saved.clock)
    self._closed_before = from_micros(saved.closed_before)
    self._restoring = dict(saved.members)


def replay_since(data: bytes) -> datetime | None:
    """The earliest activity time of a doc open in a saved state (None: none or undated).

    Replaying the stored docs from this time on (rather than a fixed two windows back) also
    brings back the old members of long-running stories. Raises ``ValueError`` like
    :meth:`restore_state`.
    """
    times = [m.active for m in decode(data).members.values() if m.active != NO_TIME]
    return from_micros(min(times)) if times else None


def member_state(self: StoryGrouper, member: Member) -> MemberState:
    words = sorted(f for f in member.raw if f[0] in "wt")
    position = {f: i for i, f in enumerate(words)}
    chosen = tuple(position[f] for f in member.index_keys if f in position)
    return MemberState(member.seq, micros(member.active), chosen)


def closed_before_state(self: StoryGrouper, doc: Doc) -> bool:
    """Whether a doc missing from the saved state had been counted there (its story closed)."""
    if doc.published is None or self._closed_before is None:
        return False
    when = doc.published if doc.published.tzinfo else doc.published.replace(tzinfo=UTC)
    return when < self._closed_before


def finish_restore(self: StoryGrouper) -> None:
    """After the replay: members in arrival order, as a grouper that never restarted has them."""
    if self._restoring is None:
        return
    self._restoring = None
    for story in self._stories.values():
        seqs = [self._members[m].seq for m in story.members]
        if seqs != sorted(seqs):
            self._rebuild(story)
