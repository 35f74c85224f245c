"""A story as the grouper keeps it while open, and as it shows it (:class:`Story`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Reversible, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

# A story's feature dict of at least this many keys keeps their positions, so that a join reads
# back only the new member's values (see FeatureArrays); below it, reading the dict whole is
# as quick and costs no memory.
KEEP_POSITIONS_FROM = 512
# A story of at least this many members is rebuilt (after a regrouping brings members in) from
# ids of its members' features, at C speed (see FeatureTable); a smaller one adds them up in a loop.
REBUILD_WITH_IDS_FROM = 64
T = TypeVar("T")


@dataclass(frozen=True)
class Story:
    """A group of articles about one event, as the grouper sees it now."""

    story_id: str
    doc_ids: tuple[str, ...]  # in arrival order
    title: str  # the title of the earliest independent report
    first_published: datetime | None
    last_published: datetime | None
    outlets: tuple[str, ...]  # distinct sources, in arrival order
    independent_outlets: int  # distinct sources of independent reports (a wire text counts once)
    wire_copies: int  # members that copy an earlier member's text
    published: tuple[datetime | None, ...] = ()  # per member, for velocity


@dataclass
class OpenStory:
    """The grouper's working state of one open story (its members, centroid and span of news)."""

    story_id: str
    members: list[str] = field(default_factory=list)  # doc ids in arrival order
    centroid: dict[str, float] = field(default_factory=dict)
    first_active: datetime | None = None
    last_active: datetime | None = None
    year_counts: Counter[str] = field(default_factory=Counter)
    carriers: Counter[str] = field(default_factory=Counter)  # names/numbers -> members carrying
    version: int = 0  # bumped on every change, for the cached norms
    layout: int = 0  # bumped when the centroid is rebuilt (its features' order may change)
    accumulated: int = 0  # members added to the sums since the last rebuild (the first ones)
    # Ids of its members' features and names, once it is big enough to be rebuilt with them
    tables: tuple[FeatureTable, FeatureTable] | None = None
    # The centroid and the carriers as arrays in their dicts' order, for their norms
    centroid_arrays: FeatureArrays = field(default_factory=lambda: FeatureArrays(float))
    carrier_arrays: FeatureArrays = field(default_factory=lambda: FeatureArrays(np.int64))
    norms: tuple[int, int, dict[str, float]] = (-1, -1, {})  # (epoch, version, kind_norms)
    carrier_sq: tuple[int, int, dict[str, float]] = (-1, -1, {})  # (epoch, version, carrier_norms)

    @property
    def years(self) -> frozenset[str]:
        """The years its members mention ("d:2013")."""
        return frozenset(self.year_counts)


def widen(story: OpenStory, when: datetime | None) -> None:
    """Stretch the story's span of news to cover ``when``."""
    if when is None:
        return
    if story.first_active is None or when < story.first_active:
        story.first_active = when
    if story.last_active is None or when > story.last_active:
        story.last_active = when


def gap_hours(when: datetime | None, story: OpenStory) -> float | None:
    """Hours between ``when`` and the span of the story's news (0 inside it; None if unknown)."""
    if when is None or story.first_active is None or story.last_active is None:
        return None
    if when < story.first_active:
        return (story.first_active - when).total_seconds() / 3600
    return max((when - story.last_active).total_seconds() / 3600, 0.0)


