"""The storage contract, run against SQLite and the local PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from progleton.exceptions import NotFound
from progleton.store import open_store
from progleton.store.base import KnownEntry
from progleton.store.sql import SQLStore


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SQLStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")  # only when this parameter runs
    s = open_store(url)
    try:
        yield s
    finally:
        s.close()


def _article(source_id: int, n: int, **extra: object) -> dict[str, object]:
    return {
        "url": f"https://news.example/{n}?utm_source=feed", "canonical_url": f"https://news.example/{n}",
        "title": f"Harbour bridge closes after crack found {n}",
        "text": f"Engineers closed the Kestrel harbour bridge on Tuesday number {n}.",
        "authors": ["Ana Ruiz"], "warnings": [], "source_id": source_id, "text_hash": f"h{n}",
        "published": datetime(2026, 11, 25, 8, n % 60, tzinfo=UTC), **extra,
    }


def _seed_texts(store: SQLStore, texts: dict[int, tuple[str, str, str]]) -> dict[int, int]:
    """One source with an article per numbered (title, text, language), each its own story:
    their ids by number."""
    source, _ = store.add_source("https://a.example/feed")
    return {n: store.add_article(_article(source.id, n, title=title, text=text, language=lang),
                                 {"story_id": f"s{n}", "reasons": {}})
            for n, (title, text, lang) in texts.items()}


def test_sources_round_trip(store: SQLStore) -> None:
    source, created = store.add_source("https://a.example/feed", title="A", groups=["uk", "daily"])
    again, created_again = store.add_source("https://a.example/feed")
    assert created and not created_again and again.id == source.id
    assert store.get_source(source.id).groups == ("daily", "uk")
    store.update_source(source.id, last_status="error", last_error="boom", error_count=2)
    listed = store.list_sources()
    assert [(s.last_status, s.last_error, s.error_count) for s in listed] == [("error", "boom", 2)]
    store.set_source_groups(source.id, ["world"])
    assert store.get_source(source.id).groups == ("world",)
    store.remove_source(source.id)
    with pytest.raises(NotFound):
        store.get_source(source.id)


def test_due_sources_respects_schedule_and_retired(store: SQLStore) -> None:
    now = datetime.now(UTC)
    due, _ = store.add_source("https://a.example/feed")
    later, _ = store.add_source("https://b.example/feed")
    gone, _ = store.add_source("https://c.example/feed")
    store.update_source(later.id, next_fetch_at=now + timedelta(hours=1))
    store.update_source(gone.id, retired=True)
    assert [s.id for s in store.due_sources(now)] == [due.id]


def test_waiting_sources_are_those_of_a_status_not_yet_due(store: SQLStore) -> None:
    """What an update reads of the sources whose server asked for time, without counting
    every source's articles as the listing does."""
    now = datetime.now(UTC)
    waiting, _ = store.add_source("https://a.example/feed")
    passed, _ = store.add_source("https://b.example/feed")
    failing, _ = store.add_source("https://c.example/feed")
    store.update_source(waiting.id, last_status="rate limited", next_fetch_at=now + timedelta(hours=1))
    store.update_source(passed.id, last_status="rate limited", next_fetch_at=now - timedelta(minutes=1))
    store.update_source(failing.id, last_status="error", next_fetch_at=now + timedelta(hours=1))
    assert [s.id for s in store.waiting_sources("rate limited", now)] == [waiting.id]
    store.update_source(waiting.id, retired=True)
    assert store.waiting_sources("rate limited", now) == []


def test_due_sources_are_taken_by_one_update_at_a_time(store: SQLStore) -> None:
    now = datetime.now(UTC)
    due, _ = store.add_source("https://a.example/feed")
    gone, _ = store.add_source("https://c.example/feed")
    store.update_source(gone.id, retired=True)
    until = now + timedelta(hours=1)
    assert [s.id for s in store.claim_due_sources(now, until, limit=10)] == [due.id]
    assert store.claim_due_sources(now, until, limit=10) == []  # another update, meanwhile: nothing left
    assert [s.id for s in store.claim_due_sources(until, until + timedelta(hours=1), limit=10)] == [due.id]  # a dead one's


def test_due_sources_are_taken_a_few_at_a_time_the_longest_due_first(store: SQLStore) -> None:
    now = datetime.now(UTC)
    ids = [store.add_source(f"https://s{i}.example/feed")[0].id for i in range(5)]
    for i, source_id in enumerate(ids[:4]):  # the last was never fetched: due first
        store.update_source(source_id, next_fetch_at=now - timedelta(minutes=10 * (5 - i)))
    until = now + timedelta(hours=1)
    taken = [[s.id for s in store.claim_due_sources(now, until, limit=2)] for _ in range(4)]
    assert taken == [sorted([ids[4], ids[0]]), sorted(ids[1:3]), [ids[3]], []]


def test_sources_an_update_did_not_finish_are_given_back(store: SQLStore) -> None:
    now = datetime.now(UTC)
    first, _ = store.add_source("https://a.example/feed")
    second, _ = store.add_source("https://b.example/feed")
    until = now + timedelta(hours=1)
    store.claim_due_sources(now, until, limit=10)
    store.update_source(first.id, next_fetch_at=now + timedelta(minutes=30))  # its update was written
    store.release_sources([first.id, second.id], until, now)
    assert [s.id for s in store.due_sources(now)] == [second.id]


def test_an_update_of_every_source_takes_those_no_other_update_has(store: SQLStore) -> None:
    """`update --all` took no source: two at once, or one beside a plain update, fetched every
    feed twice."""
    now = datetime.now(UTC)
    until = now + timedelta(hours=1)
    due, _ = store.add_source("https://a.example/feed")
    later, _ = store.add_source("https://b.example/feed")
    gone, _ = store.add_source("https://c.example/feed")
    store.update_source(later.id, next_fetch_at=now + timedelta(hours=3))
    store.update_source(gone.id, retired=True)
    everything = [due.id, later.id, gone.id]
    assert [s.id for s in store.claim_sources(everything, now, until)] == [due.id, later.id]
    assert store.claim_sources(everything, now, until) == []  # a second `--all` meanwhile
    assert store.claim_due_sources(now, until, limit=10) == []  # a plain update: `due` is taken
    by_id = {s.id: s for s in store.list_sources()}
    assert by_id[later.id].next_fetch_at == now + timedelta(hours=3)  # its schedule is its own
    store.update_source(due.id, claimed_until=None)  # its fetch was written
    assert [s.id for s in store.claim_due_sources(now, until, limit=10)] == [due.id]
    store.release_sources([later.id], until, now)  # stopped before `later` was written
    assert [s.id for s in store.claim_sources(everything, now, until)] == [later.id]
    # a taker that died: free once its hour has passed
    assert [s.id for s in store.claim_sources(everything, until, until + timedelta(hours=1))] == [due.id, later.id]


