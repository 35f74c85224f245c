"""The grouping's fast paths give exactly what the plain formulas give.

Speed work moved the hot loops to C (``map`` over dicts, numpy arrays, cached slots and inverse
document frequencies, plain-dict LSH bands). Each is checked here against a slow reference
written the obvious way: equal to the last bit, so a grouper's decisions cannot drift.
"""

from __future__ import annotations

import gc
import hashlib
import heapq
import math
import re
import struct
from collections import Counter
from dataclasses import replace

import numpy as np
import pytest
from datasketch import MinHashLSH
from hypothesis import example, given, settings
from hypothesis import strategies as st

from progleton.settings import Settings
from progleton.stories import StoryGrouper
from progleton.stories import choice as choice_module
from progleton.stories import grouper as grouper_module
from progleton.stories import story as story_module
from progleton.stories.batch import BATCH_GC_THRESHOLD
from progleton.stories.features import (
    PHRASE_PREFIX,
    STOP_WORDS,
    article_features,
    content_words,
    language,
    names,
    numbers_and_dates,
    repeated_phrases,
    shingles,
    stem,
    text_language,
    tokens,
)
from progleton.stories.index import Vocabulary
from progleton.stories.params import NAMELESS_MODEL, PAIR_MODEL, GroupingParams
from progleton.stories.similarity import (
    KINDS,
    DocTerms,
    FeatureWeights,
    JoinModel,
    MatchEvidence,
    carrier_codes,
    carrier_norms,
    carrier_norms_arrays,
    channel_cosines,
    dot,
    kind_norms,
    raw_vector,
    weigh,
)
from progleton.stories.story import FeatureTable
from progleton.stories.wire import WireIndex, _hashes32

from .stream_languages import language_docs
from .stream_news import stream_docs

_features = st.dictionaries(
    st.tuples(st.sampled_from(KINDS), st.text("abcdefgh", min_size=1, max_size=4)).map(
        lambda kv: f"{kv[0]}:{kv[1]}"
    ),
    st.floats(0.5, 9.0),
    min_size=1,
    max_size=40,
)


def _idf(feature: str) -> float:
    return 1.0 + (sum(map(ord, feature)) % 7) / 3


def _reference_raw(counts: dict[str, float], weights: FeatureWeights) -> dict[str, float]:
    vec = {f: weights.of(f) * (1.0 + math.log(c)) for f, c in counts.items() if c > 0}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {f: v / norm for f, v in vec.items()}


def _reference_norms(raw: dict[str, float]) -> dict[str, float]:
    sq = dict.fromkeys(KINDS, 0.0)
    for f, v in raw.items():
        w = v * _idf(f)
        sq[f[0]] += w * w
    return sq


def _reference_cosines(doc: dict[str, float], other: dict[str, float]) -> dict[str, float]:
    other_sq = _reference_norms(other)
    dots, doc_sq = dict.fromkeys(KINDS, 0.0), dict.fromkeys(KINDS, 0.0)
    for f, v in doc.items():
        doc_sq[f[0]] += v * v
        if f in other:
            dots[f[0]] += v * other[f] * _idf(f)
    out = {
        k: dots[k] / math.sqrt(doc_sq[k] * other_sq[k]) if doc_sq[k] and other_sq[k] else 0.0
        for k in KINDS
    }
    out["all"] = sum(dots.values()) / (math.sqrt(sum(other_sq.values())) or 1.0)
    return out


@settings(max_examples=200, deadline=None)
@given(_features, _features)
def test_vectors_norms_and_cosines_equal_the_plain_formulas(a: dict, b: dict) -> None:
    weights = FeatureWeights()
    raw_a, raw_b = raw_vector(a, weights), raw_vector(b, weights)
    assert raw_a == _reference_raw(a, weights)
    weighted = weigh(raw_a, _idf)
    plain = {f: v * _idf(f) for f, v in raw_a.items()}
    norm = math.sqrt(sum(v * v for v in plain.values()))
    assert weighted == {f: v / norm for f, v in plain.items()}
    assert kind_norms(raw_b, _idf) == _reference_norms(raw_b)
    expected = _reference_cosines(weighted, raw_b)
    assert channel_cosines(weighted, raw_b, _idf) == expected
    assert channel_cosines(DocTerms.of(weighted, _idf), raw_b, _idf) == expected
    x, y = (raw_b, weighted) if len(raw_b) < len(weighted) else (weighted, raw_b)
    assert dot(weighted, raw_b) == sum(v * y.get(f, 0.0) for f, v in x.items())


