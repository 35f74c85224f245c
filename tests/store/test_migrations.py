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
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0007"
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