def test_the_sources_of_a_taker_that_no_longer_runs_are_taken_back(store: SQLStore) -> None:
    """Who took each source is kept with the claim (``claimed_by``); the claims of takers found
    dead are freed at once, due now where the claim had put their next fetch off."""
    now = datetime.now(UTC)
    until = now + timedelta(hours=1)
    due, _ = store.add_source("https://a.example/feed")
    later, _ = store.add_source("https://b.example/feed")
    live, _ = store.add_source("https://c.example/feed")
    store.update_source(later.id, next_fetch_at=now + timedelta(hours=3))
    assert [s.id for s in store.claim_due_sources(now, until, limit=1, by="dead")] == [due.id]
    assert [s.id for s in store.claim_sources([later.id], now, until, by="dead")] == [later.id]
    assert [s.id for s in store.claim_due_sources(now, until, limit=1, by="live")] == [live.id]
    assert store.source_claimers(now) == ["dead", "live"]
    assert store.source_claimers(until) == []  # a claim past its hour is no one's
    assert store.take_back_claims(["dead"], now) == 2
    assert store.source_claimers(now) == ["live"]
    by_id = {s.id: s for s in store.list_sources()}
    assert by_id[due.id].next_fetch_at == now  # due again now, not in an hour
    assert by_id[later.id].next_fetch_at == now + timedelta(hours=3)  # its schedule is its own
    assert [s.id for s in store.claim_sources([due.id, later.id, live.id], now, until, by="next")] == [due.id, later.id]


@pytest.mark.postgres
def test_updates_of_every_source_at_once_take_each_once(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(4)]
    try:
        ids = [stores[0].add_source(f"https://s{i}.example/feed")[0].id for i in range(200)]
        now = datetime.now(UTC)
        taken = _in_threads(4, lambda i: [s.id for s in stores[i].claim_sources(ids, now, now + timedelta(hours=1))])
        assert sorted(i for part in taken for i in part) == sorted(ids)  # type: ignore[attr-defined]
    finally:
        for s in stores:
            s.close()


def _in_threads(count: int, work: object) -> list[object]:
    """``work(i)`` in ``count`` threads started together."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    start = threading.Barrier(count)

    def go(i: int) -> object:
        start.wait()
        return work(i)  # type: ignore[operator]

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


@pytest.mark.postgres
def test_updates_at_once_divide_the_due_sources(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(4)]
    try:
        ids = {stores[0].add_source(f"https://s{i}.example/feed")[0].id for i in range(200)}
        now = datetime.now(UTC)
        taken = _in_threads(4, lambda i: [s.id for s in stores[i].claim_due_sources(now, now + timedelta(hours=1), limit=1000)])
        assert sorted(i for part in taken for i in part) == sorted(ids)  # each once, none left

        def a_few_at_a_time(i: int) -> list[int]:
            mine: list[int] = []
            while taken := stores[i].claim_due_sources(later, later + timedelta(hours=1), limit=7):
                mine += [s.id for s in taken]
            return mine

        later = now + timedelta(hours=2)  # all due again
        shares = _in_threads(4, a_few_at_a_time)
        assert sorted(i for part in shares for i in part) == sorted(ids)
        assert all(shares)  # each update took a share
    finally:
        for s in stores:
            s.close()


@pytest.mark.postgres
def test_processes_storing_the_same_articles_at_once_store_each_once(postgres_url: str) -> None:
    """Two updates of one feed at once: the later insert of an article skips it (before: a
    duplicate-key error failed the batch) and both point their entries at the one stored."""
    stores = [open_store(postgres_url) for _ in range(3)]
    try:
        source, _ = stores[0].add_source("https://a.example/feed")
        items = [({"guid": f"g{n}", "link": f"https://news.example/{n}", "title": "t", "authors": []},
                  _article(source.id, n, html="", summary="", word_count=1, extracted=True)) for n in range(300)]
        _in_threads(3, lambda i: stores[i].save_feeds([(source.id, {"last_status": "ok"}, items)]))
        with stores[0].engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*), count(DISTINCT canonical_url) FROM articles")).one() == (300, 300)
            assert conn.execute(sa.text("SELECT count(*) FROM entries WHERE article_id IS NOT NULL")).scalar() == 300
    finally:
        for s in stores:
            s.close()


def test_pages_due_again_are_taken_a_bounded_number_per_source(store: SQLStore) -> None:
    """A source with thousands of pages waiting holds back no other source's, and a removed
    source's articles are not asked for again."""
    now = datetime.now(UTC)
    busy, _ = store.add_source("https://busy.example/feed")
    quiet, _ = store.add_source("https://quiet.example/feed")
    fields = {"html": "", "summary": "", "word_count": 1, "extracted": False}

    def waiting(source_id: int, numbers: range, hours_ago: int) -> list[tuple[dict[str, object], object]]:
        return [({"guid": f"g{n}", "link": f"https://news.example/{n}", "title": "t", "authors": []},
                 _article(source_id, n, **fields, page_retry_at=now - timedelta(hours=hours_ago, minutes=n)))
                for n in numbers]

    store.save_feeds([(busy.id, {"last_status": "ok"}, waiting(busy.id, range(30), 3)),
                      (quiet.id, {"last_status": "ok"}, waiting(quiet.id, range(100, 101), 1))])
    due = store.due_page_retries(now, 20)
    assert sum(r["source_id"] == busy.id for r in due) == 20 and sum(r["source_id"] == quiet.id for r in due) == 1
    assert next(r["url"] for r in due if r["source_id"] == busy.id) == _article(busy.id, 29)["url"]  # longest waiting
    store.remove_source(busy.id)
    assert [r["source_id"] for r in store.due_page_retries(now, 20)] == [quiet.id]


def test_corrections_are_dated_in_utc(store: SQLStore) -> None:
    store.add_correction("merge", story_id="s2", into_story_id="s1")
    assert store.corrections()[0]["created_at"].tzinfo is UTC


def test_the_first_value_stored_is_kept(store: SQLStore) -> None:
    assert store.first_meta("secret_key", "a") == "a"
    assert store.first_meta("secret_key", "b") == "a"
    store.set_meta("secret_key", "c")
    assert store.get_meta("secret_key") == "c"


@pytest.mark.postgres
def test_processes_starting_at_once_keep_one_secret_key(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(4)]
    try:
        assert len(set(_in_threads(4, lambda i: stores[i].first_meta("secret_key", f"key-{i}")))) == 1
    finally:
        for s in stores:
            s.close()


def test_articles_stories_and_search(store: SQLStore) -> None:
    source, _ = store.add_source("https://a.example/feed", title="Kestrel Post")
    first = store.add_article(_article(source.id, 1), {"story_id": "s1", "reasons": {"note": "new story"}})
    second = store.add_article(_article(source.id, 2, title="Bridge shut"),
                               {"story_id": "s1", "wire_copy_of": first, "reasons": {"score": 0.9}})
    assert store.article_id_by_canonical_url("https://news.example/1") == first
    detail = store.get_story("s1")
    assert [a.id for a in detail.articles] == [first, second]
    assert detail.story.article_count == 2 and detail.story.outlet_count == 1
    assert detail.copies_of(first)[0].id == second
    assert detail.articles[0].published.tzinfo is not None  # type: ignore[union-attr]
    assert [s.id for s in store.top_stories(limit=10)] == ["s1"]
    hits = store.search("kestrel")
    assert {h.article.id for h in hits} == {first, second}
    assert "<mark>" in hits[0].highlight.lower() or "kestrel" in hits[0].highlight.lower()
    assert store.search('"harbour bridge" -shut')  # phrases and exclusion never raise
    assert store.search('"unclosed') == [] or True
    store.set_story_membership(second, "s2", {"note": "moved by a user"})
    assert store.get_story("s1").story.article_count == 1
    assert store.get_story("s2").articles[0].id == second


