"""A story as the grouper keeps it while open, and as it shows it (:class:`Story`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Reversible
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
# A story carrying at least this many names and numbers weighs them as arrays (FeatureArrays);
# fewer are summed quicker in a loop than with numpy's calls.
CARRIER_ARRAYS_FROM = 64
# A story of at least this many members is rebuilt (after a regrouping brings members in) from
# ids of its members' features, at C speed (see FeatureTable); a smaller one adds them up in a loop.
REBUILD_WITH_IDS_FROM = 64
# A story's id is this and the id of the doc that started it (a split adds "~...")
STORY_PREFIX = "story-"
T = TypeVar("T")


@dataclass(frozen=True)
class Story:
    """A group of articles about one event, as the grouper sees it now."""

    story_id: str
    doc_ids: tuple[str, ...]  # in arrival order
    title: str  # the title of the earliest independent report
    first_published: datetime | None
    last_published: datetime | None
    outlets: tuple[str, ...]  # distinct outlets (doc sources), in arrival order
    independent_outlets: int  # distinct outlets of independent reports (a wire text counts once)
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
    outlets: Counter[str] = field(default_factory=Counter)  # doc sources (outlets) -> members from each
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
    names and numbers), and the members' keys (and values) laid end to end in arrival order, so
    that the dict is summed again at C speed (:meth:`sums`) when a regrouping brings members into
    the story: those that came since the last time are put in their places, the rest is kept.
    Ids are never reused while the story is open; the table goes with it."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.keys: list[str] = []
        self._doc_ids: list[str] = []  # the members laid out, in arrival order
        self._lengths = np.empty(0, np.intp)  # how many keys each brings
        self._every = np.empty(0, np.intp)  # their keys' ids, end to end
        self._values = np.empty(0)  # and their values (when summed)

    def sums(
        self,
        doc_ids: list[str],
        keys_of: Callable[[str], Iterable[str]],
        values_of: Callable[[str], np.ndarray] | None = None,
    ) -> dict[str, Any]:
        """What adding the members (``doc_ids``, in arrival order) to an empty dict one after the
        other, key by key, gives: each key's sum of their values (``values_of``: an array in the
        order of ``keys_of``; without it, 1 a key: a count), the keys in order of first
        appearance. The same floats: ``bincount`` adds in index order, as the loop does."""
        placed = set(self._doc_ids)
        if [d for d in doc_ids if d in placed] != self._doc_ids:  # one left, or out of order
            self._doc_ids, placed = [], set()
            self._lengths, self._every, self._values = self._lengths[:0], self._every[:0], self._values[:0]
        coming = [(i, d) for i, d in enumerate(doc_ids) if d not in placed]
        if coming:
            self._place(coming, keys_of, values_of)
        self._doc_ids = list(doc_ids)  # a copy: the story appends to its own
        every, n = self._every, len(self._every)
        sums = np.bincount(every, weights=self._values if values_of else None, minlength=len(self.keys))
        first = np.full(len(self.keys), n, np.intp)
        np.minimum.at(first, every, np.arange(n))
        present = np.flatnonzero(first < n)
        order = present[np.argsort(first[present])]  # first appearances differ: no ties
        return dict(zip(map(self.keys.__getitem__, order.tolist()), sums[order].tolist(), strict=True))

    def _place(
        self,
        coming: list[tuple[int, str]],
        keys_of: Callable[[str], Iterable[str]],
        values_of: Callable[[str], np.ndarray] | None,
    ) -> None:
        """Lay out members (doc ids with their places among all) among those laid out."""
        ids = [self._ids_of(list(keys_of(doc_id))) for _, doc_id in coming]
        lengths = np.fromiter(map(len, ids), np.intp, len(ids))
        before = np.fromiter((i - j for j, (i, _) in enumerate(coming)), np.intp, len(coming))
        starts = np.concatenate([[0], np.cumsum(self._lengths)])
        # each key goes where its member's predecessors end, after the keys put in before it
        at = np.repeat(starts[before], lengths) + np.arange(int(lengths.sum()))
        self._every = _inserted(self._every, at, np.concatenate(ids))
        if values_of is not None:
            values = np.concatenate([values_of(doc_id) for _, doc_id in coming])
            self._values = _inserted(self._values, at, values)
        self._lengths = _inserted(self._lengths, before + np.arange(len(coming)), lengths)

    def _ids_of(self, keys: list[str]) -> np.ndarray:
        """The ids of keys, numbering those new to the table."""
        ids = self.ids
        new = [k for k in dict.fromkeys(keys) if k not in ids]
        ids.update(zip(new, range(len(self.keys), len(self.keys) + len(new)), strict=True))
        self.keys.extend(new)
        return np.fromiter(map(ids.__getitem__, keys), np.intp, len(keys))


def _inserted(old: np.ndarray, at: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``old`` with ``new``'s items at positions ``at`` (increasing) of the result."""
    out = np.empty(len(old) + len(new), old.dtype)
    kept = np.ones(len(out), bool)
    kept[at] = False
    out[at] = new
    out[kept] = old
    return out
