"""Vocabulary statistics and the inverted index that finds candidate stories for a doc.

Document frequencies grow with every doc (no fixed vocabulary). The inverted index maps a feature
(a name, a number, one of a doc's rarest words) to the open stories whose members carry it, so a
new doc is compared with the few stories that share its distinctive features, never with all.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import neg

import numpy as np

# The count added at each slot, of the table's own type: with a Python int numpy casts on every
# call and takes its slow path (34 against 5 µs for a doc's 150 slots, the same counts).
_ONE = np.int32(1)


class Vocabulary:
    """Document frequencies of features, for inverse document frequency weights.

    Counts live in a fixed table indexed by a stable hash of the feature (CRC-32), so memory
    stays the same however many names a year of news brings; a rare feature sharing a slot with
    a common one is rare enough (a few thousand common features in two million slots) not to matter.

    Weights come from a snapshot of the counts, taken again each time the count of docs has
    grown by a sixteenth (and at least every ``max_interval`` docs). Between snapshots the weights
    hold still, so vectors weighted once can be reused; and the snapshot depends only on how many
    docs were counted, so a replay that counts the same docs weighs the same way.
    """

    def __init__(self, *, slots_log2: int = 21, max_interval: int = 4000) -> None:
        self.docs = 0
        self.max_interval = max_interval
        self.epoch = 0
        self._mask = (1 << slots_log2) - 1
        self._counts = np.zeros(1 << slots_log2, dtype=np.int32)
        self._snapshot = self._counts.copy()
        self._next_snapshot = 1
        self._snapshot_docs = -1  # the count of docs at the latest snapshot (-1: unknown)
        self._log_docs = 0.0
        self._logs = np.zeros(1)  # math.log(df + 1) for df = 0, 1, ...: grown as counts grow
        self._idf_by_df = self._logs + 1.0  # compute_idf of a feature by its count, this snapshot
        self._idf = _IdfTable(self)
        # The hot path of grouping: a bound dict lookup (C speed) that computes on a miss.
        self.idf: Callable[[str], float] = self._idf.__getitem__

    def _slot(self, feature: str) -> int:
        return zlib.crc32(feature.encode("utf-8")) & self._mask

    def add(self, features: Iterable[str]) -> None:
        """Count one doc's distinct features."""
        self.add_slots(self.slots(list(features)))

    def add_slots(self, slots: np.ndarray) -> None:
        """:meth:`add` for a doc whose distinct features' slots (:meth:`slots`) are known."""
        self.docs += 1
        np.add.at(self._counts, slots, _ONE)
        if self.docs >= self._next_snapshot:
            self._take_snapshot()

    def take_back(self, slots: np.ndarray) -> None:
        """Undo :meth:`add_slots` of the latest doc, which turned out to repeat evidence counted
        already. No weight keeps a trace of it: if counting it took a snapshot, the snapshot is
        taken again without it, due again as if taken at the count of docs before it."""
        snapshotted = self._snapshot_docs == self.docs
        self.docs -= 1
        np.subtract.at(self._counts, slots, _ONE)
        if snapshotted:
            self._take_snapshot()

    def _take_snapshot(self) -> None:
        np.copyto(self._snapshot, self._counts)
        self._snapshot_docs = self.docs
        self._log_docs = math.log(self.docs + 1)
        self._weigh_counts()
        self._idf.clear()
        self.epoch += 1
        self._next_snapshot = self.docs + max(1, min(self.max_interval, self.docs // 16))

    @property
    def slots_log2(self) -> int:
        """The table has ``2 ** slots_log2`` slots."""
        return self._mask.bit_length()

    def tables(self) -> tuple[np.ndarray, np.ndarray, int, float]:
        """The counts, the snapshot, the count of docs at the next snapshot and its log-count."""
        return self._counts, self._snapshot, self._next_snapshot, self._log_docs

    def restore(
        self,
        counts: np.ndarray,
        snapshot: np.ndarray,
        *,
        docs: int,
        epoch: int,
        next_snapshot: int,
        log_docs: float,
    ) -> None:
        """Take over saved tables (see :mod:`progleton.stories.state`); sizes must match."""
        if counts.shape != self._counts.shape or snapshot.shape != self._counts.shape:
            raise ValueError("saved document-frequency table has another size")
        np.copyto(self._counts, counts)
        np.copyto(self._snapshot, snapshot)
        self.docs, self.epoch, self._next_snapshot = docs, epoch, next_snapshot
        self._snapshot_docs = -1  # only the doc counted last is ever taken back
        self._log_docs = log_docs
        self._weigh_counts()
        self._idf.clear()

    def df(self, feature: str) -> int:
        """How many docs counted so far carry ``feature``."""
        return int(self._counts[self._slot(feature)])

    def slots(self, features: Sequence[str]) -> np.ndarray:
        """The table slot of each feature (fixed for good: keep it to weigh the feature again)."""
        crcs = np.fromiter(map(zlib.crc32, map(str.encode, features)), np.int64, len(features))
        return (crcs & self._mask).astype(np.int32)  # a table has at most 2**31 slots

    def idfs(self, slots: np.ndarray) -> np.ndarray:
        """:meth:`compute_idf` of the features in ``slots``, as an array."""
        return self._idf_by_df[self._snapshot[slots]]  # type: ignore[no-any-return]

    def _weigh_counts(self) -> None:
        """After a snapshot: the smoothed inverse document frequency of every count in it."""
        top = int(self._snapshot.max())
        if top >= len(self._logs):
            more = np.fromiter(map(math.log, range(len(self._logs) + 1, top + 2)), float)
            self._logs = np.concatenate([self._logs, more])
        self._idf_by_df = self._log_docs - self._logs[: top + 1] + 1.0

    def compute_idf(self, feature: str) -> float:
        """Smoothed inverse document frequency (as of the latest snapshot); ``idf`` caches it."""
        return float(self._idf_by_df[self._snapshot[self._slot(feature)]])


class _IdfTable(dict[str, float]):
    """Inverse document frequencies computed on first use, until the next snapshot."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self._vocabulary = vocabulary

    def __missing__(self, feature: str) -> float:
        value = self[feature] = self._vocabulary.compute_idf(feature)
        return value


class StoryIndex:
    """Feature -> open stories carrying it (with how many members carry it).

    ``common_postings`` bounds the work per query: a feature carried by more stories than that
    says little about which one a doc belongs to and is skipped.
    """

    def __init__(self, *, common_postings: int = 200) -> None:
        self.common_postings = common_postings
        self._postings: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, story_id: str, features: Iterable[str]) -> None:
        """Record that one member of ``story_id`` carries ``features``."""
        for feature in features:
            self._postings[feature][story_id] += 1

    def remove(self, story_id: str, features: Iterable[str]) -> None:
        """Undo :meth:`add` for one member (moved out, or its story closed)."""
        for feature in features:
            posting = self._postings.get(feature)
            if posting is None:
                continue
            posting[story_id] -= 1
            if posting[story_id] <= 0:
                del posting[story_id]
            if not posting:
                del self._postings[feature]

    def candidates(self, weights: Mapping[str, float], limit: int) -> list[str]:
        """Stories sharing the most weight of ``weights``' features, best first, at most ``limit``."""
        votes: defaultdict[str, float] = defaultdict(float)
        for feature, weight in weights.items():
            posting = self._postings.get(feature)
            if posting is None or len(posting) > self.common_postings:
                continue
            for story_id in posting:
                votes[story_id] += weight
        # (-votes, story): the most first, ties by id
        return [s for _, s in sorted(zip(map(neg, votes.values()), votes, strict=True))[:limit]]

    def __len__(self) -> int:
        return len(self._postings)
