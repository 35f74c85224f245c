"""Exact restart: a grouper restored from ``state()`` plus a replay decides like one that never stopped."""

from __future__ import annotations

import random
import struct
from datetime import datetime, timedelta

import pytest

from progleton.settings import Settings
from progleton.stories import Assignment, Doc, StoryGrouper
from progleton.stories.state import STATE_VERSION

from .stream_news import T0, stream_docs

SETTINGS = Settings().replace(story_window_days=2)
SYLLABLES = "ka lo mi ne ru sa to vi da pe zu ha ri mo ke ta bu lin gor an es ur ol im".split()


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(3))


def _generated_stream(seed: int, stories: int = 40, per_story: int = 8, outlets: int = 0) -> list[Doc]:
    """Stories of a few kinds (shared topic words), each told by several outlets over two days
    (with ``outlets``, that many, each reporting a story more than once)."""
    rng = random.Random(seed)
    common = [_word(rng) for _ in range(300)]
    kinds = [[_word(rng) for _ in range(15)] for _ in range(4)]
    docs = []
    for s in range(stories):
        topic = kinds[s % len(kinds)]
        names = [_word(rng).capitalize() for _ in range(3)]
        facts = [_word(rng) for _ in range(6)]
        start = T0 + timedelta(hours=6 * s)
        for i in range(per_story):
            words = rng.sample(topic, 5) + rng.sample(facts, 3) + rng.sample(common, 12)
            words += [rng.choice(names), str(10 + s)]
            rng.shuffle(words)
            title = " ".join([*rng.sample(facts, 2), names[0], rng.choice(topic)])
            when = start + timedelta(hours=rng.uniform(0, 48))
            outlet = f"outlet{i % outlets if outlets else i}"
            docs.append(Doc(f"s{s}-{i}", "", outlet, title, " ".join(words) + ".", when))
    docs.sort(key=lambda d: (d.published, d.id))
    return docs


def _run_live(docs: list[Doc], upto: int) -> tuple[StoryGrouper, list[tuple[Doc, str, str | None]]]:
    live = StoryGrouper(SETTINGS)
    stored = []
    for doc in docs[:upto]:
        a = live.add(doc)
        stored.append((doc, a.story_id, a.wire_copy_of))
        assert doc.published is not None
        live.close_quiet(doc.published)  # the pipeline closes quiet stories after each update
    return live, stored


def _restart(
    state: bytes, stored: list[tuple[Doc, str, str | None]], now: datetime
) -> StoryGrouper:
    """What start-up does: restore, then load the stored docs of the last two windows in order."""
    restarted = StoryGrouper(SETTINGS)
    restarted.restore_state(state)
    since = min(now - 2 * restarted.window, StoryGrouper.replay_since(state) or now)
    replay = [row for row in stored if row[0].published and row[0].published >= since]
    replay.sort(key=lambda row: (row[0].published, row[0].id))  # the store's order
    for doc, story_id, wire_copy_of in replay:
        restarted.load(doc, story_id=story_id, wire_copy_of=wire_copy_of)
    return restarted


@pytest.mark.parametrize(("seed", "upto", "outlets"), [(0, 150, 0), (1, 200, 0), (2, 260, 0), (5, 200, 3)])
def test_restored_grouper_decides_like_one_that_never_restarted(seed: int, upto: int, outlets: int) -> None:
    """Also where outlets report a story more than once: their later reports are taken back
    out of the document frequencies (``Vocabulary.take_back``), live and in the replay alike."""
    docs = _generated_stream(seed, outlets=outlets)
    live, stored = _run_live(docs, upto)
    assert live.vocabulary.epoch > 10  # the weights moved many times before the restart
    restarted = _restart(live.state(), stored, stored[-1][0].published or T0)
    for doc in docs[upto:]:
        assert restarted.add(doc) == live.add(doc)
        assert doc.published is not None
        assert restarted.close_quiet(doc.published) == live.close_quiet(doc.published)
    assert restarted.stories() == live.stories()
    assert restarted.state() == live.state()


def test_restore_then_replay_of_the_hand_written_stream() -> None:
    docs = stream_docs()
    live, stored = _run_live(docs, 9)
    restarted = _restart(live.state(), stored, docs[8].published or T0)
    for doc in docs[9:]:
        assert restarted.add(doc) == live.add(doc)
    assert restarted.stories() == live.stories()


@pytest.mark.parametrize("outlets", [0, 3])
def test_docs_stored_after_the_state_load_as_usual(outlets: int) -> None:
    docs = _generated_stream(3, outlets=outlets)
    live, stored = _run_live(docs, 150)
    state = live.state()
    for doc in docs[150:160]:  # assigned, stored, but the process died before saving the state
        a = live.add(doc)
        stored.append((doc, a.story_id, a.wire_copy_of))
    restarted = _restart(state, stored, docs[159].published or T0)
    assert len(restarted) == len(live)
    assert restarted.vocabulary.docs == live.vocabulary.docs