class FeatureArrays:
    """One of a story's feature dicts (its centroid, its carriers) as arrays in the dict's order:
    its features' table slots and kinds, their inverse document frequencies (for one snapshot of
    the vocabulary) and the dict's values.

    Between rebuilds of the story (``OpenStory.layout``) a dict only gains keys at its end, and a
    new member changes the values of its own keys alone; so only new keys are looked up, and a
    dict of ``KEEP_POSITIONS_FROM`` keys or more reads back only the values of the members added
    since (by their keys' kept positions): a join costs a story of thousands of reports what it
    costs a small one, with the same values as reading the dict whole.
    """

    def __init__(self, dtype: npt.DTypeLike) -> None:
        self.dtype = np.dtype(dtype)
        self.layout = -1
        self.slots = np.empty(0, np.int32)
        self.codes = np.empty(0, np.int8)
        self.epoch = -1
        self.idfs = np.empty(0)
        self.seen = 0  # members whose values are read (see update)
        self.positions: dict[str, int] = {}  # kept from KEEP_POSITIONS_FROM keys on
        self._values = np.empty(0, self.dtype)  # with room to grow; the first len(slots) count

    @property
    def values(self) -> np.ndarray:
        """The dict's values, in order, as of the last :meth:`update`."""
        return self._values[: len(self.slots)]

    def update(
        self,
        source: dict[str, Any],
        story: OpenStory,
        keys_of: Callable[[str], Iterable[str]],
        slots_of: Callable[[list[str]], np.ndarray],
        codes_of: Callable[[list[str]], np.ndarray],
    ) -> None:
        """Bring the arrays up to ``source``, one of ``story``'s dicts, as it is now: ``keys_of``
        gives the keys a member (by doc id) added to it, ``slots_of`` and ``codes_of`` the
        table slots and kinds of new keys."""
        n = len(source)
        if story.layout != self.layout:
            self.layout, self.seen, self.positions = story.layout, 0, {}
            self.slots, self.codes, self.idfs = self.slots[:0], self.codes[:0], self.idfs[:0]
        known = len(self.slots)
        if known < n:
            new = _last(source, n - known)
            self.slots = np.concatenate([self.slots, slots_of(new)])
            self.codes = np.concatenate([self.codes, codes_of(new)])
        if n < KEEP_POSITIONS_FROM or story.accumulated - self.seen > 16:
            self.positions = {}
            self._values = np.fromiter(source.values(), self.dtype, n)
        else:
            changed = map(keys_of, story.members[self.seen : story.accumulated])
            self._read_changed(source, known, changed)
        self.seen = story.accumulated

    def _read_changed(self, source: dict[str, Any], known: int, changed: Iterable[Iterable[str]]) -> None:
        """Read the values of the keys of ``changed`` members, and those of new keys."""
        n, positions = len(source), self.positions
        if len(positions) < known:
            positions.update(zip(source, range(known), strict=False))  # to ``known``
        if n > known:
            if n > len(self._values):
                grown = np.empty(max(n, 2 * len(self._values)), self.dtype)
                grown[:known] = self._values[:known]
                self._values = grown
            self._values[known:n] = _last(source.values(), n - known)
            positions.update(zip(_last(source, n - known), range(known, n), strict=True))
        values = self._values
        for keys in changed:
            ordered = list(keys)
            at = np.fromiter(map(positions.__getitem__, ordered), np.intp, len(ordered))
            values[at] = np.fromiter(map(source.__getitem__, ordered), self.dtype, len(ordered))

    def weights(self, epoch: int, idfs_of: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        """The features' inverse document frequencies for the vocabulary's snapshot ``epoch``
        (``idfs_of`` their slots): looked up again at a new snapshot, for new features else."""
        if epoch != self.epoch or len(self.idfs) > len(self.slots):
            self.epoch, self.idfs = epoch, self.idfs[:0]
        if len(self.idfs) < len(self.slots):
            self.idfs = np.concatenate([self.idfs, idfs_of(self.slots[len(self.idfs) :])])
        return self.idfs


def _last(items: Reversible[T], count: int) -> list[T]:
    """The last ``count`` items of a dict or a dict view, in order (without reading the rest)."""
    return list(islice(reversed(items), count))[::-1]


class FeatureTable:
    """Ids for the keys a big story's members add to one of its dicts (their features, or their
    names and numbers), each member's as an array kept by doc id, so that the dict is summed
    again at C speed (:meth:`sums`) when a regrouping brings members into the story. Ids are
    never reused while the story is open; the table goes with it."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.keys: list[str] = []
        self._members: dict[str, np.ndarray] = {}  # doc id -> its keys' ids, in its order

    def member_ids(self, doc_id: str, keys: Iterable[str]) -> np.ndarray:
        """The ids of a member's keys, in their order (numbered now if new; kept after)."""
        found = self._members.get(doc_id)
        if found is None:
            ordered, ids = list(keys), self.ids
            new = [k for k in dict.fromkeys(ordered) if k not in ids]
            ids.update(zip(new, range(len(self.keys), len(self.keys) + len(new)), strict=True))
            self.keys.extend(new)
            found = self._members[doc_id] = np.fromiter(map(ids.__getitem__, ordered), np.int32, len(ordered))
        return found

    def sums(self, ids: Sequence[np.ndarray], values: Sequence[np.ndarray] | None = None) -> dict[str, Any]:
        """What adding the members' values (``values``, one array each; None: 1 per key, a
        count) key by key, member after member, gives: each key's sum, the keys in order of
        first appearance. The same floats: ``bincount`` adds in index order, as the loop does."""
        if not ids:
            return {}
        every = np.concatenate(ids)
        n = len(every)
        if values is None:
            sums = np.bincount(every, minlength=len(self.keys))
        else:
            sums = np.bincount(every, weights=np.concatenate(values), minlength=len(self.keys))
        first = np.full(len(self.keys), n, np.int64)
        np.minimum.at(first, every, np.arange(n))
        present = np.flatnonzero(first < n)
        order = present[np.argsort(first[present])]  # first appearances differ: no ties
        return dict(zip(map(self.keys.__getitem__, order.tolist()), sums[order].tolist(), strict=True))
