"""Property tests on the pure parts: determinism, identical docs, scores, features."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from progleton.stories import Doc, StoryGrouper
from progleton.stories.features import article_features, names
from progleton.stories.scoring import score_grouping

WORDS = st.sampled_from(
    "earthquake Izmir Turkey magnitude rescuers rubble Hokkaido Japan tsunami power Reid rehab "
    "Lohan court Meta data appeal minister said killed injured 6.4 7.1 14 2013 Monday the a of".split()
)
TEXTS = st.lists(WORDS, min_size=0, max_size=60).map(" ".join)
DOCS = st.lists(st.tuples(TEXTS, TEXTS, st.integers(0, 96)), min_size=1, max_size=12)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _docs(raw: list[tuple[str, str, int]]) -> list[Doc]:
    return [
        Doc(f"d{i}", "", f"outlet{i % 3}", title, text, T0 + timedelta(hours=h))
        for i, (title, text, h) in enumerate(sorted(raw, key=lambda r: r[2]))
    ]


@settings(max_examples=40, deadline=None)
@given(DOCS)
def test_assignment_is_deterministic_for_an_order(raw: list[tuple[str, str, int]]) -> None:
    docs = _docs(raw)
    first, second = StoryGrouper(), StoryGrouper()
    assert [first.add(d) for d in docs] == [second.add(d) for d in docs]
    assert first.stories() == second.stories()


@settings(max_examples=40, deadline=None)
@given(DOCS, st.data())
def test_a_doc_identical_to_an_earlier_one_is_a_wire_copy(raw: list, data: st.DataObject) -> None:
    docs = _docs(raw)
    grouper = StoryGrouper()
    assignments = [grouper.add(d) for d in docs]
    pick = data.draw(st.integers(0, len(docs) - 1))
    original = docs[pick]
    if not original.text.strip():
        return  # nothing to copy
    copy = Doc("copy", "", "other", original.title, original.text, docs[-1].published)
    a = grouper.add(copy)
    assert a.wire_copy_of is not None
    by_id = {x.doc_id: x for x in assignments}
    assert by_id[a.wire_copy_of].wire_copy_of is None  # points at an original, not a copy
    assert a.story_id == grouper.story_of(a.wire_copy_of)


@settings(max_examples=30, deadline=None)
@given(DOCS)
def test_load_replay_rebuilds_the_same_stories(raw: list[tuple[str, str, int]]) -> None:
    docs = _docs(raw)
    live = StoryGrouper()
    stored = {}  # what the pipeline stores: the latest assignment of each doc (splits move some)
    for d in docs:
        a = live.add(d)
        stored.update({x.doc_id: x for x in (a, *a.regrouped)})
    replayed = StoryGrouper()
    for d in docs:
        replayed.load(d, story_id=stored[d.id].story_id, wire_copy_of=stored[d.id].wire_copy_of)
    assert replayed.stories() == live.stories()


LABELS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=40)


@given(LABELS)
def test_scores_are_bounded_and_perfect_on_identity(pairs: list[tuple[int, int]]) -> None:
    predicted, gold = [p for p, _ in pairs], [g for _, g in pairs]
    s = score_grouping(predicted, gold)
    for value in (s.pairwise_precision, s.pairwise_recall, s.pairwise_f1, s.bcubed_f1):
        assert 0.0 <= value <= 1.0
    assert -1.0 <= s.ari <= 1.0 + 1e-9
    perfect = score_grouping(gold, gold)
    assert perfect.pairwise_f1 in (0.0, 1.0) and perfect.bcubed_f1 == 1.0


@given(TEXTS, TEXTS)
def test_features_are_pure_and_lower_case(title: str, text: str) -> None:
    a, b = article_features(title, text), article_features(title, text)
    assert a == b
    assert all(k[:2] in {"w:", "t:", "n:", "d:"} and k == k.lower() for k in a.counts)
    assert all(n == n.lower() and n.strip() for n in names(title + ". " + text))


# Any text at all: every alphabet, marks, digits of other scripts, emoji, lone surrogates.
ANY_TEXT = st.text(max_size=300) | st.lists(
    st.sampled_from(["Москве", "Präsident", "地震发生", "東京の", "١٢٣", "½", "É", "ǅ", "İstanbul",
                     "ß", "ﬁ", "—", "’s", "🙂", ".", "。", " ", "\u0301", "\ud800"]),
    max_size=40,
).map("".join)


@given(ANY_TEXT, ANY_TEXT)
def test_features_of_any_text_are_pure_and_lower_case(title: str, text: str) -> None:
    a, b = article_features(title, text), article_features(title, text)
    assert a == b
    assert all(k[:2] in {"w:", "t:", "n:", "d:"} and len(k) > 2 for k in a.counts)
    assert all(k == k.lower() for k in a.counts if k[:2] != "d:")
