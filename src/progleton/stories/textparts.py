"""What the grouper reads from a doc's text, as a pure function that can run in another process.

Replaying the stored window at start-up (:meth:`StoryGrouper.load_many`) spends about two thirds
of its time here: the features of each text and its wire signature. Neither depends on the
grouper's state, so a process pool can compute them for the next docs while the grouper indexes
the previous ones; the results are the same values, so the replay is the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from .features import article_features
from .params import GroupingParams
from .similarity import raw_vector
from .wire import WireIndex

if TYPE_CHECKING:  # imported where it is used (.wire): it imports SciPy
    from datasketch import LeanMinHash


@dataclass(frozen=True)
class TextParts:
    """A doc's raw feature vector (features -> weighted counts), the MinHash of its text, and
    its shingles' hashes (sorted, distinct; None for a short text)."""

    raw: dict[str, float]
    signature: LeanMinHash | None
    shingle_set: np.ndarray | None = None


def wire_index_for(params: GroupingParams) -> WireIndex:
    """A fresh wire index with ``params``' thresholds (one per grouper: it holds signatures)."""
    return WireIndex(
        threshold=params.wire_threshold,
        short_threshold=params.wire_short_threshold,
        short_words=params.wire_short_words,
    )


# A worker process's index, kept for its signatures only (their permutations are fixed: any
# index with the same parameters signs alike); it never holds a doc.
_signing_index = cache(wire_index_for)


def text_parts(title: str, text: str, params: GroupingParams, wire: WireIndex | None = None) -> TextParts:
    """The :class:`TextParts` of a doc whose text is already cut to ``params.max_text_chars``."""
    features = article_features(title, text, title_weight=params.title_repeat)
    wire = wire or _signing_index(params)
    signature, _, shingle_set = wire.signature_and_set(title, text)
    return TextParts(raw_vector(features.counts, params.weights), signature, shingle_set)


def text_parts_batch(items: list[tuple[str, str]], params: GroupingParams) -> list[TextParts]:
    """:func:`text_parts` of (title, text) pairs, in order: one task for a worker process."""
    return [text_parts(title, text, params) for title, text in items]
