"""How alike a doc and a story are: pure functions over weighted feature vectors.

A doc's features are kept raw (kind weight times sublinear term frequency); inverse document
frequencies are applied when comparing, with the vocabulary as it is then, so an article that
arrived when little was known is judged with what is known now.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

IdfFn = Callable[[str], float]


@dataclass(frozen=True)
class FeatureWeights:
    """How much each kind of feature counts (see :mod:`progleton.stories.features`)."""

    word: float = 1.0
    title: float = 1.0
    name: float = 1.5
    number: float = 1.0

    def of(self, feature: str) -> float:
        """The weight of a feature key by its kind prefix."""
        kind = feature[0]
        if kind == "n":
            return self.name
        if kind == "d":
            return self.number
        if kind == "t":
            return self.title
        return self.word


def raw_vector(counts: Mapping[str, float], weights: FeatureWeights) -> dict[str, float]:
    """Kind-weighted sublinear term frequencies, scaled to unit length."""
    vec = {f: weights.of(f) * (1.0 + math.log(c)) for f, c in counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {f: v / norm for f, v in vec.items()}


def weigh(vec: Mapping[str, float], idf: IdfFn) -> dict[str, float]:
    """Apply inverse document frequencies and scale to unit length."""
    out = {f: v * idf(f) for f, v in vec.items()}
    norm = math.sqrt(sum(v * v for v in out.values())) or 1.0
    return {f: v / norm for f, v in out.items()}


def cosine_to(weighted_doc: Mapping[str, float], raw_other: Mapping[str, float], idf: IdfFn) -> float:
    """Cosine between a weighted unit doc vector and another raw vector weighted now."""
    other = weigh(raw_other, idf)
    if len(other) < len(weighted_doc):
        return sum(v * weighted_doc.get(f, 0.0) for f, v in other.items())
    return sum(v * other.get(f, 0.0) for f, v in weighted_doc.items())


def shared_top(
    weighted_doc: Mapping[str, float], weighted_other: Mapping[str, float], kind: str, limit: int = 6
) -> tuple[str, ...]:
    """The features of one kind that contribute most to the match, without their prefix."""
    shared = [
        (weighted_doc[f] * w, f) for f, w in weighted_other.items() if f[0] == kind and f in weighted_doc
    ]
    shared.sort(key=lambda x: (-x[0], x[1]))
    return tuple(dict.fromkeys(f[2:] for _, f in shared[:limit]))


def time_penalty(gap_hours: float | None, *, grace_hours: float, per_day: float) -> float:
    """How much higher the score must be for a doc ``gap_hours`` away from a story's latest news."""
    if gap_hours is None or gap_hours <= grace_hours:
        return 0.0
    return per_day * (gap_hours - grace_hours) / 24.0


def channel_cosines(
    weighted_doc: Mapping[str, float], raw_other: Mapping[str, float], idf: IdfFn
) -> dict[str, float]:
    """Cosine over all features and over each kind alone ("w", "t", "n", "d")."""
    dots: dict[str, float] = {"w": 0.0, "t": 0.0, "n": 0.0, "d": 0.0}
    doc_sq: dict[str, float] = dict.fromkeys(dots, 0.0)
    other_sq: dict[str, float] = dict.fromkeys(dots, 0.0)
    for f, v in weighted_doc.items():
        doc_sq[f[0]] += v * v
    for f, v in raw_other.items():
        w = v * idf(f)
        other_sq[f[0]] += w * w
        d = weighted_doc.get(f)
        if d is not None:
            dots[f[0]] += d * w
    out = {
        k: dots[k] / math.sqrt(doc_sq[k] * other_sq[k]) if doc_sq[k] and other_sq[k] else 0.0
        for k in dots
    }
    total_other = math.sqrt(sum(other_sq.values())) or 1.0
    out["all"] = sum(dots.values()) / total_other
    return out
