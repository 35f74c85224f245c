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


def test_an_outlet_running_only_the_first_paragraphs_carries_a_copy() -> None:
    """The first two fifths of an agency text under a new headline: its shingle Jaccard with the
    whole is about 0.4, under the wire bar, yet every word of it is the agency's."""
    rest = " ".join(f"Rescue teams in district {i} searched collapsed block {i + 7} through the night "
                    f"while aftershock {i} rattled the coast." for i in range(10))  # 150 more words
    full = WIRE_QUAKE_TR + " " + rest
    grouper = StoryGrouper()
    grouper.add(Doc("ap", "", "ap", "Quake hits Turkey", full))
    trimmed = WIRE_QUAKE_TR  # the first two fifths
    index = WireIndex()
    whole, _ = index.signature("", full)
    part, _ = index.signature("", trimmed)
    assert whole is not None and part is not None and part.jaccard(whole) < index.threshold
    copy = grouper.add(Doc("brief", "", "courier", "Deadly quake strikes western Turkey", trimmed))
    assert copy.wire_copy_of == "ap" and copy.reasons.action == "wire_copy" and copy.reasons.score >= 0.9

    from dataclasses import asdict

    from progleton.explain import why_together
    from progleton.types import Article

    def article(i: int, doc_id: str, reasons: dict[str, object], copy_of: int | None = None) -> Article:
        return Article(id=i, url=doc_id, canonical_url=doc_id, title=doc_id, source_title=doc_id.upper(),
                       wire_copy_of=copy_of, reasons=reasons)

    original, brief = article(1, "ap", {}), article(2, "brief", {**asdict(copy.reasons), "note": copy.reasons.note}, 1)
    assert why_together(brief, [original, brief])[0] == (
        "Carries the same text as AP (about 100% of the shorter text is in the other: one cut or added to).")


def test_containment_is_the_share_of_the_smaller_set_in_the_other() -> None:
    import numpy as np

    from progleton.stories.wire import containment

    small, large = np.array([1, 3, 5, 7], dtype=np.uint32), np.array([0, 1, 2, 3, 5, 9, 11], dtype=np.uint32)
    assert containment(small, large) == containment(large, small) == 0.75
    assert containment(np.array([], dtype=np.uint32), large) == 0.0


def test_containment_of_texts_of_different_events_stays_far_below_the_bar(ecbplus_dev: list[dict]) -> None:
    """ECB+ dev: no two texts of different events share 0.7 of the smaller's shingles (the
    highest is about 0.2), so a contained text is a copy, not a coincidence."""
    from progleton.stories.params import GroupingParams
    from progleton.stories.wire import containment

    index = WireIndex()
    sets = [(a["gold"], index.signature_and_set(a["title"], a["text"])[2]) for a in ecbplus_dev]
    sets = [(gold, s) for gold, s in sets if s is not None]
    highest = max(containment(x, y) for (g, x), (h, y) in combinations(sets, 2) if g != h)
    assert highest < GroupingParams().wire_containment / 3
