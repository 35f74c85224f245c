"""Choosing a doc's story: the candidates' evidence, the join model's probability, the reasons;
and the weights every comparison reads, cached (a member's TF-IDF vector, a story's norms).

Steps 2 to 4 of :class:`~.grouper.StoryGrouper`'s method, written as functions of the grouper
and bound there as its methods.
"""

from __future__ import annotations

import heapq
from dataclasses import replace
from operator import neg
from typing import TYPE_CHECKING

from .member import Member
from .model import Reasons, probability_text
from .names import PHRASE_MARK, PHRASE_PREFIX
from .similarity import (
    DocTerms,
    JoinModel,
    MatchEvidence,
    carrier_codes,
    carrier_norms,
    carrier_norms_arrays,
    channel_cosines,
    dot,
    kind_codes,
    missing_shares,
    weigh_arrays,
    weighted_norms,
)
from .story import CARRIER_ARRAYS_FROM, STORY_PREFIX, OpenStory, gap_hours

if TYPE_CHECKING:
    from .grouper import StoryGrouper


def query(self: StoryGrouper, member: Member) -> dict[str, float]:
    """The doc's strongest features, to look up candidate stories in the index."""
    weighted = self._weighted(member)
    pairs = zip(map(neg, weighted.values()), weighted, strict=True)
    # (-weight, feature): strongest first, ties by name; sorting all at C speed costs a
    # third of heapq.nsmallest's loop (the same features: a doc has about a hundred)
    strongest = sorted(pairs)[: self.params.query_features]
    return {f: -w for w, f in strongest}


def choose_story(self: StoryGrouper, member: Member, candidates: list[str]) -> tuple[str, Reasons]:
    doc_vec = self._weighted(member)
    best: tuple[float, str, str | None, float] | None = None
    for story, channels, gap in self._nearest_stories(member, doc_vec, candidates):
        model = self._model_for(member, story)
        evidence = self._match(member, doc_vec, story, channels, gap)
        if best is not None and model.best_nearest(evidence) < best[0]:
            continue  # whatever its nearest member, it cannot beat the best so far
        evidence = self._with_nearest(evidence, doc_vec, story)
        score = model.probability(evidence)
        if best is None or score > best[0]:
            best = (score, story.story_id, evidence.nearest_id, model.threshold)
    if best is not None and best[0] >= best[3]:
        story = self._stories[best[1]]
        return best[1], self._join_reasons(doc_vec, best[0], story, best[2], best[3])
    new_id = STORY_PREFIX + member.doc.id
    bar = self.params.model.threshold if best is None else best[3]
    if best is None:
        return new_id, Reasons(note="new story", action="started", bar=bar)
    note = f"new story (closest {best[1]} scored {probability_text(best[0])} < {bar:.2f})"
    return new_id, Reasons(
        score=round(best[0], 4), note=note, action="started", bar=bar, other_story=best[1]
    )


def nearest_stories(
    self: StoryGrouper, member: Member, doc_vec: dict[str, float], candidates: list[str]
) -> list[tuple[OpenStory, dict[str, float], float | None]]:
    """The candidate stories (the index's proposals) within the window of time that are most
    alike by centroid, with their channel cosines and gap, the most alike first; none that
    shares almost nothing with the doc (``min_cosine``): it is never the doc's story."""
    idf = self.vocabulary.idf
    window_hours = self.window.total_seconds() / 3600
    terms = DocTerms.of(doc_vec, idf, self.vocabulary.idfs(member.slots))
    scored = []
    for story_id in candidates:
        story = self._stories[story_id]
        gap = gap_hours(member.active, story)
        if gap is not None and gap > window_hours:
            continue
        channels = channel_cosines(terms, story.centroid, idf, self._norms(story))
        scored.append((story, channels, gap))
    scored.sort(key=lambda x: (-x[1]["all"], x[0].story_id))
    floor = self.params.min_cosine
    return [s for s in scored[: self.params.nearest_stories] if s[1]["all"] >= floor]


def model_for(self: StoryGrouper, member: Member, story: OpenStory) -> JoinModel:
    """The join model that weighs ``member`` against ``story``: the one fitted without names
    when either has none (:data:`~.params.NAMELESS_MODEL`)."""
    if member.named and self._carrier_sq(story)["names"] > 0:
        return self.params.model
    return self.params.nameless_model


def match(
    self: StoryGrouper,
    member: Member,
    doc_vec: dict[str, float],
    story: OpenStory,
    channels: dict[str, float],
    gap: float | None,
) -> MatchEvidence:
    """The join model's evidence, from the channel cosines and the gap already computed, but
    for the nearest member (:meth:`_with_nearest`): comparing the doc with each recent member
    costs more than the rest together, and is skipped where it cannot change the decision."""
    conflict = bool(member.years) and bool(story.years) and story.years.isdisjoint(member.years)
    size = len(story.members)
    idf = self.vocabulary.idf
    missing = missing_shares(doc_vec, story.carriers, size, idf, self._carrier_sq(story))
    return MatchEvidence(channels, 0.0, size, conflict, gap, missing)


