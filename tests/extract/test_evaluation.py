"""The benchmark's scoring, re-implemented: properties and known values."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from progleton.extract.evaluation import bootstrap, figures, score_page, shingles

WORDS = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "delta", "Ωmega", "x1"]), max_size=30
).map(" ".join)


@given(WORDS)
def test_identical_texts_score_perfectly(text: str) -> None:
    score = score_page(text, text)
    assert score.fp == 0 and score.fn == 0 and score.exact
    assert figures([score]).accuracy == 1.0


@given(WORDS, WORDS)
def test_normalized_counts_sum_to_one(truth: str, predicted: str) -> None:
    score = score_page(truth, predicted)
    total = score.tp + score.fp + score.fn
    assert total == 0 or abs(total - 1) < 1e-9


def test_shingles_are_four_tokens_case_kept() -> None:
    assert shingles("A b c d E") == {("A", "b", "c", "d"): 1, ("b", "c", "d", "E"): 1}
    assert shingles("short text") == {("short", "text"): 1}


def test_known_figures() -> None:
    half = score_page("one two three four five six seven", "one two three four")
    assert half.tp > 0 and half.fn > 0 and half.fp == 0
    nothing = score_page("one two three four", "")
    result = figures([half, nothing])
    assert result.precision == 1.0  # the empty prediction does not count for precision
    assert result.recall == (0.25 + 0.0) / 2
    assert bootstrap([half, nothing], resamples=50).f1 >= 0