def test_vocabulary_weighs_arrays_as_it_weighs_one_feature() -> None:
    vocabulary = Vocabulary(slots_log2=12)
    docs = [article_features(d.title, d.text).counts for d in stream_docs()]
    for counts in docs:
        vocabulary.add(counts)
    features = sorted({f for counts in docs for f in counts})
    counts, snapshot, _, log_docs = vocabulary.tables()
    slots = vocabulary.slots(features)
    plain = [log_docs - math.log(int(snapshot[s]) + 1) + 1.0 for s in slots]
    assert vocabulary.idfs(slots).tolist() == plain
    assert [vocabulary.compute_idf(f) for f in features] == plain
    assert [vocabulary.idf(f) for f in features] == plain
    assert [vocabulary.df(f) for f in features[:50]] == [int(counts[s]) for s in slots[:50]]


def test_story_norms_kept_between_docs_equal_norms_computed_afresh() -> None:
    # splits and regroupings rebuild centroids, snapshots change the weights: the kept slots and
    # weights must follow both
    grouper = StoryGrouper(Settings(), params=GroupingParams(split_min_part=2))
    for doc in stream_docs():
        grouper.add(doc)
        for story in grouper._stories.values():
            assert grouper._norms(story) == kind_norms(story.centroid, grouper.vocabulary.idf)


def test_word_features_equal_the_plain_loop() -> None:
    for doc in stream_docs():
        text = doc.title + ".\n" + doc.text
        plain = [stem(w.lower()) for w in re.findall(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Za-z]", text)]
        assert content_words(text) == [w for w in plain if len(w) > 1 and w not in STOP_WORDS]
        words = re.findall(r"\w+", text.lower())
        assert shingles(text) == [" ".join(words[i : i + 3]) for i in range(len(words) - 2)]


def test_shingle_hashes_and_bands_equal_datasketch() -> None:
    grams = shingles(" ".join(d.text for d in stream_docs()))
    assert _hashes32(grams) == [
        struct.unpack("<I", hashlib.blake2b(g.encode(), digest_size=4).digest())[0] for g in grams
    ]
    # the plain-dict bands find what datasketch's MinHashLSH finds
    wire = WireIndex()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    docs = stream_docs()
    for seq, doc in enumerate(docs):
        sig, _ = wire.signature(doc.title, doc.text)
        assert sig is not None
        assert wire._candidates(sig) == set(lsh.query(sig))
        wire.add(doc.id, seq, sig)
        lsh.insert(doc.id, sig)
    for doc in docs[::2]:
        wire.remove(doc.id)
        lsh.remove(doc.id)
    for doc in docs:
        sig, _ = wire.signature(doc.title, doc.text)
        assert sig is not None and wire._candidates(sig) == set(lsh.query(sig))
    assert len(wire) == len(docs) - len(docs[::2])


def _features_plainly(title: str, text: str, title_weight: float = 2.0) -> dict[str, float]:
    counts: dict[str, float] = {}
    found = names(title + ".\n" + text)
    # a text that names no one counts the phrases it repeats in the names' place
    lang = language(text_language(text) if tokens(text) else text_language(title))
    phrases = [] if found else repeated_phrases([*tokens(title), ".", *tokens(text)], lang.content_stem)
    for key, weight in (
        *(("w:" + w, 1.0) for w in content_words(text)),
        *(("t:" + w, title_weight) for w in content_words(title)),
        *(("n:" + n, 1.0) for n in found),
        *((PHRASE_PREFIX + p, 1.0) for p in phrases),
        *(("d:" + d, 1.0) for d in numbers_and_dates(title + ".\n" + text)),
    ):
        counts[key] = counts.get(key, 0.0) + weight
    return counts


_prose = st.lists(
    st.sampled_from([*"Aa Bb Zz.,;:!?'’-\n\"()0123456789 ", "May ", "March 3", "The ", "1,200"]),
    max_size=80,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_prose, _prose)
@example("AA\naA", "AA\naA")  # no names: the repeated phrase "aa aa" stands in for them
def test_article_features_in_one_scan_equal_the_separate_scans(title: str, text: str) -> None:
    features = article_features(title, text)
    assert features.counts == _features_plainly(title, text)
    assert list(features.counts) == list(_features_plainly(title, text))


def test_article_features_of_real_articles_equal_the_separate_scans() -> None:
    for doc in stream_docs():
        assert article_features(doc.title, doc.text).counts == _features_plainly(doc.title, doc.text)


_unit = st.floats(0.0, 1.0)
# any evidence the join model may weigh: cosines and shares in [0, 1], any size, gap and conflict
_evidence = st.builds(
    MatchEvidence,
    channels=st.fixed_dictionaries({k: _unit for k in (*KINDS, "all")}),
    nearest=_unit,
    story_size=st.integers(1, 60),
    year_conflict=st.booleans(),
    gap_hours=st.one_of(st.none(), st.floats(0.0, 200.0)),
    missing=st.fixed_dictionaries({k: _unit for k in ("doc_n", "doc_d", "story_n", "story_d")}),
)


@settings(max_examples=300, deadline=None)
@given(_evidence)
def test_the_best_case_bounds_the_join_probability(evidence: MatchEvidence) -> None:
    for model in (JoinModel(), PAIR_MODEL):
        best = model.best_case(evidence.channels, evidence.story_size, evidence.gap_hours)
        assert best >= model.probability(evidence)


@settings(max_examples=300, deadline=None)
@given(_evidence)
def test_the_best_nearest_member_bounds_the_join_probability(evidence: MatchEvidence) -> None:
    unknown = replace(evidence, nearest=0.0)  # as the grouper has it before the nearest member
    for model in (JoinModel(), PAIR_MODEL, NAMELESS_MODEL):
        assert model.best_nearest(unknown) >= model.probability(evidence)


_members = st.lists(
    st.dictionaries(st.sampled_from([f"{k}:{w}" for k in "wnd" for w in "abcdefgh"]), st.floats(0.01, 3.0), max_size=12),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(_members, st.lists(st.lists(st.booleans(), min_size=12, max_size=12), max_size=4))
def test_a_feature_table_sums_as_the_loop_adds(members: list[dict[str, float]], subsets: list[list[bool]]) -> None:
    # a big story's centroid and carriers summed again from ids, as accumulate adds them one by
    # one; the same table asked again as members come (put in their places) and go (laid out anew)
    features, carried = FeatureTable(), FeatureTable()
    raws = {str(i): raw for i, raw in enumerate(members)}
    for chosen in [*subsets, [True] * 12]:
        present = [(str(i), raw) for i, raw in enumerate(members) if chosen[i]]
        centroid: dict[str, float] = {}
        carriers: Counter[str] = Counter()
        for _, raw in present:
            centroid.update((f, centroid.get(f, 0.0) + v) for f, v in raw.items())
            carriers.update(frozenset(raw))
        doc_ids = [d for d, _ in present]
        summed = features.sums(doc_ids, raws.__getitem__, lambda d: np.fromiter(raws[d].values(), float))
        assert list(summed.items()) == list(centroid.items())
        counted = carried.sums(doc_ids, lambda d: frozenset(raws[d]))
        assert list(counted.items()) == list(carriers.items())


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from([*(f"n:{w}" for w in "abcdef"), f"{PHRASE_PREFIX}x y", "d:1", "d:2"]),
                       st.integers(1, 40)), st.integers(1, 40))
