"""The synthetic stream: exact grouping, wire copies, corrections, restart."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import pytest

from progleton.exceptions import NotFound
from progleton.settings import Settings
from progleton.stories import Doc, StoryGrouper

from .stream_news import EXPECTED, T0, WIRE_COPIES, WIRE_ORIGINAL, stream_docs


def _grouping(grouper: StoryGrouper, doc_ids: list[str]) -> set[frozenset[str]]:
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for doc_id in doc_ids:
        groups[grouper.story_of(doc_id)].add(doc_id)
    return {frozenset(g) for g in groups.values()}


def _expected(doc_ids: list[str]) -> set[frozenset[str]]:
    groups: defaultdict[str, set[str]] = defaultdict(set)
    for doc_id in doc_ids:
        groups[EXPECTED[doc_id]].add(doc_id)
    return {frozenset(g) for g in groups.values()}


def test_stream_groups_exactly_by_event() -> None:
    grouper = StoryGrouper(Settings())
    docs = stream_docs()
    for doc in docs:
        grouper.add(doc)
    ids = [d.id for d in docs]
    assert _grouping(grouper, ids) == _expected(ids)


def test_wire_copies_point_at_the_earliest_original() -> None:
    grouper = StoryGrouper(Settings())
    assignments = {d.id: grouper.add(d) for d in stream_docs()}
    copies = {doc_id for doc_id, a in assignments.items() if a.wire_copy_of}
    assert copies == WIRE_COPIES
    assert {assignments[c].wire_copy_of for c in copies} == {WIRE_ORIGINAL}
    assert assignments["tr-4"].reasons.note == "wire copy of tr-1"
    story = next(s for s in grouper.stories() if "tr-1" in s.doc_ids)
    assert story.wire_copies == 3
    # the AP text counts once: ap + guardian, al-jazeera, dw (copies by abc, yahoo, cbs do not count)
    assert story.independent_outlets == 4
    assert set(story.outlets) >= {"ap", "abc-news", "yahoo", "cbs"}


def test_reasons_explain_each_membership() -> None:
    grouper = StoryGrouper(Settings())
    assignments = {d.id: grouper.add(d) for d in stream_docs()}
    first = assignments["tr-1"]
    assert first.new_story and first.story_id == "story-tr-1" and first.reasons.note == "new story"
    joined = assignments["tr-5"].reasons
    assert joined.note.startswith("joined by")
    assert joined.score >= 0.3
    assert "yerlikaya" in joined.shared_names
    assert joined.nearest in {"tr-1", "tr-2", "tr-3", "tr-4"}
    assert joined.shared_terms
    other = assignments["rehab-b1"]
    assert other.new_story and other.reasons.note.startswith("new story")


def test_corrections_are_respected_by_later_adds() -> None:
    grouper = StoryGrouper(Settings())
    docs = stream_docs()
    for doc in docs[:12]:  # up to rehab-a2
        grouper.add(doc)
    # the user says the court story and the Japan quake are one story (odd, but theirs to say)
    survivor = grouper.merge("story-court-1", "story-jp-1")
    assert survivor == "story-court-1"
    # and that jp-3 does not belong there: split it out
    split = grouper.move("jp-3")
    assert split == "story-jp-3~1"
    for doc in docs[12:]:
        grouper.add(doc)
    assert grouper.story_of("court-2") == survivor  # joins the merged story
    assert grouper.story_of("jp-1") == survivor
    assert grouper.story_of("jp-3") == split  # not pulled back
    assert grouper.story_of("tr-6") == grouper.story_of("tr-1")
    # a merged-away id still resolves for moves
    assert grouper.move("tr-6", "story-jp-1") == survivor
    with pytest.raises(NotFound):
        grouper.merge("story-nope", survivor)
    with pytest.raises(NotFound):
        grouper.move("no-such-doc")


def test_restart_replay_gives_the_same_later_groups() -> None:
    docs = stream_docs()
    live = StoryGrouper(Settings())
    stored = []  # what the lead keeps in SQLite: assignments, then corrections
    for doc in docs[:9]:
        a = live.add(doc)
        stored.append((doc, a.story_id, a.wire_copy_of))
    corrections = [("move", "rehab-a1", None), ("merge", "story-court-1", "story-rehab-b1")]
    live.move("rehab-a1")
    live.merge("story-court-1", "story-rehab-b1")

    restarted = StoryGrouper(Settings())
    for doc, story_id, wire_copy_of in stored:
        restarted.load(doc, story_id=story_id, wire_copy_of=wire_copy_of)
    for kind, a, b in corrections:
        if kind == "move":
            restarted.move(a, b)
        else:
            restarted.merge(a, b)
    for doc in docs[9:]:
        assert restarted.add(doc) == live.add(doc)
    assert [s.doc_ids for s in restarted.stories()] == [s.doc_ids for s in live.stories()]


def test_load_then_add_matches_add_all() -> None:
    docs = stream_docs()
    reference = StoryGrouper(Settings())
    assignments = [reference.add(d) for d in docs]
    half = len(docs) // 2
    replayed = StoryGrouper(Settings())
    for doc, a in zip(docs[:half], assignments[:half], strict=True):
        replayed.load(doc, story_id=a.story_id, wire_copy_of=a.wire_copy_of)
    assert [replayed.add(d) for d in docs[half:]] == assignments[half:]


def test_close_quiet_frees_old_stories_and_a_new_report_starts_fresh() -> None:
    grouper = StoryGrouper(Settings().replace(story_window_days=3))
    for doc in stream_docs():
        grouper.add(doc)
    assert grouper.close_quiet(T0.replace(day=4)) == []
    closed = grouper.close_quiet(T0.replace(day=9))
    assert set(closed) == {
        s for s in {f"story-{x}" for x in ("tr-1", "jp-1", "rehab-a1", "court-1", "rehab-b1")}
    }
    assert grouper.stories() == [] and len(grouper) == 0
    late = Doc("tr-late", "", "ap", "Turkey earthquake", stream_docs()[0].text, T0.replace(day=10))
    assert grouper.add(late).new_story


def test_adding_a_doc_twice_returns_its_assignment() -> None:
    grouper = StoryGrouper(Settings())
    doc = stream_docs()[0]
    first = grouper.add(doc)
    assert grouper.add(doc).story_id == first.story_id
    assert len(grouper) == 1


def test_replay_of_docs_that_joined_a_split_story() -> None:
    """Docs stored as members of a split-out story load before the split is replayed."""
    docs = stream_docs()
    live = StoryGrouper(Settings())
    stored, corrections = [], []
    for doc in docs[:-1]:
        a = live.add(doc)
        stored.append((doc, a.story_id, a.wire_copy_of))
        if doc.id == "rehab-a1":
            corrections.append(("rehab-a1", live.move("rehab-a1")))
    assert live.story_of("rehab-a2") == "story-rehab-a1~1"  # joined the split story

    restarted = StoryGrouper(Settings())
    for doc, story_id, wire_copy_of in stored:
        restarted.load(doc, story_id=story_id, wire_copy_of=wire_copy_of)
    for doc_id, _ in corrections:
        restarted.move(doc_id)
    assert restarted.stories() == live.stories()
    assert restarted.add(docs[-1]) == live.add(docs[-1])


@pytest.mark.parametrize("hours_later", [1.0, 48.0, 70.0, 80.0])
def test_days_apart_join_only_on_strong_evidence(hours_later: float) -> None:
    """The same report scores lower the further it is from the story's news; past the window it is new."""
    docs = {d.id: d for d in stream_docs()}
    first = docs["rehab-a1"]
    later = docs["rehab-a2"]
    scores = []
    for gap in (hours_later, 1.0):
        grouper = StoryGrouper(Settings())
        grouper.add(first)
        assert first.published is not None
        moved = Doc(
            later.id,
            later.url,
            later.source,
            later.title,
            later.text,
            first.published + timedelta(hours=gap),
        )
        scores.append(grouper.add(moved))
    far, near = scores
    assert near.story_id == "story-rehab-a1"
    if hours_later > 72:
        assert far.new_story  # outside the 3-day window: not a candidate at all
    else:
        assert far.reasons.score <= near.reasons.score
        if hours_later > 24:
            assert far.reasons.score < near.reasons.score