def test_stories_by_id_and_any_of_several_words(store: SQLStore) -> None:
    """What related stories are made of: a search for any of a story's headline words, then
    those stories by id."""
    source, _ = store.add_source("https://a.example/feed", title="Kestrel Post")
    store.add_article(_article(source.id, 1), {"story_id": "s1"})
    store.add_article(_article(source.id, 2, title="Ferry strike", text="Crews walk out."), {"story_id": "s2"})
    store.add_article(_article(source.id, 3, title="Budget", text="The council met."), {"story_id": "s3"})
    hits = store.search('"ferry" OR "council" OR "nothingmatches"', limit=10)
    assert {h.article.story_id for h in hits} == {"s2", "s3"}
    assert sorted(s.id for s in store.top_stories(limit=10, ids=["s3", "s1", "unknown"])) == ["s1", "s3"]
    assert store.top_stories(limit=10, ids=[]) == []


def test_assign_articles_refreshes_the_stories_that_lose_members(store: SQLStore) -> None:
    """A split moves earlier members to a new story: both stories' counts follow."""
    source, _ = store.add_source("https://a.example/feed", title="Kestrel Post")
    ids = [store.add_article(_article(source.id, n), {"story_id": "s1", "reasons": {}}) for n in range(1, 5)]
    assert store.get_story("s1").story.article_count == 4
    store.assign_articles([
        {"article_id": i, "story_id": "s1~s9", "title": "t", "reasons": {"note": "split out of s1"}}
        for i in ids[2:]
    ])
    assert store.get_story("s1").story.article_count == 2
    moved = store.get_story("s1~s9")
    assert [a.id for a in moved.articles] == ids[2:] and moved.story.article_count == 2
    assert moved.articles[0].reasons["note"] == "split out of s1"


def test_a_word_finds_its_other_forms_and_a_quoted_word_only_itself(store: SQLStore) -> None:
    """"earthquake" finds "earthquakes", "injuries" finds "injury", "gunmen" finds "gunman", a
    Russian word the words of its stem; exclusion leaves out every form; quotes and phrases match as written."""
    texts = {
        1: ("Earthquake shakes coast", "One injury was reported.", "en"),
        2: ("Two earthquakes in a week", "Several injuries, no deaths.", "en"),
        3: ("Ferry service resumes", "Buses replace the ferries for a day.", "en"),
        4: ("Толчки ощутили в Листвянке", "Жители Листвянки вышли на улицу.", "ru"),
        5: ("Землетрясение у Листвянка", "Эпицентр у посёлка Листвянка.", "ru"),
        6: ("Gunmen seize school", "The children were freed; the crisis is over.", "en"),
        7: ("A gunman and a child", "Officials spoke of crises elsewhere.", "en"),
        8: ("Two trains collided", "Rescuers carried the injured; the line stopped.", "en"),
        9: ("Trains may collide, a report warns", "Signals stop working in the cold; lines needed "
            "repairs, banned from service.", "en"),
    }
    number = {article_id: n for n, article_id in _seed_texts(store, texts).items()}
    found = lambda q: {number[h.article.id] for h in store.search(q)}  # noqa: E731
    assert found("earthquake") == found("Earthquakes") == {1, 2}
    assert found('"earthquake"') == {1} and found('"earthquakes"') == {2}
    assert found("injuries") == found("injury") == {1, 2}
    assert found("ferry") == {3} and found("bus") == {3}
    assert found("Листвянка") == found("листвянки") == {4, 5}
    assert found('"Листвянка"') == {5}
    assert found("earthquake -injuries") == set() and found("ferry OR earthquakes") == {1, 2, 3}
    assert found('"two earthquakes"') == {2}
    assert found("gunman") == found("gunmen") == found("children") == found("crisis") == {6, 7}
    assert all("<mark>" in h.highlight for h in store.search("injuries"))  # either form is marked
    assert found("collide") == {8, 9} and found("carry") == {8} and found("stop") == {8, 9}
    assert found("collided") == {8}  # a past form finds itself: "united" must not find "unit"
    assert found("need") == {9} and found("ban") == {9}
    from progleton.store.query import parse_query

    assert "thing" not in parse_query("the").must[0][0].forms


@pytest.mark.parametrize(("word", "text"), [
    ("tarsk", "TARSK (Global Wire) - The Tarsk dam gave way before dawn, the water board said."),
    ("大坝", "塔尔斯克（环球通讯社）大坝在黎明前决堤，水务局说。"),  # the substring scan of unspaced scripts
])
def test_a_search_that_folds_copies_has_one_hit_per_wire_text(store: SQLStore, word: str, text: str) -> None:
    """One agency text carried by 30 outlets was 30 hits: 19 of a page's 20 were the same text.
    Folded, it is one hit, its original, counting the 30 others; each page holds as many hits
    as asked for and the next starts where it ended. A search not folding finds every copy."""
    wire, _ = store.add_source("https://wire.example/feed", title="Global Wire")
    carriers, _ = store.add_source("https://carriers.example/feed", title="Carriers")
    original = store.add_article(_article(wire.id, 0, title="Dam gives way", text=text),
                                 {"story_id": "dam", "reasons": {}})
    copies = [store.add_article(_article(carriers.id, n, title="Dam gives way", text=text),
                                {"story_id": "dam", "wire_copy_of": original, "reasons": {}}) for n in range(1, 31)]
    own = [store.add_article(_article(wire.id, n, title=f"{word} inquiry {n}", text=f"{word} and more {n}"),
                             {"story_id": "dam", "reasons": {}}) for n in range(31, 34)]
    folded = store.search(word, limit=50, fold_copies=True)
    assert sorted(h.article.id for h in folded) == sorted([original, *own])
    assert {h.article.id: h.folded_copies for h in folded} == {original: 30, **dict.fromkeys(own, 0)}
    paged = [h.article.id for offset in (0, 2) for h in store.search(word, limit=2, offset=offset, fold_copies=True)]
    assert paged == [h.article.id for h in folded]
    assert len(store.search(word, limit=50)) == 34 and all(h.folded_copies == 0 for h in store.search(word))
    # the original not among the matches (filtered out): the best of its copies stands for the others
    from progleton.store import SearchFilters

    carried = store.search(word, limit=50, filters=SearchFilters(source_ids=[carriers.id]), fold_copies=True)
    assert [(h.article.id in copies, h.folded_copies) for h in carried] == [(True, 29)]