def test_carrier_norms_from_arrays_equal_the_loop(carriers: dict[str, int], size: int) -> None:
    counts = np.fromiter(carriers.values(), np.int64, len(carriers))
    idfs = np.fromiter(map(_idf, carriers), float, len(carriers))
    assert carrier_norms_arrays(counts, size, idfs, carrier_codes(list(carriers))) == carrier_norms(carriers, size, _idf)


def _stories_plainly(grouper: StoryGrouper) -> dict[str, tuple[object, ...]]:
    """Each open story's sums as the plain loop makes them: its members added in arrival order."""
    out = {}
    for story_id, story in grouper._stories.items():
        centroid: dict[str, float] = {}
        carriers: Counter[str] = Counter()
        members = [grouper._members[m] for m in story.members]
        for m in members[: story.accumulated]:
            centroid.update((f, centroid.get(f, 0.0) + v) for f, v in m.raw.items())
            carriers.update(m.specific)
        out[story_id] = (list(centroid.items()), list(carriers.items()))
    return out


def _assert_plain_sums(grouper: StoryGrouper) -> None:
    plainly = _stories_plainly(grouper)
    idf = grouper.vocabulary.idf
    for story_id, story in grouper._stories.items():
        assert (list(story.centroid.items()), list(story.carriers.items())) == plainly[story_id]
        assert grouper._norms(story) == kind_norms(story.centroid, idf)
        assert grouper._carrier_sq(story) == carrier_norms(story.carriers, len(story.members), idf)


