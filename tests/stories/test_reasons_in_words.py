"""The story page's "why this is here", from what the grouper really records.

The grouper's notes name stories and docs by id; the page must say the same in a reader's words,
name the nearest report, and write names as the articles do. These tests feed real groupings
through the page's wording, so a change of a note's format cannot go unnoticed.
"""

from __future__ import annotations

from dataclasses import replace

from progleton.explain import probability_text, why_together
from progleton.pipeline import reasons_dict
from progleton.settings import Settings
from progleton.stories import Assignment, Doc, Reasons, StoryGrouper
from progleton.types import Article

from .stream_news import stream_docs


def _numbered(docs: list[Doc]) -> dict[str, Doc]:
    """The docs under numeric ids, as the pipeline hands them in (article ids)."""
    return {d.id: replace(d, id=str(i)) for i, d in enumerate(docs, start=1)}


def _articles(grouper: StoryGrouper, docs: dict[str, Doc]) -> dict[str, list[Article]]:
    """Feed the docs; each story's members as the store would give them to the page."""
    copies = {doc.id: grouper.add(doc).wire_copy_of for doc in docs.values()}
    stories: dict[str, list[Article]] = {}
    for name, doc in docs.items():
        story_id, copy_of = grouper.story_of(doc.id), copies[doc.id]
        stored = reasons_dict(Assignment(doc.id, story_id, copy_of, reasons=grouper.reasons(doc.id)))
        article = Article(
            id=int(doc.id), url=f"https://{doc.source}.example/{name}", canonical_url="",
            title=doc.title, text=doc.text, source_title=doc.source, story_id=story_id,
            wire_copy_of=int(copy_of) if copy_of else None, reasons=stored,
        )  # fmt: skip
        stories.setdefault(story_id, []).append(article)
    return stories


def test_reasons_of_a_real_stream_name_reports_not_ids() -> None:
    docs = _numbered(stream_docs())
    grouper = StoryGrouper(Settings())
    stories = _articles(grouper, docs)
    lines_seen = []
    for members in stories.values():
        for article in members:
            lines = why_together(article, members)
            lines_seen += lines
            text = " ".join(lines)
            assert "story-" not in text and "wire copy of" not in text.lower(), lines
            assert "Similarity" not in text
    joined = [line for line in lines_seen if line.startswith("Joined on ")]
    assert joined
    # the nearest member is named by outlet and title (the grouper records its id)
    assert any(line.startswith("Closest to ") and line != "Closest to an earlier report." for line in lines_seen)
    assert "Closest to an earlier report." not in lines_seen
    # each story of this stream shares under ``min_cosine`` with every story open when it began,
    # so none was weighed (the "closest open story scored" wording: tests/test_explain.py)
    started = [line for line in lines_seen if line.startswith("Started this story")]
    assert started and set(started) == {
        "Started this story: no open story shared enough of its names and words to weigh."
    }
    assert any(line.startswith("Carries the same text as ap (about ") for line in lines_seen)
    names = [line for line in lines_seen if line.startswith("Names the same")]
    shown = [n.strip(" .") for line in names for n in line.split(": ", 1)[1].split(",")]
    assert shown and all(n[0].isupper() for n in shown), shown
    assert any("Yerlikaya" in n for n in shown) and "Aegean Sea" in shown


def test_a_split_and_a_regrouping_in_words() -> None:
    named = {d.id: d for d in stream_docs()}
    docs = _numbered(list(named.values()))
    grouper = StoryGrouper(Settings())
    for name in ("jp-1", "tr-1", "jp-2", "tr-2", "jp-3"):
        grouper.load(docs[name], story_id="story-mixed")
    grouper.add(docs["tr-3"])
    split = grouper.reasons(docs["tr-1"].id)
    assert split.action == "split_off" and split.other_story == "story-mixed"
    line = _why(split)[-1]
    assert line.startswith("Split off with the reports like it: the two groups in its earlier story scored ")
    # stored before actions were recorded: the note alone says the same
    assert _why(split, note_only=True)[-1] == line

    grouper = StoryGrouper(Settings())
    grouper.load(docs["tr-1"], story_id="story-tr")
    grouper.load(docs["tr-2"], story_id="story-lonely")
    grouper.load(docs["jp-1"], story_id="story-jp")
    moved = grouper.add(docs["tr-3"]).regrouped[0]
    assert moved.reasons.action == "regrouped" and moved.reasons.story_size == 2
    assert _why(moved.reasons)[-1] == _why(moved.reasons, note_only=True)[-1] == (
        "Had started a story of its own; moved here when this story had 2 reports and it scored "
        f"{probability_text(moved.reasons.score)} against them.")  # rounded down: 0.995 is not 1.00


def test_every_note_and_its_recorded_action_say_the_same() -> None:
    """Reasons stored before actions were recorded are worded from the note; the same reasons
    with their action must read the same (apart from the bar, which the note of a join lacks)."""
    docs = _numbered(stream_docs())
    grouper = StoryGrouper(Settings())
    actions = set()
    for doc in docs.values():
        reasons = grouper.add(doc).reasons
        actions.add(reasons.action)
        recorded, noted = _why(reasons), _why(reasons, note_only=True)
        if reasons.action == "joined":
            recorded = [line.replace(f", {reasons.bar:.2f} needed to join", "") for line in recorded]
        if reasons.action == "started" and reasons.other_story is None:
            noted.append(recorded[-1])  # a bare "new story" note said nothing
        assert recorded == noted, reasons
    assert actions == {"joined", "started", "wire_copy"}


def _why(reasons: Reasons, *, note_only: bool = False) -> list[str]:
    stored = reasons_dict(Assignment("1", "s", reasons=reasons))
    if note_only:
        stored = {k: v for k, v in stored.items() if k not in ("action", "evidence", "bar", "story_size", "other_story")}
    article = Article(id=1, url="u", canonical_url="u", title="t", reasons=stored)
    return why_together(article, [article])
