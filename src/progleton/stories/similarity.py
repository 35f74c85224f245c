"""How alike a doc and a story are: pure functions over weighted feature vectors.

A doc's features are kept raw (kind weight times sublinear term frequency); inverse document
frequencies are applied when comparing, with the vocabulary as it is then, so an article that
arrived when little was known is judged with what is known now.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain, repeat
from operator import add, itemgetter, mul, truediv

import numpy as np

from .names import is_name

IdfFn = Callable[[str], float]
_first = itemgetter(0)


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
    if min(counts.values(), default=1.0) <= 0:
        counts = {f: c for f, c in counts.items() if c > 0}
    kind_weight = {"n": weights.name, "d": weights.number, "t": weights.title}
    # weights.of(f) * (1 + log c) for each feature, at C speed
    vec = list(
        map(
            mul,
            map(kind_weight.get, map(_first, counts), repeat(weights.word)),
            map(add, repeat(1.0), map(math.log, counts.values())),
        )
    )
    norm = math.sqrt(sum(map(mul, vec, vec))) or 1.0
    # interned keys: every doc, centroid and count table shares one copy of each feature name
    return dict(zip(map(sys.intern, counts), map(truediv, vec, repeat(norm)), strict=False))


def weigh(vec: Mapping[str, float], idf: IdfFn) -> dict[str, float]:
    """Apply inverse document frequencies and scale to unit length."""
    out = list(map(mul, vec.values(), map(idf, vec)))
    norm = math.sqrt(sum(map(mul, out, out))) or 1.0
    return dict(zip(vec, map(truediv, out, repeat(norm)), strict=False))


def weigh_arrays(
    vec: Mapping[str, float], idfs: np.ndarray, values: np.ndarray | None = None
) -> dict[str, float]:
    """:func:`weigh`, the same values, with the inverse document frequencies of ``vec``'s
    features (in order) given as an array, and its values too when known."""
    if values is None:
        values = np.fromiter(vec.values(), dtype=float, count=len(vec))
    out = (values * idfs).tolist()
    norm = math.sqrt(sum(map(mul, out, out))) or 1.0
    return dict(zip(vec, map(truediv, out, repeat(norm)), strict=False))


KINDS = ("w", "t", "n", "d")
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}


def kind_codes(features: Sequence[str] | Mapping[str, float]) -> np.ndarray:
    """Each feature's kind as an index into :data:`KINDS`."""
    return np.fromiter(
        map(_KIND_CODE.__getitem__, map(_first, features)), dtype=np.int8, count=len(features)
    )


def _by_kind(codes: np.ndarray, values: np.ndarray) -> list[float]:
    # bincount adds in index order, as a loop over the features would
    return np.bincount(codes, weights=values, minlength=len(KINDS)).tolist()  # type: ignore[no-any-return]


def kind_norms(raw: Mapping[str, float], idf: IdfFn) -> dict[str, float]:
    """Squared length of a raw vector, weighted now, over each kind of feature."""
    n = len(raw)
    idfs = np.fromiter(map(idf, raw), dtype=float, count=n)
    return weighted_norms(np.fromiter(raw.values(), dtype=float, count=n), idfs, kind_codes(raw))


def weighted_norms(values: np.ndarray, idfs: np.ndarray, codes: np.ndarray) -> dict[str, float]:
    """:func:`kind_norms` of a vector given as arrays: its values, their inverse document
    frequencies and kinds (:func:`kind_codes`)."""
    w = values * idfs
    return dict(zip(KINDS, _by_kind(codes, w * w), strict=True))


