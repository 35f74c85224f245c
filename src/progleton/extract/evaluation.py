"""Scoring extracted text against ground truth, as the Zyte article-extraction benchmark does.

Tokens are Unicode ``\\w+`` runs (case kept); each text becomes a multiset of 4-token
shingles; per page tp/fp/fn are normalized to sum to 1 so every page weighs the same.
Precision and recall are means of per-page values, F1 is computed from those means,
accuracy is the share of pages whose token lists are equal. ``bootstrap`` gives the
standard deviation of each figure over resamples of the pages.
"""

from __future__ import annotations

import random
import re
import statistics
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass(frozen=True)
class PageScore:
    """One page: normalized tp/fp/fn and whether the token lists are equal."""

    tp: float
    fp: float
    fn: float
    exact: bool


@dataclass(frozen=True)
class Figures:
    """Corpus figures: F1, precision, recall, accuracy."""

    f1: float
    precision: float
    recall: float
    accuracy: float


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Counts of 4-token shingles of ``text`` (fewer tokens: the whole list as one shingle)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def score_page(truth: str, predicted: str) -> PageScore:
    """Normalized tp, fp, fn of ``predicted`` against ``truth``."""
    true_counts, pred_counts = shingles(truth), shingles(predicted)
    tp = fp = fn = 0
    for key in true_counts.keys() | pred_counts.keys():
        t, p = true_counts.get(key, 0), pred_counts.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    exact = _TOKEN.findall(truth) == _TOKEN.findall(predicted)
    if total == 0:
        return PageScore(0.0, 0.0, 0.0, exact)
    return PageScore(tp / total, fp / total, fn / total, exact)


def _page_value(tp: float, wrong: float, other_wrong: float) -> float:
    if wrong == 0 and other_wrong == 0:
        return 1.0  # fp = fn = 0: a perfect page
    return tp / (tp + wrong)


def figures(scores: list[PageScore]) -> Figures:
    """F1, precision, recall, accuracy over pages (see module docstring)."""
    precisions = [_page_value(s.tp, s.fp, s.fn) for s in scores if s.tp + s.fp > 0]
    recalls = [_page_value(s.tp, s.fn, s.fp) for s in scores if s.tp + s.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = statistics.fmean(s.exact for s in scores) if scores else 0.0
    return Figures(f1, precision, recall, accuracy)


def bootstrap(scores: list[PageScore], *, resamples: int = 1000, seed: int = 0) -> Figures:
    """Standard deviation of each figure over ``resamples`` resamples of the pages."""
    rng = random.Random(seed)
    runs = [figures(rng.choices(scores, k=len(scores))) for _ in range(resamples)]

    std = statistics.stdev
    return Figures(
        std([r.f1 for r in runs]),
        std([r.precision for r in runs]),
        std([r.recall for r in runs]),
        std([r.accuracy for r in runs]),
    )
