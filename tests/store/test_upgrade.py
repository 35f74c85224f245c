"""A database made by the first schema (migration 0001), with a reader's data in every table,
opens with today's Progleton and keeps everything: what the first versions wrote is rebuilt
here by the old migration and rows of the shapes those versions stored (their reasons, their
merge notes), not kept as a binary file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from progleton import Progleton, make_progleton
from progleton.exceptions import NotFound
from progleton.store import migrations_config
from progleton.web.accounts import hash_password, verify_password

NOW = datetime.now(UTC).replace(microsecond=0)


def _table(name: str, *columns: tuple[str, sa.types.TypeEngine[object]]) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, t) for c, t in columns))


T, N, J, D, B = sa.Text(), sa.Integer(), sa.JSON(), sa.DateTime(timezone=True), sa.Boolean()
SOURCES = _table("sources", ("id", N), ("url", T), ("title", T), ("site_url", T), ("added_at", D),
                 ("last_fetched_at", D), ("last_status", T), ("next_fetch_at", D), ("interval_minutes", sa.Float()))
GROUPS = _table("source_groups", ("source_id", N), ("name", T))
STORIES = _table("stories", ("id", T), ("title", T), ("first_seen", D), ("last_seen", D), ("article_count", N),
                 ("outlet_count", N), ("independent_count", N), ("score", sa.Float()), ("lead_article_id", N))
ARTICLES = _table("articles", ("id", N), ("url", T), ("canonical_url", T), ("title", T), ("text", T), ("html", T),
                  ("authors", J), ("published", D), ("language", T), ("word_count", N), ("warnings", J),
                  ("text_hash", T), ("source_id", N), ("story_id", T), ("wire_copy_of", N), ("reasons", J),
                  ("created_at", D))
ENTRIES = _table("entries", ("source_id", N), ("guid", T), ("link", T), ("title", T), ("authors", J),
                 ("published", D), ("article_id", N), ("first_seen", D))
CORRECTIONS = _table("corrections", ("kind", T), ("article_id", N), ("story_id", T), ("into_story_id", T),
                     ("created_at", D))
USERS = _table("users", ("id", N), ("name", T), ("password_hash", T), ("is_admin", B), ("created_at", D))
ARTICLE_STATE = _table("article_state", ("user_id", N), ("article_id", N), ("read", B), ("starred", B))
STORY_STATE = _table("story_state", ("user_id", N), ("story_id", T), ("last_seen_at", D), ("followed", B))
SAVED = _table("saved_searches", ("id", N), ("user_id", N), ("name", T), ("query", T), ("created_at", D))
PROFILES = _table("site_profiles", ("host", T), ("data", T), ("updated_at", D))

# (id, source, story, title, text, reasons as the first versions wrote them)
ARTICLE_ROWS = [
    (1, 1, "story-1", "Ferry operator orders two electric vessels",
     "The Port Alder ferry operator ordered two electric vessels for the island route.",
     {"score": 0.08, "shared_terms": [], "shared_names": [], "nearest": None,
      "note": "new story (closest story-3 scored 0.08 < 0.65)", "new_story": True, "wire_copy_of": None}),
    (2, 2, "story-1", "Electric ferries ordered for the Skerry route",
     "Two electric ferries will serve Skerry Island from 2028, the operator said.",
     {"score": 0.93, "shared_terms": ["ferry", "electric"], "shared_names": ["skerry"], "nearest": "1",
      "note": "joined by text+names", "new_story": False, "wire_copy_of": None}),
    (3, 2, "story-3", "River Vell reaches highest level in decades",
     "The River Vell rose above its banks at Kestrel Falls overnight.",
     {"score": 0.05, "note": "new story (closest story-1 scored 0.05 < 0.65)", "new_story": True}),
    (4, 1, "story-4~1", "Record flood on the Vell: what we know so far",
     "Everything known about the flooding at Kestrel Falls.", {"note": "moved by a user", "score": 1.0}),
    (5, 1, "story-1", "Night ferry to run on weekends only",
     "The night ferry to Skerry Island will run on Fridays and Saturdays.",
     {"note": "merged by a user into story-1", "score": 1.0}),
]


def build_first_schema_database(url: str) -> None:
    """The first schema, filled as the first versions filled it: two sources in groups, three
    stories (one split out by a move, one merged away), entries, a site profile, an admin with a
    password beside the open reader's user, read, starred and followed state, a saved search."""
    engine = sa.create_engine(url)
    config = migrations_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        conn.execute(sa.insert(SOURCES), [
            {"id": i, "url": f"https://{host}/feed", "title": title, "site_url": f"https://{host}/",
             "added_at": NOW - timedelta(days=1), "last_fetched_at": NOW - timedelta(hours=1),
             "last_status": "ok", "next_fetch_at": NOW + timedelta(hours=1), "interval_minutes": 120.0}
            for i, host, title in ((1, "harbour.example", "Harbour Dispatch"), (2, "valley.example", "Valley Ledger"))])
        conn.execute(sa.insert(GROUPS), [{"source_id": 1, "name": "local"}, {"source_id": 2, "name": "local"},
                                         {"source_id": 2, "name": "rivers"}])
        stories = {"story-1": (1, 3, 2), "story-3": (3, 1, 1), "story-4~1": (4, 1, 1)}  # lead, articles, outlets
        conn.execute(sa.insert(STORIES), [
            {"id": sid, "title": ARTICLE_ROWS[lead - 1][3], "first_seen": NOW - timedelta(hours=5),
             "last_seen": NOW - timedelta(hours=2), "article_count": count, "outlet_count": outlets,
             "independent_count": outlets, "score": 0.0, "lead_article_id": lead}
            for sid, (lead, count, outlets) in stories.items()])
        conn.execute(sa.insert(ARTICLES), [
            {"id": i, "url": f"https://s{src}.example/{i}", "canonical_url": f"https://s{src}.example/{i}",
             "title": title, "text": text, "html": f"<p>{text}</p>", "authors": ["Ann Reporter"],
             "published": NOW - timedelta(hours=6 - i), "language": "en", "word_count": len(text.split()),
             "warnings": [], "text_hash": f"hash-{i}", "source_id": src, "story_id": story, "wire_copy_of": None,
             "reasons": reasons, "created_at": NOW - timedelta(hours=6 - i)}
            for i, src, story, title, text, reasons in ARTICLE_ROWS])
        conn.execute(sa.insert(ENTRIES), [
            {"source_id": src, "guid": f"guid-{i}", "link": f"https://s{src}.example/{i}?utm_source=rss",
             "title": title, "authors": [], "published": NOW - timedelta(hours=6 - i), "article_id": i,
             "first_seen": NOW - timedelta(hours=6 - i)} for i, src, _, title, _, _ in ARTICLE_ROWS])
        conn.execute(sa.insert(CORRECTIONS), [
            {"kind": "move", "article_id": 4, "story_id": None, "into_story_id": None, "created_at": NOW},
            {"kind": "merge", "article_id": None, "story_id": "story-5", "into_story_id": "story-1", "created_at": NOW}])
        conn.execute(sa.insert(USERS), [
            {"id": 1, "name": "local", "password_hash": "!", "is_admin": True, "created_at": NOW},
            {"id": 2, "name": "admin", "password_hash": hash_password("old-secret"), "is_admin": True,
             "created_at": NOW}])
        conn.execute(sa.insert(ARTICLE_STATE), [{"user_id": 2, "article_id": 1, "read": True, "starred": True},
                                                {"user_id": 2, "article_id": 3, "read": True, "starred": False}])
        conn.execute(sa.insert(STORY_STATE), [{"user_id": 2, "story_id": "story-3", "last_seen_at": NOW,
                                               "followed": True}])
        conn.execute(sa.insert(SAVED), [{"id": 1, "user_id": 2, "name": "Ferries", "query": "ferry",
                                         "created_at": NOW}])
        conn.execute(sa.insert(PROFILES), [{"host": "harbour.example", "updated_at": NOW, "data":
                                            '{"version":1,"host":"harbour.example","min_pages":3,'
                                            '"min_share":0.5,"pages_observed":0,"pages":{},"blocks":{}}'}])
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def upgraded(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Progleton]:
    url = f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    build_first_schema_database(url)
    p = make_progleton(url)
    try:
        yield p
    finally:
        p.close()


