"""Splitting a story that has grown into two separate groups of reports."""

from __future__ import annotations

import numpy as np
import pytest

from progleton.settings import Settings
from progleton.stories import StoryGrouper
from progleton.stories.cut import core_two_groups, split_sizes, two_groups
from progleton.stories.params import GroupingParams

from .stream_news import stream_docs


def _docs() -> dict[str, object]:
    return {d.id: d for d in stream_docs()}


def test_two_groups_finds_the_blocks_and_their_mean_similarity() -> None:
    sim = np.full((5, 5), 0.1)
    sim[np.ix_([0, 2, 4], [0, 2, 4])] = 0.8
    sim[np.ix_([1, 3], [1, 3])] = 0.7
    np.fill_diagonal(sim, 1.0)
    labels, between = two_groups(sim)
    assert labels.tolist() == [0, 1, 0, 1, 0]
    assert between == pytest.approx(0.1)


def test_two_groups_of_fewer_than_two_items() -> None:
    labels, between = two_groups(np.ones((1, 1)))
    assert labels.tolist() == [0] and between == 1.0


def test_core_two_groups_looks_past_an_outlier() -> None:
    """Plain average linkage cuts off the one item unlike all others; with one item set aside
    the two blocks are found, and the outlier joins the block it is closer to."""
    sim = np.full((8, 8), 0.3)
    sim[np.ix_([0, 1, 2, 3], [0, 1, 2, 3])] = 0.9
    sim[np.ix_([4, 5, 6], [4, 5, 6])] = 0.9
    sim[7, :] = sim[:, 7] = 0.0
    sim[7, 4] = sim[4, 7] = 0.2
    np.fill_diagonal(sim, 1.0)
    labels, _ = two_groups(sim)
    assert labels.sum() == 1 and labels[7] == 1
    labels, between = core_two_groups(sim, 3, 1)
    assert labels[:4].tolist() == [labels[0]] * 4
    assert labels[4:].tolist() == [1 - labels[0]] * 4
    assert between == pytest.approx(0.3)
    assert core_two_groups(sim, 3, 0)[0].tolist() == two_groups(sim)[0].tolist()


def test_split_sizes_grow_by_about_a_third() -> None:
    assert sorted(split_sizes(3, 60)) == [6, 7, 10, 13, 17, 22, 28, 37, 48]


def test_a_story_holding_two_events_splits_when_it_reaches_a_checked_size() -> None:
    """Two Turkish-quake reports and three Hokkaido ones stored in one story (an early wrong
    join); the next Turkish report makes six members, the check runs, and the Turkish group
    moves to a story of its own with the reason recorded."""
    docs = _docs()
    grouper = StoryGrouper(Settings())
    for doc_id in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3"):
        grouper.load(docs[doc_id], story_id="story-mixed")
    assignment = grouper.add(docs["tr-3"])
    turkish = {"tr-1", "tr-2", "tr-3"}
    assert {a.doc_id for a in assignment.regrouped} == {"tr-1", "tr-2"}
    assert assignment.story_id != "story-mixed" and assignment.new_story
    assert {a.story_id for a in assignment.regrouped} == {assignment.story_id}
    assert {grouper.story_of(d) for d in turkish} == {assignment.story_id}
    assert {grouper.story_of(d) for d in ("jp-1", "jp-2", "jp-3")} == {"story-mixed"}
    assert grouper.reasons("tr-1").note.startswith("split out of story-mixed")
    # the split-off story is an ordinary story: the next Turkish report joins it
    later = grouper.add(docs["tr-4"])
    assert later.story_id == assignment.story_id and not later.regrouped


def test_one_event_does_not_split() -> None:
    docs = _docs()
    grouper = StoryGrouper(Settings())
    for doc_id in ("tr-1", "tr-2", "tr-3", "tr-4", "tr-5"):
        grouper.load(docs[doc_id], story_id="story-tr")
    assignment = grouper.add(docs["tr-6"])
    assert assignment.story_id == "story-tr" and assignment.regrouped == ()


def test_a_story_the_user_corrected_is_never_split() -> None:
    docs = _docs()
    grouper = StoryGrouper(Settings())
    for doc_id in ("jp-1", "tr-1", "jp-2"):
        grouper.load(docs[doc_id], story_id="story-a")
    for doc_id in ("tr-2", "jp-3"):
        grouper.load(docs[doc_id], story_id="story-b")
    assert grouper.merge("story-a", "story-b") == "story-a"  # the user says: one story
    assignment = grouper.add(docs["tr-3"])
    assert assignment.regrouped == ()
    assert {grouper.story_of(d) for d in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3")} == {"story-a"}


def test_splitting_can_be_turned_off() -> None:
    docs = _docs()
    grouper = StoryGrouper(
        Settings(), params=GroupingParams(split_below=0.0, split_model_below=0.0)
    )
    for doc_id in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3"):
        grouper.load(docs[doc_id], story_id="story-mixed")
    assert grouper.add(docs["tr-3"]).regrouped == ()


def test_the_pipeline_stores_a_split_and_a_restart_keeps_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Five stored members of one mixed story, then an update assigns a sixth: the moved members
    are stored in the split-off story, both stories' counts follow, and a restarted reader
    rebuilds the same stories from storage."""
    import sqlite3
    from datetime import UTC, datetime, timedelta

    from progleton.core import make_progleton

    docs = _docs()
    path = tmp_path / "split.db"
    ids: dict[str, int] = {}
    with make_progleton(f"sqlite:///{path}") as p:
        source, _ = p.store.add_source("https://wire.example/feed", title="Wire")
        for n, doc_id in enumerate(("jp-1", "tr-1", "jp-2", "tr-2", "jp-3", "tr-3")):
            doc = docs[doc_id]
            article = {
                "url": f"https://wire.example/{doc_id}", "canonical_url": f"https://wire.example/{doc_id}",
                "title": doc.title, "text": doc.text, "authors": [], "warnings": [],
                "source_id": source.id, "text_hash": doc_id,
                "published": datetime.now(UTC) - timedelta(hours=2) + timedelta(minutes=n),
            }
            ids[doc_id] = p.store.add_article(article, {"story_id": "story-mixed", "reasons": {}})
    with sqlite3.connect(path) as conn:  # the sixth arrived in a later update: not yet assigned
        conn.execute("UPDATE articles SET story_id = NULL WHERE id = ?", (ids["tr-3"],))
    with make_progleton(f"sqlite:///{path}") as p:
        assert p.assign_stories() == 1
        split_id = p.store.get_article(ids["tr-3"]).story_id
        assert split_id not in (None, "story-mixed")
        moved = p.store.get_story(split_id)
        assert {a.id for a in moved.articles} == {ids["tr-1"], ids["tr-2"], ids["tr-3"]}
        assert moved.story.article_count == 3
        assert p.store.get_story("story-mixed").story.article_count == 3
        assert p.store.get_article(ids["tr-1"]).reasons["note"].startswith("split out of story-mixed")
    with make_progleton(f"sqlite:///{path}") as again:
        assert again.grouper.story_of(str(ids["tr-1"])) == split_id
        assert again.grouper.story_of(str(ids["jp-1"])) == "story-mixed"