@dataclass(frozen=True)
class DocTerms:
    """A weighted doc vector as arrays, for comparing it with many stories
    (:func:`channel_cosines`): its features, their values, kinds and inverse document frequencies,
    and its squared length over each kind."""

    features: tuple[str, ...]
    values: np.ndarray
    codes: np.ndarray
    idfs: np.ndarray
    sq: tuple[float, ...]

    @classmethod
    def of(
        cls, weighted_doc: Mapping[str, float], idf: IdfFn, idfs: np.ndarray | None = None
    ) -> DocTerms:
        """The arrays of a unit TF-IDF vector (:func:`weigh`), with ``idf`` as it is now
        (``idfs``: its features' inverse document frequencies in order, when known)."""
        n = len(weighted_doc)
        features = tuple(weighted_doc)
        values = np.fromiter(weighted_doc.values(), dtype=float, count=n)
        codes = kind_codes(features)
        if idfs is None:
            idfs = np.fromiter(map(idf, features), dtype=float, count=n)
        return cls(features, values, codes, idfs, tuple(_by_kind(codes, values * values)))


def channel_cosines(
    weighted_doc: Mapping[str, float] | DocTerms,
    raw_other: Mapping[str, float],
    idf: IdfFn,
    other_sq: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Cosine over all features and over each kind alone ("w", "t", "n", "d").

    ``other_sq`` is :func:`kind_norms` of ``raw_other`` when the caller has it cached, and the
    doc may come as :class:`DocTerms` when it is compared with many; the work is then a lookup of
    the doc's features in the other vector.
    """
    doc = weighted_doc if isinstance(weighted_doc, DocTerms) else DocTerms.of(weighted_doc, idf)
    if other_sq is None:
        other_sq = kind_norms(raw_other, idf)
    n = len(doc.features)
    other = np.fromiter(map(raw_other.get, doc.features, repeat(0.0)), dtype=float, count=n)
    dots = _by_kind(doc.codes, doc.values * other * doc.idfs)
    out = {}
    for k, d, doc_sq in zip(KINDS, dots, doc.sq, strict=True):
        out[k] = d / math.sqrt(doc_sq * other_sq[k]) if doc_sq and other_sq[k] else 0.0
    out["all"] = sum(dots) / (math.sqrt(sum(other_sq.values())) or 1.0)
    return out


def carrier_norms(
    story_carriers: Mapping[str, int], story_size: int, idf: IdfFn
) -> dict[str, float]:
    """Squared weight of a story's names ("n") and numbers ("d"), for :func:`missing_shares`;
    and of its names written with capitals alone ("names": not the phrases that stand in for
    them in a script without capitals)."""
    sq = {"n": 0.0, "d": 0.0, "names": 0.0}
    for f, carriers in story_carriers.items():
        if f[0] in "nd":
            w = carriers / story_size * idf(f)
            sq[f[0]] += w * w
            if is_name(f):
                sq["names"] += w * w
    return sq


def carrier_codes(features: Sequence[str]) -> np.ndarray:
    """Each carried feature's code for :func:`carrier_norms_arrays`: 0 a name written with
    capitals, 1 another "n" feature (a phrase standing in for names), 2 a number or date ("d"),
    3 anything else."""
    kinds = {"n": 1, "d": 2}
    codes = (0 if is_name(f) else kinds.get(f[0], 3) for f in features)
    return np.fromiter(codes, dtype=np.int8, count=len(features))


_CARRIER_KIND = np.array([0, 0, 1, 2])  # carrier code -> "n", "n", "d", other
_CARRIER_NAME = np.array([0, 1, 1, 1])  # carrier code -> name written with capitals, or not


def carrier_norms_arrays(
    counts: np.ndarray, story_size: int, idfs: np.ndarray, codes: np.ndarray
) -> dict[str, float]:
    """:func:`carrier_norms` of carriers given as arrays in the dict's order: how many members
    carry each feature, its inverse document frequency and its :func:`carrier_codes`. The same
    floats: each weight is worked out as there, and ``bincount`` adds them in index order."""
    w = counts / story_size * idfs
    sq = w * w
    n, d, _ = np.bincount(_CARRIER_KIND[codes], weights=sq, minlength=3).tolist()
    names = np.bincount(_CARRIER_NAME[codes], weights=sq, minlength=2).tolist()[0]
    return {"n": n, "d": d, "names": names}


def missing_shares(
    weighted_doc: Mapping[str, float],
    story_carriers: Mapping[str, int],
    story_size: int,
    idf: IdfFn,
    story_sq: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """How much of the specific evidence on each side the other side lacks (0 none, 1 all).

    For names ("n") and numbers ("d"): the share of the doc's weight on features the story never
    mentions, and the share of the story's weight (each feature weighted by its inverse document
    frequency and by the fraction of members carrying it) on features the doc does not mention.
    Two events of the same kind share topic words but differ here: another player, another score,
    another age at death. ``story_sq`` is :func:`carrier_norms` when the caller has it cached; the
    work is then proportional to the doc's features. No names (or numbers) on one side is no
    evidence either way: the share is then 0.5.
    """
    if story_sq is None:
        story_sq = carrier_norms(story_carriers, story_size, idf)
    doc_sq = {"n": 0.0, "d": 0.0}
    doc_miss = {"n": 0.0, "d": 0.0}
    story_present = {"n": 0.0, "d": 0.0}
    for f, v in weighted_doc.items():
        kind = f[0]
        if kind not in doc_sq:
            continue
        doc_sq[kind] += v * v
        carriers = story_carriers.get(f)
        if carriers is None:
            doc_miss[kind] += v * v
        else:
            w = carriers / story_size * idf(f)
            story_present[kind] += w * w
    out = {}
    for kind in "nd":
        story_total = story_sq[kind]
        out["doc_" + kind] = doc_miss[kind] / doc_sq[kind] if doc_sq[kind] else 0.5
        out["story_" + kind] = (
            max(story_total - story_present[kind], 0.0) / story_total if story_total else 0.5
        )
    return out


def dot(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Dot product of two sparse vectors (the cosine, for unit vectors)."""
    if len(b) < len(a):
        a, b = b, a
    return float(sum(map(mul, a.values(), map(b.get, a, repeat(0.0)))))


