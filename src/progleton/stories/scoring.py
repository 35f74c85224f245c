"""Scores of a grouping against gold labels: pairwise P/R/F1, BCubed P/R/F1, adjusted Rand index.

Pure functions over two parallel sequences of labels (predicted story, gold event), used by the
ECB+ benchmark and the quality floor test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GroupingScores:
    """How well a predicted grouping matches the gold one."""

    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    ari: float


def _pairs(n: int) -> float:
    return n * (n - 1) / 2


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score_grouping(predicted: Sequence[Hashable], gold: Sequence[Hashable]) -> GroupingScores:
    """Compare a predicted grouping with gold labels (one label per article, same order)."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold must label the same articles")
    both = Counter(zip(predicted, gold, strict=True))
    pred_sizes, gold_sizes = Counter(predicted), Counter(gold)
    together = sum(_pairs(n) for n in both.values())
    pred_pairs = sum(_pairs(n) for n in pred_sizes.values())
    gold_pairs = sum(_pairs(n) for n in gold_sizes.values())
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    n = len(predicted)
    b_precision = (
        sum(both[(p, g)] / pred_sizes[p] for p, g in zip(predicted, gold, strict=True)) / n
    )
    b_recall = sum(both[(p, g)] / gold_sizes[g] for p, g in zip(predicted, gold, strict=True)) / n
    expected = pred_pairs * gold_pairs / _pairs(n) if n > 1 else 0.0
    maximum = (pred_pairs + gold_pairs) / 2
    ari = (together - expected) / (maximum - expected) if maximum != expected else 1.0
    return GroupingScores(
        precision,
        recall,
        _f1(precision, recall),
        b_precision,
        b_recall,
        _f1(b_precision, b_recall),
        ari,
    )
