"""Pure shaping for the pages: coverage groups, reasons in words, hit groups, time filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progleton.types import Article, SearchHit, Story, StoryDetail
from progleton.web.views import Coverage, coverage, group_hits, since_for, why_together


def art(i: int, outlet: str = "Outlet", *, copy_of: int | None = None, authors: tuple[str, ...] = (),
        story: str = "s", **reasons: object) -> Article:
    return Article(id=i, url=f"https://x.example/{i}", canonical_url=f"https://x.example/{i}", title=f"T{i}",
                   source_title=outlet, wire_copy_of=copy_of, authors=authors, story_id=story,
                   reasons=dict(reasons))


def detail(*articles: Article) -> StoryDetail:
    return StoryDetail(story=Story(id="s", title="S"), articles=articles)


def test_wire_copies_group_under_their_original() -> None:
    groups = coverage(detail(art(1, "A", authors=("CP",)), art(2, "B"),
                             art(3, "C", copy_of=1, authors=("CP", "Staff")), art(4, "D", copy_of=1, authors=("CP",))))
    assert [(g.report.id, [c.id for c in g.copies]) for g in groups] == [(1, [3, 4]), (2, [])]
    assert groups[0].wire_name == "CP"
    assert groups[0].carried_by == ("A", "C", "D")
    assert groups[1].wire_name == "B" and not groups[1].is_wire


def test_wire_name_falls_back_to_the_original_outlet() -> None:
    group = Coverage(report=art(1, "Courier", authors=("Ana",)), copies=(art(2, "Post", copy_of=1, authors=("Bo",)),))
    assert group.wire_name == "Courier"


def test_a_copy_whose_original_left_is_shown_as_a_report() -> None:
    assert [g.report.id for g in coverage(detail(art(5, copy_of=99), art(6)))] == [5, 6]


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12))
def test_coverage_shows_every_article_once(links: list[int]) -> None:
    articles = [art(i + 1, copy_of=(link if 0 < link < i + 1 else None)) for i, link in enumerate(links)]
    shown = [a.id for g in coverage(detail(*articles)) for a in (g.report, *g.copies)]
    # a copy of a copy is grouped under nothing; it must still appear exactly once
    nested = {a.id for a in articles if a.wire_copy_of and articles[a.wire_copy_of - 1].wire_copy_of}
    assert sorted(shown) == sorted(a.id for a in articles if a.id not in nested)


def test_why_together_in_words() -> None:
    story = (art(1, "Courier"), art(2, "Post", copy_of=1, score=0.953, note="wire copy of 1"))
    joined = art(3, shared_names=["verel"], shared_terms=["ferry", "gale"], nearest="1", score=0.71234,
                 note="joined by names+text")
    assert why_together(joined, story) == [
        "Names the same people, places or organisations: Verel.", "Shares the distinctive words: ferry, gale.",
        "Closest to Courier: T1.", "Joined on shared names and wording.",
        "Scored 0.71 as a report of the same event (1 is certain)."]
    assert why_together(story[1], story) == ["Carries the same text as Courier (about 95% of the wording alike)."]
    # a copy a user moved keeps its original, but the score is no longer a text likeness
    moved_copy = art(2, "Post", copy_of=1, score=1.0, note="moved by a user")
    assert why_together(moved_copy, story) == ["Carries the same text as Courier.", "Moved by a user."]
    assert why_together(art(4, note="new story"), story) == []
    assert why_together(art(4, note="new story (closest story-31 scored 0.06 < 0.70)", score=0.06), story) == [
        "Started this story: the closest open story scored 0.06 as the same event, under the 0.70 needed to "
        "join it."]
    assert why_together(art(5, nearest="https://gone.example/"), story) == ["Closest to an earlier report."]
    # older stored reasons name the nearest report by URL
    assert why_together(art(6, nearest="https://x.example/1"), story) == ["Closest to Courier: T1."]
    assert why_together(art(7, note="moved by a user", score=1.0), story) == ["Moved by a user."]
    assert why_together(art(7, note="merged by a user into story-9", score=1.0), story) == [
        "Merged into this story by a user."]
    assert why_together(art(8, note="something new"), story) == ["Something new."]
    assert why_together(art(8, note="joined by names+title+text"), story) == [
        "Joined on shared names, headline words and wording."]
    # a word already shown in a name is not repeated; a near-certain score is not rounded up to certain
    assert why_together(art(9, shared_names=["verel"], shared_terms=["verel", "ferry"], score=0.99962,
                            note="joined by text"), story) == [
        "Names the same people, places or organisations: Verel.", "Shares the distinctive words: ferry.",
        "Joined on wording.", "Scored 0.99 as a report of the same event (1 is certain)."]


def test_names_are_shown_as_the_article_writes_them() -> None:
    article = replace(art(1, shared_names=["kestrel fall", "fall", "ferry lane", "lane", "agency", "vell"]),
                      title="Kestrel Falls evacuates", text="Crews on Ferry Lane. Two agencies and the Agencies "
                      "board met by the Vell.")
    assert why_together(article, [article]) == [
        "Names the same people, places or organisations: Kestrel Falls, Ferry Lane, Agencies, Vell."]
    # a name the text does not write (an older stored key) is still shown, capitalised
    assert why_together(replace(article, text="", title=""), [article])[0].endswith("Agency, Vell.")


def test_hits_group_by_story_in_order_of_best_hit() -> None:
    hits = [SearchHit(art(1, story="b"), ""), SearchHit(art(2, story="a"), ""), SearchHit(art(3, story="b"), "")]
    assert [(k, [h.article.id for h in v]) for k, v in group_hits(hits)] == [("b", [1, 3]), ("a", [2])]


def test_time_filters() -> None:
    now = datetime(2026, 1, 2, tzinfo=UTC)
    assert since_for("day", now) == now - timedelta(days=1)
    assert since_for("week", now) == now - timedelta(days=7)
    assert since_for(None, now) is None and since_for("bogus", now) is None
