"""The facade under concurrency: `serve` groups new articles in the background while readers
correct stories and read pages."""

from __future__ import annotations

import asyncio
import random
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from progleton import Progleton, core, grouping, make_progleton
from progleton.pipeline import Updater

NOW = datetime.now(UTC)


def _docs(n: int, seed: int = 7) -> list[tuple[str, str]]:
    """(title, text) of ``n`` reports of a few dozen made-up events, interleaved."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(600)]
    events = [(rng.sample(words, 8), f"{rng.choice(words).title()} {rng.choice(words).title()}") for _ in range(40)]
    docs = []
    for _ in range(n):
        facts, name = rng.choice(events)
        sentences = [" ".join([*rng.sample(words, 6), *rng.sample(facts, 3), name]) + "." for _ in range(5)]
        docs.append((f"{name} {' '.join(rng.sample(facts, 3))}", " ".join(sentences)))
    return docs


def _save(p: Progleton, source_id: int, docs: list[tuple[str, str]], first: int,
          start: datetime = NOW - timedelta(hours=30)) -> None:
    """Store docs as fetched articles not yet in a story, a minute apart from ``start``."""
    items: list[tuple[dict[str, Any], Any]] = []
    for i, (title, text) in enumerate(docs, start=first):
        url = f"https://a.example/{i}"
        entry = {"guid": str(i), "link": url, "title": title, "summary": "", "content": "", "authors": [],
                 "published": None, "updated": None}
        article = {"url": url, "canonical_url": url, "title": title, "text": text, "html": "", "summary": "",
                   "authors": [], "published": start + timedelta(minutes=i), "updated": None,
                   "language": "en", "image": None, "site_name": None, "word_count": len(text.split()),
                   "warnings": [], "text_hash": str(i), "source_id": source_id, "extracted": True}
        items.append((entry, article))
    p.store.save_feeds([(source_id, {}, items)])


def _with_articles(url: str, docs: list[tuple[str, str]]) -> tuple[Progleton, int]:
    """A Progleton on ``url`` with one source and ``docs`` stored, not yet in stories."""
    p = make_progleton(url, extract_workers=1)
    source, _ = p.store.add_source("https://a.example/feed")
    _save(p, source.id, docs, 0)
    return p, source.id


def _memberships_agree(p: Progleton) -> list[int]:
    """Articles whose stored story is not the grouper's."""
    with p.grouping():
        return [row["id"] for row in p.store.assignments(since=NOW - timedelta(days=30))
                if row["story_id"] != p.grouper.story_of(str(row["id"]))]


def test_corrections_made_while_new_articles_are_grouped_are_not_lost(tmp_path: Path) -> None:
    docs = _docs(1_400)
    p, source_id = _with_articles(f"sqlite:///{tmp_path / 'p.db'}", docs[:300])
    p.assign_stories()
    _save(p, source_id, docs[300:], 300)
    grouped, errors = threading.Event(), []

    def group() -> None:
        try:
            p.assign_stories()
        except Exception as exc:  # reported below, with the thread's failure
            errors.append(exc)
        finally:
            grouped.set()

    rng = random.Random(1)
    ids = [a.id for s in p.stories(limit=20) for a in p.story(s.id).articles]
    thread = threading.Thread(target=group)
    thread.start()
    corrections = 0
    while not grouped.is_set() or corrections < 2:
        p.move_article(rng.choice(ids))
        top = p.stories(limit=8)
        p.merge_stories(top[0].id, top[-1].id)
        corrections += 2
    thread.join()
    assert not errors
    # before the lock, a merge made mid-grouping left ~100 of 1,400 articles in stories the
    # grouper no longer had (the grouping wrote what it had decided before the merge)
    assert _memberships_agree(p) == []
    assert not p.store.unassigned_articles()
    p.close()


def test_the_event_loop_keeps_running_while_an_update_groups(tmp_path: Path, monkeypatch: Any) -> None:
    p, _ = _with_articles(f"sqlite:///{tmp_path / 'p.db'}", _docs(800))
    grouping = threading.Event()
    assign = Updater.assign_stories

    def watched(updater: Updater) -> int:
        grouping.set()
        try:
            return assign(updater)
        finally:
            grouping.clear()

    monkeypatch.setattr(Updater, "assign_stories", watched)

    async def run() -> int:
        ticks_while_grouping = 0
        update = asyncio.create_task(p.update_async(source_ids=[]))
        while not update.done():
            ticks_while_grouping += grouping.is_set()  # another thread groups; this loop runs
            await asyncio.sleep(0.002)
        await update
        return ticks_while_grouping

    assert asyncio.run(run()) > 0
    assert not p.store.unassigned_articles()
    p.close()