def test_an_arabic_or_hebrew_word_finds_it_with_and_without_the_definite_article(store: SQLStore) -> None:
    """The article is written onto the word ("المدينة", the city; "העיר"): "مدينة" found only
    the texts that had it bare. Both ways now, and behind "and", "in", "to" ("والمدينة",
    "بالمدينة", "للمدينة", "והעיר"); not where too little is left ("الله" is no "له", for him)."""
    texts = {
        1: ("انفجار يهز المدينة", "هز انفجار قوي المدينة القديمة صباح اليوم.", "ar"),
        2: ("انقطاع الكهرباء", "انقطعت الكهرباء عن مدينة كاملة لساعات.", "ar"),
        3: ("احتفالات", "خرج الناس بالمدينة وللمدينة عيد.", "ar"),
        4: ("شكر", "قال له الوزير شكرا.", "ar"),
        5: ("دعاء", "الله أكبر.", "ar"),
        6: ("שריפה", "השריפה פרצה בלב העיר העתיקה.", "he"),
        7: ("הפסקת חשמל", "עיר שלמה נותרה ללא חשמל.", "he"),
        8: ("חגיגות", "תושבים יצאו לרחובות והעיר חגגה.", "he"),
        9: ("Ferry", "The ferry left the harbour.", "en"),
    }
    number = {article_id: n for n, article_id in _seed_texts(store, texts).items()}
    found = lambda q: {number[h.article.id] for h in store.search(q)}  # noqa: E731
    assert found("مدينة") == found("المدينة") == {1, 2, 3}
    assert found('"مدينة"') == {2} and found('"المدينة"') == {1}  # quoted: as written
    assert found("له") == {4} and found("الله") == {5}
    assert found("مدينة -عيد") == {1, 2}
    assert found("עיר") == found("העיר") == {6, 7, 8}
    assert found("ferry") == {9} and found("the") == {9}


def test_an_arabic_word_is_found_with_or_without_the_hamza_on_its_alef_and_its_vowel_marks(store: SQLStore) -> None:
    """"احمد" found only "احمد", not "أحمد", "إحمد" or "آحمد", and nothing found "مُحَمَّد"
    (SQLite cut it into one-letter words). Now the four alefs are one, both ways, with the
    article too; vowel marks and tatweel are not read; a quoted word is read the same way."""
    texts = {
        1: ("أحمد يفوز", "فاز أحمد بالسباق.", "ar"),
        2: ("إحمد", "قال إحمد إن الطريق مغلق.", "ar"),
        3: ("آحمد", "وصل آحمد صباحا.", "ar"),
        4: ("احمد", "غادر احمد المدينة.", "ar"),
        5: ("زيارة", "زار مُحَمَّد العـــاصمة، وقال أيضاً إن الأحمر لونه.", "ar"),
        6: ("ترحيب", "رحب محمد بالعاصمة ايضا.", "ar"),
        7: ("Ferry", "The ferry left the harbour.", "en"),
    }
    number = {article_id: n for n, article_id in _seed_texts(store, texts).items()}
    found = lambda q: {number[h.article.id] for h in store.search(q)}  # noqa: E731
    assert found("احمد") == found("أحمد") == found("إحمد") == found("آحمد") == found('"أحمد"') == {1, 2, 3, 4}
    assert found("محمد") == found("مُحَمَّد") == {5, 6}
    assert found("أيضا") == found("ايضاً") == {5, 6}
    assert found("العاصمة") == found("عاصمة") == {5, 6}  # tatweel, and the article behind "in"
    assert found("احمر") == found("أحمر") == {5}  # "الأحمر", the red, with the article
    assert found('"مُحَمَّد العاصمة"') == {5}
    assert found("ferry") == {7}


def test_an_arabic_word_finds_the_other_spellings_of_its_last_letter_not_other_words(store: SQLStore) -> None:
    """Teh marbuta typed as ه ("مدرسه") finds "مدرسة"; a final ya without its dots (Egyptian
    spelling, "مصرى") and an alef maqsura with them ("مستشفي") find each other. Not where
    they are other words: "عملة" (currency) is no "عمله" (his work), "علي" (Ali) no "على" (on)."""
    texts = {
        1: ("مدرسة", "افتتحت مدرسة جديدة.", "ar"),
        2: ("عملة", "تراجعت العملة أمام الدولار.", "ar"),
        3: ("عمل", "أنهى الموظف عمله مبكرا.", "ar"),
        4: ("مستشفى", "نقل المصابون إلى المستشفى.", "ar"),
        5: ("منتخب", "فاز المنتخب المصرى أمس.", "ar"),
        6: ("منتخب", "المنتخب المصري يتأهل.", "ar"),
        7: ("لقاء", "التقى علي بالوزير.", "ar"),
        8: ("اجتماع", "اتفقوا على الموعد.", "ar"),
    }
    number = {article_id: n for n, article_id in _seed_texts(store, texts).items()}
    found = lambda q: {number[h.article.id] for h in store.search(q)}  # noqa: E731
    assert found("مدرسه") == found("مدرسة") == {1}
    assert found("عملة") == {2} and found("العملة") == {2}
    assert found("مستشفي") == found("المستشفى") == {4}
    assert found("مصري") == found("المصرى") == {5, 6}
    assert found("علي") == {7} and found("على") == {8}


def test_a_snippet_marks_the_words_the_search_matched(store: SQLStore) -> None:
    """PostgreSQL's snippet (ts_headline) read the stored text without the index's folds, so
    "cafe" found "café" and marked nothing, nor "احمد" "أحمد"; both databases mark the words
    matched, forms and all, around the matches."""
    texts = {
        1: ("Café", "Far from here. " * 20 + "The café in Zürich reopened; its cafés were full.", "en"),
        2: ("أحمد", "فاز أحمد بالسباق وقال مُحَمَّد إن المدينة احتفلت.", "ar"),
        3: ("Листвянка", "Жители Листвянки вышли на улицу.", "ru"),
    }
    number = {n: article_id for n, article_id in _seed_texts(store, texts).items()}
    marked = lambda q: [h.highlight for h in store.search(q)]  # noqa: E731
    [cafe] = marked("cafe")
    assert "The <mark>café</mark> in" in cafe and "<mark>cafés</mark>" in cafe and cafe.startswith("…")
    [arabic] = marked("احمد محمد مدينة")
    assert "<mark>أحمد</mark>" in arabic and "<mark>مُحَمَّد</mark>" in arabic and "<mark>المدينة</mark>" in arabic
    [russian] = marked("Листвянка")
    assert "<mark>Листвянки</mark>" in russian
    assert [h.article.id for h in store.search("Zurich")] == [number[1]]


def test_search_input_is_never_a_syntax_error(store: SQLStore) -> None:
    source, _ = store.add_source("https://a.example/feed")
    store.add_article(_article(source.id, 1), {"story_id": "s1", "reasons": {}})
    for query in ['"', "OR", "-", "AND (", "NEAR(", "title:x", "*", "a OR OR b", "'; DROP TABLE articles; --"]:
        store.search(query)
    assert store.get_article(1).title


def test_entries_unique_per_source_and_guid(store: SQLStore) -> None:
    source, _ = store.add_source("https://a.example/feed")
    entry = {"guid": "g1", "link": "https://news.example/1", "title": "t", "authors": []}
    store.save_feeds([(source.id, {"last_status": "ok"}, [(entry, None), (entry, None)])])
    store.save_feeds([(source.id, {}, [(entry, None)])])
    assert set(store.known_entries(source.id, ["g1", "g2"])) == {"g1"}
    assert store.get_source(source.id).last_status == "ok"


