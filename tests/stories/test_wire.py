"""Wire copies: near-duplicates found, independent reports and short texts not confused."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from progleton.stories import Doc, StoryGrouper
from progleton.stories.wire import WireIndex

from .stream_news import WIRE_QUAKE_TR


def _edit(text: str, seed: int, share: float) -> str:
    """A wire text as an outlet re-publishes it: trimmed ending, a few words changed."""
    words = text.split()
    words = words[: int(len(words) * 0.85)]  # trimmed ending
    rng = random.Random(seed)
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = words[i].upper() + "x"
    return " ".join(words)


@pytest.mark.parametrize("seed", range(5))
def test_edited_wire_text_is_a_copy(seed: int) -> None:
    index = WireIndex()
    original, _ = index.signature("Quake hits Turkey", WIRE_QUAKE_TR)
    index.add("orig", 1, original)
    edited, short = index.signature("Other headline", _edit(WIRE_QUAKE_TR, seed, 0.03))
    match = index.find_original(edited, short)
    assert match is not None and match.doc_id == "orig" and match.jaccard >= 0.5


def test_copy_of_a_copy_points_at_the_earliest_original() -> None:
    grouper = StoryGrouper()
    grouper.add(Doc("a", "", "ap", "Quake", WIRE_QUAKE_TR))
    grouper.add(Doc("b", "", "x", "Quake!", WIRE_QUAKE_TR + " More to follow."))
    third = grouper.add(Doc("c", "", "y", "Quake?", WIRE_QUAKE_TR + " More to follow."))
    assert third.wire_copy_of == "a"


def test_short_texts_must_be_near_identical() -> None:
    index = WireIndex()
    a, short = index.signature(
        "Quake hits Turkey", "A strong earthquake hit western Turkey on Monday."
    )
    assert short
    index.add("a", 1, a)
    b, _ = index.signature("Quake hits Japan", "A strong earthquake hit northern Japan on Monday.")
    assert index.find_original(b, True) is None
    c, _ = index.signature("Quake hits Turkey", "A strong earthquake hit western Turkey on Monday.")
    assert index.find_original(c, True) is not None


def test_empty_text_is_never_a_copy() -> None:
    index = WireIndex()
    assert index.signature("", "") == (None, True)
    assert index.find_original(None, True) is None


@pytest.mark.slow
def test_threshold_sits_above_independent_reports_of_one_event(ecbplus_dev: list[dict]) -> None:
    """Independent reports of the same event (ECB+) stay well under the wire threshold."""
    index = WireIndex()
    by_event: dict[str, list] = {}
    for a in ecbplus_dev:
        if len(a["text"].split()) >= index.short_words:
            by_event.setdefault(a["gold"], []).append(index.signature(a["title"], a["text"])[0])
    jaccards = [x.jaccard(y) for sigs in by_event.values() for x, y in combinations(sigs, 2)]
    high = sorted(jaccards)[-len(jaccards) // 100 :]  # the top 1 %
    assert len(jaccards) > 500
    assert sum(j >= index.threshold for j in jaccards) <= 0.01 * len(jaccards)
    assert min(high) < index.threshold