def test_related_stories_are_weighed_unless_an_update_holds_the_grouper(tmp_path: Path, monkeypatch: Any) -> None:
    p, _ = _with_articles(f"sqlite:///{tmp_path / 'p.db'}", _docs(200))
    p.assign_stories()
    story = p.stories(limit=1)[0]
    split = p.move_article(p.story(story.id).articles[-1].id)
    weighed = p.related_stories(story.id)
    assert weighed[0].story.id == split and weighed[0].same_event is not None and weighed[0].same_event > 0.5
    assert weighed[0].shared_words  # the split-out report's headline shares the story's words

    monkeypatch.setattr(core, "RELATED_WAIT_S", 0.01)
    held, done = threading.Event(), threading.Event()

    def update_grouping() -> None:
        with p.grouping(changes=True):
            held.set()
            done.wait()

    thread = threading.Thread(target=update_grouping)
    thread.start()
    held.wait()
    try:
        unweighed = p.related_stories(story.id)
    finally:
        done.set()
        thread.join()
    # the headline candidates, unweighed, rather than a page that waits for the whole grouping
    assert split in [r.story.id for r in unweighed]
    assert all(r.same_event is None for r in unweighed)
    p.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """One database that two Progleton objects open, as two processes would."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'p.db'}"
    return str(request.getfixturevalue("postgres_url"))


def test_a_reader_corrects_what_another_process_grouped(shared_db: str) -> None:
    """`progleton serve` beside a cron `progleton update`: two processes, one database. Each
    rebuilds its grouper when the other has changed the grouping, so a correction of an
    article the other grouped works (it was NotFound: "no open doc"), and both end as a fresh
    start would see the stories."""
    url = shared_db
    docs = _docs(300)
    web, source_id = _with_articles(url, docs[:150])
    web.assign_stories()
    cron = make_progleton(url, extract_workers=1)
    _save(cron, source_id, docs[150:], 150)
    assert cron.assign_stories() == 150
    latest = max((a for s in web.stories(limit=60) for a in web.story(s.id).articles), key=lambda a: a.id)
    assert latest.id > 150  # grouped by the other process
    split = web.move_article(latest.id)
    top = web.stories(limit=2)
    web.merge_stories(top[0].id, top[1].id)
    assert _memberships_agree(web) == []
    _save(cron, source_id, _docs(40, seed=8), 300)
    cron.assign_stories()  # sees the web's corrections: the split-out article stays out
    assert cron.article(latest.id).story_id == split
    assert _memberships_agree(cron) == [] and _memberships_agree(web) == []
    fresh = make_progleton(url, extract_workers=1)
    stories = []
    for p in (fresh, web):
        with p.grouping():  # one at a time: a hold stands for a process's hold
            stories.append({s.story_id: s.doc_ids for s in p.grouper.stories()})
    assert stories[0] == stories[1]
    for p in (web, cron, fresh):
        p.close()


def test_two_processes_grouping_at_once_assign_each_article_once(shared_db: str) -> None:
    url = shared_db
    first, _ = _with_articles(url, _docs(600))
    second = make_progleton(url, extract_workers=1)
    counts: list[int] = []
    threads = [threading.Thread(target=lambda p=p: counts.append(p.assign_stories())) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 600]  # the second waited, then found nothing left to group
    assert _memberships_agree(first) == [] and _memberships_agree(second) == []
    first.close()
    second.close()


def test_a_rebuild_with_the_process_pool_groups_as_one_without(tmp_path: Path, monkeypatch: Any) -> None:
    """A large window is read again in the extraction processes: the same grouper, so the
    next articles are grouped alike."""
    from progleton.stories import Doc

    url = f"sqlite:///{tmp_path / 'p.db'}"
    p, _ = _with_articles(url, _docs(400))
    p.assign_stories()
    p.close()
    monkeypatch.setattr(grouping, "REBUILD_POOL_MIN", 100)
    pooled = make_progleton(url, extract_workers=2)  # the rebuild reads texts in two processes
    alone = make_progleton(url, extract_workers=1)  # no pool: read here
    with pooled.grouping():  # one at a time: each hold also locks the database's lock file
        assert pooled._executor is None
        grouper = pooled.grouper
        assert pooled._executor is not None  # the pool was started for it
    with alone.grouping():
        other = alone.grouper
    assert grouper.state() == other.state() and grouper.stories() == other.stories()
    for i, (title, text) in enumerate(_docs(60, seed=9)):
        doc = Doc(id=f"new{i}", url="", source="s", title=title, text=text, published=NOW + timedelta(minutes=i))
        assert grouper.add(doc) == other.add(doc)
    pooled.close()
    alone.close()


def test_a_large_batch_is_read_in_the_process_pool_and_grouped_as_without(tmp_path: Path, monkeypatch: Any) -> None:
    """An update of many articles reads their texts in the extraction processes, ahead of the
    assigning: the same stories as reading them here, and the next articles grouped alike."""
    from progleton import pipeline
    from progleton.stories import Doc, StoryGrouper

    monkeypatch.setattr(pipeline, "ASSIGN_POOL_MIN", 100)
    given: list[object] = []
    add_many = StoryGrouper.add_many
    monkeypatch.setattr(StoryGrouper, "add_many", lambda self, docs, executor=None: given.append(executor) or add_many(self, docs, executor))
    pooled_url, alone_url = f"sqlite:///{tmp_path / 'p.db'}", f"sqlite:///{tmp_path / 'a.db'}"
    pooled, _ = _with_articles(pooled_url, _docs(400))
    alone, _ = _with_articles(alone_url, _docs(400))
    pooled.close()
    pooled = make_progleton(pooled_url, extract_workers=2)
    assert pooled._process_pool() is not None  # as an update starts it for extraction
    assert pooled.assign_stories() == alone.assign_stories() == 400
    assert given == [pooled._executor, None]

    def stored(p: Progleton) -> list[tuple[int, str | None, str | None]]:
        return sorted((r["id"], r["story_id"], r["wire_copy_of"]) for r in p.store.assignments(since=NOW - timedelta(days=30)))

    assert stored(pooled) == stored(alone)
    with pooled.grouping(), alone.grouping():  # (their states differ only in when quiet stories were closed)
        assert pooled.grouper.stories() == alone.grouper.stories()
        for i, (title, text) in enumerate(_docs(60, seed=9)):
            doc = Doc(id=f"new{i}", url="", source="s", title=title, text=text, published=NOW + timedelta(minutes=i))
            assert pooled.grouper.add(doc) == alone.grouper.add(doc)
    pooled.close()
    alone.close()


def test_stories_closed_for_days_can_still_be_corrected_and_merged_ones_lead_on(tmp_path: Path) -> None:
    """A week-old story is closed (quiet for longer than story_window_days): the grouper no
    longer holds it, yet a reader can split an article out of it and merge it, and whoever
    asks for a merged story (or follows it) is led to where its articles went."""
    from progleton.exceptions import StoryMerged

    url = f"sqlite:///{tmp_path / 'p.db'}"
    p = make_progleton(url, extract_workers=1)
    source, _ = p.store.add_source("https://a.example/feed")
    old = {}
    for slug, title in (("ferry", "Ferry runs aground off Gull Point"), ("quay", "Quay closes for repairs"),
                        ("tram", "Tram line to the harbour approved")):
        old[slug] = p.store.add_article(
            {"url": f"https://a.example/{slug}", "canonical_url": f"https://a.example/{slug}", "title": title,
             "text": title + ". " + "The council met on Tuesday evening to discuss it. " * 5,
             "published": NOW - timedelta(days=10), "source_id": source.id},
            {"story_id": f"story-{slug}"})
    p.store.add_article(
        {"url": "https://a.example/second-ferry", "canonical_url": "https://a.example/second-ferry",
         "title": "Ferry refloated", "text": "The ferry was refloated at high tide.", "source_id": source.id,
         "published": NOW - timedelta(days=10)}, {"story_id": "story-ferry"})
    _save(p, source.id, [("Lighthouse museum opens at Gull Point", "The museum opened on Saturday. " * 5)], 100)
    p.assign_stories()
    museum = p.store.article_id_by_canonical_url("https://a.example/100") or 0
    fresh = p.store.get_article(museum).story_id
    assert fresh is not None and p.grouper.open_story_ids(["story-ferry", fresh]) == [fresh]
    reader = p.store.add_user("reader", "x")
    p.store.set_story_state(reader, "story-quay", followed=True)

    split = p.move_article(old["ferry"])
    assert split == f"story-{old['ferry']}~1" and p.story(split).articles[0].id == old["ferry"]
    assert [a.title for a in p.story("story-ferry").articles] == ["Ferry refloated"]

    assert p.merge_stories("story-tram", "story-quay") == "story-tram"
    assert p.store.followed_story_ids(reader) == ["story-tram"]
    with pytest.raises(StoryMerged) as merged:
        p.story("story-quay")
    assert merged.value.successor == "story-tram"

    # the open story survives a merge with a closed one, so that what the grouper adds lands there
    assert p.merge_stories("story-tram", fresh) == fresh
    assert {a.id for a in p.story(fresh).articles} >= {old["tram"], old["quay"]}
    assert p.store.merged_into("story-quay") == fresh and p.store.followed_story_ids(reader) == [fresh]
    p.close()

    again = make_progleton(url, extract_workers=1)  # a restart replays the corrections
    try:
        with again.grouping():
            assert again.grouper.story_of(str(museum)) == fresh
        assert again.story(fresh).story.article_count == 3
    finally:
        again.close()


def _end_grouping_lock_sessions(url: str) -> None:
    """What idle_session_timeout, a restarted pgbouncer or a firewall do to the lock's session."""
    from pg_locks import end_lock_sessions_at

    end_lock_sessions_at(url)