@dataclass(frozen=True)
class MatchEvidence:
    """What is known about a doc joining one story; the join model weighs it."""

    channels: Mapping[str, float]  # cosines from :func:`channel_cosines`
    nearest: float  # cosine to the most similar recent member
    story_size: int
    year_conflict: bool  # both mention years, and none in common
    gap_hours: float | None  # time from the story's span of news (None: undated)
    missing: Mapping[str, float] | None = None  # from :func:`missing_shares`
    nearest_id: str | None = None  # which member is nearest (the earliest of equals)


@dataclass(frozen=True)
class JoinModel:
    """A logistic model of "this doc reports this story's event", over :class:`MatchEvidence`.

    The weights were fitted once on the ECB+ train split (``benchmarks/stories_ecbplus.py
    --fit``: logistic regression, C=1, on each doc of ten shuffled train orders against the most
    similar candidate story the index proposes, while earlier docs sit in their true stories; true
    story = positive) and rounded. Fitting the decision that is actually taken (join the closest
    story or start a new one) rather than every candidate pair raised train pairwise F1 from 0.840
    to 0.86. Ten orders rather than three show the fit each topic's few hard "same kind, other
    event" decisions more often; topic-held-out F1 rose from 0.853 to 0.859. Besides the cosines, four penalties weigh *conflicting specific evidence*: the share
    of the doc's names (numbers) that the story never mentions, and the share of the story's
    names (numbers) -- weighted by how many of its members carry them -- that the doc does not
    mention (:func:`missing_shares`). Two events of the same kind share their topic words but not
    their people, places, scores and tolls. ``threshold`` was chosen on train from 0.6 to 0.75 in
    steps of 0.05: F1 0.857, 0.855, 0.858, 0.850; the curve is flat up to 0.7, and 0.7 gives the
    most precision there. ECB+ has no dates, so time is not fitted: a doc more
    than ``grace_hours`` from a story's news loses ``per_day`` logits per further day, so articles
    days apart join only on strong evidence. Refitted on 2026-12-06 (seventh session) to the
    features of that day, on the decisions the grouper can take: a closest candidate under
    ``GroupingParams.min_cosine`` is never weighed (no join below it), so it is not fitted on
    either (250 of 5,628 rows, 248 of them negative). Train 0.921 → 0.922, held out by topic
    0.923 ± 0.041 → 0.928 ± 0.039 (four folds of five up), dev 0.893 → 0.899.
    """

    bias: float = 7.32
    text: float = 2.44
    words: float = -2.83
    title: float = 0.88
    names: float = 0.30
    numbers: float = 1.21
    nearest: float = 3.10
    log_size: float = 0.03
    year_conflict: float = -1.53
    doc_names_missing: float = -1.80
    story_names_missing: float = -2.40
    doc_numbers_missing: float = -1.99
    story_numbers_missing: float = -3.03
    threshold: float = 0.7  # join the best story when its probability reaches this
    grace_hours: float = 24.0
    per_day: float = 1.5

    def logit(self, e: MatchEvidence) -> float:
        """Log-odds that the doc belongs to the story."""
        c = e.channels
        z = (
            self.bias
            + self.text * c["all"]
            + self.words * c["w"]
            + self.title * c["t"]
            + self.names * c["n"]
            + self.numbers * c["d"]
            + self.nearest * e.nearest
            + self.log_size * math.log(max(e.story_size, 1))
            + (self.year_conflict if e.year_conflict else 0.0)
        )
        if e.missing is not None:
            m = e.missing
            z += (
                self.doc_names_missing * m["doc_n"]
                + self.doc_numbers_missing * m["doc_d"]
                + self.story_names_missing * m["story_n"]
                + self.story_numbers_missing * m["story_d"]
            )
        if e.gap_hours is not None and e.gap_hours > self.grace_hours:
            z -= self.per_day * (e.gap_hours - self.grace_hours) / 24.0
        return z

    def best_case(
        self, channels: Mapping[str, float], story_size: int, gap_hours: float | None
    ) -> float:
        """An upper bound of :meth:`probability` given the channel cosines, the story's size and
        the gap alone: the rest of the evidence (nearest member, year conflict, missing names
        and numbers) at whichever end of its range raises the logit."""
        missing = {
            key: 0.0 if weight <= 0 else 1.0
            for key, weight in (
                ("doc_n", self.doc_names_missing),
                ("doc_d", self.doc_numbers_missing),
                ("story_n", self.story_names_missing),
                ("story_d", self.story_numbers_missing),
            )
        }
        best = MatchEvidence(
            channels,
            nearest=1.0 + 1e-9 if self.nearest > 0 else 0.0,  # a cosine, with rounding room
            story_size=story_size,
            year_conflict=self.year_conflict > 0,
            gap_hours=gap_hours,
            missing=missing,
        )
        return self.probability(best) + 1e-9

    def best_nearest(self, e: MatchEvidence) -> float:
        """An upper bound of :meth:`probability` given all the evidence but the nearest member's
        cosine, which is taken at whichever end of its range raises the logit."""
        nearest = 1.0 + 1e-9 if self.nearest > 0 else 0.0  # a cosine, with rounding room
        return self.probability(replace(e, nearest=nearest)) + 1e-9

    def probability(self, e: MatchEvidence) -> float:
        """The logit as a probability in [0, 1] (what the story page shows as the score)."""
        z = self.logit(e)
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0


