"""A story in a reader's words: coverage groups (who carried which text) and why each article is there."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from progleton.citations import Citation
from progleton.explain import Coverage, coverage, timeline, why_together
from progleton.types import Article, Story, StoryDetail


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


def test_a_text_is_carried_by_outlets_as_the_story_counts_them() -> None:
    """Two feeds of one site (two names, one outlet key) carrying a text are one outlet; two
    sites of one name are two."""
    def at(a: Article, key: str) -> Article:
        return replace(a, outlet_key=key)

    [group] = coverage(detail(at(art(1, "Wire"), "site:wire.example"),
                              at(art(2, "Tribune", copy_of=1), "site:tribune.example"),
                              at(art(3, "Tribune - World", copy_of=1), "site:tribune.example"),
                              at(art(4, "Herald", copy_of=1), "site:herald.example"),
                              at(art(5, "Herald", copy_of=1), "site:herald.other")))
    assert group.carried_by == ("Wire", "Tribune", "Herald", "Herald")


def test_the_timeline_tells_what_each_article_added_by_day() -> None:
    start = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)

    def at(a: Article, hours: float | None) -> Article:
        return replace(a, published=None if hours is None else start + timedelta(hours=hours))

    days = timeline(detail(at(art(4, "A"), 5), at(art(1, "A"), 0), at(art(2, "B", copy_of=1), 1),
                           at(art(3, "C"), 3), at(art(5, "D"), None)))
    assert [(day, [(m.article.id, m.event) for m in moments]) for day, moments in days] == [
        (datetime(2026, 12, 5).date(), [(1, "First report"), (2, "Carries A's text")]),
        (datetime(2026, 12, 6).date(), [(3, "First from this outlet"), (4, "Follow-up")]),
        (None, [(5, "First from this outlet")]),
    ]


def test_the_timeline_knows_an_outlet_as_the_story_counts_it() -> None:
    """Two feeds of one site (two names, one outlet key) are one outlet: the second's report
    is a follow-up. Two sites of one name are two. The timeline compared names, so the World
    feed's report was "First from this outlet" in a story that counted one outlet for both."""
    start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)

    def at(a: Article, hours: float, key: str) -> Article:
        return replace(a, published=start + timedelta(hours=hours), outlet_key=key)

    [(_, moments)] = timeline(detail(at(art(1, "Tribune"), 0, "site:tribune.example"),
                                     at(art(2, "Tribune - World"), 1, "site:tribune.example"),
                                     at(art(3, "Herald"), 2, "site:herald.example"),
                                     at(art(4, "Herald"), 3, "site:herald.other")))
    assert [(m.article.id, m.event) for m in moments] == [
        (1, "First report"), (2, "Follow-up"), (3, "First from this outlet"), (4, "First from this outlet")]


def test_the_timeline_says_which_report_relays_another_outlets() -> None:
    start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    japan, fox = replace(art(1, "The Japan Times"), published=start), replace(art(2, "FOX News"), published=start)
    relay = replace(art(3, "The Moscow Times"), published=start + timedelta(hours=6))
    both = [Citation("Japan Times", 1, "The Japan Times"), Citation("Fox News", 2, "FOX News")]
    [(_, moments)] = timeline(detail(japan, fox, relay), {3: both})
    assert moments[-1].event == "Relays the reports of The Japan Times and FOX News"
    [(_, moments)] = timeline(detail(japan, relay), {3: both[:1], 1: [Citation("Moscow Times", 3, "x")]})
    # a citation of a later report is no relay of it
    assert [m.event for m in moments] == ["First report", "Relays the report of The Japan Times"]


def test_wire_name_falls_back_to_the_original_outlet() -> None:
    group = Coverage(report=art(1, "Courier", authors=("Ana",)), copies=(art(2, "Post", copy_of=1, authors=("Bo",)),))
    assert group.wire_name == "Courier" and group.agency is None
    assert group.wire_label == "Text first published by Courier"


QUAKE = ("SANTIAGO (Global Wire) - A magnitude 6.8 earthquake struck northern Chile on Sunday, the U.S. "
         "Geological Survey said.\n\nCopper miner Codelco said it was inspecting its operations.")