def _record(source_id: int, url: str, text: str) -> dict[str, object]:
    return {
        "url": url, "canonical_url": url, "title": "Bridge closes", "text": text, "html": f"<p>{text}</p>",
        "summary": text, "authors": ["Ana Ruiz"], "published": datetime(2026, 11, 25, 8, tzinfo=UTC),
        "updated": None, "language": "en", "image": None, "site_name": None, "word_count": 3,
        "warnings": [], "text_hash": f"hash of {text}", "source_id": source_id, "extracted": True,
    }


def _entry(guid: str) -> dict[str, object]:
    return {"guid": guid, "link": None, "title": "t", "summary": "", "content": "", "authors": [],
            "published": None, "updated": None}


def test_save_feeds_stores_each_page_and_each_text_of_a_source_once(store: SQLStore) -> None:
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    same = "Engineers closed the bridge."
    store.save_feeds([
        (a.id, {"last_status": "ok", "etag": '"v1"'}, [
            (_entry("1"), _record(a.id, "https://a.example/1", same)),
            (_entry("2"), _record(a.id, "https://a.example/1", same)),  # the same page twice
            (_entry("3"), _record(a.id, "https://a.example/1-amp", same)),  # same source, same text
        ]),
        (b.id, {"last_status": "ok"}, [
            (_entry("1"), _record(b.id, "https://b.example/x", same)),  # another source: its own article (a wire copy)
        ]),
    ])
    first = store.article_id_by_canonical_url("https://a.example/1")
    other = store.article_id_by_canonical_url("https://b.example/x")
    assert first is not None and other is not None and first != other
    assert store.article_id_by_canonical_url("https://a.example/1-amp") is None
    # A later batch: a stored URL and a stored text of the same source point at the stored article.
    store.save_feeds([(a.id, {"etag": '"v2"'}, [
        (_entry("4"), _record(a.id, "https://a.example/1", "changed text")),
        (_entry("5"), _record(a.id, "https://a.example/print/1", same)),
    ])])
    assert store.article_id_by_canonical_url("https://a.example/print/1") is None
    assert set(store.known_entries(a.id, ["1", "2", "3", "4", "5"])) == {"1", "2", "3", "4", "5"}
    with store.engine.connect() as conn:
        pointed = dict(conn.execute(sa.text("SELECT guid, article_id FROM entries WHERE source_id = :s"),
                                    {"s": a.id}).all())
    assert pointed == {"1": first, "2": first, "3": first, "4": first, "5": first}
    assert store.get_source(a.id).etag == '"v2"'
    assert store.get_article(first).authors == ("Ana Ruiz",)
    assert store.get_article(first).published == datetime(2026, 11, 25, 8, tzinfo=UTC)


def test_profiles_corrections_meta(store: SQLStore) -> None:
    store.put_site_profile("a.example", '{"v": 1}')
    store.put_site_profile("a.example", '{"v": 2}')
    assert store.get_site_profile("a.example") == '{"v": 2}'
    store.add_correction("merge", story_id="s2", into_story_id="s1")
    assert [c["kind"] for c in store.corrections()] == ["merge"]
    store.set_meta("k", "v1")
    store.set_meta("k", "v2")
    assert store.get_meta("k") == "v2"