@pytest.mark.postgres
def test_an_update_whose_grouping_lock_is_lost_writes_no_grouping_and_says_so(
        postgres_url: str, monkeypatch: Any) -> None:
    from progleton.exceptions import GroupingLockLost

    p, _ = _with_articles(postgres_url, _docs(60))
    assign = Updater.assign_stories

    def lose_the_lock_first(updater: Updater) -> int:
        _end_grouping_lock_sessions(postgres_url)
        return assign(updater)

    monkeypatch.setattr(Updater, "assign_stories", lose_the_lock_first)
    with pytest.raises(GroupingLockLost, match="grouping lock was lost") as lost:
        p.update(source_ids=[])
    assert lost.value.result is not None and lost.value.result.sources == ()  # what was fetched
    assert len(p.store.unassigned_articles()) == 60  # nothing grouped without the lock
    monkeypatch.setattr(Updater, "assign_stories", assign)
    assert p.assign_stories() == 60  # the next update groups them, from a grouper built again
    assert _memberships_agree(p) == []
    p.close()


def test_a_correction_waits_for_another_process_grouping_a_bounded_time(shared_db: str, monkeypatch: Any) -> None:
    """A reader's move or merge while another process groups (a cron update) gives up with
    GroupingBusy (the web's 503) instead of waiting as long as that grouping takes; as does
    one waiting for this process's own update."""
    from progleton.exceptions import GroupingBusy
    from progleton.store import open_store

    monkeypatch.setattr(core, "CORRECTION_WAIT_S", 0.5)
    p, _ = _with_articles(shared_db, _docs(40))
    p.assign_stories()
    top = p.stories(limit=2)
    other_process = open_store(shared_db)
    outcome: list[object] = []

    def merge() -> None:
        try:
            outcome.append(p.merge_stories(top[0].id, top[1].id))
        except Exception as exc:  # looked at below
            outcome.append(exc)

    for holder in (other_process.grouping_lock(), p.grouping()):  # another process; another thread
        with holder:
            thread = threading.Thread(target=merge)
            thread.start()
            thread.join(timeout=20)
            assert not thread.is_alive(), "the merge waited for as long as the grouping held on"
        assert isinstance(outcome[-1], GroupingBusy) and "try again" in str(outcome[-1])
    assert p.merge_stories(top[0].id, top[1].id) == top[0].id  # not held: done at once
    other_process.close()
    p.close()