def _run(grouper: StoryGrouper, check: bool) -> list[object]:
    """The stream, then corrections that rebuild stories (a merge, a move, a split-out), then a
    report that regroups an early miss (as in test_regroup)."""
    decisions: list[object] = []
    docs = {d.id: d for d in stream_docs()}
    for doc in [*stream_docs(), *language_docs()]:
        decisions.append(grouper.add(doc))
        if check:
            _assert_plain_sums(grouper)
    a, b, c = (grouper.story_of(d) for d in ("tr-1", "jp-1", "tr-3"))
    decisions += [grouper.merge(a, b), grouper.move("jp-1", c), grouper.move("tr-2"), grouper.stories()]
    if check:
        _assert_plain_sums(grouper)
    early = StoryGrouper(Settings())
    for doc_id, story_id in (("tr-1", "story-tr"), ("tr-2", "story-lonely"), ("jp-1", "story-jp")):
        early.load(docs[doc_id], story_id=story_id)
    decisions.append(early.add(docs["tr-3"]))
    if check:
        _assert_plain_sums(early)
    return decisions


def test_kept_arrays_and_rebuilds_with_ids_equal_the_plain_sums(monkeypatch: pytest.MonkeyPatch) -> None:
    # with the thresholds down, every story keeps its keys' positions, weighs its carriers as
    # arrays and is rebuilt from ids:
    # the same sums and norms as the plain loop, and the same decisions as with neither
    monkeypatch.setattr(story_module, "KEEP_POSITIONS_FROM", 1)
    monkeypatch.setattr(grouper_module, "REBUILD_WITH_IDS_FROM", 1)
    monkeypatch.setattr(choice_module, "CARRIER_ARRAYS_FROM", 0)
    grouper = StoryGrouper(Settings(), params=GroupingParams(split_min_part=2))
    fast = _run(grouper, check=True)
    assert any(s.tables is not None for s in grouper._stories.values())
    assert any(len(s.centroid_arrays.positions) for s in grouper._stories.values())
    monkeypatch.setattr(story_module, "KEEP_POSITIONS_FROM", 10**9)
    monkeypatch.setattr(grouper_module, "REBUILD_WITH_IDS_FROM", 10**9)
    monkeypatch.setattr(choice_module, "CARRIER_ARRAYS_FROM", 10**9)
    assert _run(StoryGrouper(Settings(), params=GroupingParams(split_min_part=2)), check=False) == fast


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=4).map(lambda w: "w:" + w),
        st.sampled_from([1.5, 2.25, 3.0, 4.75, 6.5]),  # few weights: many ties, as real idfs have
        max_size=40,
    ),
    st.integers(1, 15),
)
def test_the_rarest_words_are_those_heapq_picks(idf_of: dict[str, float], count: int) -> None:
    words = list(idf_of)
    idfs = np.array(list(idf_of.values()))
    by_heap = {w for _, w in heapq.nsmallest(count, zip((-i for i in idfs.tolist()), words, strict=True))}
    assert set(grouper_module.rarest(words, idfs, count)) == by_heap


def test_counting_a_doc_adds_one_to_each_slot_it_holds_even_when_two_features_share_one() -> None:
    vocabulary = Vocabulary(slots_log2=4)
    slots = np.array([3, 3, 5], np.int32)  # two features in one slot count twice
    vocabulary.add_slots(slots)
    vocabulary.add_slots(slots)
    vocabulary.take_back(slots)
    counts = vocabulary.tables()[0]
    assert counts.dtype == np.int32 and counts[3] == 2 and counts[5] == 1 and counts.sum() == 3


def test_a_batch_runs_the_garbage_collector_less_often_and_sets_it_back() -> None:
    """The collector's threshold is raised while ``add_many`` runs (fewer scans of the open
    window) and set back after it, also when the caller stops early. (Another test may have left
    a batch half read, its threshold raised until the collector frees it: start from Python's.)"""
    outside = gc.get_threshold()
    gc.set_threshold(700, *outside[1:])
    try:
        docs = stream_docs()
        grouper = StoryGrouper(Settings())
        during = [gc.get_threshold()[0] for _ in grouper.add_many(docs[:4])]
        assert during == [BATCH_GC_THRESHOLD] * 4
        assert gc.get_threshold()[0] == 700
        assignments = grouper.add_many(docs[4:])
        next(assignments)
        assignments.close()
        assert gc.get_threshold()[0] == 700
    finally:
        gc.set_threshold(*outside)
