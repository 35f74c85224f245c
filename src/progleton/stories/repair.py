"""Repair of one pass's mistakes: a story split in two, small stories folded into a grown one.

Steps 5 and 6 of :class:`~.grouper.StoryGrouper`'s method, run after each join; methods of the
grouper, written as functions of it and bound there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .cut import core_two_groups
from .member import Member
from .model import Assignment, Reasons, probability_text
from .similarity import channel_cosines, pair_probabilities
from .story import STORY_PREFIX, OpenStory, gap_hours

if TYPE_CHECKING:
    from .grouper import StoryGrouper


def check_split(self: StoryGrouper, story: OpenStory) -> tuple[Assignment, ...]:
    """Split a story whose members have grown into two separate groups of reports.

    One pass cannot undo an early wrong join: two events of the same kind can meet in one
    story when their first reports are alike, and later reports of each then follow. When a
    story reaches one of a few sizes (6, 7, 10, 13, ... growing by about a third, up to
    ``split_max_members``), its members are divided in two by average linkage on the pair
    model's probabilities (``pair_model``: would one member join a story made of the other
    alone? the mean of both ways); if the two groups average below ``split_model_below``,
    they split. Two arrests of two players of one team share most of their words, but not
    their names, numbers and dates, which the model weighs. A cut that leaves one or two
    outliers on one side (fewer than ``split_min_part``) is made again without them, up to
    ``split_set_aside`` members in all (:func:`core_two_groups`); they then go with the
    group they are closer to.

    With ``split_below`` above 0, the members are first divided on their TF-IDF cosines,
    and groups averaging less than that split. Off by default: on ECB+ train two thirds of
    the splits it made divided one event whose reports share few words (see
    docs/benchmarks.md).

    A split needs ``split_min_part`` members on each side; the group without the story's
    first member moves to a new story. Stories a user moved articles into, or merged, are
    left alone. Returns the moved members' new assignments.
    """
    p = self.params
    if (
        (p.split_below <= 0 and p.split_model_below <= 0)
        or len(story.members) not in self._split_sizes
        or story.story_id in self._pinned
    ):
        return ()
    members = [self._members[m] for m in story.members]
    cosine, probability = self._pair_matrices(members)
    between, below = 1.0, 0.0
    if p.split_below > 0:
        labels, between = core_two_groups(cosine, p.split_min_part, p.split_set_aside)
        measure, below = "similarity", p.split_below
    if between >= below:
        if p.split_model_below <= 0:
            return ()
        labels, between = core_two_groups(probability, p.split_min_part, p.split_set_aside)
        measure, below = "probability of being one event", p.split_model_below
        if between >= below:
            return ()
    group = {m.doc.id: int(label) for m, label in zip(members, labels, strict=True)}
    for m in members:  # a wire copy stays with the text it copies
        if m.wire_copy_of in group:
            group[m.doc.id] = group[m.wire_copy_of]
    moving = [m for m in members if group[m.doc.id] != group[members[0].doc.id]]
    if not p.split_min_part <= len(moving) <= len(members) - p.split_min_part:
        return ()
    new_id = f"{STORY_PREFIX}{moving[0].doc.id}~s{self._seq}"
    note = (
        f"split out of {story.story_id}: its two groups of reports averaged "
        f"{probability_text(between)} {measure} (< {below:.2f})"
    )
    target = self._stories[new_id] = OpenStory(new_id)
    story.members = [d for d in story.members if group[d] == group[members[0].doc.id]]
    reasons = Reasons(
        score=round(between, 4),
        note=note,
        action="split_off",
        evidence=("text",) if measure == "similarity" else (),
        bar=below,
        other_story=story.story_id,
    )
    self._relocate(moving, story.story_id, target, reasons)
    self._rebuild(story)
    self._rebuild(target)
    return tuple(self._assignment(m, new_story=False) for m in moving)


def reoffer(self: StoryGrouper, member: Member, candidates: list[str]) -> tuple[Assignment, ...]:
    """Offer the small stories near a doc's story to that story again, now that it has grown.

    A report that came early, when the story it belongs to was one or two docs, may have
    scored too low and started a story of its own; one pass never asks again. After each
    join, every open story of up to ``reoffer_max`` members that the index proposed for the
    new doc (``candidates``) is weighed against the grown story with the join model, member
    by member; if every member would now join it (``reoffer_threshold``), the small story is
    folded in. Stories a user moved articles into, or merged, are left alone (:meth:`move`).
    Returns the moved members' new assignments.
    """
    p = self.params
    story = self._stories[member.story_id]
    if p.reoffer_max <= 0 or len(story.members) < 2 or story.story_id in self._pinned:
        return ()
    moved: list[Member] = []
    for story_id in candidates:
        small = self._stories.get(story_id)
        if (
            small is None
            or small is story
            or len(small.members) > p.reoffer_max
            or story_id in self._pinned
        ):
            continue
        members = [self._members[m] for m in small.members]
        scores = []
        for m in members:
            scores.append(self._reoffer_score(m, story))
            if scores[-1] < p.reoffer_threshold:
                break
        else:
            note = (
                f"regrouped from {story_id}: scored {probability_text(min(scores))} against "
                f"{story.story_id} once it had {len(story.members)} reports"
            )
            reasons = Reasons(
                score=round(min(scores), 4),
                note=note,
                action="regrouped",
                bar=p.reoffer_threshold,
                story_size=len(story.members),
                other_story=story_id,
            )
            self._relocate(members, story_id, story, reasons)
            del self._stories[story_id]
            moved.extend(members)
    if moved:
        self._rebuild(story)
    return tuple(self._assignment(m, new_story=False) for m in moved)


def reoffer_score(self: StoryGrouper, member: Member, story: OpenStory) -> float:
    """The join model's probability that a member of a small story joins ``story``; 0 when
    the story is outside the window, when the two share almost nothing (``min_cosine``),
    or when even the most favourable nearest member,
    names and numbers could not lift the cosines to the regrouping threshold (the full
    evidence is then not worked out: most small stories near a doc are other events)."""
    gap = gap_hours(member.active, story)
    if gap is not None and gap > self.window.total_seconds() / 3600:
        return 0.0
    doc_vec = self._weighted(member)
    channels = channel_cosines(doc_vec, story.centroid, self.vocabulary.idf, self._norms(story))
    if channels["all"] < self.params.min_cosine:
        return 0.0
    model = self._model_for(member, story)
    if model.best_case(channels, len(story.members), gap) < self.params.reoffer_threshold:
        return 0.0
    evidence = self._match(member, doc_vec, story, channels, gap)
    if model.best_nearest(evidence) < self.params.reoffer_threshold:
        return 0.0
    return model.probability(self._with_nearest(evidence, doc_vec, story))


def pair_matrices(self: StoryGrouper, members: list[Member]) -> tuple[np.ndarray, np.ndarray]:
    """Cosines between members' TF-IDF vectors (with the vocabulary as it is now), and for
    each two members the pair model's probability that one would join a story made of the
    other alone, the mean of both ways (:func:`~.similarity.pair_probabilities`)."""
    epoch, idf = self.vocabulary.epoch, self.vocabulary.idf
    cosine, p = pair_probabilities(
        # not cached: only the recent members keep their weighted vectors (see _attach)
        [m.weighted[1] if m.weighted[0] == epoch else self._weigh(m) for m in members],
        [m.years for m in members],
        [None if m.active is None else m.active.timestamp() / 3600 for m in members],
        idf,
        self.params.pair_model,
        self.params.nameless_pair_model,
        [m.named for m in members],
    )
    return cosine, (p + p.T) / 2