def pair_probabilities(
    vectors: Sequence[Mapping[str, float]],
    years: Sequence[frozenset[str]],
    hours: Sequence[float | None],
    idf: IdfFn,
    model: JoinModel,
    nameless: JoinModel | None = None,
    named: Sequence[bool] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """For each two docs, their cosine and the probability ``model`` gives one joining a story
    made of the other alone, as two matrices: the evidence of :func:`channel_cosines` and
    :func:`missing_shares` (the story's size is 1, its nearest member the other doc), computed
    for all pairs at once with matrix products. A pair of which one doc has no names is weighed
    with ``nameless`` instead, when given.

    ``vectors`` are unit TF-IDF vectors (:func:`weigh`), ``years`` the years each mentions,
    ``hours`` each one's time (hours on any fixed scale; None: undated). Row ``i``, column ``j``
    of the probabilities: doc ``i`` against doc ``j``; the diagonal is 1.
    """
    n = len(vectors)
    features = list(chain.from_iterable(vectors))
    columns = {f: i for i, f in enumerate(dict.fromkeys(features))}  # in order of first use
    x = np.zeros((n, len(columns)))  # dense: a story checked for a split has at most a few dozen
    rows = np.repeat(np.arange(n), [len(v) for v in vectors])
    cols = np.fromiter(map(columns.__getitem__, features), dtype=np.intp, count=len(features))
    x[rows, cols] = np.fromiter(chain.from_iterable(v.values() for v in vectors), float, len(cols))
    kinds = np.array([f[0] for f in columns], dtype="<U1")
    idfs = np.fromiter(map(idf, columns), dtype=float, count=len(columns))
    part = {k: x[:, kinds == k] for k in KINDS}
    dots = {k: part[k] @ part[k].T for k in KINDS}
    sq = {k: np.diag(dots[k]).copy() for k in KINDS}
    kind_cosines = {}
    for kind in KINDS:
        norms = np.sqrt(np.outer(sq[kind], sq[kind]))
        kind_cosines[kind] = np.divide(dots[kind], norms, out=np.zeros((n, n)), where=norms > 0)
    cosine = np.sum([dots[k] for k in KINDS], axis=0)
    missing = {}
    for kind in "nd":
        xk = part[kind]
        has = (xk != 0).astype(float)
        shared_doc = (xk * xk) @ has.T  # doc i's weight on features j has
        own = sq[kind][:, None]
        doc_miss = np.divide(own - shared_doc, own, out=np.full((n, n), 0.5), where=own > 0)
        idf_sq = idfs[kinds == kind] ** 2
        story_idf = has * idf_sq[None, :]
        shared_story = has @ story_idf.T  # j's idf weight on features i has
        total = story_idf.sum(axis=1)[None, :]
        story_miss = np.divide(
            total - shared_story, total, out=np.full((n, n), 0.5), where=total > 0
        )
        missing[kind] = (np.clip(doc_miss, 0.0, 1.0), np.clip(story_miss, 0.0, 1.0))
    year_columns = {y: i for i, y in enumerate(sorted(set().union(*years)))}
    mentions = np.zeros((n, len(year_columns)))
    for i, mentioned in enumerate(years):
        mentions[i, [year_columns[y] for y in mentioned]] = 1.0
    has_year = mentions.any(axis=1)
    conflict = (np.outer(has_year, has_year) & ((mentions @ mentions.T) == 0)).astype(float)
    times = np.array([np.nan if h is None else h for h in hours], dtype=float)
    gap = np.abs(times[:, None] - times[None, :])

    def logits(m: JoinModel) -> np.ndarray:
        z = np.full((n, n), m.bias)
        for kind, weight in zip(KINDS, (m.words, m.title, m.names, m.numbers), strict=True):
            z += weight * kind_cosines[kind]
        z += (m.text + m.nearest) * cosine
        for kind, doc_weight, story_weight in (
            ("n", m.doc_names_missing, m.story_names_missing),
            ("d", m.doc_numbers_missing, m.story_numbers_missing),
        ):
            z += doc_weight * missing[kind][0]
            z += story_weight * missing[kind][1]
        z += m.year_conflict * conflict
        late = np.nan_to_num(gap - m.grace_hours, nan=0.0)
        z -= m.per_day * np.maximum(late, 0.0) / 24.0
        return z

    z = logits(model)
    if named is None:
        named = [any(map(is_name, v)) for v in vectors]
    has_names = np.fromiter(named, dtype=bool, count=n)
    if nameless is not None and not has_names.all():
        z = np.where(np.outer(has_names, has_names), z, logits(nameless))
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -60, 60)))
    np.fill_diagonal(p, 1.0)
    return cosine, p