def with_nearest(
    self: StoryGrouper, evidence: MatchEvidence, doc_vec: dict[str, float], story: OpenStory
) -> MatchEvidence:
    """:meth:`_match`'s evidence with the cosine to the story's most similar recent member."""
    recent = story.members[-self.params.nearest_members :]
    nearest, nearest_id = -1.0, recent[0]
    for doc_id in recent:  # members are in arrival order: a tie goes to the earliest
        cosine = dot(doc_vec, self._weighted(self._members[doc_id]))
        if cosine > nearest:
            nearest, nearest_id = cosine, doc_id
    return replace(evidence, nearest=nearest, nearest_id=nearest_id)


def join_reasons(
    self: StoryGrouper,
    doc_vec: dict[str, float],
    score: float,
    story: OpenStory,
    nearest: str | None,
    bar: float,
) -> Reasons:
    idf, centroid = self.vocabulary.idf, story.centroid
    by_kind = dict.fromkeys("ntwdp", 0.0)  # "p": the phrases that stand in for names
    # what each shared feature adds to the match, as (-contribution, feature), by kind
    shared: dict[str, list[tuple[float, str]]] = {"n": [], "t": [], "w": [], "d": []}
    for f, v in doc_vec.items():
        weight = centroid.get(f)
        if weight is not None:
            contribution = weight * idf(f) * v
            by_kind["p" if f.startswith(PHRASE_PREFIX) else f[0]] += contribution
            shared[f[0]].append((-contribution, f))
    labels = {"n": "names", "p": "phrases", "t": "title", "w": "text", "d": "numbers"}
    total = sum(by_kind.values()) or 1.0
    ranked = sorted(by_kind.items(), key=lambda kv: -kv[1])
    kinds = [labels[k] for k, v in ranked if v >= 0.2 * total]
    names = _strongest(shared["n"], 12)
    phrases = [n[1:] for n in names if n.startswith(PHRASE_MARK)][:3]
    terms = phrases + list(_strongest(shared["t"], 3) + _strongest(shared["w"], 6))
    return Reasons(
        score=round(score, 4),
        shared_terms=tuple(dict.fromkeys(terms))[:6],
        shared_names=tuple(n for n in names if not n.startswith(PHRASE_MARK))[:6],
        nearest=nearest,
        note="joined by " + "+".join(kinds or ["text"]),
        action="joined",
        evidence=tuple(kinds or ["text"]),
        bar=bar,
    )


def _strongest(shared: list[tuple[float, str]], limit: int) -> tuple[str, ...]:
    """The features that add most to a match, ties by name, without their kind prefix."""
    return tuple(dict.fromkeys(f[2:] for _, f in heapq.nsmallest(limit, shared)))


# -- the weights a comparison reads ----------------------------------------------------------
# Each is computed again only when the vocabulary's snapshot (its epoch) or the story (its
# version) has changed since, from arrays of feature slots where that is quicker: the same values
# as the plain formulas of :mod:`.similarity` (tests/stories/test_fast_paths.py).


def carrier_sq(self: StoryGrouper, story: OpenStory) -> dict[str, float]:
    """:func:`~.similarity.carrier_norms` of the story; from ``CARRIER_ARRAYS_FROM`` names
    and numbers on, the same sums from its carriers as arrays (:class:`~.story.FeatureArrays`)."""
    epoch = self.vocabulary.epoch
    if story.carrier_sq[:2] == (epoch, story.version):
        return story.carrier_sq[2]
    if len(story.carriers) < CARRIER_ARRAYS_FROM:  # the loop is quicker than numpy's calls
        sq = carrier_norms(story.carriers, len(story.members), self.vocabulary.idf)
    else:
        arrays = story.carrier_arrays
        arrays.update(story.carriers, story, self._specific_of, self.vocabulary.slots, carrier_codes)
        idfs = arrays.weights(epoch, self.vocabulary.idfs)
        sq = carrier_norms_arrays(arrays.values, len(story.members), idfs, arrays.codes)
    story.carrier_sq = (epoch, story.version, sq)
    return sq


def norms(self: StoryGrouper, story: OpenStory) -> dict[str, float]:
    epoch = self.vocabulary.epoch
    if story.norms[:2] != (epoch, story.version):
        story.norms = (epoch, story.version, self._centroid_norms(story))
    return story.norms[2]


def centroid_norms(self: StoryGrouper, story: OpenStory) -> dict[str, float]:
    """:func:`kind_norms` of the story's centroid, the same sums, from its centroid as arrays
    (:class:`~.story.FeatureArrays`: the slots, kinds and values of its features kept from
    the last time, and their weights until the next snapshot)."""
    arrays = story.centroid_arrays
    arrays.update(story.centroid, story, self._raw_of, self.vocabulary.slots, kind_codes)
    idfs = arrays.weights(self.vocabulary.epoch, self.vocabulary.idfs)
    return weighted_norms(arrays.values, idfs, arrays.codes)


def raw_of(self: StoryGrouper, doc_id: str) -> dict[str, float]:
    return self._members[doc_id].raw


def specific_of(self: StoryGrouper, doc_id: str) -> frozenset[str]:
    return self._members[doc_id].specific


def weighted(self: StoryGrouper, member: Member) -> dict[str, float]:
    epoch = self.vocabulary.epoch
    if member.weighted[0] != epoch:
        member.weighted = (epoch, self._weigh(member))
    return member.weighted[1]


def weigh_member(self: StoryGrouper, member: Member) -> dict[str, float]:
    """:func:`~.similarity.weigh` of the member's raw vector, the same values, read from its
    features' slots as one array."""
    return weigh_arrays(member.raw, self.vocabulary.idfs(member.slots), member.values)
