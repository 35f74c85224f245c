"""Repairs after an early miss: small stories offered again to a grown story, and splits that
the pair model sees where plain word overlap does not."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from progleton.settings import Settings
from progleton.stories import Doc, GroupingParams, StoryGrouper
from progleton.stories.features import PHRASE_PREFIX
from progleton.stories.similarity import (
    JoinModel,
    MatchEvidence,
    channel_cosines,
    dot,
    missing_shares,
    pair_probabilities,
)

from .stream_languages import language_docs
from .stream_news import stream_docs


def _docs() -> dict[str, Doc]:
    return {d.id: d for d in stream_docs()}


def _early_miss(params: GroupingParams | None = None) -> StoryGrouper:
    """Two reports of the Turkish quake stored in two stories (the second came too early to be
    recognised), and a Hokkaido quake report in a third."""
    docs = _docs()
    grouper = StoryGrouper(Settings(), params=params)
    grouper.load(docs["tr-1"], story_id="story-tr")
    grouper.load(docs["tr-2"], story_id="story-lonely")
    grouper.load(docs["jp-1"], story_id="story-jp")
    return grouper


def test_a_small_story_joins_the_story_it_belongs_to_once_that_has_grown() -> None:
    grouper = _early_miss()
    assignment = grouper.add(_docs()["tr-3"])
    together = {grouper.story_of(d) for d in ("tr-1", "tr-2", "tr-3")}
    assert together == {assignment.story_id}
    assert len(assignment.regrouped) == 1 and assignment.regrouped[0].story_id == assignment.story_id
    moved = assignment.regrouped[0].doc_id
    assert grouper.reasons(moved).note.startswith("regrouped from ")
    assert grouper.story_of("jp-1") == "story-jp"  # another event of the same kind stays apart
    assert len(grouper.stories()) == 2


def test_a_story_the_user_split_out_is_not_offered_again() -> None:
    grouper = _early_miss()
    lonely = grouper.move("tr-2", None)  # the user says: tr-2 is not this story
    assignment = grouper.add(_docs()["tr-3"])
    assert grouper.story_of("tr-2") == lonely
    assert all(a.doc_id != "tr-2" for a in assignment.regrouped)


def test_regrouping_can_be_turned_off() -> None:
    grouper = _early_miss(GroupingParams(reoffer_max=0))
    assignment = grouper.add(_docs()["tr-3"])
    assert assignment.regrouped == ()
    assert len({grouper.story_of(d) for d in ("tr-1", "tr-2", "tr-3")}) == 2


def test_the_pair_model_splits_what_word_overlap_alone_would_keep() -> None:
    """With the cosine test made almost impossible to fail, the pair model still sees two
    quakes (other places, tolls and magnitudes) in one story and splits them."""
    docs = _docs()
    grouper = StoryGrouper(Settings(), params=GroupingParams(split_below=0.01))
    for doc_id in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3"):
        grouper.load(docs[doc_id], story_id="story-mixed")
    assignment = grouper.add(docs["tr-3"])
    assert {a.doc_id for a in assignment.regrouped} == {"tr-1", "tr-2"}
    assert "probability of being one event" in grouper.reasons("tr-1").note
    only_cosine = StoryGrouper(
        Settings(), params=GroupingParams(split_below=0.01, split_model_below=0.0)
    )
    for doc_id in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3"):
        only_cosine.load(docs[doc_id], story_id="story-mixed")
    assert only_cosine.add(docs["tr-3"]).regrouped == ()


def test_pair_probabilities_match_the_join_model_on_a_story_of_one() -> None:
    """The matrix form gives, for every pair, what the join model gives one doc against a story
    made of the other alone (years, times and missing names included); a pair of which one doc
    has no names (Chinese, Korean) is weighed with the model for docs without names."""
    grouper = StoryGrouper(Settings())
    docs = stream_docs() + language_docs()
    for doc in docs:
        grouper.add(doc)
    members = [grouper._members[d.id] for d in docs]
    assert not all(m.named for m in members) and any(m.named for m in members)
    idf = grouper.vocabulary.idf
    vectors = [grouper._weighted(m) for m in members]
    hours = [None if m.active is None else m.active.timestamp() / 3600 for m in members]
    model = JoinModel(year_conflict=-1.0, per_day=2.0)
    nameless = JoinModel(bias=1.0, text=5.0, numbers=0.5, doc_names_missing=0.0, story_names_missing=0.0)
    cosine, matrix = pair_probabilities(vectors, [m.years for m in members], hours, idf, model, nameless)
    for i, a in enumerate(members):
        for j, b in enumerate(members):
            if i == j:
                continue
            gap = None if hours[i] is None or hours[j] is None else abs(hours[i] - hours[j])
            evidence = MatchEvidence(
                channel_cosines(vectors[i], b.raw, idf),
                dot(vectors[i], vectors[j]),
                1,
                bool(a.years) and bool(b.years) and a.years.isdisjoint(b.years),
                gap,
                missing_shares(vectors[i], Counter(b.specific), 1, idf),
            )
            weighs = model if a.named and b.named else nameless
            assert matrix[i, j] == pytest.approx(weighs.probability(evidence), abs=1e-9)
            assert cosine[i, j] == pytest.approx(dot(vectors[i], vectors[j]), abs=1e-9)
    assert np.all(np.diag(matrix) == 1.0)
    # the repeated phrases of the docs without names do not make them named
    assert any(f.startswith(PHRASE_PREFIX) for m in members if not m.named for f in m.raw)
    _, told = pair_probabilities(vectors, [m.years for m in members], hours, idf, model, nameless,
                                 [m.named for m in members])
    assert np.array_equal(told, matrix)
    # without a model for them, pairs without names are weighed with the one model, as before
    _, one_model = pair_probabilities(vectors, [m.years for m in members], hours, idf, model)
    named = np.array([m.named for m in members])
    both = np.outer(named, named)
    assert np.array_equal(one_model[both], matrix[both]) and not np.allclose(one_model[~both], matrix[~both])


def test_a_replayed_split_out_is_still_not_offered_again() -> None:
    """After a restart the stored membership already holds the split-out article; replaying the
    correction must still mark its story as the user's, as in a grouper that never stopped."""
    docs = _docs()
    grouper = StoryGrouper(Settings())
    grouper.load(docs["tr-1"], story_id="story-tr")
    grouper.load(docs["tr-2"], story_id="story-tr-2~1")  # stored after the user split it out
    grouper.load(docs["jp-1"], story_id="story-jp")
    assert grouper.move("tr-2", None) == "story-tr-2~1"  # the replayed correction
    assignment = grouper.add(docs["tr-3"])
    assert grouper.story_of("tr-2") == "story-tr-2~1"
    assert all(a.doc_id != "tr-2" for a in assignment.regrouped)
