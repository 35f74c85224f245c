"""The migrations build exactly the schema the queries are written against."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from progleton.store import open_store
from progleton.store.schema import metadata


def test_migrated_database_matches_schema_module(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with store.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
        # The FTS5 tables are SQLite-specific and live outside the portable schema.
        diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("articles_fts"))]
        assert diff == [], "schema.py changed without a migration: add a revision in store/migrations/versions"
    finally:
        store.close()


def test_migrations_are_recorded(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0014"
    finally:
        store.close()


@pytest.mark.postgres
def test_processes_opening_a_new_postgresql_database_at_once_take_turns(postgres_url: str) -> None:
    """``serve`` and a cron ``update`` first started together: both migrate, one after the other
    (before, the second's CREATE TABLE could fail on the first's half-made types)."""
    from concurrent.futures import ThreadPoolExecutor

    def open_and_close(_: int) -> str:
        store = open_store(postgres_url)
        store.close()
        return "ok"

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(open_and_close, range(4))) == ["ok"] * 4


def test_a_database_from_a_newer_progleton_says_so(tmp_path: Path) -> None:
    from progleton.exceptions import StorageError

    url = f"sqlite:///{tmp_path / 'm.db'}"
    open_store(url).close()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(StorageError, match="written by a newer Progleton"):
        open_store(url)


def test_a_mistyped_sqlite_path_makes_no_folders(tmp_path: Path) -> None:
    from progleton.exceptions import StorageError

    with pytest.raises(StorageError, match="does not exist; create it first"):
        open_store(f"sqlite:///{tmp_path / 'no' / 'such' / 'x.db'}")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_upgrading_scores_every_story_again_by_its_recent_outlets(
        tmp_path: Path, request: pytest.FixtureRequest, database: str) -> None:
    """Migration 0008: a story of one feed's 300 items, scored when reports of the last six
    hours counted one by one, had stayed above a story of three outlets until its next report."""
    from datetime import UTC, datetime, timedelta

    from alembic import command

    from progleton.store import migrate, migrations_config
    from progleton.stories import story_score

    url = f"sqlite:///{tmp_path / 'm.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    config = migrations_config()
    now = datetime(2026, 12, 6, 22, tzinfo=UTC)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0007")
        conn.execute(sa.text("INSERT INTO sources (id, url, title, added_at) VALUES "
                             "(1, 'https://a.example/feed', 'A', :t), (2, 'https://b.example/feed', 'B', :t), "
                             "(3, 'https://c.example/feed', 'C', :t), (4, 'https://d.example/feed', 'D', :t), "
                             "(5, 'https://flood.example/feed', 'Flood', :t)"), {"t": now})
        for story_id, outlets, last, old_score in (
                ("story-flood", 1, now, story_score(1, now, 300)), ("story-quake", 3, now - timedelta(hours=1),
                                                                   story_score(3, now - timedelta(hours=1), 4))):
            conn.execute(sa.text("INSERT INTO stories (id, title, last_seen, article_count, independent_count, score) "
                                 "VALUES (:id, 'x', :last, 1, :n, :score)"),
                         {"id": story_id, "last": last, "n": outlets, "score": old_score})
        rows = [("story-flood", 5, now - timedelta(minutes=i), None) for i in range(300)]
        rows += [("story-quake", s, now - timedelta(hours=1, minutes=s), None) for s in (1, 2, 3)]
        rows += [("story-quake", 4, now - timedelta(hours=1), 3)]  # a wire copy: no outlet of its own
        for n, (story_id, source_id, at, copy_of) in enumerate(rows):
            conn.execute(sa.text("INSERT INTO articles (url, canonical_url, title, source_id, story_id, published, "
                                 "wire_copy_of, created_at, authors, warnings, reasons) VALUES "
                                 "(:u, :u, 'x', :s, :story, :at, :copy, :at, '[]', '[]', '{}')"),
                         {"u": f"https://x.example/{n}", "s": source_id, "story": story_id, "at": at, "copy": copy_of})
    migrate(engine)
    with engine.connect() as conn:
        scores = dict(conn.execute(sa.text("SELECT id, score FROM stories")).all())
    engine.dispose()
    assert scores["story-flood"] == pytest.approx(story_score(1, now, 1))
    assert scores["story-quake"] == pytest.approx(story_score(3, now - timedelta(hours=1), 3))
    assert scores["story-quake"] > scores["story-flood"]


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_upgrading_indexes_stored_arabic_as_search_reads_it(
        tmp_path: Path, request: pytest.FixtureRequest, database: str) -> None:
    """Migration 0013: articles stored before it are found by "احمد" and "محمد" when they write
    "أحمد" and "مُحَمَّد"; articles changed and removed afterwards leave nothing of their old
    words in the index."""
    from datetime import UTC, datetime

    from alembic import command

    from progleton.store import migrate, migrations_config

    url = f"sqlite:///{tmp_path / 'm.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    config = migrations_config()
    now = datetime(2026, 12, 7, 9, tzinfo=UTC)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0012")
        conn.execute(sa.text("INSERT INTO sources (id, url, title, added_at) VALUES (1, 'https://a.example/feed', "
                             "'A', :t)"), {"t": now})
        for n, (title, text) in enumerate([("أحمد يفوز", "فاز أحمد بالسباق."), ("زيارة", "زار مُحَمَّد العاصمة."),
                                           ("إحمد", "قال إحمد كلمة."), ("Ferry", "The ferry left.")], start=1):
            conn.execute(sa.text("INSERT INTO articles (id, url, canonical_url, title, text, source_id, created_at, "
                                 "authors, warnings, reasons) VALUES (:n, :u, :u, :title, :text, 1, :t, '[]', '[]', "
                                 "'{}')"), {"n": n, "u": f"https://a.example/{n}", "title": title, "text": text,
                                            "t": now})
    migrate(engine)
    engine.dispose()
    store = open_store(url)
    try:
        found = lambda q: sorted(h.article.id for h in store.search(q))  # noqa: E731
        assert found("احمد") == [1, 3] and found("محمد") == [2] and found("ferry") == [4]
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE articles SET title = 'Ferry', text = 'The ferry is late.' WHERE id = 1"))
            conn.execute(sa.text("DELETE FROM articles WHERE id = 3"))
        assert found("احمد") == [] and found("ferry") == [1, 4]
    finally:
        store.close()


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_upgrading_stores_the_search_vector_of_every_article(
        tmp_path: Path, request: pytest.FixtureRequest, database: str) -> None:
    """Migration 0014: articles stored before it are found after it, as they were (Arabic folded,
    accents too, by the headline shown), and on PostgreSQL each has its stored vector; articles
    changed and removed afterwards leave nothing of their old words behind."""
    from datetime import UTC, datetime

    from alembic import command

    from progleton.store import migrate, migrations_config

    url = f"sqlite:///{tmp_path / 'm.db'}" if database == "sqlite" else request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    config = migrations_config()
    now = datetime(2026, 12, 7, 13, tzinfo=UTC)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0013")
        conn.execute(sa.text("INSERT INTO sources (id, url, title, added_at) VALUES (1, 'https://a.example/feed', "
                             "'A', :t)"), {"t": now})
        for n, (title, headline, text) in enumerate([("أحمد يفوز", None, "فاز أحمد بالسباق."),
                                                     ("Grève", None, "A strike at the café."),
                                                     ("Bridge closes", "Quillington bridge reopens", "Cars again.")],
                                                    start=1):
            conn.execute(sa.text("INSERT INTO articles (id, url, canonical_url, title, headline, text, source_id, "
                                 "created_at, authors, warnings, reasons) VALUES (:n, :u, :u, :title, :headline, "
                                 ":text, 1, :t, '[]', '[]', '{}')"),
                         {"n": n, "u": f"https://a.example/{n}", "title": title, "headline": headline, "text": text,
                          "t": now})
    migrate(engine)
    if database == "postgresql":
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM articles WHERE search_vector IS NOT NULL")).scalar() == 3
    engine.dispose()
    store = open_store(url)
    try:
        found = lambda q: sorted(h.article.id for h in store.search(q))  # noqa: E731
        assert found("احمد") == [1] and found("cafe") == [2] and found("greve") == [2]
        assert found("Quillington") == [3] and found("closes") == []
        with store.engine.begin() as conn:
            conn.execute(sa.text("UPDATE articles SET headline = 'Ferry', text = 'The ferry is late.' WHERE id = 1"))
            conn.execute(sa.text("DELETE FROM articles WHERE id = 2"))
        assert found("احمد") == [] and found("ferry") == [1] and found("cafe") == []
    finally:
        store.close()
