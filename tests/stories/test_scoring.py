"""Grouping scores against hand-computed values."""

from __future__ import annotations

import pytest

from progleton.stories.scoring import score_grouping


def test_known_values() -> None:
    # gold: {1,2,3} {4,5}; predicted: {1,2} {3,4,5}
    s = score_grouping(["a", "a", "b", "b", "b"], [1, 1, 1, 2, 2])
    assert s.pairwise_precision == pytest.approx(
        2 / 4
    )  # pairs (1,2) (4,5) of (1,2) (3,4) (3,5) (4,5)
    assert s.pairwise_recall == pytest.approx(2 / 4)  # of (1,2) (1,3) (2,3) (4,5)
    assert s.pairwise_f1 == pytest.approx(0.5)
    assert s.bcubed_precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    assert s.bcubed_recall == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)


def test_perfect_and_mismatched_lengths() -> None:
    assert score_grouping([1, 1, 2], ["x", "x", "y"]).ari == pytest.approx(1.0)
    with pytest.raises(ValueError):
        score_grouping([1], [1, 2])