def test_reopening_keeps_everything(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    first = open_store(url)
    first.add_source("https://a.example/feed")
    first.close()
    second = open_store(url)
    assert len(second.list_sources()) == 1
    with second.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    second.close()


def test_search_filters_by_source_time_and_language(store: SQLStore) -> None:
    from progleton.store import SearchFilters

    a, _ = store.add_source("https://a.example/feed", title="Kestrel Post")
    b, _ = store.add_source("https://b.example/feed", title="Valley Ledger")
    store.add_article(_article(a.id, 1, language="en"), {"story_id": "s1", "reasons": {}})
    store.add_article(_article(b.id, 2, language="de", canonical_url="https://b.example/2",
                               published=datetime(2026, 10, 1, tzinfo=UTC)), {"story_id": "s1", "reasons": {}})
    ids = lambda f: {h.article.source_id for h in store.search("kestrel", filters=f)}  # noqa: E731
    assert ids(None) == {a.id, b.id}
    assert ids(SearchFilters(source_ids=[b.id])) == {b.id}
    assert ids(SearchFilters(language="en")) == {a.id}
    assert ids(SearchFilters(after=datetime(2026, 11, 1, tzinfo=UTC))) == {a.id}
    assert ids(SearchFilters(before=datetime(2026, 11, 1, tzinfo=UTC))) == {b.id}
    assert ids(SearchFilters(source_ids=[])) == set()


def test_chinese_japanese_korean_and_thai_words_are_found_inside_longer_tokens(store: SQLStore) -> None:
    """The indexes see a clause without spaces as one token, and a Korean word with its particle
    ("화재로") as one; such queries match substrings."""
    from progleton.store import SearchFilters

    texts = {
        1: ("四川泸定发生6.8级地震", "中国地震台网正式测定，四川甘孜州泸定县发生6.8级地震，磨西镇房屋受损。", "zh"),
        2: ("云南昆明暴雨引发城市内涝", "受强降雨影响，云南昆明多条道路出现积水，地震局提醒注意。", "zh"),
        3: ("東京都で震度5強の地震", "東京都で震度5強の地震があり、気象庁は津波の心配はないと発表した。", "ja"),
        4: ("해운대 아파트 화재로 2명 병원 이송", "부산 해운대구의 한 아파트 화재로 주민 2명이 병원으로 이송됐다.", "ko"),
        5: ("แผ่นดินไหวขนาด 6.2 เขย่าเชียงใหม่", "เกิดเหตุแผ่นดินไหวในจังหวัดเชียงใหม่เมื่อเช้าวันจันทร์", "th"),
    }
    _seed_texts(store, texts)
    found = lambda q, f=None: [h.article.title for h in store.search(q, filters=f)]  # noqa: E731
    assert found("磨西镇") == [texts[1][0]]
    # headline matches first, then newest; every term must match; -terms exclude
    assert found("地震") == [texts[3][0], texts[1][0], texts[2][0]]
    assert found("地震 四川") == [texts[1][0]]
    assert found("地震 -四川") == [texts[3][0], texts[2][0]]
    assert found("地震", SearchFilters(language="ja")) == [texts[3][0]]
    assert found("地%") == [] and found('"地震') != []  # LIKE wildcards are literal; quotes need not close
    hit = store.search("磨西镇")[0]
    assert "<mark>磨西镇</mark>" in hit.highlight
    assert found("화재") == found("해운대구") == [texts[4][0]]  # "화재로", "해운대구의"
    assert found("เชียงใหม่") == [texts[5][0]]  # Thai puts spaces between phrases, not words


def test_sqlite_search_ranks_the_newest_window_of_matches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from progleton.store import sqlite

    monkeypatch.setattr(sqlite, "RANK_WINDOW", 3)
    store = open_store(f"sqlite:///{tmp_path / 'w.db'}")
    try:
        source, _ = store.add_source("https://a.example/feed")
        for n in range(10):
            store.add_article(_article(source.id, n, canonical_url=f"https://a.example/{n}",
                                       text="kestrel " * (10 - n)), {"story_id": "s1", "reasons": {}})
        hits = store.search("kestrel", limit=10)
        assert [h.article.id for h in hits] == [8, 9, 10]  # the newest three, best (most kestrel) first
        assert all("<mark>" in h.highlight for h in hits)
    finally:
        store.close()


def test_save_feeds_stores_large_batches_whole(store: SQLStore) -> None:
    """Many rows go in statements of a few fixed sizes; none may be lost or doubled."""
    source, _ = store.add_source("https://a.example/feed")
    items = [(_entry(f"g{n}"), _record(source.id, f"https://a.example/{n}", f"text number {n}")) for n in range(700)]
    store.save_feeds([(source.id, {"last_status": "ok"}, items)])
    store.save_feeds([(source.id, {}, items[:10])])  # already stored: nothing doubles
    with store.engine.connect() as conn:
        counts = conn.execute(sa.text("SELECT (SELECT count(*) FROM entries), (SELECT count(*) FROM articles)")).one()
    assert tuple(counts) == (700, 700)
    assert store.article_id_by_canonical_url("https://a.example/699") is not None


def test_statement_sizes_cover_every_row_in_few_shapes() -> None:
    from progleton.store.sql_util import _statement_sizes

    for rows in range(0, 1200, 7):
        sizes = _statement_sizes(rows, 256)
        assert sum(sizes) == rows and set(sizes) <= {256, 128, 64, 32, 16, 8, 4, 2, 1}


def test_grouping_lock_is_held_by_one_store_at_a_time(store: SQLStore) -> None:
    """Two stores on one database stand for two processes (the web reader, a cron update)."""
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    try:
        with store.grouping_lock() as held:
            assert held
            with other.grouping_lock(wait=False) as other_held:
                assert not other_held
        with other.grouping_lock(wait=False) as other_held:
            assert other_held
            with store.grouping_lock(wait=False) as held:
                assert not held
        with store.grouping_lock(wait=False) as held:
            assert held  # released on leaving, also after a refusal
    finally:
        other.close()


def test_search_finds_numbers_hyphenated_words_and_hosts_on_both_databases(store: SQLStore) -> None:
    """PostgreSQL's parser keeps "4.2", "67-year-old" and "fennick.gov.uk" whole; the query side
    reads words; both databases find them alike."""
    source, _ = store.add_source("https://a.example/feed")
    text = ("Fares rise 4.2 per cent, says fennick.gov.uk; the 67-year-old driver wrote to "
            "info@fennick.gov.uk about the U.S. route and O'Brien's Mid-2025 plan.")
    store.add_article(_article(source.id, 1, text=text, title="Fares rise"), {"story_id": "s1", "reasons": {}})
    for query in ("4.2", '"4.2 per cent"', "67-year-old", '"67-year-old driver"', "year", "fennick.gov.uk", "gov",
                  "U.S.", "O'Brien", "2025", "info@fennick.gov.uk"):
        assert [h.article.id for h in store.search(query)] == [1], query


def test_search_folds_accents_on_both_databases(store: SQLStore) -> None:
    source, _ = store.add_source("https://a.example/feed")
    text = "Grève at the café in Zürich; Seán Müller flew on from São Paulo, naïve as ever."
    store.add_article(_article(source.id, 1, text=text, title="Grève"), {"story_id": "s1", "reasons": {}})
    for query in ("greve", "cafe", "Zurich", "Sean", "Muller", '"Sao Paulo"', "naive", "café", "Zürich"):
        assert [h.article.id for h in store.search(query)] == [1], query


def test_an_article_longer_than_a_tsvector_holds_is_stored_and_found(store: SQLStore) -> None:
    """150,000 distinct words, over PostgreSQL's 1 MB tsvector: the feed's entries are stored
    (before, none of them was, on every update) and the article is found by its start."""
    source, _ = store.add_source("https://a.example/feed")
    huge = "Quillington opens. " + " ".join(f"w{i}x" for i in range(150_000))
    fields = {"html": "", "summary": "", "updated": None, "language": None, "image": None, "site_name": None,
              "word_count": 0, "extracted": True}
    items = [({"guid": "huge", "link": "https://a.example/huge", "title": "Huge", "authors": []},
              _article(source.id, 1, text=huge, title="Huge", **fields)),
             ({"guid": "small", "link": "https://a.example/small", "title": "Small", "authors": []},
              _article(source.id, 2, **fields))]
    store.save_feeds([(source.id, {"last_status": "ok"}, items)])
    assert [h.article.title for h in store.search("Quillington")] == ["Huge"]
    assert [h.article.id for h in store.search("Kestrel")] == [2]


def test_a_story_that_runs_for_days_is_headed_by_its_latest_day(store: SQLStore) -> None:
    """The fullest independent report of the story's last 24 hours heads it: a wildfire that
    broke out on Monday and was contained on Wednesday reads "contained"."""
    source, _ = store.add_source("https://a.example/feed")
    start = datetime(2026, 11, 23, 8, tzinfo=UTC)
    for n, (title, words, hours) in enumerate((("Wildfire breaks out above Larchmont", 900, 0),
                                               ("Crews fight the Larchmont wildfire", 400, 20),
                                               ("Larchmont wildfire contained", 150, 50),
                                               ("Evacuees return to Larchmont", 120, 52)), start=1):
        store.add_article(_article(source.id, n, title=title, text="word " * words, word_count=words,
                                   published=start + timedelta(hours=hours)), {"story_id": "fire", "reasons": {}})
        if n == 2:  # after a day of news, the fullest report still leads
            assert store.get_story("fire").story.title == "Wildfire breaks out above Larchmont"
    assert store.get_story("fire").story.title == "Larchmont wildfire contained"


def test_a_headline_the_feed_changed_is_shown_and_searched(store: SQLStore) -> None:
    source, _ = store.add_source("https://a.example/feed")
    fields = {"html": "", "summary": "", "updated": None, "language": None, "image": None, "site_name": None,
              "word_count": 0, "extracted": True}
    entry = {"guid": "g1", "link": "https://a.example/1", "title": "Bridge closes", "authors": []}
    store.save_feeds([(source.id, {"last_status": "ok"}, [(entry, _article(source.id, 1, **fields))])])
    article_id = store.article_id_by_canonical_url("https://news.example/1")
    assert article_id is not None and store.known_entries(source.id, ["g1", "g2"]) == {"g1": KnownEntry("Bridge closes", article_id)}
    change = {"guid": "g1", "title": "CORRECTED: Quillington bridge reopens", "article_id": article_id,
              "headline": "CORRECTED: Quillington bridge reopens"}
    store.save_feeds([(source.id, {"last_status": "ok", "_headlines": [change]}, [])])
    assert store.get_article(article_id).title == "CORRECTED: Quillington bridge reopens"
    assert [h.article.id for h in store.search("Quillington reopens")] == [article_id]
    assert store.known_entries(source.id, ["g1"])["g1"][0] == "CORRECTED: Quillington bridge reopens"
    assert store.get_source(source.id).last_status == "ok"


def test_search_follows_an_articles_edits_and_removal(store: SQLStore) -> None:
    """What is searched is the article as it is now: the headline and text the feed changed, not
    the words they replaced; a change of other columns leaves it found; a removed article is not
    found. On PostgreSQL the stored vector (migration 0014) is the document made afresh."""
    source, _ = store.add_source("https://a.example/feed")
    fields = {"html": "", "summary": "", "updated": None, "language": None, "image": None, "site_name": None,
              "word_count": 0, "extracted": True}
    entries = [{"guid": f"g{n}", "link": f"https://a.example/{n}", "title": "Bridge closes", "authors": []}
               for n in (1, 2)]
    store.save_feeds([(source.id, {"last_status": "ok"}, [
        (entries[0], _article(source.id, 1, title="Quillington ferry sails", text="The ferry left at dawn.", **fields)),
        (entries[1], _article(source.id, 2, title="Ferry fares rise", text="Fares rise by a tenth.", **fields))])])
    first = store.article_id_by_canonical_url("https://news.example/1")
    second = store.article_id_by_canonical_url("https://news.example/2")
    found = lambda q: sorted(h.article.id for h in store.search(q))  # noqa: E731
    assert found("Quillington") == [first] and found("ferry") == sorted([first, second])
    text = "Storms kept the Marlowe boats in port."
    store.save_feeds([(source.id, {"last_status": "ok", "_headlines": [
        {"guid": "g1", "title": "Marlowe ferry cancelled", "article_id": first, "headline": "Marlowe ferry cancelled"}],
        "_texts": [{"guid": "g1", "entry_summary": text, "entry_content": "", "article_id": first, "text": text,
                    "html": f"<p>{text}</p>", "summary": text, "word_count": 7, "text_hash": text}]}, [])])
    assert found("Quillington") == [] and found("dawn") == [] and found("storms") == [first]
    assert found('"Marlowe ferry"') == [first] and found("ferry") == sorted([first, second])
    store.remove_source(source.id)  # writes other columns of both articles
    assert found("Marlowe") == [first] and found("fares") == [second]
    with store.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM articles WHERE id = :id"), {"id": second})
    assert found("fares") == [] and found("ferry") == [first]
    if store.engine.dialect.name == "postgresql":
        from progleton.store.postgres import _DOCUMENT

        with store.engine.connect() as conn:
            assert conn.execute(sa.text(f"SELECT bool_and(search_vector = {_DOCUMENT}) FROM articles")).scalar()


def test_an_article_whose_headline_or_text_the_feed_changed_is_dated_by_the_change(store: SQLStore) -> None:
    """A corrected headline or a rewritten text left the article's `updated` as it was, so its
    story's feed did not move and feed readers missed the change. It takes the time the feed
    gives the change, when later than the article's own, else the time the change was seen."""
    source, _ = store.add_source("https://a.example/feed")
    published = datetime(2026, 11, 25, 8, 1, tzinfo=UTC)
    entry = {"guid": "g1", "link": "https://a.example/1", "title": "Bridge closes", "authors": []}
    fields = {"html": "", "summary": "", "updated": None, "language": None, "image": None, "site_name": None,
              "word_count": 0, "extracted": False}
    store.save_feeds([(source.id, {"last_status": "ok"}, [(entry, _article(source.id, 1, **fields))])])
    article_id = store.article_id_by_canonical_url("https://news.example/1")
    assert article_id is not None and store.get_article(article_id).updated is None

    def change(updated: datetime | None, headline: str = "", text: str = "") -> datetime | None:
        feed: dict[str, Any] = {"last_status": "ok"}
        if headline:
            feed["_headlines"] = [{"guid": "g1", "title": headline, "article_id": article_id, "headline": headline,
                                   "updated": updated}]
        if text:
            feed["_texts"] = [{"guid": "g1", "entry_summary": text, "entry_content": "", "article_id": article_id,
                               "text": text, "html": f"<p>{text}</p>", "summary": text, "word_count": 3,
                               "text_hash": text, "updated": updated}]
        store.save_feeds([(source.id, feed, [])])
        return store.get_article(article_id).updated

    edited = published + timedelta(hours=2)
    assert change(edited, headline="Bridge closes for a week") == edited  # the feed's own time
    before = datetime.now(UTC)
    seen = change(None, text="Engineers found two cracks.")  # no time given: when it was seen
    assert seen is not None and before <= seen <= datetime.now(UTC)
    before = datetime.now(UTC)
    later = change(edited, headline="Bridge closes for two weeks", text="Engineers found three cracks.")
    assert later is not None and later >= before  # a time not later than the last change's: when seen
    assert store.get_article(article_id).title == "Bridge closes for two weeks"


def test_a_removed_source_or_saved_search_never_lends_its_id_to_a_new_one(store: SQLStore) -> None:
    # Ids are in users' notes and feed addresses: the newest row removed must not pass its id on.
    first, _ = store.add_source("https://one.example/feed")
    last, _ = store.add_source("https://two.example/feed")
    store.remove_source(last.id)
    again, _ = store.add_source("https://three.example/feed")
    assert again.id not in (first.id, last.id)
    user = store.add_user("reader", "x")
    search = store.add_saved_search(user, "ferries", "ferry")
    store.delete_saved_search(user, search)
    assert store.add_saved_search(user, "quakes", "earthquake") != search


def test_an_untitled_sources_articles_go_by_one_outlet_name(store: SQLStore) -> None:
    source, _ = store.add_source("https://feeds.example/news.xml")  # no title
    linked = store.add_article({"url": "https://cdn.example/a", "canonical_url": "https://cdn.example/a",
                                "title": "Linked", "source_id": source.id}, {"story_id": "story-1"})
    unlinked = store.add_article({"url": "urn:progleton:entry:1:x", "canonical_url": "urn:progleton:entry:1:x",
                                  "title": "Unlinked", "source_id": source.id}, {"story_id": "story-1"})
    assert {store.get_article(i).outlet for i in (linked, unlinked)} == {"feeds.example"}
    assert store.get_story("story-1").story.outlets == ("feeds.example",)


def _pending_row(guid: str, title: str, first_seen: datetime, reason: str = "more new entries than max_new_entries"
                 ) -> dict[str, object]:
    entry = {"entry": {"id": guid, "title": title, "authors": ["Ana Ruiz"], "published": "2026-11-25T08:00:00+00:00"},
             "text": {"summary_text": "Engineers closed the bridge.\x00 \u202e Ωμέγα"}}
    return {"guid": guid, "entry": entry, "reason": reason, "first_seen": first_seen}


def test_pending_entries_are_written_once_replaced_taken_and_expired(store: SQLStore) -> None:
    """Pending entries go in with their source's entries and state, in one transaction; a row
    written again replaces itself (never a duplicate key), one taken goes, and those waiting since
    before a time go for every source."""
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    now = datetime.now(UTC).replace(microsecond=0)
    old = now - timedelta(days=20)
    rows = [_pending_row("g1", "One", now), _pending_row("g2", "Two", old)]
    for _ in range(2):  # a batch written again after a failure
        store.save_feeds([(a.id, {"last_status": "ok", "_pending_entries": {"write": rows, "delete": []}}, []),
                          (b.id, {"_pending_entries": {"write": [_pending_row("g1", "B", old)]}}, [])])
    stored = store.pending_entries(a.id)
    assert [(p.guid, p.entry, p.reason, p.first_seen) for p in stored] == \
           [(r["guid"], r["entry"], r["reason"], r["first_seen"]) for r in reversed(rows)]  # the longest waiting first
    assert store.get_source(a.id).last_status == "ok"

    changed = _pending_row("g1", "One, corrected", now, reason="page postponed: time ran out")
    entry = {"guid": "g2", "link": None, "title": "Two", "authors": []}
    store.save_feeds([(a.id, {"_pending_entries": {"write": [changed], "delete": ["g2"]}}, [(entry, None)])])
    assert [(p.guid, p.entry["entry"]["title"], p.reason) for p in store.pending_entries(a.id)] == \
           [("g1", "One, corrected", "page postponed: time ran out")]
    assert set(store.known_entries(a.id, ["g2"])) == {"g2"}  # taken: stored, and no longer pending
    store.save_feeds([(a.id, {}, [({**entry, "guid": "g1"}, None)])])  # stored by another update meanwhile
    known, waiting = store.known_and_pending(a.id, ["g3"])
    assert set(known) == {"g1"} and [p.guid for p in waiting] == ["g1"]  # a pending one's guid is looked up too

    assert store.expire_pending_entries(now - timedelta(days=14)) == 1  # b's
    assert store.pending_entries(b.id) == [] and [p.guid for p in store.pending_entries(a.id)] == ["g1"]


def test_a_removed_sources_pending_entries_go_with_it(store: SQLStore) -> None:
    a, _ = store.add_source("https://a.example/feed")
    b, _ = store.add_source("https://b.example/feed")
    now = datetime.now(UTC)
    for source in (a, b):
        store.save_feeds([(source.id, {"_pending_entries": {"write": [_pending_row("g1", "One", now)]}}, [])])
    store.remove_source(a.id)
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT source_id FROM pending_entries")).scalars().all() == [b.id]


@pytest.mark.postgres
def test_processes_writing_the_same_pending_entries_at_once_write_each_once(postgres_url: str) -> None:
    stores = [open_store(postgres_url) for _ in range(3)]
    try:
        source, _ = stores[0].add_source("https://a.example/feed")
        now = datetime.now(UTC)
        rows = [_pending_row(f"g{n}", f"Report {n}", now) for n in range(300)]
        _in_threads(3, lambda i: stores[i].save_feeds([(source.id, {"_pending_entries": {"write": rows}}, [])]))
        assert len(stores[0].pending_entries(source.id)) == 300
    finally:
        for s in stores:
            s.close()


@pytest.mark.parametrize("title", ["Huge Feed", None])
def test_a_removed_sources_articles_keep_its_name(store: SQLStore, title: str | None) -> None:
    """`progleton remove` stops a source; its articles stay, and were shown as "127.0.0.1:8810"
    (their own address) instead of the source's name. An article whose page named its site
    keeps that name where the source had no title, as before the removal."""
    source, _ = store.add_source("http://127.0.0.1:8810/huge.xml", title=title)
    other, _ = store.add_source("https://b.example/feed", title="Morning Ledger")
    ids = [store.add_article(_article(source.id, n, url=f"http://127.0.0.1:8810/huge/{n}",
                                      canonical_url=f"http://127.0.0.1:8810/huge/{n}", site_name=site),
                             {"story_id": "story-1", "reasons": {}})
           for n, site in ((1, None), (2, "The Huge Site"))]
    store.add_article(_article(other.id, 3), {"story_id": "story-1", "reasons": {}})
    named = {i: store.get_article(i).outlet for i in ids}
    outlets = store.get_story("story-1").story.outlets
    store.remove_source(source.id)
    assert {i: store.get_article(i).outlet for i in ids} == named
    assert store.get_story("story-1").story.outlets == outlets
    assert store.get_article(ids[0]).outlet == (title or "127.0.0.1:8810")
    assert [a.outlet for a in store.get_story("story-1").articles if a.id in ids] == [named[i] for i in ids]
    with pytest.raises(NotFound):
        store.remove_source(source.id)


def test_removed_sources_count_as_the_outlets_they_were(store: SQLStore) -> None:
    """Articles of removed sources have no source id: every removed outlet had counted as one
    outlet, and a story of three outlets, two of them removed, ranked as one of two."""
    first, _ = store.add_source("https://a.example/feed", title="Harbour Post")
    second, _ = store.add_source("https://b.example/feed", title="Valley Times")
    third, _ = store.add_source("https://c.example/feed", title="Morning Ledger")
    for n, source in enumerate((first, second), 1):
        store.add_article(_article(source.id, n), {"story_id": "story-1", "reasons": {}})
    before = store.get_story("story-1").story
    store.remove_source(first.id)
    store.remove_source(second.id)
    store.add_article(_article(third.id, 3), {"story_id": "story-1", "reasons": {}})  # the story is recounted
    after = store.get_story("story-1").story
    assert (before.outlet_count, before.independent_count) == (2, 2)
    assert (after.outlet_count, after.independent_count) == (3, 3)
    assert after.outlets == ("Harbour Post", "Morning Ledger", "Valley Times")


def test_a_merge_forgotten_is_no_longer_replayed_or_followed(store: SQLStore) -> None:
    """What an unmerge asks of the store: the latest merge of a story, forgotten (no redirect,
    no replay), and its readers' states, kept since the merge, its own again."""
    source, _ = store.add_source("https://a.example/feed")
    for n, story_id in ((1, "story-a"), (2, "story-b")):
        store.add_article(_article(source.id, n), {"story_id": story_id, "reasons": {}})
    stays, stops = store.add_user("stays", "x"), store.add_user("stops", "x")
    for user in (stays, stops):
        store.set_story_state(user, "story-b", followed=True)
    store.add_correction("merge", story_id="story-b", into_story_id="story-a")
    store.carry_story_states("story-b", "story-a")
    store.set_story_membership(store.article_id_by_canonical_url("https://news.example/2") or 0, "story-a", {})
    assert store.followed_story_ids(stays) == ["story-a"] and store.merged_into("story-b") == "story-a"
    store.set_story_state(stops, "story-a", followed=False)
    assert store.last_merge("story-b") == "story-a" and store.last_merge("story-a") is None
    store.set_story_membership(store.article_id_by_canonical_url("https://news.example/2") or 0, "story-b", {})
    store.forget_merge("story-b")
    store.restore_story_states("story-b", "story-a")
    assert store.last_merge("story-b") is None and store.merged_into("story-b") is None
    assert [c["kind"] for c in store.corrections()] == []
    assert store.followed_story_ids(stays) == ["story-a", "story-b"] and store.followed_story_ids(stops) == []
    with pytest.raises(NotFound):
        store.forget_merge("story-b")


@pytest.mark.parametrize("number", [2**31, 10**20])
def test_an_id_past_what_the_database_holds_is_not_found(store: SQLStore, number: int) -> None:
    """`/api/v1/articles/3000000000` answered 500 on PostgreSQL (its ids are 32-bit: "integer
    out of range"), and `progleton move 99999999999999999999` a traceback on SQLite (past 64
    bits): an id no row can have names nothing, as an unknown one does."""
    source, _ = store.add_source("https://a.example/feed")
    store.add_article(_article(source.id, 1), {"story_id": "s1", "reasons": {}})
    for lookup in (store.get_article, store.get_source, lambda n: store.set_story_membership(n, "s1", {})):
        with pytest.raises(NotFound, match=f"{number}|nothing with that number"):
            lookup(number)
    assert store.get_article(1).story_id == "s1"  # the store goes on working
