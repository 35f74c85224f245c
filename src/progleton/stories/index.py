"""Vocabulary statistics and the inverted index that finds candidate stories for a doc.

Document frequencies grow with every doc (no fixed vocabulary). The inverted index maps a feature
(a name, a number, one of a doc's rarest words) to the open stories whose members carry it, so a
new doc is compared with the few stories that share its distinctive features, never with all.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping


class Vocabulary:
    """Document frequencies of features, for inverse document frequency weights."""

    def __init__(self) -> None:
        self.docs = 0
        self.df: Counter[str] = Counter()

    def add(self, features: Iterable[str]) -> None:
        """Count one doc's distinct features."""
        self.docs += 1
        self.df.update(features)

    def idf(self, feature: str) -> float:
        """Smoothed inverse document frequency; an unseen feature counts as seen once."""
        return math.log((self.docs + 1) / (self.df.get(feature, 0) + 1)) + 1.0


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
        votes: Counter[str] = Counter()
        for feature, weight in weights.items():
            posting = self._postings.get(feature)
            if posting is None or len(posting) > self.common_postings:
                continue
            for story_id in posting:
                votes[story_id] += weight
        return [s for s, _ in heapq.nsmallest(limit, votes.items(), key=lambda kv: (-kv[1], kv[0]))]

    def __len__(self) -> int:
        return len(self._postings)