def test_an_update_stopped_as_its_grouping_thread_starts_ends_its_wait(
        shared_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """SIGTERM's SystemExit can be raised in the very step that starts the grouping thread,
    before it awaits it (a busy machine: the thread is already waiting for another process's
    lock). The task then ends with it and nothing cancels it: the wait was ended only on the
    CancelledError, so asyncio.run waited for the thread as long as the other process grouped
    (CI's SIGTERM test hung so under load)."""
    import functools

    from progleton.store import open_store

    p, _ = _with_articles(shared_db, _docs(3))
    waiting = threading.Event()

    to_thread = asyncio.to_thread

    async def to_thread_then_stopped(func: Any, /, *args: Any, **kwargs: Any) -> Any:
        if getattr(func, "__name__", "") != "_group":  # the update's other work in threads
            return await to_thread(func, *args, **kwargs)
        asyncio.get_running_loop().run_in_executor(None, functools.partial(func, *args, **kwargs))
        assert waiting.wait(20), "the grouping never waited"
        raise SystemExit(143)  # what the CLI's SIGTERM handler raises, here in this step

    monkeypatch.setattr(asyncio, "to_thread", to_thread_then_stopped)
    outcome: list[BaseException] = []

    def update() -> None:
        try:
            p.update(due_only=False, waiting=waiting.set)
        except BaseException as exc:  # looked at below
            outcome.append(exc)

    other_process = open_store(shared_db)
    with other_process.grouping_lock():
        thread = threading.Thread(target=update)
        thread.start()
        thread.join(timeout=20)
        stuck = thread.is_alive()
    thread.join()
    other_process.close()
    p.close()
    assert not stuck, "the update waited for the other process's grouping after it was stopped"
    assert len(outcome) == 1 and isinstance(outcome[0], SystemExit)


def test_a_wrong_merge_is_undone_and_each_story_keeps_its_id(tmp_path: Path) -> None:
    """QA merged story-3 into story-15 (the wrong way round), then moved articles back out:
    story-15 then held the other story, and its own articles were in story-15~1, so bookmarks
    of story-15 showed the wrong story. An unmerge puts the merged story's articles back under
    its own id, with the reasons they had, and leaves the other story its id and articles."""
    from progleton.exceptions import NotFound

    url = f"sqlite:///{tmp_path / 'p.db'}"
    p, source_id = _with_articles(url, _docs(120))
    p.assign_stories()
    a, b, c = [s.id for s in p.stories(limit=40) if s.article_count >= 2][:3]
    before = {s: {x.id: x.reasons for x in p.story(s).articles} for s in (a, b, c)}
    readers = {s: p.store.add_user(f"reader-{n}", "x") for n, s in enumerate((a, b))}
    for story_id, reader in readers.items():
        p.store.set_story_state(reader, story_id, followed=True)

    assert p.merge_stories(a, b) == a
    assert [x.reasons["from_story"] for x in p.story(a).articles if x.id in before[b]] == [b] * len(before[b])
    assert p.unmerge_story(b) == b
    for story_id in (a, b):
        assert {x.id: x.reasons for x in p.story(story_id).articles} == before[story_id]
    assert p.store.merged_into(b) is None and p.story_or_successor(b) == b
    assert p.store.followed_story_ids(readers[b]) == sorted([a, b])  # the merge's follow of a stays
    assert p.store.followed_story_ids(readers[a]) == [a]
    assert _memberships_agree(p) == []
    with pytest.raises(NotFound, match="no merge to undo"):
        p.unmerge_story(b)

    # merged twice over: undone in the reverse order
    p.merge_stories(a, b)
    p.merge_stories(c, a)
    with pytest.raises(NotFound, match=f"unmerge {a} first"):
        p.unmerge_story(b)
    p.unmerge_story(a)
    p.unmerge_story(b)
    for story_id in (a, b, c):
        assert {x.id: x.reasons for x in p.story(story_id).articles} == before[story_id]
    _save(p, source_id, _docs(40, seed=8), 300)
    p.assign_stories()
    assert _memberships_agree(p) == []
    p.close()

    again = make_progleton(url, extract_workers=1)  # a restart replays the corrections left
    try:
        assert _memberships_agree(again) == []
    finally:
        again.close()


def test_copies_of_a_text_dated_days_back_join_its_story_in_later_updates(tmp_path: Path) -> None:
    """News dated days back (a feed's first update, a backlog): its story was closed by the wall
    clock as soon as it was grouped, so a copy of the same text dated a day later, fetched in
    the next update, started a second story. Stories close by the news' own time."""
    rng = random.Random(3)
    words = ["".join(rng.choice("bdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3)) for _ in range(80)]
    text = "The Kestrel Falls council approved the bridge. " + " ".join(rng.choice(words) for _ in range(200))
    url = f"sqlite:///{tmp_path / 'p.db'}"
    p = make_progleton(url, extract_workers=1)
    sources = [p.store.add_source(f"https://o{i}.example/feed")[0].id for i in range(4)]
    p.close()
    for day, source in enumerate(sources):  # one update a day's copies, each after a restart
        p = make_progleton(url, extract_workers=1)
        # dated three days back, then two, one and none
        _save(p, source, [("Bridge plan approved", text)], 10 * day, NOW - timedelta(days=3 - day))
        p.assign_stories()
        p.close()
    p = make_progleton(url, extract_workers=1)
    try:
        rows = sorted(p.store.assignments(since=NOW - timedelta(days=30)), key=lambda r: r["published"])
        assert len({r["story_id"] for r in rows}) == 1
        assert [r["wire_copy_of"] for r in rows] == [None] + [rows[0]["id"]] * 3
    finally:
        p.close()