def test_the_first_schema_upgrades_to_the_latest(upgraded: Progleton) -> None:
    from alembic.script import ScriptDirectory

    with upgraded.store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == \
            ScriptDirectory.from_config(migrations_config()).get_current_head()


def test_sources_stories_and_articles_are_kept(upgraded: Progleton) -> None:
    sources = {s.id: s for s in upgraded.sources()}
    assert {i: s.title for i, s in sources.items()} == {1: "Harbour Dispatch", 2: "Valley Ledger"}
    assert set(sources[2].groups) == {"local", "rivers"}
    stories = {s.id: s for s in upgraded.stories(limit=10)}
    assert set(stories) == {"story-1", "story-3", "story-4~1"}
    assert stories["story-1"].article_count == 3
    assert [a.id for a in upgraded.story("story-4~1").articles] == [4]
    article = upgraded.article(2)
    assert article.title == "Electric ferries ordered for the Skerry route"
    assert article.source_id == 2


def test_search_finds_what_the_first_schema_indexed(upgraded: Progleton) -> None:
    assert {h.article.id for h in upgraded.search("ferry")} >= {1, 5}
    assert [h.article.id for h in upgraded.search("Kestrel")] in ([3, 4], [4, 3])


def test_corrections_are_kept_and_a_merged_story_leads_on(upgraded: Progleton) -> None:
    assert upgraded.story_or_successor("story-5") == "story-1"
    upgraded.grouper  # built from storage: saved state absent, memberships and corrections replayed  # noqa: B018
    assert upgraded.story("story-4~1").articles[0].id == 4
    assert upgraded.move_article(2) != "story-1"  # a new correction on the upgraded data


def test_an_old_merge_that_cannot_be_undone_says_why(upgraded: Progleton) -> None:
    """The first versions did not record which articles a merge brought: story-5's article is
    still in story-1, so 'none of its articles is left' was wrong."""
    with pytest.raises(NotFound, match="earlier version of Progleton") as caught:
        upgraded.unmerge_story("story-5")
    assert "none of" not in str(caught.value)
    assert "progleton move" in str(caught.value)


def test_accounts_and_reading_state_are_kept(upgraded: Progleton) -> None:
    store = upgraded.store
    admin = store.get_user(name="admin")
    assert admin is not None and verify_password("old-secret", admin["password_hash"])
    assert store.article_states(2, [1, 3]) == {1: (True, True), 3: (True, False)}
    assert store.followed_story_ids(2) == ["story-3"]
    assert [(s["name"], s["query"]) for s in store.saved_searches(2)] == [("Ferries", "ferry")]
    assert "harbour.example" in store.site_profile_keys()


def test_a_source_removed_after_the_upgrade_leaves_its_name_on_its_articles(upgraded: Progleton) -> None:
    upgraded.remove_source(1)
    assert upgraded.article(1).outlet == "Harbour Dispatch"