def test_state_is_compact() -> None:
    docs = _generated_stream(4)
    live, _ = _run_live(docs, 300)
    state = live.state()
    assert len(state) < 64 * 1024
    assert StoryGrouper(SETTINGS).state() != state


def test_bad_or_old_state_raises_value_error() -> None:
    live, _ = _run_live(stream_docs(), 5)
    state = live.state()
    for bad in (b"", b"nonsense", state[:40], state[:-10], b"XXXX" + state[4:]):
        with pytest.raises(ValueError):
            StoryGrouper(SETTINGS).restore_state(bad)
    old = state[:4] + struct.pack("<B", STATE_VERSION + 1) + state[5:]
    with pytest.raises(ValueError, match="version"):
        StoryGrouper(SETTINGS).restore_state(old)
    with pytest.raises(ValueError, match="fresh"):
        live.restore_state(state)
    other = StoryGrouper(SETTINGS, params=live.params.__class__(max_candidates=3))
    with pytest.raises(ValueError, match="parameters"):
        other.restore_state(state)


def test_replay_since_reaches_back_to_the_oldest_open_member() -> None:
    docs = _generated_stream(5)
    live, _ = _run_live(docs, 120)
    since = StoryGrouper.replay_since(live.state())
    open_ids = {doc_id for story in live.stories() for doc_id in story.doc_ids}
    oldest = min(d.published or T0 for d in docs if d.id in open_ids)
    assert since == oldest
    assert StoryGrouper.replay_since(StoryGrouper(SETTINGS).state()) is None


def test_restore_with_corrections_replayed() -> None:
    docs = _generated_stream(6)
    live, stored = _run_live(docs, 140)
    open_stories = [s.story_id for s in live.stories() if len(s.doc_ids) > 1]
    moved_doc = live.stories()[-1].doc_ids[-1]
    corrections = [("move", moved_doc, None), ("merge", open_stories[0], open_stories[1])]
    state = live.state()
    live.move(moved_doc)
    live.merge(open_stories[0], open_stories[1])
    assert live.state() == state  # corrections need no new save: they are replayed from storage
    restarted = _restart(state, stored, stored[-1][0].published or T0)
    for kind, a, b in corrections:
        if kind == "move":
            restarted.move(a, b)
        else:
            assert b is not None
            restarted.merge(a, b)
    assert restarted.stories() == live.stories()
    for doc in docs[140:]:
        assert restarted.add(doc) == live.add(doc)
    assert restarted.state() == live.state()


def _replayed(docs: list[Doc], executor: object = None) -> StoryGrouper:
    grouper = StoryGrouper(SETTINGS)
    rows = [(d, f"story-{d.id.split('-')[0]}", None) for d in docs]
    grouper.load_many(rows, executor)  # type: ignore[arg-type]
    return grouper


def test_load_many_in_a_process_pool_replays_exactly_and_survives_the_pool_failing() -> None:
    """Texts read in other processes give the very same grouper; a pool that is shut down or
    loses a worker half-way leaves the rest to be read here, with the same result."""
    import multiprocessing
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor

    from progleton.stories import grouper as grouper_module

    docs = _generated_stream(3, stories=30, per_story=20)  # 600 docs: three batches of 256
    expected = _replayed(docs).state()
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=spawn) as pool:
        assert _replayed(docs, pool).state() == expected
        for pid in list(pool._processes):  # a worker killed: the pool is broken
            os.kill(pid, signal.SIGKILL)
        assert _replayed(docs, pool).state() == expected
    assert _replayed(docs, pool).state() == expected  # shut down
    assert grouper_module.LOAD_BATCH < len(docs)


def _assigned(docs: list[Doc], executor: object = None) -> tuple[list[Assignment], bytes]:
    grouper = StoryGrouper(SETTINGS)
    assignments = list(grouper.add_many(docs, executor))  # type: ignore[arg-type]
    return assignments, grouper.state()


def test_add_many_in_a_process_pool_assigns_exactly_and_survives_the_pool_failing() -> None:
    """A large update reads its texts in the extraction processes, ahead of the assigning: the
    very same assignments, reasons and state as one :meth:`add` after another, and a pool that
    is shut down or loses a worker half-way leaves the rest to be read here."""
    import multiprocessing
    import os
    import signal
    from concurrent.futures import ProcessPoolExecutor

    docs = _generated_stream(4, stories=30, per_story=20)  # 600 docs: three batches of 256
    one_by_one = StoryGrouper(SETTINGS)
    expected = ([one_by_one.add(d) for d in docs], one_by_one.state())
    assert _assigned(docs) == expected
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=spawn) as pool:
        assert _assigned(docs, pool) == expected
        for pid in list(pool._processes):  # a worker killed: the pool is broken
            os.kill(pid, signal.SIGKILL)
        assert _assigned(docs, pool) == expected
    assert _assigned(docs, pool) == expected  # shut down