def test_a_wire_text_is_named_by_the_agency_it_credits_not_its_first_outlet() -> None:
    # the QA story: two outlets carry a "(Global Wire)" text; each credits "Staff reporter"
    group = Coverage(report=replace(art(1, "Coast Herald", authors=("Staff reporter",)), text=QUAKE),
                     copies=(replace(art(2, "Valley Tribune", copy_of=1, authors=("Staff reporter",)), text=QUAKE),))
    assert group.agency == "Global Wire" and group.wire_label == "Global Wire text"
    plain = QUAKE.replace(" (Global Wire)", "")
    untold = Coverage(report=replace(group.report, text=plain), copies=(replace(group.copies[0], text=plain),))
    assert untold.agency is None  # a shared desk is no agency
    assert untold.wire_label == "Text first published by Coast Herald"
    # a credit line naming the outlet whose page it is is that page's footer; carried, it is a credit
    own = plain + "\n\n© 2026 Coast Herald. All rights reserved."
    assert Coverage(report=replace(group.report, text=own), copies=untold.copies).agency is None
    carried = (replace(group.copies[0], text=own),)
    assert Coverage(report=replace(group.report, text=own), copies=carried).wire_label == "Coast Herald text"
    [(_, moments)] = timeline(detail(replace(group.report, published=datetime(2026, 12, 6, tzinfo=UTC)),
                                     replace(group.copies[0], published=datetime(2026, 12, 6, 1, tzinfo=UTC))))
    assert [m.event for m in moments] == ["First report", "Carries Global Wire text"]


def test_a_copy_whose_original_left_is_shown_as_a_report() -> None:
    assert [g.report.id for g in coverage(detail(art(5, copy_of=99), art(6)))] == [5, 6]


@given(st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=12))
def test_coverage_shows_every_article_once(links: list[int]) -> None:
    articles = [art(i + 1, copy_of=(link if 0 < link < i + 1 else None)) for i, link in enumerate(links)]
    shown = [a.id for g in coverage(detail(*articles)) for a in (g.report, *g.copies)]
    # a copy of a copy is grouped under nothing; it must still appear exactly once
    nested = {a.id for a in articles if a.wire_copy_of and articles[a.wire_copy_of - 1].wire_copy_of}
    assert sorted(shown) == sorted(a.id for a in articles if a.id not in nested)


def test_reasons_stored_before_actions_were_recorded_in_words() -> None:
    # the grouper's note alone (it names stories by id), as stored by earlier versions
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
    # a text without names (a script without capitals) joins on the phrases it repeats
    assert why_together(art(8, note="joined by phrases+text"), story) == [
        "Joined on repeated phrases and wording."]
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




def test_recorded_actions_in_words() -> None:
    story = (art(1, "Courier"), art(2, "Post", copy_of=1, score=0.953, action="wire_copy", note="wire copy of 1"))
    joined = art(3, shared_names=["verel"], nearest="1", score=0.71234, action="joined", evidence=["names", "text"],
                 bar=0.7, note="joined by names+text")
    assert why_together(joined, story) == [
        "Names the same people, places or organisations: Verel.", "Closest to Courier: T1.",
        "Joined on shared names and wording.",
        "Scored 0.71 as a report of the same event (1 is certain, 0.70 needed to join)."]
    assert why_together(story[1], story) == ["Carries the same text as Courier (about 95% of the wording alike)."]
    started = art(4, score=0.6999, action="started", bar=0.7, other_story="story-31", note="anything")
    assert why_together(started, story) == [
        "Started this story: the closest open story scored 0.69 as the same event, under the 0.70 needed to "
        "join it."]
    assert why_together(art(4, action="started", bar=0.7), story) == [
        "Started this story: no open story shared enough of its names and words to weigh."]
    assert why_together(art(5, score=0.41, action="split_off", bar=0.5, other_story="story-2"), story) == [
        "Split off with the reports like it: the two groups in its earlier story scored 0.41 as one event "
        "(under 0.50)."]
    assert why_together(art(5, score=0.1, action="split_off", bar=0.2, evidence=["text"]), story)[0].endswith(
        "scored 0.10 alike in wording (under 0.20).")
    assert why_together(art(6, score=0.8, action="regrouped", bar=0.6, story_size=4), story) == [
        "Had started a story of its own; moved here when this story had 4 reports and it scored 0.80 against them."]
    assert why_together(art(7, action="moved", score=1.0, note="moved by a user"), story) == [
        "Moved into this story by a user."]
    assert why_together(art(7, action="split_out", note="split out by a user"), story) == [
        "Split out into a story of its own by a user."]
    assert why_together(art(7, action="merged", note="merged by a user into story-9"), story) == [
        "Merged into this story by a user."]
    # an action this version does not know, and a replayed one, say nothing rather than something wrong
    assert why_together(art(8, action="loaded", note="loaded"), story) == []
    assert why_together(art(8, action="teleported", note="teleported by story-3"), story) == []
