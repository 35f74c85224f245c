"""The migrations build exactly the schema the queries are written against."""

from __future__ import annotations

from pathlib import Path

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
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
    finally:
        store.close()