def test_a_text_of_megabytes_is_read_to_its_head() -> None:
    """A feed entry may carry megabytes (a hostile or broken feed): the grouper reads the head
    only, so the doc is judged as its first 60,000 characters would be, and a wire copy of
    the head is still found."""
    from dataclasses import replace

    from progleton.stories import GroupingParams

    docs = stream_docs()
    tail = " ".join(f"filler{i}" for i in range(400_000))  # about 4.6 MB of distinct words
    limit = GroupingParams().max_text_chars
    whole, head = StoryGrouper(Settings()), StoryGrouper(Settings())
    for doc in docs[:-1]:
        whole.add(doc)
        head.add(doc)
    last = docs[-1]
    padded = replace(last, text=last.text + " " + tail, title=last.title + " x" * 5_000)
    cut = padded.text[:limit]
    cut = cut[: cut.rfind(" ")]
    a = whole.add(padded)
    b = head.add(replace(last, text=cut, title=padded.title[:1_000]))
    assert (a.story_id, a.new_story, a.reasons) == (b.story_id, b.new_story, b.reasons)
    assert whole.state() == head.state()  # the same vocabulary: the tail was never counted
    copy = whole.add(replace(padded, id="copy-of-head", text=cut))
    assert copy.wire_copy_of == last.id


def test_nearby_stories_put_a_split_out_report_first() -> None:
    """What a reader deciding what to merge is offered: after a user splits a report out of the
    Turkish quake story, that report is the quake story's most likely same event, well above the
    Japanese quake (same kind, another event)."""
    grouper = StoryGrouper(Settings())
    for doc in stream_docs():
        grouper.add(doc)
    quake_tr, quake_jp = grouper.story_of("tr-1"), grouper.story_of("jp-1")
    split = grouper.move("tr-5")
    near = grouper.nearby(quake_tr, limit=5)
    assert next(iter(near)) == split and near[split] > 0.7
    assert list(near.values()) == sorted(near.values(), reverse=True)
    assert near.get(quake_jp, 0.0) < 0.3 and quake_tr not in near
    assert grouper.same_event(quake_tr, split) == near[split] == grouper.same_event(split, quake_tr)
    assert grouper.same_event(quake_tr, quake_tr) == 1.0
    # a merged-away id resolves to the story it went into; a closed or unknown one is NotFound
    grouper.merge(quake_tr, split)
    assert grouper.same_event(split, quake_tr) == 1.0
    with pytest.raises(NotFound):
        grouper.nearby("story-nope")
    grouper.close_quiet(T0 + timedelta(days=30))
    with pytest.raises(NotFound):
        grouper.same_event(quake_tr, quake_jp)
