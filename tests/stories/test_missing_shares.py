"""Conflicting specific evidence: the shares of names and numbers one side lacks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from progleton.stories import Doc, GroupingParams, StoryGrouper
from progleton.stories.similarity import carrier_norms, missing_shares

FEATURES = st.sampled_from(["n:felt", "n:larue", "n:nixon", "d:95", "d:75", "w:died", "t:aide"])


def _idf(feature: str) -> float:
    return 1.0 + len(feature) / 4


@given(
    st.dictionaries(FEATURES, st.floats(0.01, 1.0), max_size=7),
    st.dictionaries(FEATURES, st.integers(1, 4), max_size=7),
)
def test_shares_are_fractions_and_the_cache_changes_nothing(
    doc: dict[str, float], carriers: dict[str, int]
) -> None:
    size = max(carriers.values(), default=1)
    plain = missing_shares(doc, carriers, size, _idf)
    cached = missing_shares(doc, carriers, size, _idf, carrier_norms(carriers, size, _idf))
    assert plain.keys() == {"doc_n", "story_n", "doc_d", "story_d"}
    for key, value in plain.items():
        assert 0.0 <= value <= 1.0
        assert abs(value - cached[key]) < 1e-12


def test_another_person_and_another_age_are_missing_on_both_sides() -> None:
    doc = {"n:felt": 0.8, "n:nixon": 0.3, "d:95": 0.5}
    story = {"n:larue": 2, "n:nixon": 2, "d:75": 2}
    shares = missing_shares(doc, story, 2, _idf)
    assert shares["doc_d"] == shares["story_d"] == 1.0
    assert 0.5 < shares["doc_n"] < 1.0 and 0.3 < shares["story_n"] < 1.0
    same = missing_shares({"n:larue": 0.8, "n:nixon": 0.3, "d:75": 0.5}, story, 2, _idf)
    assert same["doc_n"] == same["story_n"] == same["doc_d"] == same["story_d"] == 0.0


def test_no_names_on_one_side_is_no_evidence() -> None:
    shares = missing_shares({"w:died": 1.0}, {"n:larue": 1}, 1, _idf)
    assert shares["doc_n"] == 0.5 and shares["doc_d"] == 0.5 and shares["story_d"] == 0.5


_CLIMBER_TITLES = (
    "Australian climber Mark Vinar, 43, presumed dead after fall on Mount Cook",
    "Perth doctor Mark Vinar, 43, feared dead after fall from Mount Cook ridge",
    "Brother of Australian climber Mark Vinar, 43, survives two nights on Mount Cook",
    "Mount Cook: Australian climber Mark Vinar, 43, presumed dead, brother rescued",
)
_HOSTING_ESSAY = (
    "It's a tough job hosting the Academy Awards",
    "It is supposed to be entertaining, but it is also a night for the stars. Billy Crystal hosted "
    "eight times; the Australian comedian Paul Hogan once shared the job with Chevy Chase and "
    "Goldie Hawn. Hosts have tried jokes, songs and sketches, and the reviews the next morning are "
    "rarely kind. This year the producers want a shorter show, and the host, 43, has promised a song.",
)


@pytest.mark.parametrize("regrouped", [False, True])
def test_a_doc_that_shares_almost_nothing_with_a_story_never_joins_it(regrouped: bool) -> None:
    # A story told in titles alone (feed entries without a summary) and an essay that happens to
    # share one nationality and one age: the join model, fitted where candidates share text,
    # gave this 0.96 on those two alone (ECB+ dev: an Oscars piece regrouped into a climber's
    # death). Under ``min_cosine`` a story is never joined, nor a small story folded into it.
    for floor, expect_apart in ((0.0, False), (GroupingParams().min_cosine, True)):
        grouper = StoryGrouper(params=GroupingParams(min_cosine=floor))
        titles = list(_CLIMBER_TITLES)
        if regrouped:  # the essay comes first; the climber's story grows past it afterwards
            essay = grouper.add(Doc("essay", "", "s", *_HOSTING_ESSAY, None))
            assert essay.new_story
        for i, title in enumerate(titles):
            grouper.add(Doc(f"c{i}", "", f"s{i}", title, "", None))
        if not regrouped:
            grouper.add(Doc("essay", "", "s", *_HOSTING_ESSAY, None))
        together = grouper.story_of("essay") == grouper.story_of("c0")
        assert together != expect_apart, (floor, grouper.reasons("essay"))
    assert grouper.reasons("essay").note == "new story"
